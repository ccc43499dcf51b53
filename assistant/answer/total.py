"""Totals across rules: "省里和市里加起来一共能拿多少？" — each rule's amount for the asker (a fixed award, or
base × rate within its cap), one per document, summed, every term cited.

Grammar, not documents (core.reward_grammar): an amount given is "给予(一次性)奖励X万元"; "对A和B，分别给予X万元和Y万元"
gives each title its own amount, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.calculate import apply, fmt, parse_rule
from assistant.core.reward_grammar import (
    AWARD_AMOUNT,
    CEILING,
    IN_TOTAL,
    PER_ENTERPRISE,
    RESPECTIVELY_FOR,
    amounts,
    names,
)
from assistant.core.text import normalize_for_match

TOTAL_Q = re.compile(r"一共|合计|加起来|总共|共计|合起来|加在一起|两项|in total|altogether|combined", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One rule's contribution to a total."""

    value_wan: float
    how: str  # "1500万元 × 8% = 120万元" or "一次性奖励40万元"
    cite: str  # "[n]"


def term(sentence: str, base_wan: float | None, titles: list[str], cite: str) -> Term | None:
    """What one rule gives: by rate when the asker gave a base, else a fixed award (the asked title's one)."""
    s = normalize_for_match(sentence)
    rule = parse_rule(sentence)
    if rule is not None and base_wan is not None:
        res = apply(rule, base_wan)
        if res.below_threshold:
            return None
        raw = f"{fmt(base_wan)} × {rule.rate:g}%"
        how = f"{raw}，封顶{fmt(res.value_wan)}" if res.capped else f"{raw} = {fmt(res.value_wan)}"
        return Term(res.value_wan, how, cite)
    resp = RESPECTIVELY_FOR.search(s)
    if resp and titles:
        for name, amount in zip(names(resp), amounts(resp), strict=False):
            if any(t in name or name.endswith(t) for t in titles):
                return Term(amount, f"{name.strip()}{fmt(amount)}", cite)
    given = AWARD_AMOUNT.search(s)  # a fixed award, or the most a clause gives (给予最高300万元)
    if given and re.search(CEILING, given.group("between")) and _caps_the_sum(s):
        return None  # "同一企业累计获得奖励最高不超过500万元" limits the sum: it is no award to add to it
    if given and (not titles or any(t in s for t in titles)):
        return Term(float(given.group("wan")), f"{fmt(float(given.group('wan')))}", cite)
    return None


def _caps_the_sum(s: str) -> bool:
    """A ceiling counted over the enterprise or over all its awards (core.reward_grammar's cap scopes)."""
    return bool(PER_ENTERPRISE.search(s) or IN_TOTAL.search(s))


def explain(terms: list[Term], english: bool = False) -> str:
    total = sum(t.value_wan for t in terms)
    parts = " + ".join(f"{t.how}{t.cite}" for t in terms)
    if english:
        return f"Total: {parts}; altogether {fmt(total)}."
    return f"合计：{parts}，共{fmt(total)}。"
