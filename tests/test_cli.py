"""The command line: real commands in-process, bad input → a message and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from files import SAMPLE_MD_BODY, SAMPLE_MD_HEADER, make_corrupt_pdf, make_md

from assistant.cli import main


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZHICE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.mark.slow
def test_ingest_search_ask_sources(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    make_md(docs / "办法.md", SAMPLE_MD_HEADER, SAMPLE_MD_BODY)
    make_corrupt_pdf(docs / "坏.pdf")
    assert main(["ingest", str(docs), "--quiet"]) == 3  # one file skipped: reported, the rest went in
    out = capsys.readouterr().out
    assert "新增 added 1" in out and "坏.pdf" in out
    assert main(["ingest", str(docs), "--quiet", "--allow-skips"]) == 0
    assert "chunks embedded 0" in capsys.readouterr().out
    assert main(["search", "独立法人资格", "--k", "2"]) == 0
    assert "独立法人" in capsys.readouterr().out
    assert main(["ask", "申报企业要有独立法人资格吗？", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["citations"] and not answer["refused"]
    assert main(["sources"]) == 0
    assert SAMPLE_MD_HEADER["标题"] in capsys.readouterr().out


def test_bad_input_exits_non_zero_with_a_message(tmp_path: Path, data_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("province: [", encoding="utf-8")
    assert main(["check", str(bad)]) == 2
    assert "not valid YAML" in capsys.readouterr().err
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("province: 火星\n", encoding="utf-8")
    assert main(["check", str(wrong)]) == 2
    assert "province" in capsys.readouterr().err
    assert main(["ask", "   "]) == 2
    assert "empty" in capsys.readouterr().err
    assert main(["criteria", "check"]) == 2  # nothing indexed yet
    assert "zhice ingest" in capsys.readouterr().err


def test_check_profile_prints_the_checklist(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("province: 黑龙江\nabove_scale: true\nlegal_entity_years: 1\n", encoding="utf-8")
    assert main(["check", str(profile)]) == 0
    out = capsys.readouterr().out
    assert "❌" in out and "第六条（一）" in out and "黑工信规规〔2025〕7号" in out
