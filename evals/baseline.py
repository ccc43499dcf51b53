"""The recipe a user would build first: RecursiveCharacterTextSplitter(500) + the same embedder + plain
similarity search. Only its retrieval is scored (hit@k beside Zhice's), so it needs no answer layer.

The files are read with Zhice's own loaders, so the comparison isolates chunking and retrieval.
Passage vectors are cached in a JSON file (the bundled embedder does ~15 passages/s on 2 cores).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

log = logging.getLogger(__name__)
CHUNK_CHARS = 500
CHUNK_OVERLAP = 50


class CachedEmbeddings(Embeddings):
    """Wraps an embedder; passage vectors are kept in `path` by the hash of their text."""

    def __init__(self, inner: Embeddings, path: Path) -> None:
        self.inner, self.path = inner, path
        self.cache: dict[str, list[float]] = json.loads(path.read_text()) if path.is_file() else {}

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if self.key(t) not in self.cache]
        if missing:
            log.info("baseline: embedding %d passages (%d cached)", len(missing), len(texts) - len(missing))
            for t, v in zip(missing, self.inner.embed_documents(missing), strict=True):
                self.cache[self.key(t)] = list(v)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.cache))
        return [self.cache[self.key(t)] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@dataclass
class Baseline:
    """Plain langchain retrieval over the same files."""

    store: InMemoryVectorStore
    texts: dict[str, str]

    @staticmethod
    def build(files: list[Path], embedder: Embeddings, max_bytes: int) -> Baseline:
        """Split every readable file into 500-character pieces and embed them."""
        from ingest.loaders import load_file  # the product's readers: same text in, only chunking differs

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP)
        texts: dict[str, str] = {}
        for f in files:
            try:
                loaded = load_file(f, max_bytes)
            except Exception as e:  # noqa: BLE001 - a file the product skips is skipped here too
                log.warning("baseline: %s skipped (%s)", f.name, e)
                continue
            text = "\n".join(p.text for p in loaded.pages) or "\n".join(
                "，".join(f"{k}：{v}" for k, v in r.items()) for r in loaded.records)
            stem = hashlib.sha256(str(f).encode()).hexdigest()[:12]
            for i, piece in enumerate(splitter.split_text(text)):
                texts[f"{stem}:{i}"] = piece
        store = InMemoryVectorStore(embedder)
        store.add_texts(list(texts.values()), ids=list(texts))
        return Baseline(store, texts)

    def retrieve(self, question: str, k: int = 10) -> list[str]:
        """The texts of the k most similar pieces, best first."""
        return [self.texts[str(d.id)] for d in self.store.similarity_search(question, k=k)]
