"""Verdicts → an exportable ✅ / ❌ / ❔ Markdown checklist, or JSON-ready data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.eligibility.model import Source
from assistant.eligibility.results import ProgrammeVerdict
from assistant.eligibility.vocabulary import NATIONAL, REGION_FIELDS

__all__ = ["ICONS", "SUMMARY_WORDS", "deciding_source", "summary_rows", "to_dict", "to_markdown"]

ICONS = {
    "met": "✅", "not_met": "❌", "unknown": "❔",
    "eligible": "✅", "not_eligible": "❌", "needs_info": "❔",
    "applies": "✅", "not_applicable": "❌", "conditional": "❔",
}
_FOOTER = (
    "> 标“摘要”的依据来自语料登记表/摘要，非官方原文；manual 项需企业按原文准备材料。"
    "以当年申报通知为准。"
)
_ELSEWHERE = "其他地区的项目（不适用）："
SUMMARY_WORDS = {"eligible": "可申报", "needs_info": "需补充", "not_eligible": "不符合"}
DRAFT_MARK = "自动提取·未审核"  # a programme drafted from a document, not yet reviewed


def to_dict(verdicts: Sequence[ProgrammeVerdict]) -> dict[str, Any]:
    """JSON-ready verdicts: {"verdicts": [...]}."""
    return {"verdicts": [v.to_dict() for v in verdicts]}


def to_markdown(verdicts: Sequence[ProgrammeVerdict]) -> str:
    """A ✅ / ❌ / ❔ checklist per programme with clause and 文号 on every row (exportable).

    Programmes of other places that fail only on the applicant's province or city get no table:
    they are named in one line at the end ("其他地区的项目（不适用）：…").

    Args:
        verdicts: From `evaluate` (which puts the most relevant first); rendered in this order.

    Returns:
        Markdown text.
    """
    out = ["# 申报条件自查", ""]
    elsewhere = [v for v in verdicts if out_of_region(v)]
    for v in verdicts:
        if not out_of_region(v):
            out += _section(v)
    if elsewhere:
        out += [_ELSEWHERE + "、".join(f"{v.name}（{v.region}）" for v in elsewhere), ""]
    out.append(_FOOTER)
    return "\n".join(out) + "\n"


def deciding_source(v: ProgrammeVerdict) -> tuple[str, Source | None]:
    """(why, the clause) behind a verdict: the first condition not met, else the first still
    unknown; for an eligible one the reward rule that applies, else its first condition."""
    applying = next((e for e in v.estimates if e.status == "applies"), None)
    if v.status == "eligible" and applying is not None:
        return f"{applying.label}：{applying.formula}", applying.source
    for status in ("not_met", "unknown", "met"):
        r = next((r for r in v.results if r.status == status), None)
        if r is not None and (status != "met" or v.status == "eligible"):
            return r.reason + (f"。{r.provide}" if status == "unknown" and r.provide else ""), r.source
    pending = next((e for e in v.estimates if e.status != "applies"), None)
    return (pending.reason, pending.source) if pending is not None else (v.summary, None)


def summary_rows(verdicts: Sequence[ProgrammeVerdict]) -> list[dict[str, Any]]:
    """One row per programme for a summary before the details: 可申报 / 需补充 / 不符合 with the
    clause that decides it (programmes of other places left out, as in `to_markdown`)."""
    out = []
    for v in verdicts:
        if out_of_region(v):
            continue
        why, src = deciding_source(v)
        out.append({"programme_id": v.programme_id, "name": v.name, "region": v.region, "status": v.status,
                    "word": SUMMARY_WORDS[v.status], "draft": v.draft, "reason": why,
                    "clause": src.cite() if src is not None else "", "quote": src.quote if src is not None else ""})
    return out


def out_of_region(v: ProgrammeVerdict) -> bool:
    """A local programme ruled out by where the applicant is registered (whatever else fails too)."""
    failing = [r for r in v.results if r.status == "not_met"]
    return (v.region != NATIONAL and v.status == "not_eligible"
            and any(r.fields and set(r.fields) <= set(REGION_FIELDS) for r in failing))


def _section(v: ProgrammeVerdict) -> list[str]:
    """One programme: heading, summary, checklist table, estimates, route and notes."""
    mark = f"（{DRAFT_MARK}）" if v.draft else ""
    out = [f"## {ICONS[v.status]} {v.name}（{v.region}）：{v.status_label}{mark}", "", v.summary, "",
           "| | 条件 | 说明 | 依据条款 | 文号 |", "|---|---|---|---|---|"]
    for r in v.results:
        note = r.reason + (f"。{r.provide}" if r.status == "unknown" else "")
        out.append(_row(ICONS[r.status], r.statement, note, _clause(r.source), r.source.doc_no))
    if v.estimates:
        out += ["", "**奖补估算**（万元；“不超过”类按上限估算，以审核结果为准）", "",
                "| | 档次 | 估算 | 说明 | 依据条款 | 文号 |", "|---|---|---|---|---|---|"]
        out += [_row(ICONS[e.status], e.label, e.formula, e.reason, _clause(e.source), e.source.doc_no)
                for e in v.estimates]
    if v.route.steps:
        out += ["", "**申报路径**：" + " → ".join(v.route.steps)]
        if v.route.source:
            out.append(f"（依据：{v.route.source.cite()}）")
    if v.notes:
        out += ["", "**备注**", "", *[f"- {n.text}（依据：{n.source.cite()}）" for n in v.notes]]
    out.append("")
    return out


def _clause(src: Source) -> str:
    return f"《{src.doc}》{src.clause}" + ("（摘要）" if src.authority == "summary" else "")


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
