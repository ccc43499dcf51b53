"""Metadata that holds on documents nobody tuned for: every document of ../shared/corpus-dev2 pinned.

Title, issuer, 文号, level, region, date of issue, validity and status (as of fixed reference dates),
read by the real loaders and `ingest.metadata` / `assistant.core.validity`, with no index.
"""

from __future__ import annotations

import datetime as dt

import pytest
from corpus_paths import SHARED

from assistant.core.validity import with_status
from assistant.domain import Chunk
from assistant.settings import Settings
from ingest.loaders import load_file
from ingest.pipeline import build_chunks

DEV2 = SHARED / "corpus-dev2"
FOSHAN_OLD = "佛山市数字化智能化示范工厂和示范车间认定及奖励办法_2023.md"
FOSHAN_NEW = "佛山市数字化智能化示范工厂和示范车间认定及奖励办法_2025年修订.txt"

# file → (title, issuer, 文号, level, region, date, valid_from, valid_until)
EXPECTED: dict[str, tuple[str, str, str, str, str, str, str, str]] = {
    "浙江省智能工厂和数字化车间认定管理办法.md": (
        "浙江省智能工厂和数字化车间认定管理办法", "浙江省经济和信息化厅", "浙经信技术〔2025〕12号",
        "province", "浙江", "2025-03-10", "2025-04-01", "2030-03-31"),
    "宁波市智能工厂和数字化车间奖励实施细则.txt": (
        "宁波市智能工厂和数字化车间奖励实施细则", "宁波市经济和信息化局 宁波市财政局", "甬经信智造〔2025〕31号",
        "city", "宁波", "2025-05-16", "2025-06-01", "2027-12-31"),
    "江苏省智能制造示范工厂和示范车间奖补资金管理办法.docx": (
        "江苏省智能制造示范工厂和示范车间奖补资金管理办法", "江苏省工业和信息化厅 江苏省财政厅", "苏工信规〔2025〕4号",
        "province", "江苏", "2025-04-08", "2025-05-01", "2027-12-31"),
    "苏州市2025年度智能化改造数字化转型专项资金项目申报通知.txt": (
        "关于组织申报2025年度苏州市智能化改造数字化转型专项资金项目的通知", "苏州市工业和信息化局",
        "苏市工信数〔2025〕23号", "city", "苏州", "2025-05-28", "", ""),
    "广东省5G工厂认定和支持办法_试行.md": (
        "广东省5G工厂认定和支持办法（试行）", "广东省工业和信息化厅", "粤工信数字〔2025〕9号",
        "province", "广东", "2025-02-20", "2025-02-20", "2027-02-19"),  # 自印发之日起施行，有效期2年
    FOSHAN_OLD: (
        "佛山市数字化智能化示范工厂和示范车间认定及奖励办法", "佛山市工业和信息化局 佛山市财政局", "佛工信〔2023〕58号",
        "city", "佛山", "2023-06-15", "2023-07-01", "2026-06-30"),
    FOSHAN_NEW: (
        "佛山市数字化智能化示范工厂和示范车间认定及奖励办法（2025年修订）", "佛山市工业和信息化局 佛山市财政局",
        "佛工信〔2025〕102号", "city", "佛山", "2025-09-12", "2025-10-01", "2028-09-30"),
    "山东省智能工厂梯度培育管理办法_政策解读.md": (
        "《山东省智能工厂梯度培育管理办法》政策解读", "山东省工业和信息化厅", "",  # a 解读 has no 文号 of its own
        "province", "山东", "2025-07-08", "2025-08-01", "2030-07-31"),
    "青岛市智能工厂梯度培育奖励标准.md": (
        "青岛市智能工厂梯度培育奖励标准", "青岛市工业和信息化局", "青工信字〔2025〕27号",
        "city", "青岛", "2025-09-03", "2025-10-01", "2027-12-31"),
    "P020250711527816349201.pdf": (
        "四川省经济和信息化厅关于组织开展2025年度省级智能制造示范工厂和数字化车间申报工作的通知", "四川省经济和信息化厅",
        "川经信智造〔2025〕45号", "province", "四川", "2025-07-10", "", ""),
    "武汉市支持制造业智能化改造和数字化转型实施细则.docx": (
        "武汉市支持制造业智能化改造和数字化转型实施细则", "武汉市经济和信息化局 武汉市财政局", "武经信规〔2025〕3号",
        "city", "武汉", "2025-02-26", "2025-03-01", "2026-12-31"),
    "安徽省智能工厂和数字化车间认定管理办法.pdf": (
        "安徽省智能工厂和数字化车间认定管理办法", "安徽省经济和信息化厅", "皖经信智能〔2025〕21号",
        "province", "安徽", "2025-08-18", "2025-10-01", "2030-09-30"),
    "合肥市支持专精特新中小企业数字化转型若干政策.txt": (
        "合肥市支持专精特新中小企业数字化转型若干政策", "合肥市经济和信息化局", "合经信中小〔2025〕16号",
        "city", "合肥", "2025-07-22", "2025-08-01", "2027-07-31"),
    "厦门市2025年度市级数字化车间申报通知.txt": (
        "厦门市工业和信息化局关于开展2025年度市级数字化车间申报工作的通知", "厦门市工业和信息化局",
        "厦工信数字〔2025〕88号", "city", "厦门", "2025-08-20", "", ""),
    "河南省制造业智能化改造专项资金管理办法.docx": (
        "河南省制造业智能化改造专项资金管理办法", "河南省财政厅 河南省工业和信息化厅", "豫财企〔2025〕33号",
        "province", "河南", "2025-06-06", "2025-07-01", "2030-06-30"),  # 有效期5年
    "浙江安徽智能工厂和数字化车间认定名单_2024-2025.xlsx": (
        "浙江安徽智能工厂和数字化车间认定名单_2024-2025", "", "", "province", "浙江", "", "", ""),
}

# Status of every document as of a reference date; unlisted documents are current.
STATUS_ON: dict[str, dict[str, str]] = {
    "2026-01-01": {FOSHAN_OLD: "superseded"},
    "2025-09-01": {  # the 2025 revision is not in force yet, so the 2023 rules still are
        FOSHAN_NEW: "not_yet_in_force", "青岛市智能工厂梯度培育奖励标准.md": "not_yet_in_force",
        "安徽省智能工厂和数字化车间认定管理办法.pdf": "not_yet_in_force"},
    "2027-03-01": {FOSHAN_OLD: "superseded", "武汉市支持制造业智能化改造和数字化转型实施细则.docx": "expired",
                   "广东省5G工厂认定和支持办法_试行.md": "expired"},
}


@pytest.fixture(scope="module")
def dev2_chunks() -> dict[str, list[Chunk]]:
    if not DEV2.is_dir():
        pytest.skip(f"{DEV2} is missing (tests read the shared corpus from beside the project)")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    out = {}
    for path in sorted(p for p in DEV2.iterdir() if p.name != "README.md"):
        out[path.name] = build_chunks(load_file(path, settings.max_file_bytes), path.name, str(path), settings)
    return out


def test_every_dev2_document_is_pinned(dev2_chunks: dict[str, list[Chunk]]) -> None:
    assert sorted(dev2_chunks) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dev2_metadata(dev2_chunks: dict[str, list[Chunk]], name: str) -> None:
    d = dev2_chunks[name][0].doc
    got = (d.title, d.issuer, d.doc_no, d.level, d.region, d.date, d.valid_from, d.valid_until)
    assert got == EXPECTED[name]
    assert d.year == (int(d.date[:4]) if d.date else 2024)


@pytest.mark.parametrize("on", sorted(STATUS_ON))
def test_dev2_status(dev2_chunks: dict[str, list[Chunk]], on: str) -> None:
    chunks = {c.chunk_id: c for cs in dev2_chunks.values() for c in cs}
    resolved = with_status(chunks, dt.date.fromisoformat(on))
    status = {c.doc.doc_id: (c.doc.status, c.doc.superseded_by) for c in resolved.values()}
    expected = {name: STATUS_ON[on].get(name, "current") for name in EXPECTED}
    assert {name: s for name, (s, _) in status.items()} == expected
    if expected[FOSHAN_OLD] == "superseded":
        assert status[FOSHAN_OLD][1] == FOSHAN_NEW  # doc ids are the file names here
    assert all(by == "" for name, (s, by) in status.items() if s != "superseded")


def test_the_old_foshan_rules_are_repealed_by_number_and_title(dev2_chunks: dict[str, list[Chunk]]) -> None:
    repeals = dev2_chunks[FOSHAN_NEW][0].doc.repeals.split("；")
    assert repeals == ["佛工信〔2023〕58号", "佛山市数字化智能化示范工厂和示范车间认定及奖励办法"]


def test_a_sheet_per_province_keeps_its_name(dev2_chunks: dict[str, list[Chunk]]) -> None:
    rows = [c for c in dev2_chunks["浙江安徽智能工厂和数字化车间认定名单_2024-2025.xlsx"] if c.record]
    assert {c.sheet for c in rows} == {"浙江", "安徽"}
    hefei = [c for c in rows if c.sheet == "安徽" and c.record.get("地区", "").startswith("合肥")]
    assert hefei and all(c.section.startswith("安徽 > 第") for c in hefei)


def test_the_jiangsu_word_table_is_answerable_row_by_row(dev2_chunks: dict[str, list[Chunk]]) -> None:
    rows = [c for c in dev2_chunks["江苏省智能制造示范工厂和示范车间奖补资金管理办法.docx"] if c.record]
    assert [r.record["类别"] for r in rows] == ["省级智能制造示范车间", "省级智能制造示范工厂", "国家级智能制造示范工厂"]
    assert rows[0].record["奖补标准"] == "按投资额的8%给予奖补，最高不超过200万元"
    assert all(set(r.record) == {"类别", "条件", "奖补标准"} for r in rows)
