"""The programme data model: programmes, their criteria and reward rules, each with the clause that sets it.

Loaded from YAML by `loader`; a criterion is a typed check from the closed set `RULES` (never a
string that gets evaluated) reading one profile field, or `manual` (the applicant proves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.domain import Citation
from assistant.eligibility.fields import FieldSpec

__all__ = [
    "RULES", "RULE_KINDS", "Condition", "Criterion", "EstimateRule", "Note", "Programme", "Route", "Source",
]


@dataclass(frozen=True)
class Source:
    """The clause that sets a rule, with a short verbatim quote of the corpus text."""

    doc: str
    clause: str
    region: str
    quote: str
    doc_no: str = ""
    authority: str = "official"  # official | summary (a catalogue/summary line, not official wording)
    quoted_in: str = ""  # title of the corpus document holding the quote when it is not `doc`
    url: str = ""

    def cite(self) -> str:
        """《文件》（文号）条款, as an answer cites it."""
        no = f"（{self.doc_no}）" if self.doc_no else ""
        tail = "（据语料登记表摘要，非官方原文）" if self.authority == "summary" else ""
        return f"《{self.doc}》{no}{self.clause}{tail}"

    def to_citation(self, n: int) -> Citation:
        """A domain Citation numbered `n`, so the chat layer can attach it to an Answer."""
        return Citation(n=n, doc_id="", title=self.doc, section=self.clause, page=0, text=self.quote,
                        source=self.url or self.quoted_in or self.doc, authority=self.authority,
                        doc_no=self.doc_no, region=self.region)


RULES = (
    "equals", "in", "min", "max", "is_true", "is_false", "has_title", "lacks_title", "industry_in", "manual",
)
RULE_KINDS = {  # rule → field kinds it may read
    "equals": ("choice", "text"), "in": ("choice", "text"),
    "min": ("int", "number"), "max": ("int", "number"),
    "is_true": ("bool",), "is_false": ("bool",), "has_title": ("titles",), "lacks_title": ("titles",),
    "industry_in": ("text",),
}


@dataclass(frozen=True)
class Lowered:
    """A threshold the text lowers for some applicants (对省级专精特新中小企业，投入门槛可降至1000万元)."""

    when: Condition
    value: float
    source: Source


@dataclass(frozen=True)
class Criterion:
    """One condition of a programme: a typed check of one profile field, or `manual`."""

    id: str
    statement: str
    fields: tuple[str, ...]
    rule: str
    args: tuple[Any, ...]
    source: Source
    provide: str = ""  # what to show when unknown (default: the field's question / the statement)
    alternative: str = ""  # another way to satisfy it: a failed check then reads unknown, not not_met
    lowered: Lowered | None = None  # a lower threshold of a `min` rule for applicants meeting a condition


@dataclass(frozen=True)
class Condition:
    """The condition under which an estimate applies (same closed rule set)."""

    statement: str
    fields: tuple[str, ...]
    rule: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class EstimateRule:
    """A reward or subsidy: fixed amount, range, or rate × base (floor, ceiling of base, cap)."""

    id: str
    label: str
    source: Source
    when: Condition | None = None
    also: tuple[Condition, ...] = ()  # further conditions, all of which must hold too
    amount: float | None = None
    range: tuple[float, float] | None = None
    rate: float | None = None
    base: str = ""
    min_base: float | None = None
    max_base: float | None = None
    cap: float | None = None
    less_received: bool = False  # 差额: what the applicant already received under this text is deducted


@dataclass(frozen=True)
class Route:
    """How to apply, step by step."""

    steps: tuple[str, ...]
    source: Source | None = None


@dataclass(frozen=True)
class Note:
    """A fact worth telling with the verdict (validity, 就高不重复 …)."""

    text: str
    source: Source


@dataclass(frozen=True)
class Programme:
    """A programme one can apply for, loaded from its YAML file."""

    id: str
    name: str
    region: str
    level: str  # national | province | city
    kind: str  # recommendation | recognition | reward
    doc: str
    criteria: tuple[Criterion, ...]
    doc_no: str = ""
    url: str = ""
    keywords: tuple[str, ...] = ()
    estimates: tuple[EstimateRule, ...] = ()
    requires_estimate: bool = False  # reward programmes: eligible only when some estimate applies
    route: Route = Route(())
    notes: tuple[Note, ...] = ()
    path: str = ""
    draft: bool = False  # drafted from a document, not yet reviewed (shown as 自动提取·未审核)
    materials: tuple[str, ...] = ()  # the 申报材料 checklist, as the document lists it
    materials_source: Source | None = None
    deadline: str = ""  # YYYY-MM-DD[ HH:MM] when the notice states one
    deadline_source: Source | None = None
    validity: str = ""  # how long the title or the policy holds (认定有效期为三年)
    validity_source: Source | None = None
    title_implies: tuple[tuple[str, tuple[str, ...], Source], ...] = ()  # (title, counts as, clause saying so)
    fields: tuple[FieldSpec, ...] = ()  # profile fields this programme declares for itself

