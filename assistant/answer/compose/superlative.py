"""哪个最高 / 哪个最短: the extreme of the figures a comparison table holds, named with its place."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.reward_grammar import MONEY, money_wan
from assistant.core.text import normalize_for_match

_HIGH = re.compile(r"最[高多大长]|\b(?:highest|most|largest|longest)\b", re.IGNORECASE)
_LOW = re.compile(r"最[低少小短]|\b(?:lowest|least|smallest|shortest)\b", re.IGNORECASE)
_MONEY = re.compile(MONEY)  # the field's money grammar: 300万元, 1.2亿, 5000元, in 万元
# a working day is counted as 7/5 calendar days, so 7个工作日 ranks above 7天
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(个工作日|工作日|天|日|个月|年)")
_DAYS = {"个工作日": 1.4, "工作日": 1.4, "天": 1.0, "日": 1.0, "个月": 30.0, "年": 365.0}


def direction(question: str) -> int:
    """+1 when the question asks for the highest/longest, -1 for the lowest/shortest, 0 for neither."""
    if _HIGH.search(question):
        return 1
    if _LOW.search(question):
        return -1
    return 0


def value(text: str, kind: str | None) -> float | None:
    """The first figure of the kind in a text: 万元 for money, days for durations."""
    t = normalize_for_match(text)
    if kind in ("amount", None):
        m = _MONEY.search(t)
        if m:
            return money_wan(m.group(1), m.group(2))
    if kind in ("duration", None):
        m = _DURATION.search(t)
        if m:
            return float(m.group(1)) * _DAYS[m.group(2)]
    return None


def extreme(rows: Sequence[tuple[str, str]], kind: str | None, sign: int) -> int | None:
    """The index of the (label, cell text) row with the extreme figure; None when fewer than two have one."""
    found = [(v, i) for i, (_, text) in enumerate(rows) if (v := value(text, kind)) is not None]
    if len(found) < 2 or not sign:
        return None
    return (max(found) if sign > 0 else min(found))[1]
