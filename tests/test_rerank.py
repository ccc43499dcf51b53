"""The lexical rerank on purpose-made chunks (no index): the sentence that states what is asked wins."""

from __future__ import annotations

from assistant.answer.attributes import asked_attributes, states
from assistant.answer.rerank import rerank
from assistant.domain import Chunk, DocumentMeta, SearchHit


def _hit(cid: str, text: str, section: str = "", score: float = 0.03) -> SearchHit:
    doc = DocumentMeta(doc_id="d", title="示例省智能工厂认定管理办法", source="d")
    return SearchHit(Chunk(chunk_id=cid, doc=doc, text=text, section=section, ord=int(cid[-1])), score)


def _idf(_: str) -> float:
    return 1.0


def test_a_sentence_stating_the_asked_figure_outranks_one_that_only_shares_words():
    materials = _hit("c1", "第八条 申报企业应提交以下材料：\n（五）数字化车间关键工序数控化率等指标的测算说明。", score=0.0340)
    rule = _hit("c2", "第六条 申报数字化车间还应达到以下标准：\n（三）关键工序数控化率不低于70%；", score=0.0328)
    top = rerank("数字化车间的关键工序数控化率门槛是多少？", [materials, rule], _idf)
    assert top[0] is rule  # "率…多少" asks for a rate: the sentence with 70% states it


def test_a_duration_question_prefers_the_clause_with_the_period():
    cond = _hit("c1", "第九条 项目应同时符合以下条件：\n（一）资金拨付到位的项目。", score=0.0330)
    money = _hit("c2", "第十五条 公示无异议的，财政厅在30日内下达资金。", score=0.0320)
    assert rerank("公示完以后资金多久能拨付？", [cond, money], _idf)[0] is money


def test_an_eligibility_question_prefers_the_conditions_over_the_award():
    award = _hit("c1", "第十条 企业申报智能化改造项目的，按设备投资额给予奖补。", score=0.0330)
    cond = _hit("c2", "第九条 智能化改造项目应同时符合以下条件：\n（二）项目单位上一年度亩均税收不低于10万元。",
                score=0.0325)
    assert rerank("亩均税收8万元的企业能申报智能化改造项目吗？", [award, cond], _idf)[0] is cond


def test_without_an_asked_attribute_the_fused_order_decides_between_equal_sentences():
    a = _hit("c1", "第三条 本办法适用于示范工厂。", score=0.0330)
    b = _hit("c2", "第四条 本办法适用于示范工厂。", score=0.0320)
    assert [h.chunk.chunk_id for h in rerank("示范工厂适用本办法", [a, b], _idf)] == ["c1", "c2"]


def test_asked_attributes_and_what_states_them():
    assert asked_attributes("申报要准备哪些材料？") == ("materials",)
    assert asked_attributes("奖励资金由谁出？最多给多少？") == ("who", "cap")
    assert asked_attributes("Which documents must we submit?") == ("materials",)
    assert asked_attributes("智能工厂是什么？") == ()
    assert asked_attributes("营收2500万，能报基础型5G工厂吗？") == ("conditions",)  # 能报: 能申报, said short
    assert asked_attributes("这个够格评示范车间吗？") == ("conditions",)
    assert "conditions" not in asked_attributes("差旅费能报销多少？")
    assert states("cap", "单个项目最高不超过300万元。")
    assert states("materials", "（一）认定申请书；")
    assert not states("conditions", "本办法自2025年1月1日起施行。")




def test_an_asker_who_received_an_award_before_brings_up_the_clause_paying_the_difference():
    q = "去年一个车间拿了数字化车间奖励100万，今年工厂被认定为智能工厂，投入5000万，这次还能拿多少？"
    assert "difference" in asked_attributes(q)
    assert "difference" not in asked_attributes("工厂被认定为智能工厂，投入5000万，能拿多少？")
    award = _hit("c1", "（二）智能工厂。按智能化改造投入的10%给予奖励，单个工厂最高不超过300万元。", score=0.0330)
    upgrade = _hit("c2", "（四）晋级奖励。已获数字化车间奖励的企业，其工厂后续被认定为智能工厂的，按智能工厂奖励金额"
                         "扣除已获数字化车间奖励后的差额给予奖励。", score=0.0300)
    other = _hit("c3", "（一）数字化车间。按改造投入的10%给予奖励，单个车间最高不超过100万元。", score=0.0320)
    ranked = [h.chunk.chunk_id for h in rerank(q, [award, other, upgrade], _idf)]
    assert ranked.index("c2") < ranked.index("c3")


def test_a_question_asking_how_something_is_divided_brings_up_the_clause_that_divides_it():
    assert "classes" in asked_attributes("黑龙江的数字化车间分几级？")
    other = _hit("c1", "第十五条 省工信厅综合研究提出基础级、先进级数字化车间拟认定名单，公示5个工作日。", score=0.0330)
    divides = _hit("c2", "第七条 数字化车间分为基础级和先进级。", score=0.0320)
    assert rerank("数字化车间分几级？", [other, divides], _idf)[0] is divides


def test_a_cap_asked_over_a_scope_brings_up_the_ceiling_counted_over_it():
    q = "一家企业一年里从这两项奖励里最多能拿多少？"
    assert asked_attributes(q) == ("cap", "cap over enterprise", "cap over year")
    assert asked_attributes("它是哪一年认定的？最多能拿多少？") == ("cap",)  # 哪一年 asks a date, not a scope
    assert asked_attributes("2025年度认定的最多能拿多少？") == ("cap",)  # a year named, not a scope
    assert asked_attributes("单个技改项目最多能支持多少？") == ("cap", "cap over item")
    assert states("cap over year", "（二）同一企业同一年度获得的奖励总额不超过400万元。")
    assert not states("cap over year", "（一）数字化车间。单个车间最高不超过100万元。")
    assert not states("cap over year", "对2025年度新认定的数字化车间给予最高100万元奖励。")  # a year named: when
    assert states("cap over year", "企业年度奖励总额最高不超过500万元。")
    per_item = _hit("c1", "（一）数字化车间。按改造投入的10%给予奖励，单个车间最高不超过100万元。", score=0.0330)
    per_year = _hit("c2", "（二）同一企业同一年度获得的奖励总额不超过400万元。", score=0.0322)
    assert rerank(q, [per_item, per_year], _idf)[0] is per_year
    assert rerank("单个车间最多能拿多少？", [per_year, per_item], _idf)[0] is per_item
