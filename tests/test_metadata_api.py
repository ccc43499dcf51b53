"""Document status through the API: /v1/documents lists status and validity, and filters on status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_settings
from fastapi.testclient import TestClient
from files import make_md

pytestmark = pytest.mark.slow

OLD = ({"标题": "示例市奖励办法", "发布机关": "示例市工业和信息化局", "文号": "示工信〔2023〕58号", "日期": "2023年6月1日"},
       "第一条 对示范车间给予最高100万元奖励。\n第九条 本办法自2023年7月1日起施行。")
NEW = ({"标题": "示例市奖励办法（2025年修订）", "发布机关": "示例市工业和信息化局", "文号": "示工信〔2025〕102号",
        "日期": "2025年9月1日"},
       "第一条 对示范车间给予最高150万元奖励。\n"
       "第十二条 本办法自2025年10月1日起施行，有效期至2028年9月30日。原《示例市奖励办法》同时废止。")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("status")


@pytest.fixture(scope="module")
def client(root: Path) -> Iterator[TestClient]:
    from assistant.api.app import create_app
    from assistant.wiring import build_assistant

    (root / "docs").mkdir()
    make_md(root / "docs" / "old.md", *OLD)
    make_md(root / "docs" / "new.md", *NEW)
    settings = make_settings(root / "data", reference_date="2026-01-01")
    assistant = build_assistant(settings)
    assistant.kb.ingest([root / "docs"])
    with TestClient(create_app(settings, assistant), base_url="http://127.0.0.1") as c:
        yield c


def test_documents_list_status_and_validity(client: TestClient) -> None:
    rows = {r["title"]: r for r in client.get("/v1/documents").json()["documents"]}
    new = rows["示例市奖励办法（2025年修订）"]
    assert (new["status"], new["valid_from"], new["valid_until"]) == ("current", "2025-10-01", "2028-09-30")
    assert (rows["示例市奖励办法"]["status"], rows["示例市奖励办法"]["superseded_by"]) == ("superseded", new["doc_id"])


def test_documents_filtered_by_status(client: TestClient) -> None:
    superseded = client.get("/v1/documents", params={"status": "superseded"}).json()["documents"]
    assert [r["title"] for r in superseded] == ["示例市奖励办法"]
    bad = client.get("/v1/documents", params={"status": "old"})
    assert bad.status_code == 422 and "not_yet_in_force" in bad.text


def test_cli_sources_says_what_is_not_current(client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    monkeypatch.setenv("ZHICE_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("ZHICE_REFERENCE_DATE", "2026-01-01")
    assert main(["sources"]) == 0
    listing = capsys.readouterr().out
    old_line = next(line for line in listing.splitlines() if "示工信〔2023〕58号" in line)
    assert "已废止（现行：《示例市奖励办法（2025年修订）》）" in old_line
    assert "已废止" not in next(line for line in listing.splitlines() if "示工信〔2025〕102号" in line)
