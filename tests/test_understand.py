"""Question analysis on purpose-made questions (no index)."""

import pytest

from assistant.answer.understand import understand


@pytest.mark.parametrize("question, scope, compared", [
    ("浙江智能工厂的拟认定名单公示多久？", "浙江", ()),
    ("我们是宁波的规上企业，浙江省级数字化车间奖励多少？", "宁波", ()),
    ("How much does Chengdu add on top of Sichuan's provincial reward?", "成都", ()),
    ("佛山顺德一个车间能拿多少奖励？", "佛山", ()),  # a county counts as its city
    ("对比一下吉林、重庆和江苏对智能工厂补助的封顶金额", None, ("吉林", "重庆", "江苏")),
    ("示范工厂的建设期多长？", None, ()),
])
def test_scope_and_comparison(question, scope, compared):
    q = understand(question)
    assert q.region == (scope or "")
    assert q.compared == compared
    assert q.compare == bool(compared) or "对比" in question


def test_every_place_years_and_national():
    q = understand("各地对2025年智能工厂的奖补有什么不同？")
    assert q.every_place and q.compare and q.years == (2025,)
    assert understand("在陕西申报国家级示范工厂要什么条件").national


def test_scope_of_a_place_over_the_indexed_regions():
    from assistant.answer.scope import NATIONAL_TEXT, OWN_PLACE, RELATED_PLACE, scope_for

    indexed = ["浙江", "宁波", "江苏", "全国", "武汉"]
    s = scope_for("宁波", indexed)
    assert s.own == {"宁波"} and s.covering == {"浙江"} and "全国" in s.regions and s.applies
    assert scope_for("浙江", indexed).inner == {"宁波"}
    hubei = scope_for("湖北", indexed)  # a province question reads its cities' documents, which are not its own rules
    assert hubei.inner == {"武汉"} and hubei.has_local and not hubei.applies
    assert not scope_for("陕西", indexed).has_local
    assert OWN_PLACE > RELATED_PLACE > NATIONAL_TEXT


def test_one_place_of_a_comparison_is_searched_without_the_others():
    q = understand("浙江、广东、安徽认定名单的公示期，还有佛山现行办法的公示期，分别是多久？")
    assert q.compared == ("浙江", "广东", "安徽", "佛山") and q.now
    # 佛山 lies in 广东: it stays in 广东's search
    assert q.without_other_places("广东") == "、广东、认定名单的公示期，还有佛山现行办法的公示期，分别是多久？"
    assert q.without_other_places("安徽") == "、、安徽认定名单的公示期，还有现行办法的公示期，分别是多久？"


def test_stale_documents_rank_below_current_ones():
    from assistant.answer.scope import STALE_WHEN_NOW, prefer_current
    from assistant.domain import Chunk, DocumentMeta

    old = Chunk(chunk_id="a", doc=DocumentMeta(doc_id="o", title="旧办法", source="o", status="superseded"), text="x",
                section="", ord=0)
    new = Chunk(chunk_id="b", doc=DocumentMeta(doc_id="n", title="新办法", source="n"), text="x", section="", ord=0)
    assert prefer_current(True)(old) == STALE_WHEN_NOW and prefer_current(True)(new) == 1.0


def test_a_total_over_a_city_and_its_province_names_both_levels():
    assert understand("绍兴一家企业评上省级智能工厂，省里和绍兴市里的奖励加起来一共多少？").summed == ("浙江", "绍兴")
    assert understand("被河北省认定为示范车间，投资800万，省级奖补加唐山市级配套一共能拿多少？").summed == ("河北", "唐山")
    assert understand("昆明的智能工厂奖励一共有几类？").summed == ()  # a total, but of one level
    assert understand("绍兴的智能工厂奖励多少？").summed == ()
    assert understand("省里和市里一共能拿多少？").summed == ()  # no place: nothing to search by level


def test_a_question_about_the_earlier_version_alone_ranks_it_first():
    from assistant.answer.scope import prefer_current
    from assistant.domain import Chunk, DocumentMeta

    assert understand("旧办法里示范车间的投入门槛是多少？").older
    assert not understand("新旧两版办法的投入门槛有什么变化？").older  # both versions
    assert not understand("按旧办法认定的，现在按哪个标准发？").older  # what applies now
    old = Chunk(chunk_id="a", doc=DocumentMeta(doc_id="o", title="旧办法", source="o", status="superseded"), text="x",
                section="", ord=0)
    new = Chunk(chunk_id="b", doc=DocumentMeta(doc_id="n", title="新办法", source="n"), text="x", section="", ord=0)
    factor = prefer_current(False, older=True)
    assert factor(old) > factor(new)


def test_a_sum_the_asker_states_is_not_a_total_asked():
    assert understand("我们常州的车间评上了省级示范车间，但设备软件一共才投了400万，还能申请省里的奖补吗？").summed == ()
    assert understand("省里奖补加苏州市级配套，一共能拿多少？").summed == ("江苏", "苏州")


def test_a_national_question_naming_no_place_ranks_national_text_first():
    from assistant.answer.scope import LOCAL_WHEN_NATIONAL, prefer_national
    from assistant.domain import Chunk, DocumentMeta

    local = Chunk(chunk_id="a", doc=DocumentMeta(doc_id="s", title="某省办法", source="s", region="四川", level="province"),
                  text="x", section="", ord=0)
    national = Chunk(chunk_id="b", doc=DocumentMeta(doc_id="n", title="国家方案", source="n", region="全国"), text="x",
                     section="", ord=0)
    factor = prefer_national()
    assert factor(local) == LOCAL_WHEN_NATIONAL and factor(national) == 1.0


def test_the_level_asked_about():
    assert understand("南京的企业，设备投资4000万，省里能给多少奖补？").province_level
    assert not understand("成都市级在四川省级奖励之上再加多少？").province_level  # the city's addition
    assert not understand("How much does Chengdu city add on top of Sichuan's provincial reward?").province_level


@pytest.mark.parametrize("question, level", [
    ("近两年智能化改造投入1500万，省里能奖多少？", "province"),
    ("我们是苏州的企业，被评为江苏省级示范工厂。市里能给多少？", "city"),  # what is stated first is not asked
    ("省政府和市财政各给多少？", ""),  # both levels
    ("今年有个车间刚被认定为浙江省级数字化车间，改造投入700万，能享受宁波的奖励吗？大概能拿多少？", ""),  # a title's level
    ("合肥这边一家省级专精特新，搞了个600万的数字化改造，能补多少啊", ""),
    ("列个表：安徽、四川、武汉对省级智能工厂和数字化车间的一次性奖励分别是多少？", ""),  # a title's level
    ("省级财政能给多少？", "province"),
    ("市级配套多少？", "city"),
    ("能补多少？", ""),
    ("What is the production capacity threshold for provincial recognition?", "province"),  # no "city" in capacity
])
def test_the_level_of_government_asked(question, level):
    from assistant.answer.understand import asked_level

    assert asked_level(question) == level


def test_an_eligibility_verdict_of_another_level_leaves_the_question_to_the_clauses():
    from assistant.eligibility.hook import asks_another_level

    assert asks_another_level("我们是青岛的企业。投入1500万，省里能奖多少？", ["city"])
    assert not asks_another_level("我们是青岛的企业。投入1500万，市里能奖多少？", ["city", "province"])
    assert not asks_another_level("我们是青岛的企业。投入1500万，能奖多少？", ["city"])  # no level asked
