"""What `evaluate` returns: one checklist row per criterion, reward estimates, a verdict per programme."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.eligibility.model import Note, Route, Source

__all__ = ["VERDICT_LABEL", "CriterionResult", "EstimateResult", "ProgrammeVerdict"]

VERDICT_LABEL = {
    "eligible": "符合（可核对条件均满足）", "not_eligible": "不符合", "needs_info": "需补充信息",
}


@dataclass(frozen=True)
class CriterionResult:
    """One row of the checklist."""

    criterion_id: str
    statement: str
    status: str  # met | not_met | unknown
    reason: str
    provide: str
    source: Source
    fields: tuple[str, ...] = ()
    manual: bool = False
    lowered: bool = False  # met only under a threshold the text lowers for this applicant (source: that clause)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EstimateResult:
    """What a reward rule gives this profile; amounts in 万元, upper bounds where the rule says 不超过."""

    id: str
    label: str
    status: str  # applies | conditional | not_applicable
    formula: str
    reason: str
    source: Source
    amount_wan: float | None = None
    low_wan: float | None = None
    high_wan: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ProgrammeVerdict:
    """Eligible / not eligible / needs information for one programme, with the checklist behind it."""

    programme_id: str
    name: str
    region: str
    status: str  # eligible | not_eligible | needs_info
    summary: str
    results: tuple[CriterionResult, ...]
    estimates: tuple[EstimateResult, ...] = ()
    route: Route = Route(())
    notes: tuple[Note, ...] = ()
    draft: bool = False  # the programme was drafted from a document and not reviewed (自动提取·未审核)

    @property
    def status_label(self) -> str:
        return VERDICT_LABEL[self.status]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status_label"] = self.status_label
        return d

