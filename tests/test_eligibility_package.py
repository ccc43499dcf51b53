"""Packages (the total a profile may receive, exclusions and caps applied, every line cited), the
申报材料 checklist (Markdown, DOCX) and the deadline as an .ics entry — on a purpose-made 通知."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.eligibility import Profile, Programme, evaluate, load_programmes
from assistant.eligibility.checklist import to_checklist_docx, to_checklist_markdown, to_ics
from assistant.eligibility.draft import draft_file
from assistant.eligibility.draft_output import to_programme_data
from assistant.eligibility.package import package

NOTICE = """唐山市工业和信息化局关于开展2026年度智能工厂和数字化车间奖励申报的通知
唐工信〔2026〕12号
一、申报条件
（一）在唐山市注册登记的规模以上工业企业。
二、奖励标准
（一）对新认定的市级智能工厂，给予一次性奖励80万元。
（二）对新认定的市级数字化车间，给予一次性奖励20万元。
（三）同一企业同时获评智能工厂和数字化车间的，按就高原则给予奖励，不重复享受。
三、申报材料
（一）申报书；
（二）营业执照复印件；
（三）智能化改造投入明细。
四、申报时间
企业于2026年6月30日17:00前通过网上申报系统提交材料。
"""
CAPPED = NOTICE.replace("（三）同一企业同时获评智能工厂和数字化车间的，按就高原则给予奖励，不重复享受。",
                        "（三）同一企业同一年度获得本通知奖励合计不超过90万元。")


def _programmes(tmp_path: Path, text: str) -> list[Programme]:
    src = tmp_path / "notice.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "programmes"
    out.mkdir()
    for p in draft_file(src):
        (out / f"{p.id}.yaml").write_text(yaml.safe_dump(to_programme_data(p), allow_unicode=True), encoding="utf-8")
    return load_programmes(out)


# a reward for a title is paid to its holders: this one holds both (as people say them, without the place)
HOLDER = {"city": "唐山", "above_scale": True, "titles": ["市级智能工厂", "市级数字化车间"]}


def test_exclusive_programmes_count_once_at_the_higher_amount(tmp_path: Path) -> None:
    programmes = _programmes(tmp_path, NOTICE)
    pkg = package(evaluate(Profile.from_dict(HOLDER), programmes))
    assert pkg.total_wan == 80
    assert [line.amount_wan for line in pkg.excluded] == [20]
    assert "就高" in pkg.excluded[0].source.quote or "不重复" in pkg.excluded[0].source.quote
    assert all(line.source.quote and line.source.clause for line in pkg.lines + pkg.excluded)


def test_a_cap_per_enterprise_caps_the_sum(tmp_path: Path) -> None:
    pkg = package(evaluate(Profile.from_dict(HOLDER), _programmes(tmp_path, CAPPED)))
    assert pkg.total_wan == 90 and pkg.capped and pkg.capped[0].amount_wan == 90
    assert "90万元" in pkg.capped[0].source.quote


def test_what_is_missing_is_listed_and_ruled_out_programmes_give_nothing(tmp_path: Path) -> None:
    programmes = _programmes(tmp_path, NOTICE)
    unknown = package(evaluate(Profile.from_dict({"city": "唐山", "titles": ["市级智能工厂"]}), programmes))
    assert unknown.missing and all("规模以上" in why for _, why in unknown.missing)
    none_held = package(evaluate(Profile.from_dict({**HOLDER, "titles": []}), programmes))
    assert none_held.total_wan == 0  # no title held: no reward for one
    elsewhere = package(evaluate(Profile.from_dict({"city": "保定", "above_scale": True}), programmes))
    assert elsewhere.total_wan == 0 and not elsewhere.lines


@pytest.fixture
def factory(tmp_path: Path) -> Programme:
    return next(p for p in _programmes(tmp_path, NOTICE) if p.name.endswith("智能工厂"))


def test_checklist_markdown_lists_materials_with_their_clause(factory: Programme) -> None:
    md = to_checklist_markdown(factory)
    assert "自动提取·未审核" in md
    assert "- ☐ 申报书" in md and "- ☐ 智能化改造投入明细" in md
    assert "截止时间：2026-06-30 17:00" in md and "三、" in md


def test_checklist_docx_is_written(factory: Programme, tmp_path: Path) -> None:
    import docx

    path = to_checklist_docx(factory, tmp_path / "checklist.docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "申报材料" in text and "营业执照复印件" in text


def test_ics_entry_for_the_deadline(factory: Programme) -> None:
    ics = to_ics(factory)
    assert ics is not None
    assert "BEGIN:VEVENT" in ics and "DTEND:20260630T170000" in ics and "申报截止" in ics
    assert ics.endswith("END:VCALENDAR\r\n")


def test_no_ics_without_a_deadline(factory: Programme) -> None:
    from dataclasses import replace

    assert to_ics(replace(factory, deadline="")) is None


def test_a_total_question_gets_the_sum_with_each_part_cited(tmp_path: Path) -> None:
    from assistant.eligibility.free_text import answer_eligibility

    programmes = _programmes(tmp_path, CAPPED)
    text, sources, _ = answer_eligibility(
        "我们是唐山的规上企业，已获评市级智能工厂和市级数字化车间，两项一共能拿多少？", programmes)
    assert "合计约 90 万元" in text  # the parts that certainly apply, the cap applied
    assert any("90万元" in s.quote for s in sources)


LEVELS = """某市工业和信息化局关于印发《某市智能工厂梯度培育奖励标准》的通知
一、奖励标准
（一）对新认定的市级数字化车间，给予一次性奖励30万元。
（二）对新认定的市级智能工厂，给予一次性奖励100万元。
二、奖励规则
已获本标准数字化车间奖励的企业，其工厂后续被认定为市级智能工厂的，按智能工厂奖励金额扣除已获数字化车间奖励后的差额给予奖励。
"""


def test_a_difference_rule_deducts_what_was_received(tmp_path: Path) -> None:
    """差额: the higher level's reward less what the lower one already paid, for that level only."""
    programmes = _programmes(tmp_path, LEVELS)
    factory = next(p for p in programmes if p.name.endswith("智能工厂"))
    workshop = next(p for p in programmes if p.name.endswith("数字化车间"))
    assert all(e.less_received for e in factory.estimates) and not any(e.less_received for e in workshop.estimates)
    profile = Profile.from_dict({"titles": ["市级智能工厂"], "received_award_wan": 30})
    (verdict,) = evaluate(profile, programmes, only=[factory.id])
    assert verdict.estimates[0].amount_wan == 70 and "扣除已获 30 万元" in verdict.estimates[0].formula


def test_an_answer_with_a_difference_cites_the_difference_rule(tmp_path: Path) -> None:
    from assistant.eligibility.free_text import answer_eligibility

    text, sources, _ = answer_eligibility(
        "我们某市的工厂去年一个车间拿了数字化车间奖励30万，今年被认定为市级智能工厂，能拿多少？", _programmes(tmp_path, LEVELS))
    assert "70 万元" in text and any("差额" in s.quote for s in sources)
