"""Verdicts → a short Chinese answer that cites the clause behind every rule it mentions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.eligibility import PROFILE_FIELDS, CriterionResult, ProgrammeVerdict, Source

__all__ = ["DRAFT_MARK", "NO_PROGRAMME_REPLY", "answer_from_verdicts"]

DRAFT_MARK = "（自动提取·未审核）"  # a programme drafted from a document, not yet reviewed

NO_PROGRAMME_REPLY = (
    "请说明想申报的项目（如 示范工厂、优秀场景、先行区、数字化车间、智能工厂梯度培育、智改数转奖补）"
    "或企业所在的省市，我再逐条对照条件。"
)
_MAX_GROUPS = 4
_MAX_ITEMS = 5


def answer_from_verdicts(
    question: str, verdicts: Sequence[ProgrammeVerdict]
) -> tuple[str, list[Source]]:
    """Compose a short Chinese answer: failing criteria first, then what is still unknown.

    Every rule mentioned is cited by document, 文号 and clause, and its source is returned so the
    caller can attach it as a citation.

    Args:
        question: The question (a question about money puts the estimates first).
        verdicts: From `evaluate`.

    Returns:
        (answer text, the sources it cites, in order of first mention).
    """
    if not verdicts:
        return NO_PROGRAMME_REPLY, []
    cited: list[Source] = []
    money_first = re.search(r"多少|奖补|补贴|补助|奖励", question) is not None
    groups = _group(verdicts)
    paragraphs = [_paragraph(g, cited, money_first) for g in groups[:_MAX_GROUPS]]
    if len(groups) > _MAX_GROUPS:
        rest = "、".join(v.name for g in groups[_MAX_GROUPS:] for v in g)
        paragraphs.append(f"另有 {rest} 的逐条结论见申报条件清单。")
    paragraphs.append("以上按已知信息逐条对照，属初步判断；申报以当年通知和主管部门审核为准。")
    return "\n\n".join(paragraphs), cited


def _group(verdicts: Sequence[ProgrammeVerdict]) -> list[list[ProgrammeVerdict]]:
    """Programmes that fail on the very same clauses are reported together."""
    groups: dict[Any, list[ProgrammeVerdict]] = {}
    for v in verdicts:
        failing = tuple(
            (r.statement, r.source.doc, r.source.clause) for r in v.results if r.status == "not_met"
        )
        key = ("fail", failing) if v.status == "not_eligible" and failing else ("one", v.programme_id)
        groups.setdefault(key, []).append(v)
    order = {"not_eligible": 0, "needs_info": 1, "eligible": 2}
    return sorted(groups.values(), key=lambda g: order[g[0].status])


def _cite(src: Source, cited: list[Source]) -> str:
    """"根据《…》clause[n]": n is the source's place in `cited`, the caller's citation list."""
    if src not in cited:
        cited.append(src)
    return f"根据{src.cite()}[{cited.index(src) + 1}]"


def _paragraph(group: list[ProgrammeVerdict], cited: list[Source], money_first: bool) -> str:
    v = group[0]
    names = "、".join(g.name + (DRAFT_MARK if g.draft else "") for g in group)
    head = {"not_eligible": f"【{names}】目前不能申报：暂不符合申报条件。",
            "needs_info": f"【{names}】目前还不能确定，需要补充信息。",
            "eligible": f"【{names}】按可核对的条件，贵企业符合申报条件。"}[v.status]
    if v.status == "not_eligible" and not any(r.status == "not_met" for r in v.results):
        head += v.summary + "。"
    failing = [_sentence_failed(r, cited) for r in v.results if r.status == "not_met"]
    # a threshold the text lowers for this applicant decides the verdict: say so, with its clause
    failing += [f"{_cite(r.source, cited)}，贵企业{r.reason}，符合。" for r in v.results
                if r.status == "met" and r.lowered]
    data = [r for r in v.results if r.status == "unknown" and not r.manual]
    manual = [r for r in v.results if r.status == "unknown" and r.manual]
    parts = [head, *failing]
    if v.status == "not_eligible":
        if data:
            parts.append("此外尚需确认：" + "、".join(_field_label(r) for r in data[:_MAX_ITEMS]) + "。")
        return "".join(parts)
    parts += [_sentence_unknown(r, cited) for r in data[:_MAX_ITEMS]]
    if manual:
        items = "；".join(r.statement for r in manual[:_MAX_ITEMS])
        more = f"等 {len(manual)} 项" if len(manual) > _MAX_ITEMS else ""
        parts.append(f"另需准备材料证明：{items}{more}。")
    met = [r.statement for r in v.results if r.status == "met"]
    if met:
        parts.append("已满足：" + "；".join(met[:_MAX_ITEMS]) + ("等。" if len(met) > _MAX_ITEMS else "。"))
    money = _estimates(v, cited)
    parts = parts[:1] + money + parts[1:] if money_first else parts + money
    if v.route.steps:
        parts.append("申报路径：" + " → ".join(v.route.steps) + "。")
        if v.route.source is not None:
            parts.append(f"（{_cite(v.route.source, cited)}）")
    return "".join(parts)


def _sentence_failed(r: CriterionResult, cited: list[Source]) -> str:
    return f"{_cite(r.source, cited)}，申报须{r.statement}；贵企业{r.reason}，不符合。"


def _sentence_unknown(r: CriterionResult, cited: list[Source]) -> str:
    return f"{_cite(r.source, cited)}，须{r.statement}（{r.reason}）：{r.provide}。"


def _field_label(r: CriterionResult) -> str:
    return PROFILE_FIELDS[r.fields[0]].label if r.fields else r.statement


_DEDUCTED = "扣除已获"  # engine._less_received writes this into a formula that applied a 差额 rule


def _estimates(v: ProgrammeVerdict, cited: list[Source]) -> list[str]:
    out = []
    balance = next((n for n in v.notes if "差额" in n.text), None)
    for e in v.estimates:
        also = f"；{_cite(balance.source, cited)}" if balance is not None and _DEDUCTED in e.formula else ""
        if e.status == "applies":
            out.append(f"{e.label}估算：{e.formula}（{_cite(e.source, cited)}{also}）。")
        elif e.status == "conditional":
            out.append(f"{e.reason}，{e.label}估算：{e.formula}（{_cite(e.source, cited)}{also}）。")
    return out
