"""Follow-ups read with the conversation state (purpose-made, no index)."""

import pytest

from assistant.answer.followup import State, is_statement, replay, standalone, update

NAMES = frozenset({"数字化车间", "智能工厂", "示范工厂", "5G工厂"})


def _after(*turns):
    state = State()
    asked = ""
    for t in turns:
        asked = standalone(t, state, NAMES)
        state = update(state, t, asked, NAMES)
    return asked, state


@pytest.mark.parametrize("turns, expected", [
    (["浙江申报省级数字化车间，关键工序数控化率要达到多少？", "那四川呢？"], "四川申报省级数字化车间，关键工序数控化率要达到多少？"),
    (["浙江申报省级数字化车间，关键工序数控化率要达到多少？", "那四川呢？", "厦门呢？"],
     "厦门申报省级数字化车间，关键工序数控化率要达到多少？"),
    (["重庆对基础级智能工厂项目奖励多少？", "先进级呢？"], "重庆对先进级智能工厂项目奖励多少？"),
    (["广东标杆型5G工厂要接入多少个5G终端？", "这个要交什么材料？"], "广东 5G工厂 要交什么材料"),
    (["智能制造示范工厂的建设期是多久？", "那有效期呢？"], "示范工厂 有效期是多久？"),
])
def test_follow_ups(turns, expected):
    assert _after(*turns)[0] == expected


def test_superlative_after_a_comparison_keeps_the_comparison():
    asked, _ = _after("安徽、四川、河南对省级智能工厂的一次性奖励分别是多少？", "哪个最高？")
    assert asked.startswith("安徽、四川、河南") and asked.endswith("哪个最高？")


def test_profile_facts_carry_into_eligibility_questions():
    asked, state = _after("我们是宁波的规上企业，纳税信用A级。今年有个车间被认定为浙江省级数字化车间。", "车间改造投入600万，能拿多少？")
    assert is_statement("我们是宁波的规上企业，纳税信用A级。")
    assert asked.startswith("我们是宁波的规上企业") and asked.endswith("车间改造投入600万，能拿多少？")
    assert state.facts and state.topic == "车间改造投入600万，能拿多少？"  # the facts are kept apart


def test_a_question_that_stands_alone_is_left_alone():
    asked, _ = _after("浙江申报省级数字化车间要什么条件？", "青岛领航级智能工厂市里奖多少钱？")
    assert asked == "青岛领航级智能工厂市里奖多少钱？"


def test_state_round_trip_and_bounds():
    _, state = _after("浙江申报省级数字化车间要什么条件？")
    again = State.from_dict(state.to_dict())
    assert again == state
    assert State.from_dict({"topic": "x" * 5000, "facts": ["a"] * 50, "junk": 1}).topic == "x" * 400
    assert replay([("浙江申报省级数字化车间要什么条件？", "…")], NAMES).places == ("浙江",)


def test_place_and_title_carry_into_questions_that_name_neither():
    asked, _ = _after("黑龙江的数字化车间分几级？", "基础级的能拿省里的奖励吗？")
    assert asked == "黑龙江 基础级的能拿省里的奖励吗？"
    asked, _ = _after("浙江认定的智能工厂有效期几年？", "安徽也是这样吗？")
    assert asked.startswith("安徽认定的智能工厂有效期几年")
    asked, _ = _after("我们是宁波的规上企业。", "车间改造投入600万，能拿多少？", "如果我们是高新技术企业，研发费用占营收4%呢？")
    assert "600万" in asked and "高新技术企业" in asked and asked.startswith("我们是宁波的规上企业")
    asked, _ = _after("四川2025年省级数字化车间申报，企业材料最晚哪天交？", "那辽宁的先进级智能工厂呢？")
    # the year was 四川's notice: it does not go with 辽宁
    assert asked.startswith("辽宁省级") and "先进级" in asked and "智能工厂" in asked and "2025" not in asked


def test_the_province_or_a_version_in_a_follow_up():
    asked, _ = _after("我们是青岛的规上企业。", "青岛先进级智能工厂市里能奖多少？", "省里呢？")
    assert "山东先进级智能工厂省里能奖多少" in asked and asked.startswith("我们是青岛")
    asked, _ = _after("佛山示范车间现在的投入门槛是多少？", "旧办法呢？")
    assert asked == "旧办法 佛山示范车间投入门槛是多少？"  # "现在" was the current version's


def test_an_english_follow_up_is_the_last_question_with_the_new_words():
    from assistant.answer.followup import State, standalone

    state = State(topic="What is Guangdong's one-off reward for a newly recognised benchmark 5G factory?", places=("广东",))
    assert standalone("And for a basic one?", state, frozenset()) == (
        "What is Guangdong's one-off reward for a newly recognised benchmark 5G factory? And for a basic one?")


def test_the_older_version_asked_after_the_current_one_drops_the_word_now():
    from assistant.answer.followup import State, standalone

    state = State(topic="佛山示范车间现在的投入门槛是多少？", places=("佛山",))
    assert "现在" not in standalone("旧办法呢？", state, frozenset())


def test_the_superlative_is_applied_to_what_is_found_not_searched_for():
    from assistant.answer.followup import for_search

    assert for_search("甲、乙、丙的公示期分别多长？ 哪个最短？") == "甲、乙、丙的公示期分别多长？"
    assert for_search("哪个最高？") == "哪个最高？"  # nothing else to search for


def test_the_place_of_a_statement_turn_goes_with_the_next_question():
    from assistant.answer.followup import State, standalone

    state = State(places=("南京", "江苏"), facts=("高新技术企业",))
    assert standalone("钱批下来以后多久能到企业账上？", state, frozenset()).startswith("南京 江苏")


def test_a_follow_up_to_another_place_leaves_the_terms_its_documents_never_use():
    used = {"江苏": frozenset({"示范工厂", "示范车间"}), "浙江": frozenset({"5G工厂", "名单"})}
    state = update(State(), "广东5G工厂拟认定名单公示多久？", "广东5G工厂拟认定名单公示多久？", NAMES)
    assert standalone("那江苏呢？", state, NAMES, used.get) == "江苏拟认定公示多久？"
    assert standalone("那浙江呢？", state, NAMES, used.get) == "浙江5G工厂拟认定名单公示多久？"
    # the follow-up's own words stay; a place without documents of its own is not judged by them
    assert "5G工厂" in standalone("那江苏的5G工厂呢？", state, NAMES, used.get)
    assert standalone("那湖南呢？", state, NAMES, lambda p: frozenset()) == "湖南5G工厂拟认定名单公示多久？"
    assert standalone("那江苏呢？", state, NAMES) == "江苏5G工厂拟认定名单公示多久？"  # no vocabulary: all carry


@pytest.mark.parametrize("follow_up, place", [("省里呢？", "山东"), ("省政府呢？", "山东"), ("省财政给多少？", "山东")])
def test_the_words_of_a_level_move_a_follow_up_to_the_province(follow_up, place):
    _, state = _after("我们是青岛的规上企业。", "青岛先进级智能工厂市里能奖多少？")
    assert place in standalone(follow_up, state, NAMES)


def test_every_word_of_the_version_in_force_is_dropped_for_the_older_one():
    state = State(topic="佛山示范车间目前的投入门槛是多少？", places=("佛山",))
    assert standalone("旧办法呢？", state, frozenset()) == "旧办法 佛山示范车间投入门槛是多少？"


def test_a_title_left_behind_by_a_move_to_another_place_is_not_carried_on():
    names = frozenset({"5G工厂"})
    before = State(topic="广东5G工厂拟认定名单公示多久？", places=("广东",), names=("5G工厂",))
    # "那江苏呢？" was asked as "江苏拟认定名单公示多久？": 江苏's documents never speak of a 5G工厂
    moved = update(before, "那江苏呢？", "江苏拟认定名单公示多久？", names)
    assert moved.places == ("江苏",) and moved.names == ()
    # the same place, a question without the title: it is still the subject ("这个要交什么材料？" next)
    stayed = update(before, "有效期呢？", "广东有效期是多久？", names)
    assert stayed.names == ("5G工厂",)
