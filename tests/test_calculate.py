"""Calculations on purpose-made clauses (no index)."""

import pytest

from assistant.answer.calculate import apply, asked_base, explain, fmt, parse_rule


@pytest.mark.parametrize("question, base", [
    ("车间改造投入700万，能拿多少？", 700),
    ("设备投资1.2亿，补贴总额是多少？", 12000),
    ("搞了个600万的数字化改造，能补多少", 600),
    ("我们投了400万", 400),
    ("We are investing 8 million yuan in a digital retrofit project.", 800),
    ("能拿多少奖励？", None),
])
def test_asked_base(question, base):
    assert asked_base(question) == base


def test_rate_cap_and_threshold_from_a_clause():
    r = parse_rule("按该车间经审计确认的数字化改造投入的10%给予奖励，单个车间最高不超过100万元。")
    assert (r.rate, r.cap_wan, r.threshold_wan) == (10, 100, None)
    r = parse_rule("项目设备投资额不低于2000万元的，按设备投资额的5%给予奖补，最高不超过500万元")
    assert (r.rate, r.cap_wan, r.threshold_wan) == (5, 500, 2000)
    assert parse_rule("给予一次性奖励30万元。") is None


def test_apply_and_explain():
    rule = parse_rule("按设备投资的8%给予补贴，单个项目最高不超过800万元。")
    res = apply(rule, 12000)
    assert res.capped and res.value_wan == 800
    assert explain(rule, res, "[1]") == "计算：1.2亿元 × 8% = 960万元[1]，超过上限800万元[1]，按上限计为800万元。"
    res = apply(parse_rule("按投入的12%给予奖励，最高不超过100万元"), 700)
    assert not res.capped and res.value_wan == pytest.approx(84) and fmt(res.value_wan) == "84万元"
    low = apply(parse_rule("项目投资额不低于500万元的，按投资额的10%给予奖励"), 400)
    assert low.below_threshold and low.value_wan == 0


def test_a_rate_of_an_award_applies_to_an_award_and_a_rate_of_an_investment_to_an_investment():
    from assistant.answer.calculate import asked_base_kind, base_kind

    assert asked_base_kind("武汉 总额800万元 竣工验收公示后第一笔能到账多少") == "award"
    assert asked_base_kind("设备投资1.2亿，补贴总额是多少？") == "investment"
    assert base_kind("项目通过竣工验收并完成公示后，拨付补贴资金的70%；") == "award"
    assert base_kind("按设备投资额的8%给予补贴，单个项目最高不超过800万元。") == "investment"
    assert asked_base("武汉 总额800万元 第一笔能到账多少") == 800
