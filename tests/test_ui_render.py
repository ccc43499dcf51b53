"""ui.render: Answer → markdown + citation cards, document rows, feedback records (pure functions)."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace

import pytest

from assistant.domain import Answer, Citation
from assistant.errors import BadInput, IndexBusy, NameTaken, NotFound, UnsupportedFile
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
    assert msg.index('class="zc-ref zc-r1"') < msg.index("参考来源") < msg.index('class="zc-card zc-c1')
    assert msg.index('class="zc-card zc-c1') < msg.index('class="zc-card zc-c2')
    assert msg.count('class="zc-card ') == 2
    assert "**[" not in msg  # markers are HTML, not emphasis CommonMark will not open beside CJK


def test_markers_are_clickable_and_no_emphasis_or_stray_stars_reach_markdown() -> None:
    text = "根据《方案》四（三），**建设期**为２年**[1]**。*注意* 2*3"
    out = render.answer_markdown(Answer(text, citations=(OFFICIAL,)))
    assert '<strong><span class="zc-ref zc-r1" title="查看出处">[1]</span></strong>' not in out  # markers stand alone
    assert '<span class="zc-ref zc-r1" title="查看出处">[1]</span>' in out
    assert "<strong>建设期</strong>为２年" in out  # bold beside CJK punctuation, as HTML: no stars shown
    assert "\\*注意\\* 2\\*3" in out  # other stars are literal, never an emphasis run-on
    assert "\\*\\*" not in out  # and no pair of them is left to show
    assert render.plain_text(Answer(text, citations=(OFFICIAL,))).startswith("根据《方案》四（三），建设期为２年[1]。")


@pytest.mark.parametrize(("text", "url"), [
    ("详见 https://www.miit.gov.cn/a/b.html）开展。[1]", "https://www.miit.gov.cn/a/b.html"),
    ("平台（www.c3mep.cn）提供服务[1]", "www.c3mep.cn"),
    ("见 http://x.cn/p?id=3。下一句", "http://x.cn/p?id=3"),
])
def test_links_end_where_the_url_ends(text: str, url: str) -> None:
    out = render.answer_markdown(Answer(text, citations=(OFFICIAL,)))
    href = url if url.startswith("http") else f"http://{url}"
    assert f'<a href="{href}" target="_blank" rel="noopener">{url}</a>' in out


def test_a_citation_repeated_or_inside_another_is_merged_into_one_card() -> None:
    wide = Citation(**{**OFFICIAL.to_dict(), "n": 1, "start": 0, "end": 40})
    inner = Citation(**{**OFFICIAL.to_dict(), "n": 2, "text": "示范工厂建设期为２年。", "start": 20, "end": 31})
    again = Citation(**{**OFFICIAL.to_dict(), "n": 3, "start": 0, "end": 40})
    merged = render.merge_duplicates(Answer("甲[2]。乙[1]。丙[3][4]。", citations=(wide, inner, again,
                                                                            replace(SUMMARY, n=4))))
    assert merged.answer == "甲[1]。乙[1]。丙[1][2]。"
    assert [(c.n, c.doc_id) for c in merged.citations] == [(1, "d1"), (2, "d2")]
    assert render.chat_message(merged).count('class="zc-card ') == 2


def test_a_long_answer_shows_a_lead_and_folds_the_rest() -> None:
    text = "智能制造示范工厂建设期为２年[1]。" + "\n" + "\n".join(f"- 第{i}项要求，内容较长的说明文字。" * 3 for i in range(8))
    out = render.answer_markdown(Answer(text, citations=(OFFICIAL,)))
    lead, _, rest = out.partition('<details class="zc-more">')
    assert "建设期为２年" in lead and "第7项" not in lead and "第7项" in rest and "展开详细内容" in rest
    short = render.answer_markdown(Answer("建设期为２年[1]。", citations=(OFFICIAL,)))
    assert "<details" not in short


def test_a_comparison_answer_becomes_a_table() -> None:
    text = ("各文件的相关规定对比如下：\n- 《黑龙江办法》第五条（黑龙江）：奖励100万元[1]\n"
            "- 《重庆办法》三（重庆）：奖励50万元[2]")
    assert render.comparison_rows(text) == [("《黑龙江办法》第五条（黑龙江）", "奖励100万元[1]"),
                                            ("《重庆办法》三（重庆）", "奖励50万元[2]")]
    out = render.answer_markdown(Answer(text, citations=(OFFICIAL, SUMMARY)))
    assert '<table class="zc-table">' in out and out.count("<tr>") == 3
    assert '<td data-label="规定">奖励50万元<span class="zc-ref zc-r2"' in out
    assert render.comparison_rows("只有一行：\n- 《甲》一：乙") == []


def test_plain_text_has_no_markup_and_lists_the_sources() -> None:
    plain = render.plain_text(Answer("建设期为２年[1]。另见[2]。", citations=(OFFICIAL, SUMMARY)))
    assert plain.splitlines()[0] == "建设期为２年[1]。另见[2]。"
    assert "[1] 《智能制造试点示范行动实施方案》四 工信厅联通装函〔2021〕227号 第3页" in plain
    assert "[2] 《国家级名单登记表》2022年度（摘要，非官方原文）" in plain
    assert "<" not in plain and "**" not in plain
    msg = render.chat_message(Answer("建设期为２年[1]。", citations=(OFFICIAL,)))
    assert '<pre class="zc-plain">建设期为２年[1]。&#10;&#10;参考来源：' in msg and "复制纯文本" in msg


def test_cards_show_the_snippet_that_matched_with_terms_marked_and_open_the_viewer() -> None:
    long = Citation(**{**OFFICIAL.to_dict(), "text": "（三）总体要求。" + "其他内容。" * 60 + "示范工厂建设期为２年。",
                       "start": 5, "end": 400})
    card = render.citation_card(long, "示范工厂建设期是多长时间？")
    assert "<mark class=\"zc-term\">示范工厂建设期</mark>为２年" in card
    assert 'class="zc-card zc-c1 zc-src_d1_5_400"' in card and "点击查看原文" in card
    assert "zc-src_" not in render.citation_card(SUMMARY)  # no offsets: nothing to open


def test_the_viewer_highlights_the_passage_and_shows_where_it_is() -> None:
    text = "# 方案\n四、重点工作\n（三）示范工厂建设期为２年。\n五、<保障>"
    start = text.index("（三）")
    doc = {"doc_id": "d1", "title": "方案", "authority": "summary", "status": "expired", "doc_no": "工信〔2021〕1号",
           "url": "https://www.miit.gov.cn/x.html", "source": "plan.md", "text": text,
           "sections": [{"section": "方案 > 四、重点工作", "start": 5, "end": start + 14, "page": 2},
                        {"section": "方案 > 五、", "start": start + 15, "end": len(text), "page": 3}]}
    out = render.document_viewer(doc, start, start + 14, 1)
    assert '<mark class="zc-hit" id="zc-hit">（三）示范工厂建设期为２年。</mark>' in out
    assert "条款：四、重点工作" in out and "第2页" in out and "文号：工信〔2021〕1号" in out
    assert '<a href="https://www.miit.gov.cn/x.html" target="_blank"' in out
    assert "摘要（非官方原文）" in out and "已失效" in out and "引用 [1]" in out
    assert "&lt;保障&gt;" in out  # document text is escaped
    assert "zc-hit" not in render.document_viewer(doc, -1, -1)


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
         "region": "全国", "chunks": 2, "status": "superseded"},
        {"doc_id": "c", "title": "大连要点", "kind": "local_policy", "authority": "unverified",
         "region": "大连", "chunks": 1},
        {"doc_id": "d", "title": "无地区", "kind": "standard", "authority": "official",
         "region": "", "chunks": 1},
    ]
    rows = render.document_rows(docs)
    assert len(rows[0]) == len(render.DOC_COLUMNS)
    assert rows[0][:5] == ["黑龙江办法", "地方政策", "官方原文", "现行有效", "黑龙江"] and rows[0][-1] == "a"
    assert rows[1][2:4] == ["摘要（非官方原文）", "已被替代"] and rows[3][4] == "—"
    assert rows[2][2] == "未核验"
    assert render.region_choices(docs) == ["全国", "大连", "黑龙江"]


def test_feedback_record_has_the_four_fields() -> None:
    when = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert render.feedback_record("问", "答", "up", when) == {
        "question": "问", "answer": "答", "vote": "up", "time": "2030-01-02T03:04:05+00:00"}


def test_ingest_summary_names_the_outcome() -> None:
    line = render.ingest_summary("办法.md", "added", 3, "abc", "示例办法")
    assert "办法.md" in line and "已新增" in line and "《示例办法》" in line and "3 个片段" in line


@pytest.mark.parametrize(("error", "shown"), [
    (UnsupportedFile("x.exe: files of type .exe cannot be read; upload one of .pdf"), "不支持该文件类型"),
    (IndexBusy("another upload is being ingested; try again when it finishes"), "知识库正在导入其他文件"),
    (BadInput("the question has 3000 characters; the limit is 2000: shorten it"), "问题过长"),
    (NotFound("no document 'x'; `zhice sources` lists them"), "未找到该文档"),
    (BadInput("字段 legal_entity_years（法人年限）须为数字，收到 '一年'"), "须为数字"),
    (NameTaken("已有同名文件 a.md，内容不同：……（或在 API 中加 ?replace=true）"), "请勾选“同名文件内容不同时，替换为新版本”"),
])
def test_errors_are_told_in_chinese_with_the_original_folded(error: Exception, shown: str) -> None:
    out = render.friendly_error(error, "a.exe" if isinstance(error, UnsupportedFile) else "")
    visible = out.split("<details>")[0]
    words = set(re.findall(r"[A-Za-z]{4,}", visible.replace("legal_entity_years", ""))) - {"Word", "docx", "HTML", "Excel"}
    assert shown in visible and not words
    if "<details>" in out:
        assert "详细信息" in out and html.escape(str(error), quote=False) in out


def test_sentences_do_not_end_inside_a_title() -> None:
    assert render.sentences("根据《模型；配套标准》，分为五级。其一；其二") == ["根据《模型；配套标准》，分为五级。", "其一；", "其二"]


def test_comparisons_and_answers_with_little_more_are_not_folded() -> None:
    table = "各地对比如下：\n" + "\n".join(f"- 《第{i}市办法》第五条（第{i}市）：奖励{i}00万元，具体以通知为准。[1]"
                                         for i in range(6))
    assert render.split_lead(table) == (table, "")
    short_rest = "甲" * 190 + "。乙乙乙。"
    assert render.split_lead(short_rest) == (short_rest, "")


PIPE_TABLE = ("各地（各文件）相关规定对比如下：\n\n| 地区 | 文件 | 相关规定 |\n|---|---|---|\n"
              "| 吉林 | 《吉林办法》 | 最高不超过1000万元。[1] |\n| 重庆 | 《重庆政策》 | 给予50万元奖励；[2]最高300万元。[2] |")


def test_a_markdown_table_in_an_answer_renders_as_a_table_and_copies_tab_separated() -> None:
    blocks = render.answer_blocks(PIPE_TABLE)
    assert blocks[0] == "各地（各文件）相关规定对比如下："
    assert blocks[1] == render.Table(["地区", "文件", "相关规定"], [["吉林", "《吉林办法》", "最高不超过1000万元。[1]"],
                                                           ["重庆", "《重庆政策》", "给予50万元奖励；[2]最高300万元。[2]"]])
    out = render.answer_markdown(Answer(PIPE_TABLE, citations=(OFFICIAL, SUMMARY)))
    assert out.count("<tr>") == 3 and "\\|" not in out and "<details" not in out
    assert '<td data-label="相关规定">最高不超过1000万元。<span class="zc-ref zc-r1"' in out
    plain = render.plain_text(Answer(PIPE_TABLE, citations=(OFFICIAL, SUMMARY)))
    assert "地区\t文件\t相关规定\n吉林\t《吉林办法》\t最高不超过1000万元。[1]" in plain


def test_the_viewer_marks_the_answers_other_passages_of_the_document_lightly() -> None:
    doc = {"doc_id": "d1", "title": "方案", "authority": "official", "text": "甲乙丙丁戊己庚辛", "sections": []}
    out = render.document_viewer(doc, 2, 4, 1, also=[(0, 1), (3, 6), (6, 8)])
    assert out.endswith('<div class="zc-doc-text"><mark class="zc-also">甲</mark>乙<mark class="zc-hit" id="zc-hit">'
                        '丙丁</mark>戊己<mark class="zc-also">庚辛</mark></div></div>')  # (3, 6) crosses the hit
