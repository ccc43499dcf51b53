"""`zhice eval` end to end on two tiny corpus folders: its own index (built once, then reused), reports in --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.errors import BadInput
from assistant.settings import Settings
from evals.cli import ensure_index

pytestmark = pytest.mark.slow

POLICY_A = """# 某省数字化车间认定办法

第一条 拟认定名单在省工信厅网站公示，公示期为7个工作日。

第二条 对新认定的省级数字化车间，给予一次性奖励50万元。
"""
POLICY_B = """# 某市智能工厂奖励细则

一、对新认定的市级智能工厂，按投入的10%给予奖励，最高不超过300万元。
"""
GOLD = [
    {"id": "t-1", "kind": "fact", "question": "省级数字化车间的认定名单公示几天？",
     "evidence": ["公示期为7个工作日"], "expect_all": [["7个工作日"]]},
    {"id": "t-2", "kind": "out_of_domain", "question": "帮我写一首关于春天的诗", "evidence": [], "expect_all": []},
]
CONVERSATION = {"id": "c-1", "turns": [
    {"question": "市级智能工厂奖励怎么算？", "kind": "fact", "evidence": ["最高不超过300万元"], "expect_all": [["300万"]]},
    {"question": "省级数字化车间呢？", "kind": "fact", "evidence": ["给予一次性奖励50万元"], "expect_all": [["50万"]]},
]}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("eval-cli")
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "a" / "province.md").write_text(POLICY_A, encoding="utf-8")
    (root / "b" / "city.md").write_text(POLICY_B, encoding="utf-8")
    (root / "b" / "README.md").write_text("# not a document\n", encoding="utf-8")
    (root / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD), encoding="utf-8")
    (root / "mt.jsonl").write_text(json.dumps(CONVERSATION, ensure_ascii=False) + "\n", encoding="utf-8")
    return root, root / "a", root / "b"


def test_eval_writes_reports_and_reuses_its_index(folders: tuple[Path, Path, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import evals.cli

    monkeypatch.setattr(evals.cli, "pipeline_fingerprint", lambda settings: "this ingest code")  # see below
    root, a, b = folders
    monkeypatch.setenv("ZHICE_DATA_DIR", str(tmp_path / "user-data"))
    argv = ["eval", "--corpus", str(a), str(b), "--gold", str(root / "gold.jsonl"), str(root / "mt.jsonl"),
            "--index-dir", str(tmp_path / "eval-index"), "--out", str(tmp_path / "out")]
    assert main(argv) == 0
    report = json.loads((tmp_path / "out" / "eval.json").read_text(encoding="utf-8"))
    md = (tmp_path / "out" / "eval.md").read_text(encoding="utf-8")
    assert "(built;" in report["about"]["index"]
    single, multi = report["sets"]
    assert single["zhice"]["overall"]["n"] == 2 and single["zhice"]["true_refusals"]["n"] == 1
    assert single["baseline"]["overall"]["hit@1_n"] == 1
    assert multi["conversations"]["conversations"] == 1 and multi["zhice"]["overall"]["n"] == 2
    assert "| gold set |" in md and "## gold" in md and "## mt" in md
    assert not (tmp_path / "user-data").exists()  # the user's index is never touched

    capsys.readouterr()
    assert main([*argv, "--no-baseline", "--name", "again"]) == 0
    again = json.loads((tmp_path / "out" / "again.json").read_text(encoding="utf-8"))
    assert "(reused;" in again["about"]["index"] and "baseline" not in again["sets"][0]


def test_eval_index_refuses_the_user_data_dir_and_foreign_folders(folders: tuple[Path, Path, Path],
                                                                  tmp_path: Path) -> None:
    _, a, _ = folders
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(BadInput, match="user's data dir"):
        ensure_index(settings, [a], tmp_path / "data", rebuild=False)
    foreign = tmp_path / "someone-else"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BadInput, match="not an eval index"):
        ensure_index(settings, [a], foreign, rebuild=True)
    assert (foreign / "keep.txt").exists()


def test_eval_index_is_rebuilt_when_the_pipeline_changed_unless_kept(folders: tuple[Path, Path, Path],
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import evals.cli

    # the real fingerprint hashes the ingest sources, which may change while this test runs
    monkeypatch.setattr(evals.cli, "pipeline_fingerprint", lambda settings: "this ingest code")
    _, a, b = folders
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    index = tmp_path / "eval-index"
    assert ensure_index(settings, [a], index, rebuild=False) == "built"
    assert ensure_index(settings, [a], index, rebuild=False) == "reused"
    assert ensure_index(settings, [a, b], index, rebuild=False) == "updated"  # a folder more: ingested on top
    manifest = index / "eval-manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "pipeline": "older ingest code"}), encoding="utf-8")
    assert ensure_index(settings, [a, b], index, rebuild=False, keep=True).startswith("reused, stale")
    assert ensure_index(settings, [a, b], index, rebuild=False) == "built"
