"""For one profile, the total it may receive across programmes — like a 政策计算器, every line cited.

Each programme not ruled out contributes its best applicable estimate. Programmes of one document
whose notes say they cannot be combined (不重复享受, 就高) give only the higher of them; a document's
cap per enterprise (同一企业同一年度…不超过N万元) caps its sum. What is still unknown is listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.core.reward_grammar import CAP, PER_ENTERPRISE, cap_wan
from assistant.eligibility.model import Source
from assistant.eligibility.results import EstimateResult, ProgrammeVerdict

__all__ = ["Line", "Package", "package"]

# programmes of one document that cannot be combined: 就高, or 同时获评…不重复享受; "可叠加" says they
# can, and a rule against other funds (其他专项资金) is not about the document's own programmes
_EXCLUSIVE = re.compile(r"就高|同时.{0,20}不重复|多个等级")
_COMBINABLE = re.compile(r"可叠加|叠加享受")


@dataclass(frozen=True)
class Line:
    """One programme's part of the package: what it gives (万元) and the clause that says so."""

    programme: str
    amount_wan: float
    label: str
    source: Source
    note: str = ""  # why it was left out or cut ("与…不重复享受，取较高者", "本文件每企业上限…")


@dataclass
class Package:
    """The package: counted lines, lines left out, caps applied, what is still missing, the total."""

    lines: list[Line] = field(default_factory=list)
    excluded: list[Line] = field(default_factory=list)
    capped: list[Line] = field(default_factory=list)  # the cap itself (amount = the cap), with its clause
    limits: list[Line] = field(default_factory=list)  # every per-enterprise cap of the documents counted
    missing: list[tuple[str, str]] = field(default_factory=list)  # (programme, what to provide)

    @property
    def total_wan(self) -> float:
        return round(sum(line.amount_wan for line in self.lines), 2)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the total, and every line with the clause (cite, quote) that sets it."""
        def row(line: Line) -> dict[str, Any]:
            return {"programme": line.programme, "amount_wan": line.amount_wan, "label": line.label,
                    "note": line.note, "clause": line.source.cite(), "quote": line.source.quote}

        return {"total_wan": self.total_wan, "lines": [row(x) for x in self.lines],
                "excluded": [row(x) for x in self.excluded], "capped": [row(x) for x in self.capped],
                "limits": [row(x) for x in self.limits],
                "missing": [{"programme": p, "provide": what} for p, what in self.missing]}


def _best(v: ProgrammeVerdict) -> EstimateResult | None:
    applying = [e for e in v.estimates if e.status == "applies" and (e.amount_wan is not None or e.high_wan)]
    return max(applying, key=lambda e: e.amount_wan if e.amount_wan is not None else (e.high_wan or 0), default=None)


def _doc_key(e: EstimateResult) -> str:
    return e.source.doc_no or e.source.doc


def package(verdicts: Sequence[ProgrammeVerdict]) -> Package:
    """The package of a profile's verdicts (from `evaluate`).

    Args:
        verdicts: One per programme; not-eligible ones give nothing.

    Returns:
        The lines counted (one per programme), those left out under an exclusion, the caps applied,
        and the programmes that need information before they can be counted.
    """
    out = Package()
    by_doc: dict[str, list[tuple[ProgrammeVerdict, Line]]] = {}
    for v in verdicts:
        if v.status == "not_eligible":
            continue
        best = _best(v)
        if best is None:
            if v.estimates or v.status == "needs_info":
                out.missing.append((v.name, v.summary))
            continue
        amount = best.amount_wan if best.amount_wan is not None else (best.high_wan or 0.0)
        line = Line(v.name, amount, best.label, best.source)
        if v.status == "needs_info":
            out.missing.append((v.name, v.summary))
        by_doc.setdefault(_doc_key(best), []).append((v, line))
    for group in by_doc.values():
        notes = [n for v, _ in group for n in v.notes]
        lines = [line for _, line in group]
        if len(lines) > 1 and any(_EXCLUSIVE.search(n.text) for n in notes) \
                and not any(_COMBINABLE.search(n.text) for n in notes):
            lines.sort(key=lambda line: line.amount_wan, reverse=True)
            rule = next(n for n in notes if _EXCLUSIVE.search(n.text))
            out.excluded += [Line(x.programme, x.amount_wan, x.label, rule.source, f"与{lines[0].programme}不重复享受，取较高者")
                             for x in lines[1:]]
            lines = lines[:1]
        cap = next((cap_wan(m) for n in notes if PER_ENTERPRISE.search(n.text)
                    and (m := CAP.search(n.text))), None)
        if cap is not None:
            rule = next(n for n in notes if PER_ENTERPRISE.search(n.text) and CAP.search(n.text))
            out.limits.append(Line(lines[0].programme, cap, "每企业上限", rule.source))
        if cap is not None and sum(x.amount_wan for x in lines) > cap:
            out.capped.append(Line(lines[0].programme, cap, "每企业上限", rule.source, f"合计超过{cap:g}万元，按上限计"))
            scale = cap / sum(x.amount_wan for x in lines)
            lines = [Line(x.programme, round(x.amount_wan * scale, 2), x.label, x.source, "按上限折算") for x in lines]
        out.lines += lines
    return out
