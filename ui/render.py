"""Pure rendering for the UI: Answer → markdown answer + HTML citation cards, document rows → table,
eligibility verdicts → a ✅ / ❌ / ❔ checklist.

No gradio here, so every function is a plain, testable string transformation. All text that comes
from documents or answers is HTML-escaped: uploaded files are untrusted.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.domain import Answer, Citation
from assistant.eligibility import CriterionResult, ProgrammeVerdict, Source, out_of_region

BADGE_OFFICIAL = "官方原文"
BADGE_SUMMARY = "摘要（非官方原文）"
QUOTE_CHARS = 420  # longer passages are cut in the card (the full text is in the API answer)

KIND_LABELS: dict[str, str] = {
    "policy": "国家政策",
    "local_policy": "地方政策",
    "case_list": "名单与案例",
    "standard": "标准",
    "catalogue": "文件登记（线索）",
}
DOC_COLUMNS = ["文档 ID", "标题", "类型", "来源性质", "地区", "文号", "日期", "片段数"]

CSS = """
.zc-cards { display: flex; flex-direction: column; gap: 8px; margin-top: 10px; }
.zc-card { border: 1px solid #d9dde3; border-radius: 8px; padding: 8px 10px; background: #fafbfc; }
.zc-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; font-weight: 600; }
.zc-n { color: #1d4ed8; }
.zc-badge { font-size: 12px; font-weight: 500; border-radius: 10px; padding: 1px 8px; }
.zc-official { background: #dcfce7; color: #166534; }
.zc-summary { background: #fef3c7; color: #92400e; }
.zc-meta { font-size: 12px; color: #6b7280; margin: 2px 0 4px; }
.zc-quote { margin: 0; padding-left: 8px; border-left: 3px solid #cbd5e1; font-size: 13px;
            white-space: pre-wrap; }
.zc-elig-prog { margin: 14px 0 18px; }
.zc-elig-prog > summary { cursor: pointer; font-size: 16px; margin-bottom: 4px; }
.zc-elig-table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 6px; }
.zc-elig-table th, .zc-elig-table td { border: 1px solid #d9dde3; padding: 4px 6px; vertical-align: top;
                                       text-align: left; }
.zc-elig-table th { background: #f3f4f6; }
.zc-elig-table td.zc-icon { text-align: center; width: 2em; }
.zc-elig-table tr.zc-not_met td, .zc-elig-table tr.zc-not_applicable td,
.zc-elig-table tr.zc-not_eligible td { background: #fef2f2; }
.zc-elig-table tr.zc-met td, .zc-elig-table tr.zc-eligible td { background: #f0fdf4; }
.zc-elig-quote { font-size: 12px; color: #6b7280; }
.zc-elig-note { font-size: 12px; color: #6b7280; }
"""


def badge(authority: str) -> str:
    """官方原文 or 摘要（非官方原文）, as a coloured HTML badge."""
    if authority == "summary":
        return f'<span class="zc-badge zc-summary">{BADGE_SUMMARY}</span>'
    return f'<span class="zc-badge zc-official">{BADGE_OFFICIAL}</span>'


def short_section(section: str) -> str:
    """The clause path without the document title repeated at its head."""
    parts = [p.strip() for p in section.split(" > ") if p.strip()]
    return " › ".join(parts[1:] if len(parts) > 1 else parts)


def quote(text: str, limit: int = QUOTE_CHARS, known: Sequence[str] = ()) -> str:
    """The passage as quoted on a card, cut at `limit`.

    Markdown heading marks and blank lines go, and so do leading lines that only repeat a heading
    the card already shows (`known`: the title and the section path).
    """
    lines = [ln for ln in (re.sub(r"^#+\s*", "", ln).strip() for ln in text.splitlines()) if ln]
    while len(lines) > 1 and lines[0] in known:
        lines.pop(0)
    body = "\n".join(lines)
    return body if len(body) <= limit else body[:limit].rstrip() + "……"


def citation_card(c: Citation) -> str:
    """One card: [n] 《title》 badge / doc no · section · page · region / the quoted passage."""
    meta = [c.doc_no, short_section(c.section), f"第{c.page}页" if c.page else "", c.region]
    known = [c.title, *(p.strip() for p in c.section.split(" > "))]
    meta_html = " · ".join(html.escape(m) for m in meta if m)
    return (
        f'<div class="zc-card" data-n="{c.n}">'
        f'<div class="zc-head"><span class="zc-n">[{c.n}]</span>'
        f'<span class="zc-title">《{html.escape(c.title)}》</span>{badge(c.authority)}</div>'
        + (f'<div class="zc-meta">{meta_html}</div>' if meta_html else "")
        + f'<blockquote class="zc-quote">{html.escape(quote(c.text, known=known))}</blockquote></div>'
    )


def citation_cards(citations: Sequence[Citation]) -> str:
    """Every card of an answer, or '' when it cites nothing."""
    if not citations:
        return ""
    return '<div class="zc-cards">' + "".join(citation_card(c) for c in citations) + "</div>"


def answer_markdown(answer: Answer) -> str:
    """The answer text as markdown: [n] markers in bold, a notice on refusals."""
    text = html.escape(answer.answer.strip(), quote=False)
    text = re.sub(r"\[(\d{1,3})\]", r"**[\1]**", text)
    if answer.refused:
        return f"⚠️ {text}"
    if not answer.citations:
        return text + "\n\n_（知识库中没有找到可以引用的条款。）_"
    return text


def chat_message(answer: Answer) -> str:
    """What the chat shows for one finished answer: the markdown, then its citation cards."""
    cards = citation_cards(answer.citations)
    return answer_markdown(answer) + (f"\n\n**参考来源**\n\n{cards}" if cards else "")


def streaming_message(partial: str) -> str:
    """The answer while it is being written (escaped; the cards follow when it is done)."""
    return html.escape(partial, quote=False) + " ▌"


def error_message(message: str) -> str:
    return f"⚠️ {html.escape(message, quote=False)}"


def document_rows(docs: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """kb.list_documents() rows as table rows in DOC_COLUMNS order."""
    return [
        [d["doc_id"], d["title"], KIND_LABELS.get(d["kind"], d["kind"]),
         BADGE_SUMMARY if d.get("authority") == "summary" else BADGE_OFFICIAL,
         d.get("region") or "—", d.get("doc_no") or "", d.get("date") or "", d.get("chunks", 0)]
        for d in docs
    ]


def region_choices(docs: Iterable[dict[str, Any]]) -> list[str]:
    """The regions present in the index, 全国 first, then by name."""
    regions = {str(d["region"]) for d in docs if d.get("region")}
    return sorted(regions, key=lambda r: (r != "全国", r))


def stats_markdown(stats: dict[str, Any]) -> str:
    return (f"共 **{stats.get('documents', 0)}** 份文档，**{stats.get('chunks', 0)}** 个片段"
            f" · 向量模型 `{stats.get('embedder', '')}`")


def ingest_summary(filename: str, status: str, chunks: int, doc_id: str | None) -> str:
    """One line per uploaded file for the 知识库 tab."""
    words = {"added": "已新增", "updated": "已更新", "unchanged": "内容未变",
             "duplicate": "与已有文档内容相同"}
    tail = f"（doc_id `{doc_id}`，新嵌入 {chunks} 个片段）" if doc_id else ""
    return f"✅ {html.escape(filename)}：{words.get(status, status)}{tail}"


def feedback_record(question: str, answer: str, vote: str, when: dt.datetime | None = None) -> dict[str, str]:
    """One line of feedback.jsonl."""
    when = when or dt.datetime.now(dt.UTC)
    return {"question": question, "answer": answer, "vote": vote, "time": when.isoformat(timespec="seconds")}


# ---------------------------------------------------------------------- eligibility (申报自评)
ICONS = {
    "met": "✅", "not_met": "❌", "unknown": "❔",
    "eligible": "✅", "not_eligible": "❌", "needs_info": "❔",
    "applies": "✅", "not_applicable": "❌", "conditional": "❔",
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
    body = "".join(
        f'<tr class="zc-{status}"><td class="zc-icon" title="{status}">{ICONS.get(status, "")}</td>'
        + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
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
