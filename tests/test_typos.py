"""Homophone typos against an index vocabulary (purpose-made, no index)."""

from assistant.answer.typos import Homophones

VOCAB = [("公示", 12), ("工厂", 40), ("智能", 60), ("车间", 30), ("公司", 5), ("示范", 20)]
KNOWN = {w for w, _ in VOCAB}.__contains__


def test_unknown_words_take_their_indexed_homophone():
    h = Homophones.learn(VOCAB)
    assert h.correct("佛山示范车间的公式期是几天？", ["佛山", "示范", "车间", "公式", "期"], KNOWN) == "佛山示范车间的公示期是几天？"
    assert h.correct("青岛领航级智能公厂奖多少", ["青岛", "领航", "智能", "公厂", "奖"], KNOWN) == "青岛领航级智能工厂奖多少"


def test_known_words_and_words_without_a_homophone_stay():
    h = Homophones.learn(VOCAB)
    assert h.correct("公司的车间", ["公司", "车间"], KNOWN) == "公司的车间"
    assert h.correct("天气怎么样", ["天气", "怎么样"], KNOWN) == "天气怎么样"


def test_the_spoken_name_of_a_level_of_government_is_not_a_typo():
    h = Homophones.learn([("示例", 3), ("省级", 40)])
    assert h.correct("苏州的项目，市里怎么配套？", ["苏州", "项目", "市里", "配套"], lambda w: w in {"示例", "省级"}) \
        == "苏州的项目，市里怎么配套？"


def test_a_word_of_the_questions_grammar_is_not_a_typo():
    h = Homophones.learn([("各市", 30)])
    assert h.correct("期限各是多久？", ["期限", "各是", "多久"], lambda w: w == "各市") == "期限各是多久？"
