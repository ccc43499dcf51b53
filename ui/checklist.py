"""The 申报自评 checklist as HTML: a count of verdicts, the package total, a summary (可申报 / 需补充 /
不符合 per programme with the clause that decides it), then per programme — folded, opened on demand —
its criteria, estimates, route and notes, every row with its clause (pure; the eligibility tab shows it).
Drafts of indexed documents are marked 自动提取·未审核.

At phone width the stylesheet turns each table row into a card whose cells name their column.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from assistant.eligibility import CriterionResult, ProgrammeVerdict, Source, out_of_region
from assistant.eligibility.export import DRAFT_MARK, SUMMARY_WORDS, deciding_source
from assistant.eligibility.package import Line, package
from assistant.eligibility.profile import format_number
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
OVERVIEW_COLUMNS = ["", "项目", "地区", "结论", "说明", "依据条款"]
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
    out = [f'<details class="zc-elig-prog" data-programme="{esc(v.programme_id)}" '
           f'data-status="{v.status}"><summary><b>{head}</b>{draft_mark(v.draft)}</summary>'
           f'<div>{esc(v.summary)}</div>']
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


def draft_mark(draft: bool) -> str:
    return f' <span class="zc-draft-mark">{DRAFT_MARK}</span>' if draft else ""


def _summary_cells(v: ProgrammeVerdict) -> list[str]:
    """项目 (marked when a draft) · 地区 · 可申报/需补充/不符合 · why · the clause that decides it."""
    why, src = deciding_source(v)
    return [html.escape(v.name) + draft_mark(v.draft), html.escape(v.region), SUMMARY_WORDS[v.status],
            html.escape(why), clause_cell(src) if src is not None else "—"]


def _package_line(line: Line) -> str:
    note = f"（{html.escape(line.note)}）" if line.note else ""
    return (f"<li>{html.escape(line.programme)}：{format_number(line.amount_wan)} 万元{note}"
            f" — {clause_cell(line.source)}</li>")


def package_html(verdicts: Sequence[ProgrammeVerdict]) -> str:
    """The total across the programmes that apply (不重复享受 / 就高 and per-enterprise caps applied),
    each line cited, and what is still to provide; empty when nothing can be counted."""
    pkg = package(verdicts)
    if not pkg.lines and not pkg.missing:
        return ""
    out = [f'<div class="zc-elig-package"><p><b>奖补合计（按已确认适用的档次）：约 {format_number(pkg.total_wan)} 万元</b>'
           "（已按不重复享受、就高和每企业上限扣减）</p>"]
    if pkg.lines:
        out.append("<ul>" + "".join(_package_line(x) for x in pkg.lines) + "</ul>")
    if pkg.excluded or pkg.capped:
        out.append("<p>未计入或按上限计：</p><ul>" + "".join(_package_line(x) for x in [*pkg.excluded, *pkg.capped])
                   + "</ul>")
    if pkg.missing:
        out.append("<p>补充信息后可能计入：" + "；".join(html.escape(f"{name}（{what}）") for name, what in pkg.missing)
                   + "</p>")
    return "".join(out) + "</div>"


def eligibility_html(verdicts: Sequence[ProgrammeVerdict]) -> str:
    """The 申报自评 result: a count of verdicts, the package total, a summary row per relevant programme,
    the checklists (folded: opened on demand), then one line naming the programmes of other places
    (their tables would only say “not registered there”).

    Args:
        verdicts: From `assistant.eligibility.evaluate` (most relevant first); shown in this order.
    """
    if not verdicts:
        return '<div class="zc-elig"><p>没有可自评的项目。</p></div>'
    shown = [v for v in verdicts if not is_elsewhere(v)]
    elsewhere = [v for v in verdicts if is_elsewhere(v)]
    counts = {s: sum(v.status == s for v in shown) for s in SUMMARY_WORDS}
    tally = " · ".join(f"{ICONS[s]} {SUMMARY_WORDS[s]} {n}" for s, n in counts.items() if n)
    overview = _table(OVERVIEW_COLUMNS, ((v.status, _summary_cells(v)) for v in shown))
    out = ['<div class="zc-elig">', f"<p><b>共自评 {len(shown)} 个项目</b>：{tally or '—'}</p>", package_html(shown)]
    if shown:
        out += [overview, '<p class="zc-elig-note">点击下方项目名称查看逐条核对。</p>']
    out += [verdict_html(v) for v in shown]
    if elsewhere:
        names = "、".join(f"{html.escape(v.name)}（{html.escape(v.region)}）" for v in elsewhere)
        out.append(f'<p class="zc-elig-note">其他地区的项目（不适用）：{names}</p>')
    out.append(f'<p class="zc-elig-note">{ELIGIBILITY_FOOTER}</p></div>')
    return "".join(out)
