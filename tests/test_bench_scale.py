"""The scale benchmark runs end to end on a tiny generated corpus and prints its one JSON line."""

import json

import pytest

from benchmarks.scale_bench import HashEmbeddings, main


def test_hash_embeddings_are_deterministic_and_normalised():
    e = HashEmbeddings()
    a, b = e.embed_query("智能工厂奖励多少"), e.embed_query("智能工厂奖励多少")
    assert a == b and len(a) == 384 and abs(sum(x * x for x in a) - 1.0) < 1e-5


@pytest.mark.slow
def test_bench_scale_prints_one_json_line(tmp_path, capsys):
    assert main(["--chunks", "40", "--json", "--work", str(tmp_path)]) == 0
    row = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(row) == {"chunks", "ingest_chunks_per_s", "open_s", "upload_one_s", "answer_p50_ms", "answer_p95_ms",
                        "rss_mb"}
    assert row["chunks"] > 0
