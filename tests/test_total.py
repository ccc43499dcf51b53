"""Totals across rules on purpose-made sentences."""

from assistant.answer.total import explain, term


def test_a_rate_rule_and_a_fixed_award_add_up():
    a = term("省级财政对新认定的先进级智能工厂，按照近两年智能化改造投入的5%给予奖励，最高不超过100万元。", 2000, ["智能工厂"], "[1]")
    b = term("先进级智能工厂：按近两年智能化改造投入的8%给予奖励，最高200万元。", 2000, ["智能工厂"], "[2]")
    assert (a.value_wan, b.value_wan) == (100, 160)
    assert explain([a, b]) == "合计：2000万元 × 5% = 100万元[1] + 2000万元 × 8% = 160万元[2]，共260万元。"


def test_respectively_gives_each_title_its_amount():
    t = term("对新认定的省级智能工厂和数字化车间，分别给予一次性奖励100万元和40万元。", None, ["数字化车间"], "[1]")
    assert t is not None and t.value_wan == 40
    f = term("专精特新企业获评安徽省数字化车间的，在省级奖励基础上，市级再给予一次性奖励30万元；", None, ["数字化车间"], "[2]")
    assert f is not None and f.value_wan == 30


def test_a_ceiling_on_the_sum_is_no_award_to_add():
    # "同一企业累计…最高不超过" limits what the awards add up to; it is not one of them
    assert term("同一企业累计获得智能工厂奖励最高不超过500万元。", None, [], "[1]") is None
    assert term("同一企业同一年度获得奖励不超过400万元。", None, [], "[1]") is None
    # the most one clause gives (no scope over the sum) still counts as what it gives
    t = term("对新认定的省级智能工厂给予最高300万元奖励。", None, ["智能工厂"], "[2]")
    assert t is not None and t.value_wan == 300
    # a year named is when the award is given, not what a ceiling is counted over
    t = term("对2025年度新认定的省级智能工厂给予最高300万元奖励。", None, ["智能工厂"], "[3]")
    assert t is not None and t.value_wan == 300
