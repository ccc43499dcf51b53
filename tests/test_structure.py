"""Heading parser and chunk boundaries."""

from __future__ import annotations

import pytest
from corpus_paths import NATIONAL_TEXT

from assistant import tokens
from assistant.core.structure import heading_label, heading_type, parse_units
from assistant.settings import ChunkingSettings
from ingest.chunking import chunk_units, split_sentences
from ingest.cleaning import clean_text


@pytest.mark.parametrize(
    ("line", "htype", "label"),
    [
        ("一、背景", "cn", "一、背景"),
        ("四、重点工作", "cn", "四、重点工作"),
        ("（三）建设智能制造示范工厂。鼓励地方工业和信息化……", "paren_cn", "（三）建设智能制造示范工厂"),
        ("(三)事后奖补。根据项目特点……", "paren_cn", "(三)事后奖补"),
        ("（一）企业须在黑龙江省行政区域内注册，具有2年以上独立法人资格。", "paren_cn", "（一）"),
        ("第六条 申请认定黑龙江省数字化车间的企业，须在……", "article", "第六条"),
        ("第二章 认定条件", "chapter", "第二章 认定条件"),
        ("附件1：黑龙江省数字化车间认定管理办法", "annex", "附件1 黑龙江省数字化车间认定管理办法"),
        ("1.《大连市推进制造业新型技术改造城市试点工作方案》", "arabic", None),
        ("（2）关键工序数控化率", "paren_ar", None),
        ("## 要点", "md", "要点"),
        ("“十三五”期间，工业和信息化部……", None, None),
        ("2025年5月28日", None, None),
        ("10%以上", None, None),
    ],
)
def test_heading_table(line: str, htype: str | None, label: str | None) -> None:
    assert heading_type(line) == htype
    if htype and label:
        assert heading_label(line, htype) == label


def test_nesting_follows_the_order_types_appear() -> None:
    text = "附件1：某办法\n第一章 总则\n第一条 总则条文。\n第二章 条件\n第六条 申请企业须：\n（一）在本省注册；\n（二）信用良好。\n第七条 其他。"
    units = parse_units([(1, "前言。\n" + text)])
    sections = [u.section for u in units]
    assert "附件1 某办法 > 第二章 条件 > 第六条 > （一）在本省注册" in sections
    assert "附件1 某办法 > 第二章 条件 > 第七条" in sections  # 第七条 closed 第六条's items


def test_national_text_sections_after_cleaning() -> None:
    if not NATIONAL_TEXT.exists():
        pytest.skip("shared corpus missing")
    units = parse_units([(1, clean_text(NATIONAL_TEXT.read_text(encoding="utf-8")))])
    by_section = {u.section: u.text for u in units}
    key = "四、重点工作 > （三）建设智能制造示范工厂"
    assert key in by_section
    assert "建设期为" in by_section[key]
    assert "三、试点示范内容 > （二）智能制造示范工厂" in by_section
    assert not any(s.startswith("附件") for s in by_section)  # the whole file is the annex itself


def test_chunks_bounded_and_clauses_whole() -> None:
    cfg = ChunkingSettings(max_tokens=120, overlap_tokens=20, min_tokens=30)
    if not NATIONAL_TEXT.exists():
        pytest.skip("shared corpus missing")
    pieces = chunk_units(parse_units([(1, clean_text(NATIONAL_TEXT.read_text(encoding="utf-8")))]), cfg)
    assert all(tokens.count(p.text) <= cfg.max_tokens for p in pieces)
    # every piece ends at a sentence end (no clause cut mid-sentence when it fits)
    assert all(p.text.rstrip().endswith(("。", "；", "：")) or tokens.count(p.text) >= cfg.max_tokens - 40
               for p in pieces)
    joined = "".join(p.text for p in pieces)
    assert "建设期为" in joined


def test_small_items_merge_under_their_article() -> None:
    cfg = ChunkingSettings()
    units = parse_units([(1, "第二章 认定条件\n第六条 申请企业须符合：\n（一）在本省注册；\n（二）信用良好。\n第七条 分为两级。")])
    pieces = chunk_units(units, cfg)
    assert pieces[0].section == "第二章 认定条件 > 第六条"
    assert "（二）信用良好" in pieces[0].text


def test_oversize_clause_split_on_sentences_with_overlap() -> None:
    cfg = ChunkingSettings(max_tokens=60, overlap_tokens=15, min_tokens=10)
    body = "".join(f"第{i}句讲的是智能制造示范工厂的一项要求。" for i in range(1, 30))
    pieces = chunk_units(parse_units([(3, "（一）长条款。" + body)]), cfg)
    assert len(pieces) > 2
    assert all(p.page == 3 and p.section == "（一）长条款" for p in pieces)
    assert all(tokens.count(p.text) <= 60 for p in pieces)


@pytest.mark.parametrize(("text", "n"), [("一句。二句！三句？", 3), ("没有句号", 1), ("", 0), ("甲；乙；", 2)])
def test_split_sentences(text: str, n: int) -> None:
    assert len(split_sentences(text)) == n


def test_a_bold_line_is_a_heading():
    from assistant.core.structure import heading_label, heading_type

    assert heading_type("**四、申报材料**") == "cn"
    assert heading_label("**四、申报材料**", "cn") == "四、申报材料"
    assert heading_type("**注意**：本条不是标题") is None
