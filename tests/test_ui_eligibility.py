"""申报自评 in the UI: the pure checklist renderer, the form → profile reading, the export, and the tab in
headless Chromium (same setup as test_ui_browser)."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import make_settings, needs_chromium
from test_ui_browser import KEEP_SCREENSHOT

from assistant.api.serve import background_server, build_server
from assistant.eligibility import (
    PROFILE_FIELDS,
    CriterionResult,
    Profile,
    ProgrammeVerdict,
    Source,
    evaluate,
    load_programmes,
    to_markdown,
)
from assistant.settings import PROJECT_ROOT, Settings
from ui import checklist, render
from ui.app import NO_TITLES, UNKNOWN, cities_of, form_profile, write_export

HLJ_BASIC = "heilongjiang_digital_workshop_basic"
HLJ_ONE_YEAR = {"province": "黑龙江", "legal_entity_years": 1, "above_scale": True}


@pytest.fixture(scope="module")
def programmes() -> list[Any]:
    return load_programmes()


def verdicts_for(programmes: list[Any], profile: dict[str, Any], only: list[str] | None = None
                 ) -> list[ProgrammeVerdict]:
    return evaluate(Profile.from_dict(profile), programmes, only=only)


def rows(html_text: str) -> list[str]:
    """The body rows of every table, tags stripped, cells joined by |."""
    out = []
    for tr in re.findall(r"<tr class=\"zc-[a-z_]+\">(.*?)</tr>", html_text):
        out.append("|".join(re.sub(r"<[^>]+>", "", td) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr)))
    return out


# ---------------------------------------------------------------------- the pure renderer
def test_the_one_year_heilongjiang_row_is_red_with_its_clause_and_doc_no(programmes: list[Any]) -> None:
    out = checklist.eligibility_html(verdicts_for(programmes, HLJ_ONE_YEAR, [HLJ_BASIC]))
    assert "❌ 黑龙江省基础级数字化车间（黑龙江）：不符合" in out
    failing = [r for r in rows(out) if r.startswith("❌|具有2年")]
    assert failing == ["❌|具有2年以上独立法人资格|独立法人年限为1年，低于要求的2年|"
                       "《黑龙江省数字化车间认定管理办法》附件1 第六条（一）「具有2年以上独立法人资格」|"
                       "黑工信规规〔2025〕7号"]
    assert '<tr class="zc-not_met">' in out
    assert [r.split("|")[1] for r in rows(out)[1:] if r.startswith("✅")] == [
        "规模以上制造业企业已建成并正常运营的车间", "在黑龙江省行政区域内注册"]
    assert "❔|具有健全的财务管理机构和制度|需企业提供材料自证。请准备材料证明" in "\n".join(rows(out))
    assert "申报路径" in out and "以当年申报通知为准" in out


@pytest.mark.parametrize(("profile", "only", "status", "icon"), [
    (HLJ_ONE_YEAR, [HLJ_BASIC], "not_eligible", "❌"),
    ({**HLJ_ONE_YEAR, "legal_entity_years": 3}, [HLJ_BASIC], "needs_info", "❔"),
    ({"province": "重庆", "titles": ["先进级智能工厂"], "investment_wan": 2000},
     ["chongqing_smart_factory_award"], "eligible", "✅"),
])
def test_every_verdict_has_its_icon_in_the_overview_and_heading(
        programmes: list[Any], profile: dict[str, Any], only: list[str], status: str, icon: str) -> None:
    [v] = verdicts_for(programmes, profile, only)
    out = checklist.eligibility_html([v])
    assert v.status == status
    word = {"eligible": "可申报", "needs_info": "需补充", "not_eligible": "不符合"}[status]
    summary = rows(out)[0].split("|")
    assert summary[:4] == [icon, v.name, v.region, word]
    assert summary[5].startswith(f"《{html.escape(v.results[0].source.doc)}》")  # the clause that decides it
    assert f"<summary><b>{icon} {v.name}" in out and f'data-status="{status}"' in out
    assert "<details open" not in out  # the summary first; each checklist opens on demand


def test_the_summary_cites_the_failing_clause_and_drafts_are_marked(programmes: list[Any]) -> None:
    [v] = verdicts_for(programmes, HLJ_ONE_YEAR, [HLJ_BASIC])
    summary = rows(checklist.eligibility_html([v]))[0].split("|")
    assert summary[3] == "不符合" and "低于要求的2年" in summary[4] and "第六条（一）" in summary[5]
    draft = checklist.eligibility_html([replace(v, draft=True)])
    assert "自动提取·未审核" in rows(draft)[0].split("|")[1] and "自动提取·未审核" in draft.split("<details")[1]
    assert "：不符合（自动提取·未审核）" in to_markdown([replace(v, draft=True)])  # and in the export


def test_drafts_for_review_show_every_quote_and_flag_those_too_short_to_save(tmp_path: Path) -> None:
    from test_eligibility_package import NOTICE

    from assistant.eligibility.draft import draft_file
    from assistant.eligibility.draft_output import to_programme_data
    from ui.programme_review import drafts_html

    (tmp_path / "n.txt").write_text(NOTICE, encoding="utf-8")
    drafts = [to_programme_data(p) for p in draft_file(tmp_path / "n.txt")]
    out = drafts_html("唐山通知", drafts, [])
    assert out.count('class="zc-draft"') == len(drafts) == 2 and out.count("自动提取·未审核") == 2
    assert "「在唐山市注册登记的规模以上工业企业」" in out and "一、（一）" in out
    assert "所在城市 为 唐山" in out and "规模以上企业 为“是”" in out  # checks in the form's words
    assert "equals" not in out and "is_true" not in out  # never the rule names
    short = re.findall(r"「([^」]*)」</span><span class=\"zc-quote-short\">", out)
    assert short and all(len(q) < 10 for q in short)  # a reviewed file needs 10–40 characters


def test_the_package_total_applies_the_exclusion(tmp_path: Path) -> None:
    from test_eligibility_package import HOLDER, NOTICE, _programmes

    out = checklist.eligibility_html(evaluate(Profile.from_dict(HOLDER), _programmes(tmp_path, NOTICE)))
    total = out.split('<div class="zc-elig-package">')[1].split("<table")[0]
    assert "约 80 万元" in total and "与唐山·市级智能工厂不重复享受，取较高者" in total
    assert "就高" in total  # the excluded line cites the 就高 clause


def test_reward_estimates_get_their_own_table(programmes: list[Any]) -> None:
    profile = {"province": "重庆", "titles": ["先进级智能工厂"], "investment_wan": 2000}
    out = checklist.eligibility_html(verdicts_for(programmes, profile, ["chongqing_smart_factory_award"]))
    assert "奖补估算" in out and "<th>奖补档次</th>" in out
    assert any(r.startswith("✅|先进级智能工厂项目奖补|2000 万元 × 10% ≈ 200 万元") for r in rows(out))
    assert "—" in out  # the 重庆 policy has no 文号: the cell says so instead of staying blank


def test_programmes_of_other_places_are_named_in_one_line(programmes: list[Any]) -> None:
    out = checklist.eligibility_html(verdicts_for(programmes, {"province": "黑龙江"}))
    elsewhere = out.split("其他地区的项目（不适用）：")[1]
    assert "重庆市智能工厂奖补（重庆）" in elsewhere
    assert 'data-programme="chongqing_smart_factory_award"' not in out
    assert 'data-programme="heilongjiang_digital_workshop_basic"' in out
    # the exported Markdown agrees with the screen about which programmes get a table
    md = to_markdown(verdicts_for(programmes, {"province": "黑龙江"}))
    assert md.count("\n## ") == out.count("<details ")


def test_summary_sources_carry_the_summary_badge(programmes: list[Any]) -> None:
    out = checklist.eligibility_html(verdicts_for(programmes, {}, ["national_demo_factory"]))
    assert render.BADGE_SUMMARY in out


def test_no_verdicts_says_so() -> None:
    assert "没有可自评的项目" in checklist.eligibility_html([])


def test_text_is_escaped() -> None:
    src = Source(doc="<b>办法</b>", clause="第一条", region="黑龙江", quote="<img src=x onerror=alert(1)>",
                 doc_no="<i>1号</i>")
    crit = CriterionResult("c1", "<script>alert(1)</script>", "not_met", "所属行业为 <乳制品>", "", src)
    v = ProgrammeVerdict("p<1>", "<项目>", "黑龙江", "not_eligible", "不符合：<x>", (crit,))
    out = checklist.eligibility_html([v])
    assert "<script>" not in out and "<img" not in out and "<b>办法" not in out and "<i>" not in out
    assert "&lt;script&gt;" in out and "&lt;乳制品&gt;" in out


# ---------------------------------------------------------------------- form → profile, export
@pytest.mark.parametrize(("values", "profile"), [
    ({"province": UNKNOWN, "city": None, "industry": "  ", "legal_entity_years": ""}, {}),
    ({"province": "黑龙江", "legal_entity_years": "1", "above_scale": "是"},
     {"province": "黑龙江", "legal_entity_years": "1", "above_scale": "是"}),
    ({"maturity_level": "0", "sme_digital_level": UNKNOWN}, {"maturity_level": "0"}),
    ({"titles": []}, {}),                                    # nothing picked: not known
    ({"titles": [NO_TITLES]}, {"titles": []}),               # 无: none held
    ({"titles": [NO_TITLES, "省级智能工厂"]}, {"titles": ["省级智能工厂"]}),
    ({"dishonest_debtor": "否", "major_incident_3y": UNKNOWN}, {"dishonest_debtor": "否"}),
])
def test_form_values_become_profile_input(values: dict[str, Any], profile: dict[str, Any]) -> None:
    assert form_profile(values) == profile
    Profile.from_dict(form_profile(values))  # and the engine accepts it


def test_the_form_reads_zero_as_a_value_not_as_unknown() -> None:
    values = {"maturity_level": "0", "legal_entity_years": "0", "titles": [NO_TITLES]}
    p = Profile.from_dict(form_profile(values))
    assert (p.maturity_level, p.legal_entity_years, p.titles) == (0, 0.0, ())


def test_cities_follow_the_province() -> None:
    assert "哈尔滨" in cities_of("黑龙江") and "大连" not in cities_of("黑龙江")
    assert {"哈尔滨", "大连"} <= set(cities_of(UNKNOWN)) and cities_of(None) == cities_of(UNKNOWN)


def test_exports_are_markdown_files_under_the_exports_folder(tmp_path: Path) -> None:
    when = dt.datetime(2030, 1, 2, 3, 4, 5)
    a = write_export(tmp_path / "exports", "# 申报条件自查\n", now=when)
    b = write_export(tmp_path / "exports", "# 申报条件自查\n", now=when)
    assert a.parent == tmp_path / "exports" and a.suffix == ".md"
    assert a.name.startswith("申报自评-20300102-030405-")
    assert a != b  # two exports in the same second do not overwrite each other
    assert a.read_text(encoding="utf-8") == "# 申报条件自查\n"


def test_every_profile_field_has_a_form_input(tmp_path: Path) -> None:
    """The tab is built from PROFILE_FIELDS: a new field shows up without touching the UI."""
    from assistant.wiring import build_assistant
    from ui.app import build_ui

    demo = build_ui(build_assistant(make_settings(tmp_path / "data")))
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {f"zc-elig-{name}" for name in PROFILE_FIELDS} <= ids
    assert {"zc-elig-programmes", "zc-elig-run", "zc-elig-result", "zc-elig-export"} <= ids


# ---------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def ui_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("ui-elig") / "data")


@pytest.fixture(scope="module")
def url(ui_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from test_eligibility_package import NOTICE

    from assistant.wiring import build_assistant

    # one rules document in the index: 申报自评 reads the programme files and the drafts of its documents
    docs = tmp_path_factory.mktemp("ui-elig-docs")
    (docs / "唐山通知.txt").write_text(NOTICE, encoding="utf-8")
    assistant = build_assistant(ui_settings)
    assistant.kb.ingest([docs])
    with background_server(build_server(ui_settings, assistant)) as base:
        yield base


@pytest.fixture()
def page(browser: Any, url: str) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/ui/", wait_until="domcontentloaded")
    page.get_by_role("tab", name="申报自评").click()
    page.locator("#zc-elig-run").wait_for()
    yield page
    context.close()


def choose(page: Any, field: str, option: str) -> None:
    """Pick an option of a gradio dropdown."""
    box = page.locator(f"#zc-elig-{field} input")
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def fill(page: Any, field: str, text: str) -> None:
    page.locator(f"#zc-elig-{field} textarea, #zc-elig-{field} input").first.fill(text)


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_self_assessment_tab_shows_the_failing_clause_and_exports_markdown(
        page: Any, ui_settings: Settings, tmp_path: Path) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    choose(page, "province", "黑龙江")
    fill(page, "legal_entity_years", "1")
    choose(page, "above_scale", "是")
    page.locator("#zc-elig-run").click()

    result = page.locator("#zc-elig-result")
    expect(result).to_contain_text("第六条（一）")
    basic = result.locator(f'[data-programme="{HLJ_BASIC}"]')
    assert "不符合" in basic.locator("summary").inner_text()
    basic.locator("summary").click()  # the summary first: its checklist opens on demand
    failing = basic.locator("tr.zc-not_met").first.inner_text()
    assert "❌" in failing and "具有2年以上独立法人资格" in failing and "第六条（一）" in failing
    assert "黑工信规规〔2025〕7号" in failing

    shot = tmp_path / "ui-eligibility.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if KEEP_SCREENSHOT:
        reports = PROJECT_ROOT / "reports"
        reports.mkdir(exist_ok=True)
        shutil.copy(shot, reports / "ui-eligibility.png")

    with page.expect_download() as download:
        page.locator("#zc-elig-export").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# 申报条件自查") and "附件1 第六条（一）" in text
    assert download.value.suggested_filename.endswith(".md")
    saved = list((ui_settings.data_dir / "exports").glob("*.md"))
    assert any(p.read_text(encoding="utf-8") == text for p in saved)


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_a_bad_value_shows_the_engines_message(page: Any) -> None:
    fill(page, "legal_entity_years", "一年")
    page.locator("#zc-elig-run").click()
    page.locator("#zc-elig-result").get_by_text("须为数字").wait_for()


TANGSHAN = "唐山市工业和信息化局关于开展2026年度智能工厂和数字化车间奖励申报的通知"
FACTORY = "唐山·市级智能工厂"


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_chat_facts_fill_the_form_drafts_are_checked_exported_reviewed_and_saved(
        page: Any, ui_settings: Settings, tmp_path: Path) -> None:
    from test_eligibility_package import NOTICE
    from test_programme_review import widened

    from ui.programme_review import to_yaml

    expect = pytest.importorskip("playwright.sync_api").expect
    # the chat is told the facts; the form has them
    page.get_by_role("tab", name="问答").click()
    page.locator("#zc-question textarea").fill("我们是唐山的规上企业，营收8000万，能申请智能工厂吗？")
    page.locator("#zc-send").click()
    expect(page.locator("#zc-chat")).to_contain_text("自动提取·未审核", timeout=120_000)
    page.get_by_role("tab", name="申报自评").click()
    expect(page.locator("#zc-elig-city input")).to_have_value("唐山")
    expect(page.locator("#zc-elig-province input")).to_have_value("河北")
    expect(page.locator("#zc-elig-above_scale input")).to_have_value("是")
    expect(page.locator("#zc-elig-revenue_wan textarea, #zc-elig-revenue_wan input").first).to_have_value("8000")

    # the summary first, the draft marked; its checklist opens on demand
    page.locator("#zc-elig-run").click()
    result = page.locator("#zc-elig-result")
    row = result.locator("tr", has_text=FACTORY).first
    expect(row).to_contain_text("自动提取·未审核")
    expect(row).to_contain_text("需补充")
    details = result.locator("details.zc-elig-prog", has_text=FACTORY).first
    assert details.get_attribute("open") is None
    details.locator("summary").click()
    expect(details.locator("table").first).to_be_visible()
    shot = tmp_path / "ui-eligibility-drafts.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # its 申报清单: Markdown, and the deadline as a calendar entry
    box = page.locator("#zc-elig-checklist-pick input")
    box.click()
    box.fill(FACTORY)
    page.get_by_role("option", name=re.compile(FACTORY)).first.click()
    with page.expect_download() as ics:
        page.locator("#zc-elig-checklist-ics").click()
    assert "DTSTART:20260630T170000" in Path(ics.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as md:
        page.locator("#zc-elig-checklist-md").click()
    assert "☐ 营业执照复印件" in Path(md.value.path()).read_text(encoding="utf-8")

    # 知识库: the document's drafts with their quotes; saved after review
    page.get_by_role("tab", name="知识库").click()
    page.locator("#zc-docs").get_by_text(TANGSHAN).locator("visible=true").first.click()
    expect(page.locator("#zc-selected")).to_contain_text(TANGSHAN)
    page.locator("#zc-drafts-panel").get_by_text("申报条件（自动提取·审核）").click()
    page.locator("#zc-draft-load").click()
    view = page.locator("#zc-draft-view")
    expect(view).to_contain_text("「在唐山市注册登记的规模以上工业企业」")
    expect(view).to_contain_text("自动提取·未审核")
    editor = page.locator("#zc-draft-yaml textarea")
    expect(editor).not_to_have_value("")
    page.locator("#zc-draft-save").click()  # as drafted, a quote is too short for a reviewed file
    expect(page.locator("#zc-draft-log")).to_contain_text("未保存")
    data = widened(yaml.safe_load(editor.input_value()), NOTICE)  # the reviewer quotes whole lines
    editor.fill(to_yaml(data))
    page.locator("#zc-draft-save").click()
    expect(page.locator("#zc-draft-log")).to_contain_text("已审核并保存")
    saved = yaml.safe_load((ui_settings.data_dir / "programmes" / f"{data['id']}.yaml").read_text(encoding="utf-8"))
    assert "draft" not in saved and saved["criteria"] == data["criteria"]
