"""Unit tables for ingest.metadata, assistant.core.validity and assistant.core.dates: the grammar of official documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.core.dates import add_years, find_dates, parse_date
from assistant.core.validity import DocFacts, find_validity, resolve
from ingest.metadata import (
    clean_title,
    describe,
    is_government_issuer,
    issue_date,
    normalise_region,
    place_of,
    title_from_text,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2025年4月8日", "2025-04-08"),
        ("2025 年 4 月", "2025-04-01"),
        ("发布时间：2025-07-25", "2025-07-25"),
        ("二〇二三年五月十日", "2023-05-10"),
        ("二〇二五年十二月三十一日", "2025-12-31"),
        ("GB/T 39116-2020 智能制造能力成熟度模型", ""),  # a standard's number is no date
        ("浙经信技术〔2025〕12号", ""),
        ("2025年2月30日", ""),  # no such day
    ],
)
def test_dates(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_add_years_ends_the_day_before() -> None:
    assert add_years("2025-07-01", 5) == "2030-06-30"
    assert add_years("2024-02-29", 1) == "2025-02-27"
    assert [d.has_day for d in find_dates("2025年3月，2025年3月5日")] == [False, True]


@pytest.mark.parametrize(
    ("issuer", "title", "expected"),
    [
        ("江苏省工业和信息化厅 江苏省财政厅", "", ("江苏", "province")),
        ("", "武汉市经济和信息化局关于印发《…》的通知", ("武汉", "city")),
        ("工业和信息化部办公厅", "关于开展2025年度智能工厂梯度培育行动的通知", ("全国", "national")),
        ("工信部等六部门", "", ("全国", "national")),
        # a city's notice that tells 县（市）区工信部门 what to do is not national
        ("各县（市）区工信部门", "关于组织申报市级数字化车间的通知", ("", "")),
        ("", "合肥市支持专精特新中小企业数字化转型若干政策", ("合肥", "city")),
        ("佛山市顺德区经济和科技促进局", "", ("佛山", "county")),  # a county document counts as its city's region
        ("", "示例文件", ("", "")),
        ("", "国家级智能制造示范名单（汇总）", ("全国", "national")),  # a title that names the nation as its scope
        ("", "关于组织申报国家级示范工厂的通知", ("", "")),  # as often a province's notice: nothing says whose
    ],
)
def test_place_of(issuer: str, title: str, expected: tuple[str, str]) -> None:
    assert place_of(issuer, title) == expected


@pytest.mark.parametrize(
    ("name", "region"), [("黑龙江省", "黑龙江"), ("大连市", "大连"), ("顺德区", "佛山"), ("全国", "全国"), ("", "")]
)
def test_normalise_region(name: str, region: str) -> None:
    assert normalise_region(name) == region


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("佛山市工业和信息化局 佛山市财政局关于印发《佛山市示范车间奖励办法（2025年修订）》的通知",
         "佛山市示范车间奖励办法（2025年修订）"),
        ("关于组织申报2025年度苏州市专项资金项目的通知", "关于组织申报2025年度苏州市专项资金项目的通知"),
        ("《山东省智能工厂梯度培育管理办法》政策解读", "《山东省智能工厂梯度培育管理办法》政策解读"),
        ("重庆市若干政策（汇编标题，“三、…”部分节选）", "重庆市若干政策"),
    ],
)
def test_clean_title(title: str, clean: str) -> None:
    assert clean_title(title) == clean


def test_the_date_of_issue_is_the_signature_date_not_a_validity_or_cited_date() -> None:
    body = (
        "示例市工业和信息化局关于印发《示例市奖励办法》的通知\n示工信〔2025〕3号\n"
        "根据《GB/T 39116-2020》及《示例省办法》（示工信〔2021〕1号，2021年3月1日印发），制定本办法。\n"
        "示例市工业和信息化局\n2025年4月8日\n"
        "第九条 本办法自2025年5月1日起施行，有效期至2027年12月31日。\n"
    )
    assert issue_date(body) == "2025-04-08"
    meta = describe({}, body, Path("x.txt"), False)
    assert (meta["title"], meta["issuer"], meta["doc_no"], meta["date"]) == (
        "示例市奖励办法", "示例市工业和信息化局", "示工信〔2025〕3号", "2025-04-08")
    assert (meta["valid_from"], meta["valid_until"]) == ("2025-05-01", "2027-12-31")


def test_a_header_date_that_is_an_expiry_is_no_date_of_issue() -> None:
    meta = describe({"title": "示例政策", "date": "汇编未载；有效期截至2027年12月31日"}, "第一条 正文。", Path("x.md"), False)
    assert (meta["date"], meta["valid_until"], meta["year"]) == ("", "2027-12-31", 0)


def test_a_standard_is_dated_by_its_number_not_by_a_cited_white_paper() -> None:
    meta = describe({"title": "GB/T 39116-2020 智能制造能力成熟度模型", "issuer": "国家标准，由工业和信息化部提出并归口"},
                    "前身为2016年9月发布的白皮书（2016-09-20）。", Path("GB_T_39116-2020.md"), False)
    assert (meta["date"], meta["year"], meta["level"], meta["region"]) == ("", 2020, "national", "全国")


@pytest.mark.parametrize(
    ("body", "issued", "expected"),
    [
        ("本办法自2025年10月1日起施行，有效期至2028年9月30日。", "", ("2025-10-01", "2028-09-30")),
        ("本细则自印发之日起实施，有效期三年。", "2025-02-20", ("2025-02-20", "2028-02-19")),
        ("本办法自印发之日施行，有效期五年，由省工信厅负责解释。", "2025-05-28", ("2025-05-28", "2030-05-27")),
        ("本政策自2025年8月1日起施行，有效期至2027年7月。", "", ("2025-08-01", "2027-07-31")),
        # the validity of a title (称号/认定有效期), not of the document
        ("第八条 示范车间称号有效期为3年。第十条 本办法自2023年7月1日起施行。", "", ("2023-07-01", "")),
        ("（一）省级5G工厂认定有效期为3年。", "2025-01-01", ("", "")),
        ("项目自2024年1月1日以来完成的投资额不低于500万元。", "", ("", "")),
        ("对自2024年1月1日起实施的改造项目给予补贴。", "", ("", "")),  # a project's start, not the document's
        ("本办法自2025年5月1日起施行", "", ("2025-05-01", "")),
    ],
)
def test_validity(body: str, issued: str, expected: tuple[str, str]) -> None:
    v = find_validity(body, issued)
    assert (v.valid_from, v.valid_until) == expected


@pytest.mark.parametrize(
    ("sentence", "repeals"),
    [
        ("《示例市办法》（示工信〔2023〕58号）同时废止。", ("示工信〔2023〕58号", "示例市办法")),
        ("原《示例细则（试行）》不再执行。", ("示例细则（试行）",)),
        ("此前发布的《示例通知》与本办法不一致的，以本办法为准。", ("示例通知",)),
        ("本办法施行前已按原办法认定但尚未兑现奖励的项目，继续按原办法标准执行。", ()),  # a transition, no repeal
        ("为落实《示例省办法》（示工信〔2025〕6号），制定本标准。", ()),
    ],
)
def test_repeals(sentence: str, repeals: tuple[str, ...]) -> None:
    assert find_validity(sentence).repeals == repeals


def _doc(doc_id: str, doc_no: str = "", title: str = "", valid_from: str = "", valid_until: str = "",
         repeals: str = "") -> DocFacts:
    return DocFacts(doc_id, title or doc_id, doc_no, valid_from, valid_until, repeals)


def test_resolve() -> None:
    docs = [
        _doc("old", "示工信〔2023〕58号", "示例办法", "2023-07-01", "2026-06-30"),
        _doc("new", "示工信〔2025〕102号", "示例办法（2025年修订）", "2025-10-01", "2028-09-30", "示工信〔2023〕58号"),
        _doc("lapsed", valid_until="2025-12-31"),
        _doc("future", valid_from="2027-01-01"),
        _doc("by_title", title="关于印发《甲细则》的通知"),
        _doc("repealer", repeals="甲细则"),
    ]
    assert resolve(docs, dt.date(2026, 1, 1)) == {
        "old": ("superseded", "new"), "new": ("current", ""), "lapsed": ("expired", ""),
        "future": ("not_yet_in_force", ""), "by_title": ("superseded", "repealer"), "repealer": ("current", ""),
    }
    # before the revision takes effect the old rules still apply
    assert resolve(docs, dt.date(2025, 9, 1))["old"] == ("current", "")


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("示例省经济和信息化厅关于组织开展2025年度省级智能制造示\n范工厂和数字化车间申报工作的通知\n（本文件为测试用）\n示经信〔2025〕45号",
         "示例省经济和信息化厅关于组织开展2025年度省级智能制造示范工厂和数字化车间申报工作的通知"),
        ("示例市智能工厂培育办法\n第一章 总则", "示例市智能工厂培育办法"),
        ("关于做好2025年申报工作的\n通知\n各区工信局：", "关于做好2025年申报工作的通知"),
        ("示例市工业和信息化局文件\n示工信〔2025〕3号\n关于……的通知", "示例市工业和信息化局文件"),  # no title ending: the first line
        ("为推动智能工厂建设，制定本办法。", "x"),  # a sentence is no title: the file name
    ],
)
def test_title_from_text(body: str, title: str) -> None:
    assert title_from_text(body, Path("x.txt")) == title


def test_metadata_of_a_long_odd_text_is_quick() -> None:
    """No pattern backtracks: organ-like characters in a long line (部门内部全部局部…) once took seconds per 60."""
    import time

    started = time.perf_counter()
    describe({}, "部门内部全部局部" * 25_000 + "\n" + "厅局委部院" * 20_000, Path("x.txt"), False)
    assert time.perf_counter() - started < 2


# ---------------------------------------------------------------------- authority: what a file says of itself
_RULE_BODY = "第一条 对认定的示例市智能工厂给予奖励50万元。\n"


@pytest.mark.parametrize(("header", "body", "authority"), [
    ({"title": "示例市智能工厂奖励办法", "issuer": "示例市工业和信息化局"}, _RULE_BODY, "official"),
    ({"title": "示例市智能工厂奖励办法", "doc_no": "示工信规〔2030〕1号"}, _RULE_BODY, "official"),
    ({"title": "示例市要点", "issuer": "示例市工业和信息化局", "completeness": "要点（意译，非官方措辞）"}, _RULE_BODY,
     "summary"),
    ({"title": "示例市智能工厂奖励办法", "issuer": "示例市智能制造产业协会"}, _RULE_BODY, "unverified"),
    ({"title": "示例市智能工厂奖励办法"}, _RULE_BODY, "unverified"),
    ({}, "示例市智能工厂奖励办法\n\n" + _RULE_BODY, "unverified"),  # no header, no masthead: nobody's word
    ({}, "示例市智能工厂奖励办法\n示工信规〔2030〕1号\n\n" + _RULE_BODY, "official"),  # a 文号 line under the title
    ({}, "示例市工业和信息化局关于印发《示例市智能工厂奖励办法》的通知\n\n" + _RULE_BODY, "official"),  # the title's organ
    ({}, "示例市智能工厂奖励办法\n\n" + _RULE_BODY + "\n示例市工业和信息化局\n2030年1月5日\n", "official"),  # signature
    ({}, "示例市智能工厂奖励办法\n\n" + _RULE_BODY + "\n示例市智能制造研究院\n2030年1月5日\n", "unverified"),
])
def test_authority_is_what_the_file_says_of_itself(header: dict[str, str], body: str, authority: str) -> None:
    assert describe(header, body, Path("x.md"), False)["authority"] == authority


@pytest.mark.parametrize(("issuer", "government"), [
    ("工业和信息化部办公厅", True),
    ("国务院", True),
    ("重庆市经济和信息化委员会、重庆市财政局（汇编所载）", True),
    ("①吉林省财政厅、吉林省工业和信息化厅；②吉林省工业和信息化厅", True),
    ("示例新区管委会", True),
    ("示例市人民政府", True),
    ("中国电子技术标准化研究院", False),
    ("示例市智能制造产业协会、示例科技有限公司", False),
    ("示例市大数据中心", False),
    ("本助手整理", False),
    ("", False),
])
def test_government_issuers(issuer: str, government: bool) -> None:
    assert is_government_issuer(issuer) is government
