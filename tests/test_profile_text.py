"""Free-text questions → profile, programmes and a cited answer through the engine."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.eligibility import Programme, load_programmes
from assistant.eligibility.free_text import (
    answer_eligibility,
    answer_from_verdicts,
    cn_number,
    match_programmes,
    parse_profile,
    wants_eligibility,
)

HLJ_QUESTION = "我们是黑龙江注册一年的规上企业，能申请数字化车间吗？"


@pytest.fixture(scope="module")
def programmes() -> list[Programme]:
    return load_programmes()


@pytest.mark.parametrize(("text", "value"), [
    ("3", 3), ("2.5", 2.5), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("三百", 300),
    ("一千二百", 1200), ("五百", 500), ("三千", 3000), ("一万", 10_000), ("x", None), ("", None),
])
def test_cn_number(text: str, value: float | None) -> None:
    assert cn_number(text) == value


@pytest.mark.parametrize(("text", "expected"), [
    (HLJ_QUESTION, {"province": "黑龙江", "legal_entity_years": 1.0, "above_scale": True,
                    "independent_legal_entity": True, "applicant_kind": "企业"}),
    ("公司成立3年，在辽宁沈阳", {"province": "辽宁", "city": "沈阳", "legal_entity_years": 3.0}),
    ("注册两年的规模以上食品企业", {"legal_entity_years": 2.0, "above_scale": True, "industry": "食品"}),
    ("我们注册不到两年，是规下企业", {"legal_entity_years": 1.5, "above_scale": False}),
    ("我们纳税信用A级", {"tax_credit_grade": "A"}),  # a one-letter grade after its field's words
    ("纳税信用等级为B级，亩均效益评价为A类", {"tax_credit_grade": "B", "mu_efficiency_class": "A"}),
    ("三年前成立的化工企业", {"legal_entity_years": 3.0, "industry": "化工"}),
    ("我们是大连的汽车零部件企业", {"city": "大连", "province": "辽宁", "industry": "汽车零部件"}),
    ("重庆市一家电子企业", {"province": "重庆", "industry": "电子"}),
    ("我们成熟度二级", {"maturity_level": 2}),
    ("智能制造能力成熟度自评为3级，中小企业数字化水平二级", {"maturity_level": 3, "sme_digital_level": 2}),
    ("成熟度自评未达一级", {"maturity_level": 0}),
    ("被列入经营异常名录", {"abnormal_operation": True}),
    ("没有失信记录，也没有经营异常", {"dishonest_debtor": False, "abnormal_operation": False}),
    ("曾被列为失信被执行人", {"dishonest_debtor": True}),
    ("信用良好", {"dishonest_debtor": False, "abnormal_operation": False}),
    ("近三年无重大安全事故", {"major_incident_3y": False}),
    ("去年发生过环保事故", {"major_incident_3y": True}),
    ("项目投资500万", {"investment_wan": 500.0}),
    ("软硬件投入三百万元", {"investment_wan": 300.0}),
    ("总投资1.2亿", {"investment_wan": 12_000.0}),
    ("我们是分公司", {"independent_legal_entity": False, "legal_entity_years": 0.0}),
    # figures for any number field of fields.yaml, by its terms and the figure's unit
    ("宁波的规上企业，营收8000万，研发占比3.5%", {"revenue_wan": 8000, "rd_ratio_pct": 3.5}),
    ("去年营收1.5个亿，在本市纳税500来万", {"revenue_wan": 15000, "local_tax_wan": 500}),
    ("关键工序数控化率78%，联网率72%", {"nc_rate_pct": 78, "network_rate_pct": 72}),
    ("接入5G的终端有150个，做了4个5G场景", {"terminals_5g": 150, "scenarios_5g": 4}),
    ("搞了个600万的数字化改造", {"investment_wan": 600}),
    ("去年一个车间拿了数字化车间奖励100万", {"received_award_wan": 100}),
    ("无锡一家国家级专精特新小巨人", {"titles": ["国家级专精特新“小巨人”企业"]}),  # 无锡 is no negation
    ("车间今年刚被评为江苏省级智能制造示范车间", {"titles": ["江苏省级智能制造示范车间"]}),  # any title, as said
    ("苏州企业（不是高企也不是小巨人），车间评上了江苏省级示范车间", {"titles": ["江苏省级示范车间"]}),
    ("We are a 'little giant' in Hefei, investing 8 million yuan.",
     {"city": "合肥", "titles": ["国家级专精特新“小巨人”企业"], "investment_wan": 800}),
    # titles are read as said; the engine takes 先进级数字化车间 for the rule's 黑龙江省先进级数字化车间
    ("我们在黑龙江，已有一个省级先进级数字化车间", {"titles": ["先进级数字化车间"]}),
    ("辽宁企业，已经是基础级智能工厂", {"titles": ["基础级智能工厂"]}),
    ("我们已获评先进级智能工厂，也是链主企业", {"titles": ["先进级智能工厂", "产业链链主企业"]}),
    ("还没有任何称号", {"titles": []}),
    ("大连的企业做设备更新", {"project_kind": "设备更新"}),
    ("吉林，投资800万建设智能工厂", {"project_kind": "智能工厂", "investment_wan": 800.0}),
    ("我市能否创建先行区", {"applicant_kind": "地市"}),
])
def test_parse_profile(text: str, expected: dict[str, Any]) -> None:
    profile, notes = parse_profile(text)
    known = profile.known()
    assert {k: known.get(k) for k in expected} == expected
    assert notes  # every value filled in is explained


@pytest.mark.parametrize(("text", "absent"), [
    ("能申请先进级数字化车间吗", "titles"),  # a programme asked about is not a title held
    ("我们想申报先进级智能工厂", "titles"),
    ("近三年无重大事故，能申报吗", "legal_entity_years"),  # "近三年" is not the company's age
    ("我们是智能化工厂", "industry"),  # 化工 inside 智能化工厂
    ("我们是一家企业", "industry"),  # 家电 across 一家
    ("示范工厂的申报条件是什么", "titles"),
    ("纳税信用等级为Z级", "tax_credit_grade"),  # not one of the field's grades
    ("纳税信用很好，GB/T 39116", "tax_credit_grade"),
])
def test_parse_profile_does_not_overread(text: str, absent: str) -> None:
    assert getattr(parse_profile(text)[0], absent) is None


def test_parse_notes_explain_values() -> None:
    _, notes = parse_profile(HLJ_QUESTION)
    assert "独立法人年限：1年（据“注册一年”）" in notes
    assert "注册地（省级）：黑龙江" in notes


def test_parse_notes_city_outside_province() -> None:
    profile, notes = parse_profile("我们是黑龙江企业，想了解大连的政策")
    assert profile.province == "黑龙江" and profile.city is None
    assert any("大连" in n and "不在黑龙江" in n for n in notes)


@pytest.mark.parametrize(("text", "wanted"), [
    (HLJ_QUESTION, True),
    ("我们能申报示范工厂吗", True),
    ("是否可以申报优秀场景", True),
    ("我们符合条件吗？", True),
    ("够不够资格申请智能工厂", True),
    ("投资500万能拿多少补贴", True),
    ("重庆先进级智能工厂有什么奖励", True),
    ("Can we apply for the demonstration factory?", True),
    ("Are we eligible?", True),
    ("成熟度三级，够格报先进级吗？", True),
    ("今年该报示范工厂还是数字化车间？", True),
    ("示范工厂的建设期是多久", False),
    ("先行区由谁论证", False),
    ("示范工厂的申报条件是什么", False),
])
def test_wants_eligibility(text: str, wanted: bool) -> None:
    assert wants_eligibility(text) is wanted


@pytest.mark.parametrize(("text", "ids"), [
    (HLJ_QUESTION, ["heilongjiang_digital_workshop_advanced", "heilongjiang_digital_workshop_basic"]),
    ("黑龙江企业能申请先进级数字化车间吗", ["heilongjiang_digital_workshop_advanced"]),
    ("我们黑龙江已有先进级数字化车间，能申报智能工厂吗", ["heilongjiang_smart_factory"]),
    ("辽宁企业能申报数字化车间吗", ["liaoning_digital_workshop"]),
    ("我们是辽宁的基础级智能工厂，能申报先进级智能工厂吗", ["liaoning_advanced_smart_factory"]),
    ("我们能申报示范工厂吗", ["national_demo_factory"]),
    ("黑龙江企业能申报示范工厂吗", ["national_demo_factory"]),
    ("能申报优秀场景吗", ["national_excellent_scenario"]),
    ("我市能申报先行区吗", ["national_pilot_zone"]),
    ("吉林的智改数转项目能拿多少奖补", ["jilin_zgsz_post_award"]),
    ("重庆企业有什么奖补", ["chongqing_smart_factory_award"]),
    ("大连企业设备更新能补多少", ["dalian_city_subsidy"]),
    ("我们在大连，已获评省级数字化车间，有什么奖励？", ["dalian_central_fund_award"]),
    ("大连的省级数字化车间有什么奖励", ["dalian_central_fund_award", "liaoning_digital_workshop"]),
    ("今天天气怎么样", []),
])
def test_match_programmes(programmes: list[Programme], text: str, ids: list[str]) -> None:
    assert match_programmes(text, programmes) == ids


def test_hlj_one_year_answer_cites_the_clause(programmes: list[Programme]) -> None:
    text, sources, verdicts = answer_eligibility(HLJ_QUESTION, programmes)
    assert {v.status for v in verdicts} == {"not_eligible"}
    assert "附件1 第六条（一）" in text
    cite = "根据《黑龙江省数字化车间认定管理办法》（黑工信规规〔2025〕7号）附件1 第六条（一）"
    assert f"{cite}[1]，申报须具有2年以上独立法人资格" in text
    assert "独立法人年限为1年，低于要求的2年，不符合" in text
    assert text.index("不符合") < text.index("尚需确认")  # the failing criterion comes first
    assert sources[0].clause == "附件1 第六条（一）" and sources[0].quote == "具有2年以上独立法人资格"
    citation = sources[0].to_citation(1)
    assert (citation.n, citation.section) == (1, "附件1 第六条（一）")
    assert citation.doc_no == "黑工信规规〔2025〕7号"


def test_needs_info_answer_lists_what_to_provide(programmes: list[Programme]) -> None:
    question = "我们是黑龙江的乳制品企业，成立5年，是规上企业，能申请基础级数字化车间吗"
    text, sources, _ = answer_eligibility(question, programmes)
    assert "目前还不能确定" in text
    assert "请提供《中小企业数字化水平评测指标》评测等级" in text
    assert "另需准备材料证明" in text and "申报路径" in text
    assert "已满足" in text and "具有2年以上独立法人资格" in text
    assert any(s.clause == "附件1 第六条（六）" for s in sources)


def test_money_answer_puts_the_estimate_first(programmes: list[Programme]) -> None:
    question = "我们在吉林投资500万建数字化车间，能拿多少奖补？"
    text, sources, verdicts = answer_eligibility(question, programmes)
    assert [v.programme_id for v in verdicts] == ["jilin_zgsz_post_award"]
    assert "事后奖补：数字化车间（生产线）估算：500 万元 × 10% ≈ 50 万元" in text
    assert text.index("估算") < text.index("另需准备材料证明")
    assert any(s.quote == "数字化车间(生产线)补助原则上最高不超过300万元" for s in sources)


def test_enterprise_cannot_create_a_pilot_zone(programmes: list[Programme]) -> None:
    text, _, verdicts = answer_eligibility("我们企业能申报智能制造先行区吗？", programmes)
    assert verdicts[0].status == "not_eligible"
    assert "四（四）" in text and "地市" in text


def test_region_fallback_and_no_programme(programmes: list[Programme]) -> None:
    _, _, verdicts = answer_eligibility("我们是重庆的卓越级智能工厂，能享受什么？", programmes)
    assert [v.programme_id for v in verdicts] == ["chongqing_smart_factory_award"]
    text, sources, verdicts = answer_eligibility("我们能申报吗？", programmes)
    assert verdicts == [] and sources == [] and "请说明想申报的项目" in text


def test_answer_from_no_verdicts() -> None:
    text, sources = answer_from_verdicts("能申报吗", [])
    assert sources == [] and "请说明" in text
