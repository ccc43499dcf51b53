"""Unit tables for ingest.cleaning and ingest.header (header parsing is text-level too)."""

from __future__ import annotations

import pytest
from corpus_paths import NATIONAL_TEXT

from assistant.core.text import normalize_for_match
from ingest.cleaning import clean_text, looks_hard_wrapped, remove_running_lines
from ingest.header import canonical_keys, parse_header, parse_header_lines

# An invented passage, hard-wrapped at 20 columns the way a PDF extractor returns it: a blank
# line after every line, a stray leading space where a page began, first lines indented.
WRAPPED = """\
 附件 2

示例市智能工厂培育办法

一、总体要求

\u3000\u3000为推动本市制造企业开展数字化改造和智

能化升级，培育一批示范带动作用强的智能工

厂，带动产业链上下游企业协同发展，结合本

市实际，制定本办法。

二、支持措施

（一）奖励标准。对新认定的市级智能工

厂给予一次性奖励 80万元，对新认定的数字

 化车间给予一次性奖励３０万元。

（二）有效期。智能工厂称号有效期为３

年，期满前可申请复核，复核通过的继续保留

称号，引入数字孪生等新模式的企业可优先获

得支持。
"""
WRAPPED_CLEAN = [
    "附件 2",
    "示例市智能工厂培育办法",
    "一、总体要求",
    "为推动本市制造企业开展数字化改造和智能化升级，培育一批示范带动作用强的智能工厂，"
    "带动产业链上下游企业协同发展，结合本市实际，制定本办法。",
    "二、支持措施",
    "（一）奖励标准。对新认定的市级智能工厂给予一次性奖励 80万元，"
    "对新认定的数字化车间给予一次性奖励３０万元。",
    "（二）有效期。智能工厂称号有效期为３年，期满前可申请复核，复核通过的继续保留称号，"
    "引入数字孪生等新模式的企业可优先获得支持。",
]
FULL = "对新认定的市级智能工厂给予一次性奖励资金，奖"  # 22 columns, ends mid-word


# ---------------------------------------------------------------- normalize_for_match


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("建设期为２年", "建设期为2年"),
        ("项目 305个", "项目305个"),
        ("第一条\u3000总则", "第一条总则"),
        ("（一）ＡＢＣ\n\t x", "(一)ABCx"),
        ("", ""),
    ],
)
def test_normalize_for_match(raw: str, expected: str) -> None:
    assert normalize_for_match(raw) == expected


# ---------------------------------------------------------------- page furniture


@pytest.mark.parametrize(
    "line",
    [
        "- 3 -",
        "— 12 —",
        "－ ５ －",
        "第 3 页",
        "第3页 共10页",
        "共 10 页 第 3 页",
        "3/10",
        "12",
        "Page 3 of 10",
    ],
)
def test_page_number_lines_are_dropped(line: str) -> None:
    assert (
        clean_text(f"第一条 正文内容。\n{line}\n第二条 后文内容。") == "第一条 正文内容。\n第二条 后文内容。"
    )


@pytest.mark.parametrize("line", ["2025年", "305个", "1. 总则", "（3）", "第三条 细则", "GB/T 39116-2020"])
def test_lines_that_only_look_like_numbers_are_kept(line: str) -> None:
    assert clean_text(f"正文。\n{line}") == f"正文。\n{line}"


def test_running_lines_are_removed_across_pages() -> None:
    pages = [
        "示例市工业和信息化局文件\n第一条 甲。\n- 1 -",
        "示例市工业和信息化局文件\n第二条 乙。\n- 2 -",
        "示例市工业和信息化局文件\n第三条 丙。\n- 3 -",
    ]
    assert remove_running_lines(pages) == ["第一条 甲。", "第二条 乙。", "第三条 丙。"]


def test_a_line_on_one_page_only_is_not_a_running_line() -> None:
    pages = ["示例标题\n第一条 甲。", "第二条 乙。\n第三条 丙。", "第四条 丁。"]
    assert remove_running_lines(pages) == pages


def test_form_feeds_are_pages_for_running_lines() -> None:
    text = "\f".join(f"页眉：示例文件\n第{n}条 内容{n}。\n第 {n} 页" for n in "一二三")
    assert clean_text(text) == "第一条 内容一。\n第二条 内容二。\n第三条 内容三。"


# ---------------------------------------------------------------- characters and spaces


def test_characters_are_normalised_but_wording_is_kept() -> None:
    raw = "\ufeff第一条\u00a0为推动\u200b智能\r\n建设期为２年。\x07\r\n"
    assert clean_text(raw) == "第一条 为推动智能\n建设期为２年。"


def test_nfc() -> None:
    assert clean_text("Cafe\u0301 试点") == "Café 试点"


def test_letter_spaced_chinese_is_closed_up() -> None:
    assert clean_text("智 能 制 造 实 施 方 案\n正文。") == "智能制造实施方案\n正文。"


def test_spaces_inside_a_line_are_collapsed_not_removed() -> None:
    # A space between a clause number and its text, or between two names, is deliberate.
    assert clean_text("第一条   总则\n联系人：示例厅  张三") == "第一条 总则\n联系人：示例厅 张三"


def test_space_next_to_chinese_punctuation_is_dropped() -> None:
    assert clean_text("一、 背景\n奖励 ， 补助") == "一、背景\n奖励，补助"


def test_markdown_nested_list_keeps_its_indentation() -> None:
    text = "- 制造:\n  - 设计: 产品设计\n  - 生产: 采购"
    assert clean_text(text) == text


def test_blank_line_runs_collapse_in_logical_text() -> None:
    assert clean_text("\n\n# 标题\n\n\n\n第一条 甲。\n\n\n") == "# 标题\n\n第一条 甲。"


# ---------------------------------------------------------------- reflow of hard-wrapped text


def test_wrapped_text_is_reflowed_to_paragraphs() -> None:
    assert clean_text(WRAPPED).split("\n") == WRAPPED_CLEAN


@pytest.mark.parametrize(
    "start",
    [
        "一、",
        "（二）",
        "(3)",
        "1. ",
        "2、",
        "（1）",
        "① ",
        "第二章 ",
        "第十条 ",
        "附件1：",
        "附件：",
        "附件二 ",
        "- ",
    ],
)
def test_a_line_starting_a_block_is_never_glued_to_the_line_before(start: str) -> None:
    opener = f"{start}后续条款内容，对新认定的市级智能工厂给予奖励"  # a full line itself
    text = "\n".join([FULL, FULL, FULL, opener, "励标准另行制定。"])
    assert clean_text(text, reflow=True).split("\n") == [FULL * 3, opener + "励标准另行制定。"]


@pytest.mark.parametrize("start", ["## ", "| "])
def test_nothing_is_glued_to_a_markdown_heading_or_table_row(start: str) -> None:
    opener = f"{start}后续条款内容，对新认定的市级智能工厂给予奖励"
    text = "\n".join([FULL, FULL, FULL, opener, "励标准另行制定。"])
    assert clean_text(text, reflow=True).split("\n") == [FULL * 3, opener, "励标准另行制定。"]


def test_an_indented_line_starts_a_paragraph() -> None:
    text = "\n".join([FULL, FULL, "\u3000\u3000另起一段。"])
    assert clean_text(text, reflow=True).split("\n") == [FULL * 2, "另起一段。"]


def test_a_page_number_between_wrapped_lines_does_not_split_them() -> None:
    text = "\n".join([FULL, FULL, "- 7 -", "励标准另行制定。"])
    assert clean_text(text, reflow=True) == FULL * 2 + "励标准另行制定。"


def test_a_short_line_ends_its_paragraph() -> None:
    text = "为推动本市制造企业开展数字化改造，培育\n示范工厂。\n另起一段的内容，这一行同样写满了一整\n行。"
    assert clean_text(text, reflow=True) == (
        "为推动本市制造企业开展数字化改造，培育示范工厂。\n另起一段的内容，这一行同样写满了一整行。"
    )


def test_latin_words_keep_one_space_when_joined_and_cjk_none() -> None:
    text = "\n".join(
        [
            "引入数字孪生等新模式的企业可获得 Smart",
            "Factory 称号，并给予一次性奖励 80",
            "万元，由市级专项资金列支。",
        ]
    )
    assert clean_text(text, reflow=True) == (
        "引入数字孪生等新模式的企业可获得 Smart Factory 称号，并给予一次性奖励 80万元，由市级专项资金列支。"
    )


def test_real_blank_lines_separate_paragraphs_when_they_are_not_noise() -> None:
    full = "为推动本市制造企业开展数字化改造，培育"
    text = f"{full}\n{full}\n{full}\n\n{full}\n{full}"
    assert clean_text(text, reflow=True) == f"{full * 3}\n{full * 2}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WRAPPED, True),
        # a list of names of similar length is not wrapped prose
        ("北京示例科技有限公司\n天津示例电气有限公司\n上海示例装备有限公司\n广州示例材料有限公司\n", False),
        # logical lines (markdown) of very different widths
        (
            "# 标题\n- 标题: 甲\n第一条 "
            + "很长的条文内容，" * 12
            + "。\n第二条 短。\n第三条 中等长度的条文。",
            False,
        ),
        ("太短", False),
    ],
)
def test_looks_hard_wrapped(text: str, expected: bool) -> None:
    assert looks_hard_wrapped(text) is expected


def test_logical_lines_are_left_alone() -> None:
    text = "发布单位：示例厅\n三、加速推进\n对基础级项目，给予50万元奖励；\n对先进级项目，给予100万元奖励。"
    assert clean_text(text) == text


def test_clean_text_is_idempotent() -> None:
    once = clean_text(WRAPPED)
    assert clean_text(once) == once


# ---------------------------------------------------------------- the real national text


@pytest.fixture(scope="module")
def national() -> str:
    if not NATIONAL_TEXT.is_file():
        pytest.skip(f"shared corpus not available: {NATIONAL_TEXT} is missing")
    return NATIONAL_TEXT.read_text(encoding="utf-8")


def test_national_text_keeps_full_width_wording(national: str) -> None:
    cleaned = clean_text(national)
    assert "智能制造示范工厂建设期为２年" in cleaned
    assert "示范工厂建设期为2年" in normalize_for_match(cleaned)
    assert normalize_for_match(national) == normalize_for_match(cleaned)  # nothing but whitespace changed


def test_national_text_headings_begin_lines(national: str) -> None:
    lines = clean_text(national).split("\n")
    assert "四、重点工作" in lines
    assert any(line.startswith("（三）建设智能制造示范工厂。") for line in lines)
    assert lines[:3] == [
        "附件 1",
        "智能制造试点示范行动实施方案",
        "为深化智能制造推广应用，保证智能制造试点示范行动有序开展，制定本方案。",
    ]


def test_national_text_has_no_word_split_across_lines(national: str) -> None:
    cleaned = clean_text(national)
    lines = cleaned.split("\n")
    assert "" not in lines
    for a, b in zip(lines, lines[1:], strict=False):
        # no line may start or end in the middle of "智能制造"
        for k in range(1, 4):
            assert not (a.endswith("智能制造"[:k]) and b.startswith("智能制造"[k:])), (a, b)
    assert cleaned.count("智能制造") == national.replace("\n", "").replace(" ", "").count("智能制造")
    assert "遴选智能制造试点示范项目 305个" in cleaned  # the extractor's space before digits is kept


def test_national_text_cleaning_is_idempotent(national: str) -> None:
    once = clean_text(national)
    assert clean_text(once) == once


# ---------------------------------------------------------------- header keys


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("标题", ["title"]),
        ("发布机关", ["issuer"]),
        ("发布单位", ["issuer"]),
        ("发布/归口", ["issuer"]),
        ("日期/文号", ["date", "doc_no"]),
        ("日期／文号", ["date", "doc_no"]),
        ("官方原文链接（汇编所载）", ["url"]),
        ("官方原文链接(汇编所载)", ["url"]),
        ("采集来源 (where found)", ["source_note"]),
        ("来源（均为第三方，仅作事实核对）", ["source_note"]),
        ("来源性质", ["nature"]),
        ("完整性", ["completeness"]),
        ("类别", ["category"]),
        ("Title", ["title"]),
        ("编制", []),
        ("日期/编制", []),
    ],
)
def test_canonical_keys(raw: str, expected: list[str]) -> None:
    assert canonical_keys(raw) == expected


# ---------------------------------------------------------------- header blocks

FULL_BLOCK = """\
# 示例办法（节选）

- 标题: 示例省数字化车间认定办法（汇编标题）
- 发布机关：示例省工业和信息化厅
- 日期: 2030年1月2日
- 文号: 示工信规〔2030〕1号
- 官方原文链接（汇编所载）: https://example.org/a?b=1&c=2
- 采集来源 (where found): 测试夹具，提交 abc
- 来源性质: 第三方汇编
- 完整性: 节选
- 类别: 地方政策（测试）
- 编制: 测试组

---

第一条 正文。
- 正文里的列表: 不是文件头
"""


def test_full_header_block() -> None:
    header, body = parse_header(FULL_BLOCK)
    assert header == {
        "title": "示例省数字化车间认定办法（汇编标题）",
        "issuer": "示例省工业和信息化厅",
        "date": "2030年1月2日",
        "doc_no": "示工信规〔2030〕1号",
        "url": "https://example.org/a?b=1&c=2",
        "source_note": "测试夹具，提交 abc",
        "nature": "第三方汇编",
        "completeness": "节选",
        "category": "地方政策（测试）",
        "编制": "测试组",
        "heading": "示例办法（节选）",
    }
    assert body == "\n第一条 正文。\n- 正文里的列表: 不是文件头\n"


def test_block_without_rule_ends_at_first_other_line() -> None:
    header, body = parse_header("# 登记表\n\n- 标题: 甲\n- 发布/归口: 乙\n\n| a | b |\n|---|---|\n")
    assert header == {"title": "甲", "issuer": "乙", "heading": "登记表"}
    assert body == "| a | b |\n|---|---|\n"


def test_heading_is_the_title_when_the_block_has_none() -> None:
    header, _ = parse_header("# 示例办法\n- 发布机关: 乙\n---\n正文")
    assert header["title"] == "示例办法"


def test_no_block_keeps_text_and_takes_heading_as_title() -> None:
    text = "# 语料清单\n\n编制：某人。\n"
    assert parse_header(text) == ({"title": "语料清单"}, text)


def test_no_block_no_heading() -> None:
    text = " 附件 1\n\n示例方案\n\n为推动……"
    assert parse_header(text) == ({}, text)


def test_a_list_of_unknown_keys_is_body_not_header() -> None:
    text = "- 人员: 组织战略\n- 技术: 数据\n"
    assert parse_header(text) == ({}, text)


def test_front_matter() -> None:
    assert parse_header("---\ntitle: 甲\n发布机关: 乙\n---\n正文\n") == (
        {"title": "甲", "issuer": "乙"},
        "正文\n",
    )


def test_first_value_wins_for_a_repeated_key() -> None:
    header, _ = parse_header("- 标题: 甲\n- 名称: 乙\n---\n")
    assert header == {"title": "甲"}


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["# 标题: 甲", "# 发布机关: 乙"], {"title": "甲", "issuer": "乙"}),
        (
            ["# 日期/文号: 见各行；2030年第1号公告"],
            {"date": "见各行；2030年第1号公告", "doc_no": "见各行；2030年第1号公告"},
        ),
        # a second known key embedded after ；or 。 is split off
        (["# 日期: 2030年4月（未核对）；文号: 未找到"], {"date": "2030年4月（未核对）", "doc_no": "未找到"}),
        (
            ["# 说明: 以 # 开头的行为文件头。类别: 案例名单"],
            {"说明": "以 # 开头的行为文件头。", "category": "案例名单"},
        ),
        # …but not a URL scheme or an unknown word
        (["# 来源: 甲 ；https://example.org/x"], {"source_note": "甲 ；https://example.org/x"}),
        (["# 没有冒号的注释行", "#", "# 完整性：全"], {"completeness": "全"}),
    ],
)
def test_parse_header_lines(lines: list[str], expected: dict[str, str]) -> None:
    assert parse_header_lines(lines) == expected
