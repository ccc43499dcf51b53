"""Learning title and project names from passages (purpose-made, no index)."""

from assistant.answer.terms import learn, named

PASSAGES = [
    "申报省级数字化车间的企业应当具备下列条件：",
    "认定为市级数字化车间的，给予一次性奖励30万元。",
    "已认定的数字化车间每三年复核一次。",
    "对新认定的标杆型5G工厂给予200万元奖励，对基础型5G工厂给予50万元。",
    "5G工厂的有效期为三年。",
    "对智能化改造项目按设备投资额的8%给予补贴。",
    "智能化改造项目补贴分两次拨付。",
    "本市智能化改造项目实行事后奖补。",
]


def test_names_are_extended_while_the_context_holds():
    names = learn(PASSAGES)
    assert "数字化车间" in names and "5G工厂" in names and "智能化改造项目" in names
    assert "省级数字化车间" not in names and "字化车间" not in names


def test_named_keeps_the_longest():
    names = learn(PASSAGES)
    assert named("浙江省级数字化车间奖励多少？", names) == ["数字化车间"]
    assert named("武汉智能化改造项目的补贴", names) == ["智能化改造项目"]
