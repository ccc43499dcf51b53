"""ui.render: Answer → markdown + citation cards, document rows, feedback records (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.domain import Answer, Citation
from ui import render

OFFICIAL = Citation(
    n=1, doc_id="d1", title="智能制造试点示范行动实施方案",
    section="智能制造试点示范行动实施方案 > 四、重点工作",
    page=3, text="## 四、重点工作\n（三）建设智能制造示范工厂。示范工厂建设期为２年。",
    source="/x/plan.txt", authority="official", doc_no="工信厅联通装函〔2021〕227号", region="全国",
)
SUMMARY = Citation(n=2, doc_id="d2", title="国家级名单登记表", section="2022年度", page=0,
                   text="要点：共209家示范工厂揭榜单位。", source="/x/register.md", authority="summary")


def test_card_shows_title_section_page_passage_and_official_badge() -> None:
    card = render.citation_card(OFFICIAL)
    assert "《智能制造试点示范行动实施方案》" in card
    assert "四、重点工作" in card and "第3页" in card and "工信厅联通装函〔2021〕227号" in card
    assert "示范工厂建设期为２年" in card
    assert render.BADGE_OFFICIAL in card and render.BADGE_SUMMARY not in card
    assert "##" not in card  # markdown heading marks are not quoted


def test_summary_sources_get_the_non_official_badge() -> None:
    card = render.citation_card(SUMMARY)
    assert "摘要（非官方原文）" in card and "zc-summary" in card
    assert "第0页" not in card  # no page for non-paged sources


def test_document_text_is_escaped() -> None:
    evil = Citation(n=1, doc_id="x", title="<script>alert(1)</script>", section="", page=0,
                    text='<img src=x onerror="alert(1)">', source="", authority="official")
    card = render.citation_card(evil)
    assert "<script>" not in card and "<img" not in card
    assert "&lt;script&gt;" in card


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("短句。", 10, "短句。"),
    ("一二三四五六七八九十", 4, "一二三四……"),
    ("# 标题\n\n\n正文", 50, "标题\n正文"),
])
def test_quote_cuts_and_cleans(text: str, limit: int, expected: str) -> None:
    assert render.quote(text, limit) == expected


def test_quote_drops_leading_lines_that_repeat_the_headings() -> None:
    text = "# 实施方案\n## 四、重点工作\n（三）建设示范工厂。"
    assert render.quote(text, known=["实施方案", "四、重点工作"]) == "（三）建设示范工厂。"
    assert render.quote("实施方案", known=["实施方案"]) == "实施方案"  # never empty


@pytest.mark.parametrize(("section", "expected"), [
    ("实施方案 > 四、重点工作 > （三）建设", "四、重点工作 › （三）建设"),
    ("第一条", "第一条"),
    ("", ""),
])
def test_short_section_drops_the_repeated_title(section: str, expected: str) -> None:
    assert render.short_section(section) == expected


def test_chat_message_has_answer_then_cards_in_order() -> None:
    msg = render.chat_message(Answer("建设期为２年。[1] 另见[2]。", citations=(OFFICIAL, SUMMARY)))
    assert msg.index("**[1]**") < msg.index("参考来源") < msg.index('data-n="1"') < msg.index('data-n="2"')
    assert msg.count('class="zc-card"') == 2


def test_refusal_and_uncited_answers_are_marked() -> None:
    assert render.answer_markdown(Answer("抱歉，我只回答政策问题。", refused=True)).startswith("⚠️")
    assert "没有找到" in render.answer_markdown(Answer("没有依据。"))
    assert render.citation_cards(()) == ""
    assert "参考来源" not in render.chat_message(Answer("没有依据。"))


def test_streaming_message_escapes_and_shows_a_cursor() -> None:
    assert render.streaming_message("a<b") == "a&lt;b ▌"


def test_document_rows_and_region_choices() -> None:
    docs = [
        {"doc_id": "a", "title": "黑龙江办法", "kind": "local_policy", "authority": "official",
         "region": "黑龙江", "doc_no": "黑工信规规〔2025〕7号", "date": "2025-01-01", "chunks": 5},
        {"doc_id": "b", "title": "登记表", "kind": "catalogue", "authority": "summary",
         "region": "全国", "chunks": 2},
        {"doc_id": "c", "title": "大连要点", "kind": "local_policy", "authority": "summary",
         "region": "大连", "chunks": 1},
        {"doc_id": "d", "title": "无地区", "kind": "standard", "authority": "official",
         "region": "", "chunks": 1},
    ]
    rows = render.document_rows(docs)
    assert len(rows[0]) == len(render.DOC_COLUMNS)
    assert rows[0][:5] == ["a", "黑龙江办法", "地方政策", "官方原文", "黑龙江"]
    assert rows[1][3] == "摘要（非官方原文）" and rows[3][4] == "—"
    assert render.region_choices(docs) == ["全国", "大连", "黑龙江"]


def test_feedback_record_has_the_four_fields() -> None:
    when = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert render.feedback_record("问", "答", "up", when) == {
        "question": "问", "answer": "答", "vote": "up", "time": "2030-01-02T03:04:05+00:00"}


def test_ingest_summary_names_the_outcome() -> None:
    line = render.ingest_summary("办法.md", "added", 3, "abc")
    assert "办法.md" in line and "已新增" in line and "abc" in line
