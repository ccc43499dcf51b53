"""Figures an applicant states in words ("营收8000万", "研发费用占营收3.5%", "在宁波纳税500来万",
"接入5G的终端有150个") → number fields, by the terms of fields.yaml and the unit of the figure.

The same vocabulary the drafter types a document's conditions by, read from the other side: a
figure takes the field whose term stands nearest before it in its clause (else just after it) and
whose unit agrees (万 / 亿 → 万元, % → a percentage as written, 个 / 项 → a count).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.eligibility.fields import FieldSpec

__all__ = ["Measure", "read_measures"]

_FIGURE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?:来|多|余)?\s*"
    r"(?P<unit>个亿|亿元|亿|万元|万|%|％|个|项|家|(?i:million|billion)(?:\s*(?i:yuan|rmb|cny))?)"
)
_CLAUSE = re.compile(r"[，。；;！？?!、\n]|,\s|\.\s")
_NEAR = 12  # a term further back than this many characters names something else ("营收…，…300万")
_COUNT_UNITS = {"个", "项", "家"}


@dataclass(frozen=True)
class Measure:
    """A figure read for a field, with the words it was read from."""

    field: str
    value: float
    words: str


_MILLION_WAN, _BILLION_WAN = 100.0, 100_000.0  # 1 million yuan = 100 万元; 1 billion = 100000 万元


def _unit(raw: str) -> tuple[str, float]:
    word = raw.lower()
    if word.startswith("million"):
        return "万元", _MILLION_WAN
    if word.startswith("billion"):
        return "万元", _BILLION_WAN
    if raw in ("个亿", "亿", "亿元"):
        return "万元", 10_000.0
    if raw in ("万", "万元"):
        return "万元", 1.0
    if raw in ("%", "％"):
        return "%", 1.0
    return raw, 1.0


def _fits(spec: FieldSpec, unit: str) -> bool:
    if spec.kind not in ("int", "number"):
        return False
    if spec.unit in _COUNT_UNITS:
        return unit in _COUNT_UNITS
    return spec.unit == unit


def read_measures(text: str, specs: Mapping[str, FieldSpec], skip: set[str] | None = None) -> list[Measure]:
    """Every figure of `text` that a number field takes, first mention per field.

    Args:
        text: What the applicant wrote.
        specs: The profile fields and their terms.
        skip: Fields read elsewhere (legal years, investment, levels) and not to be read here.
    """
    out: dict[str, Measure] = {}
    for m in _FIGURE.finditer(text):
        unit, factor = _unit(m.group("unit"))
        start = max((c.end() for c in _CLAUSE.finditer(text, 0, m.start())), default=0)
        before = text[max(start, m.start() - _NEAR): m.start()]
        after_end = min((c.start() for c in _CLAUSE.finditer(text, m.end())), default=len(text))
        after = text[m.end(): after_end]
        best: tuple[int, int, str] | None = None
        for spec in specs.values():
            if (skip and spec.name in skip) or not _fits(spec, unit):
                continue
            for term in spec.terms:
                if (at := before.rfind(term)) >= 0:
                    cand = (1, at + len(term), spec.name)  # before the figure: nearest wins
                elif (at := after.find(term)) >= 0:
                    cand = (0, -at, spec.name)  # just after it ("4个5G场景")
                else:
                    continue
                if best is None or cand[:2] > best[:2] or (cand[:2] == best[:2] and len(term) > 0):
                    best = cand if best is None or cand[:2] >= best[:2] else best
        if best is None or best[2] in out:
            continue
        value = float(m.group("num")) * factor
        out[best[2]] = Measure(best[2], int(value) if value.is_integer() else value, text[start:after_end].strip())
    return list(out.values())
