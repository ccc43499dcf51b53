"""What a conversation's later turns need from the clauses, on purpose-made chunks (no index): the
asker's own statements are not the subject asked about, the province's award answers "省里呢？", a
register's line about another place answers nothing, and a threshold lowered for what the asker is."""

from assistant.answer.compose import Composer, Context
from assistant.answer.lowered import lowered
from assistant.answer.understand import asked_part, understand
from assistant.domain import Chunk, DocumentMeta

PROVINCE = DocumentMeta(doc_id="p", title="某省智能工厂梯度培育管理办法", source="p.md", kind="policy", region="山东")
CITY = DocumentMeta(doc_id="c", title="某市智能工厂梯度培育奖励标准", source="c.md", kind="local_policy", region="青岛")
REGISTER = DocumentMeta(doc_id="r", title="各地智能工厂政策登记表", source="r.md", kind="catalogue", region="")


def _chunk(i, doc, section, text):
    return Chunk(chunk_id=f"{doc.doc_id}{i}", doc=doc, section=section, text=text, ord=i)


def _over(chunks, terms=("智能工厂", "先进级智能工厂", "规上企业", "专精特新")):
    by: dict = {}
    for c in chunks:
        by.setdefault(c.doc.doc_id, []).append(c)
    return Composer(Context(idf=lambda t: 2.0, doc_chunks=lambda d: by.get(d, []), subject_terms=terms))


CITY_AWARD = _chunk(0, CITY, "二、奖励标准", "对先进级智能工厂，按近两年智能化改造投入的8%给予奖励，最高200万元。")
PROVINCE_AWARD = _chunk(0, PROVINCE, "六、支持政策", "省级财政对新认定的先进级智能工厂，按照近两年智能化改造投入的5%给予奖励，最高不超过100万元。")


def test_the_sentences_that_ask_without_those_that_state():
    assert asked_part("我们是青岛的规上企业，去年营收5000万。近两年投入1500万，省里能奖多少？") == "近两年投入1500万，省里能奖多少？"
    assert asked_part("浙江申报省级数字化车间要什么条件？") == "浙江申报省级数字化车间要什么条件？"
    assert asked_part("我们是宁波的规上企业。") == "我们是宁波的规上企业。"  # nothing asked: all of it


def test_what_the_asker_says_they_are_need_not_be_in_the_clause():
    comp = _over([PROVINCE_AWARD]).compose("我们是山东的规上企业，被认定为先进级智能工厂。近两年智能化改造投入1500万，能奖多少？",
                                           [PROVINCE_AWARD])
    assert "75万元" in comp.text and not comp.not_specified


def test_the_province_asked_is_answered_by_the_provinces_award_not_the_citys():
    question = "我们是青岛的企业，被认定为先进级智能工厂。近两年智能化改造投入1500万，省里能奖多少？"
    comp = _over([CITY_AWARD, PROVINCE_AWARD]).compose(question, [CITY_AWARD, PROVINCE_AWARD])
    assert "75万元" in comp.text and "120万元" not in comp.text
    comp = _over([CITY_AWARD, PROVINCE_AWARD]).compose(question.replace("省里", "市里"), [CITY_AWARD, PROVINCE_AWARD])
    assert "120万元" in comp.text


def test_a_city_named_with_its_province_is_answered_by_the_provinces_rules():
    assert understand("我们是南京的企业，被评为江苏省级示范工厂。钱多久到账？").with_province
    assert not understand("南京的示范工厂钱多久到账？").with_province
    assert not understand("江苏的示范工厂钱多久到账？").with_province  # the province itself
    assert not understand("How much does Chengdu city add on top of Sichuan's provincial reward?").with_province


def test_a_register_line_about_another_place_is_no_answer():
    line = _chunk(0, REGISTER, "要点", "- 辽宁 2024 卓越级：沈阳市申报不超过15家。- 黑龙江：认定名单公示5个工作日后授牌。")
    comp = _over([line]).compose("辽宁的智能工厂拟认定名单要公示几天？", [line])
    assert comp.not_specified and "5个工作日" not in comp.text


THRESHOLDS = _chunk(1, PROVINCE, "三、申报条件", "六是近两年智能化改造投入累计不低于2000万元。")
LOWERED = _chunk(2, PROVINCE, "四、倾斜政策", "对省级专精特新中小企业，上述第六项投入门槛可降至1000万元。")


def test_a_threshold_lowered_for_what_the_asker_is_goes_beside_the_general_one():
    composer = _over([THRESHOLDS, LOWERED])
    comp = composer.compose("我们是省级专精特新中小企业。想报先进级，近两年智能化投入得有多少？", [THRESHOLDS, LOWERED])
    assert "2000万元" in comp.text and "1000万元" in comp.text and len(comp.chunks) == 2
    comp = composer.compose("我们是规上企业。想报先进级，近两年智能化投入得有多少？", [THRESHOLDS, LOWERED])
    assert "2000万元" in comp.text and "1000万元" not in comp.text


def test_the_grammar_of_a_lowered_threshold():
    s = "对省级专精特新中小企业，上述第六项投入门槛可降至1000万元。"
    got = lowered(s, "我们是淄博的省级专精特新中小企业，投入得有多少？")
    assert got is not None and got.figure == "1000万元" and got.condition == "省级专精特新中小企业"
    assert lowered(s, "我们不是专精特新中小企业，投入得有多少？") is None  # denied
    assert lowered(s, "投入得有多少？") is None  # the asker says nothing of it
    assert lowered("对专精特新企业，营业收入要求放宽至1000万元。", "我们是专精特新企业").figure == "1000万元"
    assert lowered("投入不低于2000万元。", "我们是专精特新企业") is None  # nothing lowered


REVISED = DocumentMeta(doc_id="n", title="某市示范车间认定及奖励办法（2025年修订）", source="n.md", kind="local_policy", region="佛山")


def test_which_version_applies_is_answered_by_the_transitional_clause():
    from assistant.answer.transition import asks_which_version, is_transitional

    notice = _chunk(0, REVISED, "", "市工业和信息化局、市财政局对《某市示范车间认定及奖励办法》进行了修订，现将修订后的办法印发给你们，"
                                    "请认真组织实施，示范车间认定及奖励按新办法执行。")
    clause = _chunk(1, REVISED, "第十条", "第十条 本办法施行前已按原办法认定但尚未兑现奖励的项目，继续按原办法标准执行。")
    question = "佛山 我们按旧办法认定的示范车间，奖励还没发，现在按哪个标准？"
    assert asks_which_version(question) and not asks_which_version("佛山示范车间现在按哪个标准？")
    assert is_transitional(clause.text) and not is_transitional("本办法自2025年10月1日起施行，有效期至2028年9月30日。")
    comp = _over([notice, clause], terms=("示范车间",)).compose(question, [notice, clause])
    assert "继续按原办法标准执行" in comp.text and comp.chunks[0].chunk_id == "n1"


def test_how_many_instalments_is_answered_by_the_clause_that_divides_the_payment():
    city = DocumentMeta(doc_id="w", title="某市智能化改造项目补贴实施细则", source="w.md", kind="local_policy", region="武汉")
    award = _chunk(0, city, "二、支持标准", "对设备投资额达到1000万元的智能化改造项目，按设备投资额的8%给予补贴。")
    schedule = _chunk(1, city, "四、资金拨付", "（一）智能化改造项目补贴分两次拨付：项目通过竣工验收后，拨付补贴资金的70%；"
                                           "项目稳定运行一年后，拨付剩余30%。")
    repeal = _chunk(2, city, "六、附则", "《某市工业智能化改造项目补贴实施细则》同时废止。")
    comp = _over([award, schedule, repeal]).compose("武汉 智能化改造项目 补贴分几次给？", [repeal, award, schedule])
    assert "分两次拨付" in comp.text and "70%" in comp.text and comp.chunks[0].chunk_id == "w1"
