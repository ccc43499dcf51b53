"""Awards paid as a difference: "逐级晋升的，按新等级奖励金额扣除已获奖励后的差额给予奖励". When the
asker says what was already received ("去年拿了先进级奖励160万") and a clause of the rule pays the
difference, the answer is the new amount less what was received, each term cited.

Grammar of official documents, not of one document: the clause that pays the difference is
core.reward_grammar.PAYS_DIFFERENCE (差额 / 扣除(扣减)已获…奖励).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.calculate import fmt
from assistant.core.reward_grammar import MONEY, money_wan
from assistant.core.text import normalize_for_match

# what the asker already received: "拿了…奖励160万", "已获…奖励100万元", "获得过…补助50万"
RECEIVED = re.compile(rf"(?:拿了|拿到了?|领了|领到了?|获得了?过?|获了|已获得?|已经?拿了|得了)"
                      rf"[^。;；，,?？]{{0,24}}?(?:奖励|奖补|补助|补贴|资金)[^。;；，,?？\d]{{0,4}}{MONEY}")


@dataclass(frozen=True)
class Received:
    """What the asker already received, and the question with that part left out."""

    wan: float
    rest: str  # the question without the received part, so the title asked is the new one


def received(question: str) -> Received | None:
    q = normalize_for_match(question)
    m = RECEIVED.search(q)
    if not m:
        return None
    return Received(money_wan(m.group(1), m.group(2)), q[:m.start()] + q[m.end():])


def explain(new_wan: float, how: str, got: float, cite_new: str, cite_rule: str, english: bool = False) -> str:
    """按差额计：300万元[1] − 已获160万元 = 140万元[2]; `how` shows how the new amount was reached when
    it was calculated (5000万元 × 10%，封顶300万元)."""
    left = max(new_wan - got, 0.0)
    shown = fmt(new_wan) if how in (fmt(new_wan), "") else f"{fmt(new_wan)}（{how}）"
    if english:
        return f"Paid as the difference: {shown}{cite_new} − {fmt(got)} already received = {fmt(left)}{cite_rule}."
    return f"按差额计：{shown}{cite_new} − 已获{fmt(got)} = {fmt(left)}{cite_rule}。"
