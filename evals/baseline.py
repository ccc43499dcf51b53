"""The recipe a user would build first: RecursiveCharacterTextSplitter(500) + the same embedder + top-4
similarity + the same extractive composer. Scored beside Zhice so the report shows the ratio."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.citations import verify
from assistant.compose import Composer
from assistant.domain import Answer, Chunk, DocumentMeta
from assistant.errors import BadInput
from assistant.lexical import BM25Index
from ingest.loaders import load_file
from ingest.pipeline import discover

K = 4
CHUNK_CHARS = 500


@dataclass
class Baseline:
    """Plain langchain retrieval over the same files."""

    store: InMemoryVectorStore
    chunks: dict[str, Chunk]
    composer: Composer

    @staticmethod
    def build(paths: list[Path], embedder: Embeddings, max_bytes: int) -> Baseline:
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=50)
        files, _ = discover(paths)
        chunks: dict[str, Chunk] = {}
        for f in files:
            try:
                loaded = load_file(f, max_bytes)
            except BadInput:
                continue
            text = "\n".join(p.text for p in loaded.pages) or "\n".join(
                "，".join(f"{k}：{v}" for k, v in r.items()) for r in loaded.records)
            doc = DocumentMeta(doc_id=hashlib.sha256(str(f).encode()).hexdigest()[:16], title=f.stem, source=str(f))
            for i, piece in enumerate(splitter.split_text(text)):
                cid = f"{doc.doc_id}:{i}"
                chunks[cid] = Chunk(chunk_id=cid, doc=doc, text=piece, ord=i)
        store = InMemoryVectorStore(embedder)
        store.add_texts([c.text for c in chunks.values()], ids=list(chunks))
        bm25 = BM25Index(list(chunks), [c.text for c in chunks.values()])
        return Baseline(store, chunks, Composer(idf=bm25.idf, doc_chunks=lambda d: []))

    def retrieve(self, question: str, k: int = K) -> list[Chunk]:
        docs = self.store.similarity_search(question, k=k)
        return [self.chunks[str(d.id)] for d in docs]

    def answer(self, question: str) -> Answer:
        evidence = self.retrieve(question)
        comp = self.composer.compose(question, evidence)
        text, cites = verify(comp.text, comp.chunks)
        return Answer(text, citations=tuple(cites), evidence=tuple(evidence))
