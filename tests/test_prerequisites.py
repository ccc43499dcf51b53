"""Shared conditions brought up after the type's clause that builds on them (purpose-made chunks, no index)."""

from __future__ import annotations

from assistant.answer.prerequisites import bring_up_prerequisites, builds_on
from assistant.domain import Chunk, DocumentMeta, SearchHit

_DOC = DocumentMeta(doc_id="d", title="示例省5G工厂认定办法", source="d")
_OTHER = DocumentMeta(doc_id="e", title="示例市5G工厂奖励细则", source="e")


def _hit(cid: str, text: str, section: str, doc: DocumentMeta = _DOC) -> SearchHit:
    return SearchHit(Chunk(chunk_id=cid, doc=doc, text=text, section=section, ord=0), 0.03)


_TYPE = _hit("t", "（二）基础型5G工厂 1. 接入5G网络的终端数量不少于200个；2. 5G应用场景不少于5个。", "三、认定条件 > （二）基础型5G工厂")
_SHARED = _hit("s", "（一）基本条件 1. 在本省注册登记的工业企业；2. 上一年度营业收入不低于3000万元。", "三、认定条件 > （一）基本条件")
_AWARD = _hit("a", "对新认定的基础型5G工厂，给予一次性奖励50万元。", "六、支持措施")
_MATERIALS = _hit("m", "（一）申报书；（二）营业执照。", "四、申报材料")


def test_the_shared_conditions_follow_the_types_clause():
    ranked = bring_up_prerequisites([_TYPE, _AWARD, _MATERIALS, _SHARED])
    assert [h.chunk.chunk_id for h in ranked] == ["t", "s", "a", "m"]


def test_an_article_named_by_the_clause_is_what_it_builds_on():
    basic = _hit("b", "第五条 申报企业应同时具备以下基本条件：（一）在本省注册；（二）纳税信用B级以上。", "第二章 认定条件 > 第五条")
    named = _hit("n", "第四条 申报企业应符合下列要求：（一）近三年未发生安全事故。", "第一章 总则 > 第四条")
    clause = _hit("c", "第六条 申报数字化车间，除符合第四条规定外，还应达到以下标准：（一）营业收入不低于5000万元。",
                  "第二章 认定条件 > 第六条")
    assert builds_on(clause.chunk, named.chunk)  # the article it names, under another heading
    assert builds_on(clause.chunk, basic.chunk)  # the sibling stating the basic conditions
    assert [h.chunk.chunk_id for h in bring_up_prerequisites([clause, _AWARD, _MATERIALS, named])][:2] == ["c", "n"]


def test_nothing_moves_for_passages_that_are_not_condition_clauses_or_of_another_document():
    elsewhere = _hit("x", "（一）基本条件 1. 在本市注册。", "三、认定条件 > （一）基本条件", doc=_OTHER)
    assert not builds_on(_TYPE.chunk, elsewhere.chunk)
    order = [_AWARD, _MATERIALS, elsewhere, _SHARED]
    assert bring_up_prerequisites(order) == order  # the award clause states no condition
    assert bring_up_prerequisites([_SHARED, _TYPE]) == [_SHARED, _TYPE]  # already above it
    assert not builds_on(_SHARED.chunk, _TYPE.chunk)  # a type's clause is no shared condition
