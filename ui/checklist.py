"""The 申报自评 checklist as HTML: a count of verdicts, an overview, then per programme its criteria,
estimates, route and notes, every row with its clause (pure; the eligibility tab shows it).

At phone width the stylesheet turns each table row into a card whose cells name their column.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from assistant.eligibility import CriterionResult, ProgrammeVerdict, Source, out_of_region
from ui.render import badge

ICONS = {
    "met": "✅", "not_met": "❌", "unknown": "❔",
    "eligible": "✅", "not_eligible": "❌", "needs_info": "❔",
    "applies": "✅", "not_applicable": "❌", "conditional": "❔",
}
STATUS_WORDS = {
    "met": "满足", "not_met": "不满足", "unknown": "需补充信息",
    "eligible": "符合", "not_eligible": "不符合", "needs_info": "需补充信息",
    "applies": "适用", "not_applicable": "不适用", "conditional": "视情况而定",
}
OVERVIEW_COLUMNS = ["", "项目", "地区", "结论", "说明"]
CRITERIA_COLUMNS = ["", "条件", "说明", "依据条款", "文号"]
ESTIMATE_COLUMNS = ["", "奖补档次", "估算", "说明", "依据条款", "文号"]
ELIGIBILITY_FOOTER = ("标“摘要”的依据来自语料登记表/摘要，非官方原文；❔ 项需补充信息或按原文准备材料。"
                      "结果仅供自查，以当年申报通知为准。")
def is_elsewhere(v: ProgrammeVerdict) -> bool:
    """A local programme ruled out only by where the applicant is registered: not worth a table
    (the export's own rule, so the screen and the exported file agree)."""
    return out_of_region(v)


def clause_cell(src: Source) -> str:
    """《文件》条款, a 摘要 badge for summary sources, and the verbatim quote underneath (HTML)."""
    badge_html = f" {badge('summary')}" if src.authority == "summary" else ""
    quote_html = f'<div class="zc-elig-quote">「{html.escape(src.quote)}」</div>' if src.quote else ""
    return f"《{html.escape(src.doc)}》{html.escape(src.clause)}{badge_html}{quote_html}"


def _table(columns: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]]) -> str:
    """rows: (status, cells as HTML); the status names the row's class and fills the icon column."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    labels = [html.escape(c) for c in columns[1:]]  # each cell names its column on a phone (CSS)
    body = "".join(
        f'<tr class="zc-{status}"><td class="zc-icon" title="{STATUS_WORDS.get(status, "")}">'
        f'{ICONS.get(status, "")}</td>'
        + "".join(f'<td data-label="{label}">{c}</td>' for label, c in zip(labels, cells, strict=False)) + "</tr>"
        for status, cells in rows
    )
    return f'<table class="zc-elig-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _criterion_cells(r: CriterionResult) -> list[str]:
    """条件 · 说明 (with what to provide when unknown) · 依据条款 · 文号, as HTML cells."""
    note = r.reason + (f"。{r.provide}" if r.status == "unknown" and r.provide else "")
    doc_no = html.escape(r.source.doc_no) or "—"
    return [html.escape(r.statement), html.escape(note), clause_cell(r.source), doc_no]


def verdict_html(v: ProgrammeVerdict) -> str:
    """One programme: its verdict, the checklist (clause and 文号 on every row), estimates, route, notes."""
    esc = html.escape
    head = f"{ICONS.get(v.status, '')} {esc(v.name)}（{esc(v.region)}）：{esc(v.status_label)}"
    out = [f'<details open class="zc-elig-prog" data-programme="{esc(v.programme_id)}" '
           f'data-status="{v.status}"><summary><b>{head}</b></summary><div>{esc(v.summary)}</div>']
    out.append(_table(CRITERIA_COLUMNS, ((r.status, _criterion_cells(r)) for r in v.results)))
    if v.estimates:
        out.append("<p><b>奖补估算</b>（万元；“不超过”类按上限估算，以审核结果为准）</p>")
        out.append(_table(ESTIMATE_COLUMNS, (
            (e.status, [esc(e.label), esc(e.formula), esc(e.reason), clause_cell(e.source),
                        esc(e.source.doc_no) or "—"])
            for e in v.estimates)))
    if v.route.steps:
        cite = f"（依据：{esc(v.route.source.cite())}）" if v.route.source else ""
        out.append(f"<p><b>申报路径</b>：{' → '.join(esc(s) for s in v.route.steps)}{cite}</p>")
    if v.notes:
        items = "".join(f"<li>{esc(n.text)}（依据：{esc(n.source.cite())}）</li>" for n in v.notes)
        out.append(f"<p><b>备注</b></p><ul>{items}</ul>")
    out.append("</details>")
    return "".join(out)


def eligibility_html(verdicts: Sequence[ProgrammeVerdict]) -> str:
    """The 申报自评 result: a count of verdicts, one checklist per relevant programme, then one line naming
    the programmes of other places (their tables would only say “not registered there”).

    Args:
        verdicts: From `assistant.eligibility.evaluate` (most relevant first); shown in this order.
    """
    if not verdicts:
        return '<div class="zc-elig"><p>没有可自评的项目。</p></div>'
    shown = [v for v in verdicts if not is_elsewhere(v)]
    elsewhere = [v for v in verdicts if is_elsewhere(v)]
    counts = {s: sum(v.status == s for v in shown) for s in ("eligible", "needs_info", "not_eligible")}
    labels = {"eligible": "符合", "needs_info": "需补充信息", "not_eligible": "不符合"}
    tally = " · ".join(f"{ICONS[s]} {labels[s]} {n}" for s, n in counts.items() if n)
    overview = _table(OVERVIEW_COLUMNS, (
        (v.status, [html.escape(x) for x in (v.name, v.region, v.status_label, v.summary)]) for v in shown))
    out = ['<div class="zc-elig">', f"<p><b>共自评 {len(shown)} 个项目</b>：{tally or '—'}</p>"]
    out += [overview if shown else "", *(verdict_html(v) for v in shown)]
    if elsewhere:
        names = "、".join(f"{html.escape(v.name)}（{html.escape(v.region)}）" for v in elsewhere)
        out.append(f'<p class="zc-elig-note">其他地区的项目（不适用）：{names}</p>')
    out.append(f'<p class="zc-elig-note">{ELIGIBILITY_FOOTER}</p></div>')
    return "".join(out)
