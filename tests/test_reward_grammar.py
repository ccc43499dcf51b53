"""The reward-clause grammar of assistant.core.reward_grammar on purpose-made sentences, raw and folded."""

import pytest

from assistant.core.reward_grammar import (
    AWARD_AMOUNT,
    CAP,
    PAYS_DIFFERENCE,
    RESPECTIVELY,
    RESPECTIVELY_FOR,
    amounts,
    cap_wan,
    fixed_award,
    names,
    raise_in,
)
from assistant.core.text import normalize_for_match


@pytest.mark.parametrize(("sentence", "rate", "points"), [
    ("企业为高新技术企业的，奖励比例提高至12%，最高限额不变。", 12, None),
    ("申报企业为国家级专精特新企业的，补助标准上浮到 15 ％。", 15, None),
    ("属于省级专精特新企业的，奖补比例提高2个百分点，最高限额不变。", None, 2),
    ("研发投入占比较高的，补助比例提升 1.5 百分点。", None, 1.5),
])
def test_a_raised_rate_is_read_to_a_rate_or_by_points(sentence: str, rate: float | None, points: float | None) -> None:
    for text in (sentence, normalize_for_match(sentence)):
        r = raise_in(text)
        assert r is not None and (r.rate, r.points) == (rate, points)
        assert text[r.start:r.end].startswith(("比例", "标准"))


def test_a_raise_to_a_rate_comes_before_a_raise_by_points_and_points_add_to_the_base_rate() -> None:
    both = raise_in("高新技术企业的，比例提高2个百分点；小巨人企业的，比例提高至15%。")
    assert both is not None and both.applied_to(10) == 15
    by = raise_in("高新技术企业的，比例提高2个百分点。")
    assert by is not None and by.applied_to(10) == 12


@pytest.mark.parametrize("sentence", [
    "研发投入占营业收入比重提高至5%的企业优先支持。",  # a figure of the condition, not the rate raised
    "生产效率平均提升22.3%。",
    "奖励比例为10%。",
])
def test_a_figure_that_is_not_the_rate_raised_is_no_raise(sentence: str) -> None:
    assert raise_in(sentence) is None


@pytest.mark.parametrize(("sentence", "pays"), [
    ("企业逐级晋升的，按新等级奖励金额扣除已获奖励后的差额给予奖励。", True),
    ("由基础型晋级为标杆型的，按两级奖励的差额给予补足。", True),
    ("认定为智能工厂的，扣除已获数字化车间奖励后给予奖励。", True),
    ("扣减已发放的市级奖励后拨付。", True),
    ("同一项目不重复享受市级奖励，按就高原则执行。", False),
])
def test_an_award_paid_as_a_difference(sentence: str, pays: bool) -> None:
    assert bool(PAYS_DIFFERENCE.search(sentence)) is pays


@pytest.mark.parametrize(("sentence", "fixed", "given"), [
    ("对认定的卓越级智能工厂，给予一次性奖励300万元。", 300, 300),
    ("给予 50 万元补助。", 50, 50),
    ("市级再给予一次性奖补资金30万元；", 30, 30),
    ("对企业补贴20万元。", 20, 20),
    ("按投资额的10%，给予最高300万元奖补。", None, 300),  # a ceiling: an amount given, not a fixed award
    ("同一企业累计获得本标准奖励最高不超过500万元。", None, 500),
    ("给予50-200万元奖励。", None, 200),  # one end of a range
    ("单个企业最高给予200万元。", None, 200),
    ("每个项目最高可奖励 80 万元。", None, 80),
    ("奖励标准另行规定。", None, None),
])
def test_an_amount_given_and_a_fixed_award(sentence: str, fixed: float | None, given: float | None) -> None:
    for text in (sentence, normalize_for_match(sentence)):
        f = fixed_award(text)
        assert (float(f.group("wan")) if f else None) == fixed
        g = AWARD_AMOUNT.search(text)
        assert (float(g.group("wan")) if g else None) == given


def test_a_fixed_award_after_a_ceiling_in_the_same_sentence_is_found() -> None:
    f = fixed_award("奖励最高不超过500万元，另对链主企业一次性奖励100万元。")
    assert f is not None and f.group("wan") == "100"


@pytest.mark.parametrize(("sentence", "titles", "wan"), [
    ("对新认定的省级智能工厂和数字化车间，分别给予一次性奖励100万元和40万元。", ["新认定的省级智能工厂", "数字化车间"], [100, 40]),
    ("对卓越级、领航级和标杆级智能工厂分别给予300万元、500万元、800万元奖励。", ["卓越级", "领航级", "标杆级智能工厂"],
     [300, 500, 800]),
])
def test_amounts_given_respectively_to_the_titles_named(sentence: str, titles: list[str], wan: list[float]) -> None:
    for text in (sentence, normalize_for_match(sentence)):
        m = RESPECTIVELY_FOR.search(text)
        assert m is not None and names(m) == titles and amounts(m) == wan
        alone = RESPECTIVELY.search(text)
        assert alone is not None and amounts(alone) == wan and text[alone.start():].startswith("分别给予")


def test_one_amount_is_not_a_respective_list() -> None:
    assert RESPECTIVELY.search("对智能工厂分别给予奖励100万元。") is None


@pytest.mark.parametrize(("sentence", "wan"), [
    ("按投资额的10%给予奖励，最高不超过300万元。", 300),
    ("单个项目最高 800 万元。", 800),
    ("补助资金上限为1.2亿元。", 12000),
    ("奖励可达 50 万。", 50),
    ("每人最多5000元。", 0.5),
    ("奖励封顶200万元。", 200),
    ("资产负债率不超过70%。", None),  # a ceiling of a condition, not of money
])
def test_the_ceiling_of_a_rule_in_wan(sentence: str, wan: float | None) -> None:
    m = CAP.search(sentence)
    assert (cap_wan(m) if m else None) == wan
