"""The web UI in headless Debian Chromium (driven by playwright; no browser is downloaded)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings, needs_chromium

from assistant.api.serve import background_server, build_server
from assistant.settings import PROJECT_ROOT, Settings

# Read at import: the autouse fixture in conftest clears every ZHICE_* variable before each test.
KEEP_SCREENSHOT = bool(os.environ.get("ZHICE_KEEP_SCREENSHOT"))
QUESTION = "智能制造示范工厂的建设期是多长时间？"
PLAN = """# 智能制造试点示范行动实施方案

## 四、重点工作

（三）建设智能制造示范工厂。智能制造示范工厂建设期为２年。各地工业和信息化主管部门组织本地区企业揭榜，\
择优推荐揭榜单位。
"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("ui") / "data")


@pytest.fixture(scope="module")
def url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from assistant.wiring import build_assistant

    docs = tmp_path_factory.mktemp("ui-docs")
    (docs / "plan.md").write_text(PLAN, encoding="utf-8")
    assistant = build_assistant(settings)
    assistant.kb.ingest([docs])
    with background_server(build_server(settings, assistant)) as base:
        yield base


@pytest.fixture()
def page(browser: Any, url: str) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/ui/", wait_until="domcontentloaded")
    page.locator("#zc-question textarea").wait_for()
    yield page
    context.close()


def ask(page: Any, question: str) -> Any:
    page.locator("#zc-question textarea").fill(question)
    page.locator("#zc-send").click()
    card = page.locator("#zc-chat .zc-card").first
    card.wait_for()
    return card


def test_a_question_gets_a_streamed_answer_with_citation_cards(page: Any, tmp_path: Path) -> None:
    card = ask(page, QUESTION)
    chat = page.locator("#zc-chat").inner_text()
    assert QUESTION in chat and "２年" in chat and "参考来源" in chat
    assert "《智能制造试点示范行动实施方案》" in card.inner_text()
    assert "官方原文" in card.locator(".zc-badge").inner_text()
    assert "建设期为２年" in card.locator(".zc-quote").inner_text()

    shot = tmp_path / "ui-screenshot.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if KEEP_SCREENSHOT:
        reports = PROJECT_ROOT / "reports"
        reports.mkdir(exist_ok=True)
        shutil.copy(shot, reports / "ui-screenshot.png")


def test_an_example_question_can_be_asked(page: Any) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.get_by_text("智能制造示范工厂的建设期是多长时间？", exact=True).first.click()
    expect(page.locator("#zc-question textarea")).to_have_value(QUESTION)  # set by the app, not at once


def test_thumbs_up_is_recorded_as_feedback(page: Any, settings: Settings) -> None:
    ask(page, QUESTION)
    page.locator("#zc-chat").get_by_role("button", name="赞", exact=True).first.click()  # "Like" in zh-CN
    page.locator("#zc-note").get_by_text("感谢反馈").wait_for()
    lines = (settings.data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    assert record["question"] == QUESTION and record["vote"] == "up" and "２年" in record["answer"]
    assert record["time"]


def test_knowledge_base_tab_lists_uploads_and_removes(page: Any, settings: Settings, tmp_path: Path) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.get_by_role("tab", name="知识库").click()
    docs = page.locator("#zc-docs")
    expect(docs).to_contain_text("智能制造试点示范行动实施方案")  # the table keeps hidden copies of cells

    new = tmp_path / "示例市办法.md"
    text = "示例市智能工厂培育办法\n\n第一条 对认定的示例市智能工厂给予一次性奖励300万元。\n"
    new.write_text(text, encoding="utf-8")
    page.locator("#zc-upload input[type=file]").set_input_files(str(new))
    page.locator("#zc-ingest").click()
    page.locator("#zc-ingest-log").get_by_text("已新增").wait_for()
    expect(docs).to_contain_text("示例市智能工厂培育办法")
    assert (settings.data_dir / "uploads" / "示例市办法.md").is_file()

    log = page.locator("#zc-ingest-log").inner_text()
    doc_id = log.split("doc_id")[1].split("，")[0].strip(" `")
    page.locator("#zc-doc-id textarea, #zc-doc-id input").first.fill(doc_id)
    page.locator("#zc-remove").click()
    page.locator("#zc-remove-log").get_by_text("已删除").wait_for()
    expect(docs).not_to_contain_text("示例市智能工厂培育办法")
    assert not (settings.data_dir / "uploads" / "示例市办法.md").exists()
