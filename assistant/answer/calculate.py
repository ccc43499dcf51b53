"""Calculations when the asker gives a number: base × rate, the cap and the threshold, each term cited.

The grammar is that of reward clauses in general — "按…投入的10%给予奖励，最高不超过300万元",
"按设备投资额的8%给予补贴，单个项目最高800万元", "投资额不低于500万元" — never a particular document.
Money is in 万元 throughout (1亿 = 10,000万; 1 million yuan = 100万).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.reward_grammar import CAP, MONEY, NUMBER, cap_wan, money_wan
from assistant.core.text import normalize_for_match

_NUM = rf"({NUMBER})"
_NOT_END = r"[^。;；，,?？!！]"  # within one clause (text is NFKC-folded: full-width commas become ",")
# what the asker invested: "改造投入700万", "设备投资1.2亿", "投了400万", "investing 8 million yuan"
_BASE_ZH = re.compile(rf"(?:投资|投入|投了|投资额|总投资|费用|花了|总额)[^。;；，,?？!！\d]{{0,8}}?{MONEY}"
                      rf"|{MONEY}{_NOT_END}{{0,6}}(?:的)?(?:投资|投入|改造)")
_BASE_EN = re.compile(r"(?:invest\w*|spen[dt]\w*|cost\w*)\D{0,30}?(\d+(?:\.\d+)?)\s*(million|billion|m\b)", re.I)
# a reward rate: "按…的10%给予", "按照投资额8%", "10%的比例给予"
# a rate of a base: "按…的10%给予", "10%的比例给予", "给予…8%", and instalments "拨付补贴资金的70%"
_RATE = re.compile(rf"(?:按|按照)[^。;；]{{0,40}}?{_NUM}\s*%|{_NUM}\s*%的?比例?给予|给予[^。;；]{{0,10}}?{_NUM}\s*%"
                   rf"|拨付[^。;；]{{0,12}}?{_NUM}\s*%")
_THRESHOLD = re.compile(rf"(?:投资|投入|投资额){_NOT_END}{{0,20}}?(?:不低于|不少于|达到|(?<!不)超过)\s*{MONEY}(?:以上)?")


@dataclass(frozen=True)
class Rule:
    """A reward rule as stated in one sentence."""

    rate: float  # percent, as written
    cap_wan: float | None
    threshold_wan: float | None
    text: str


@dataclass(frozen=True)
class Result:
    base_wan: float
    value_wan: float  # what the rule gives for the base (after the cap)
    capped: bool
    below_threshold: bool


def asked_base(question: str) -> float | None:
    """The amount the asker says was invested, in 万元; None when the question states none."""
    q = normalize_for_match(question)
    m = _BASE_ZH.search(q)
    if m:
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return money_wan(number, unit)
    e = _BASE_EN.search(question)
    if e:
        scale = 10000.0 if e.group(2).lower().startswith("b") else 100.0  # 1 million yuan = 100万
        return float(e.group(1)) * scale
    return None


def parse_rule(sentence: str) -> Rule | None:
    """The rate (and cap, threshold) a sentence states; None when it states no rate."""
    s = normalize_for_match(sentence)
    m = _RATE.search(s)
    if not m:
        return None
    rate = float(next(g for g in m.groups() if g))
    cap = CAP.search(s, m.end()) or CAP.search(s)
    threshold = _THRESHOLD.search(s)
    return Rule(rate, cap_wan(cap) if cap else None,
                money_wan(*threshold.groups()) if threshold else None, sentence)


def apply(rule: Rule, base_wan: float) -> Result:
    value = base_wan * rule.rate / 100
    capped = rule.cap_wan is not None and value > rule.cap_wan
    below = rule.threshold_wan is not None and base_wan < rule.threshold_wan
    return Result(base_wan, 0.0 if below else (rule.cap_wan if capped and rule.cap_wan is not None else value),
                  capped, below)


def fmt(wan: float) -> str:
    """万元 as written in the documents: 84万元, 1.5万元, 12,000万元 → 1.2亿元."""
    if wan >= 10000 and (wan / 10000) == round(wan / 10000, 2):
        return f"{wan / 10000:g}亿元"
    return f"{round(wan, 2):g}万元"


def explain(rule: Rule, result: Result, cite: str, english: bool = False) -> str:
    """The calculation as one line, every term followed by the citation of the clause that states it."""
    if result.below_threshold and rule.threshold_wan is not None:
        if english:
            return (f"Calculation: the stated investment of {fmt(result.base_wan)} is below the threshold of "
                    f"{fmt(rule.threshold_wan)}{cite}, so this rule gives nothing.")
        return f"计算：所述投入{fmt(result.base_wan)}低于该条款要求的{fmt(rule.threshold_wan)}{cite}，按此条不能获得奖补。"
    raw = result.base_wan * rule.rate / 100
    formula = f"{fmt(result.base_wan)} × {rule.rate:g}% = {fmt(raw)}"
    if english:
        tail = (f", above the cap of {fmt(rule.cap_wan)}{cite}, so {fmt(result.value_wan)}" if result.capped and rule.cap_wan
                else f"{cite}" + (f" (within the cap of {fmt(rule.cap_wan)})" if rule.cap_wan else ""))
        return f"Calculation: {formula}{tail}."
    if result.capped and rule.cap_wan is not None:
        return f"计算：{formula}{cite}，超过上限{fmt(rule.cap_wan)}{cite}，按上限计为{fmt(result.value_wan)}。"
    cap = f"，未超过上限{fmt(rule.cap_wan)}" if rule.cap_wan is not None else ""
    return f"计算：{formula}{cite}{cap}，即约{fmt(result.value_wan)}。"


# what a base is: an investment (投资额, 改造投入) or an award already fixed (补贴总额, 奖励资金)
_AWARD_BASE = re.compile(r"总额|补贴资金|奖励资金|奖补资金|补助资金|资金的|(?:奖补|奖励|补助|补贴)(?:金额|额)")
_INVEST_BASE = re.compile(r"投资|投入|费用")


def asked_base_kind(question: str) -> str:
    """"award" when the amount the asker gave is an award already fixed (总额800万元), else "investment"."""
    m = _BASE_ZH.search(normalize_for_match(question))
    return "award" if m and _AWARD_BASE.search(m.group(0)) and not _INVEST_BASE.search(m.group(0)) else "investment"


def base_kind(text: str) -> str:
    """"award" when the text's base is an award (总额800万元; 拨付补贴资金的70%), else "investment"."""
    t = normalize_for_match(text)
    m = _RATE.search(t)
    span = t[max(0, m.start() - 4):m.end()] if m else t
    return "award" if _AWARD_BASE.search(span) and not _INVEST_BASE.search(span) else "investment"
