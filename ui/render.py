"""Pure rendering for the UI: Answer → markdown answer + HTML citation cards, a document → the source
viewer, document rows → table (the 申报自评 checklist is `ui.checklist`, the stylesheet `ui.styles`).

No gradio here, so every function is a plain, testable string transformation. All text that comes
from documents or answers is HTML-escaped: uploaded files are untrusted.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.citations import MARKER, source_label
from assistant.domain import Answer, Citation
from assistant.snippets import Snippet, snippet
from ui.styles import CSS  # noqa: F401  (mount_ui takes the stylesheet from here)

BADGE_OFFICIAL = "官方原文"
BADGE_SUMMARY = "摘要（非官方原文）"
BADGE_UNVERIFIED = "未核验"
AUTHORITY_LABELS = {"official": BADGE_OFFICIAL, "summary": BADGE_SUMMARY, "unverified": BADGE_UNVERIFIED}
STATUS_LABELS = {"current": "现行有效", "expired": "已失效", "superseded": "已被替代",
                 "not_yet_in_force": "尚未施行", "draft": "征求意见稿"}
QUOTE_CHARS = 420  # longer passages are cut where a card quotes them whole (the viewer shows all)
LEAD_CHARS = 200  # an answer longer than this shows its first paragraph, the rest folded
CARD_SNIPPET_CHARS = 160  # a card shows the part of its passage that matched the question

KIND_LABELS: dict[str, str] = {
    "policy": "国家政策",
    "local_policy": "地方政策",
    "case_list": "名单与案例",
    "standard": "标准",
    "catalogue": "文件登记（线索）",
}
DOC_COLUMNS = ["标题", "类型", "来源性质", "状态", "地区", "文号", "日期", "片段数", "文档 ID"]




# ---------------------------------------------------------------------- badges and labels
def authority_label(authority: str) -> str:
    return AUTHORITY_LABELS.get(authority, BADGE_OFFICIAL if not authority else BADGE_UNVERIFIED)


def badge(authority: str) -> str:
    """官方原文, 摘要（非官方原文） or 未核验, as a coloured HTML badge."""
    cls = authority if authority in AUTHORITY_LABELS else "unverified"
    return f'<span class="zc-badge zc-{cls}">{authority_label(authority)}</span>'


def status_badge(status: str) -> str:
    """A badge for documents not currently in force ('' for current ones and unknown status)."""
    if not status or status == "current":
        return ""
    return f'<span class="zc-badge zc-status">{html.escape(STATUS_LABELS.get(status, status))}</span>'


def short_section(section: str) -> str:
    """The clause path without the document title repeated at its head."""
    parts = [p.strip() for p in section.split(" > ") if p.strip()]
    return " › ".join(parts[1:] if len(parts) > 1 else parts)


def quote(text: str, limit: int = QUOTE_CHARS, known: Sequence[str] = ()) -> str:
    """The passage as quoted, cut at `limit`.

    Markdown heading marks and blank lines go, and so do leading lines that only repeat a heading
    the card already shows (`known`: the title and the section path).
    """
    lines = [ln for ln in (re.sub(r"^#+\s*", "", ln).strip() for ln in text.splitlines()) if ln]
    while len(lines) > 1 and lines[0] in known:
        lines.pop(0)
    body = "\n".join(lines)
    return body if len(body) <= limit else body[:limit].rstrip() + "……"


def marked_html(s: Snippet) -> str:
    """A snippet as HTML, matched terms in <mark>."""
    out, last = [], 0
    for a, b in s.marks:
        out += [html.escape(s.text[last:a]), f'<mark class="zc-term">{html.escape(s.text[a:b])}</mark>']
        last = b
    return "".join([*out, html.escape(s.text[last:])])


# ---------------------------------------------------------------------- citations
def _covers(k: Citation, c: Citation) -> bool:
    """`k` quotes the passage `c` cites: the same passage, or a longer one of the same document holding it."""
    if k.doc_id != c.doc_id:
        return False
    if k.text == c.text or (c.start >= 0 and (k.start, k.end) == (c.start, c.end)):
        return k.n < c.n  # the first of two equal citations keeps its number
    return len(k.text) > len(c.text) and bool(c.text.strip()) and c.text.strip() in k.text


def merge_duplicates(answer: Answer) -> Answer:
    """One citation per cited passage: a passage cited twice, or inside another cited passage of the
    same document, keeps one number; markers are renumbered 1..m in order of first use."""
    cites = list(answer.citations)
    keep: dict[int, int] = {}  # n → the n of the citation it merges into (itself when kept)
    for c in cites:
        keep[c.n] = next((k.n for k in cites if k.n != c.n and keep.get(k.n, k.n) == k.n and _covers(k, c)), c.n)
    if all(k == v for k, v in keep.items()):
        return answer
    order: dict[int, int] = {}  # kept n → new n, in order of first use, unmarked citations last
    firsts = [int(m.group(1)) for m in MARKER.finditer(answer.answer)] + [c.n for c in cites]
    for old in firsts:
        if old in keep and keep[old] not in order:
            order[keep[old]] = len(order) + 1

    def sub(m: re.Match[str]) -> str:
        old = int(m.group(1))
        return f"[{order[keep[old]]}]" if old in keep else m.group(0)

    text = re.sub(r"(\[\d+\])(\1)+", r"\1", MARKER.sub(sub, answer.answer))
    by_n = {c.n: c for c in cites}
    merged = sorted((replace(by_n[old], n=new) for old, new in order.items()), key=lambda c: c.n)
    return replace(answer, answer=text, citations=tuple(merged))


_CLASS_SAFE = re.compile(r"^[A-Za-z0-9-]+$")


def citation_card(c: Citation, question: str = "") -> str:
    """One card: [n] 《title》 badge / 文号 · section · page · region / the part of the passage that
    matched the question, terms marked. Clicking it opens the source viewer at the passage."""
    meta = [c.doc_no, short_section(c.section), f"第{c.page}页" if c.page else "", c.region]
    known = [c.title, *(p.strip() for p in c.section.split(" > "))]
    meta_html = " · ".join(html.escape(m) for m in meta if m)
    passage = quote(c.text, limit=10 ** 6, known=known)
    body = marked_html(snippet(passage, question, CARD_SNIPPET_CHARS)) if question else html.escape(quote(passage))
    opens = bool(_CLASS_SAFE.match(c.doc_id)) and c.start >= 0
    # classes, not data-* attributes: the chat's HTML sanitiser keeps only classes (and titles)
    source = f" zc-src_{c.doc_id}_{c.start}_{c.end}" if opens else ""
    return (
        f'<div class="zc-card zc-c{c.n}{source}">'
        f'<div class="zc-head"><span class="zc-n">[{c.n}]</span>'
        f'<span class="zc-title">《{html.escape(c.title)}》</span>{badge(c.authority)}</div>'
        + (f'<div class="zc-meta">{meta_html}</div>' if meta_html else "")
        + f'<blockquote class="zc-quote">{body}</blockquote>'
        + ('<div class="zc-open">点击查看原文 ›</div>' if opens else "") + "</div>"
    )


def citation_cards(citations: Sequence[Citation], question: str = "") -> str:
    """Every card of an answer, or '' when it cites nothing."""
    if not citations:
        return ""
    return '<div class="zc-cards">' + "".join(citation_card(c, question) for c in citations) + "</div>"


# ---------------------------------------------------------------------- answer text
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")
_TRAILING = ".,;:!?'"  # ASCII punctuation that ends a sentence, not a URL
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~])")
_COMPARE_LINE = re.compile(r"^[-•]\s*(《[^》]+》[^：:]{0,80}?)[：:]\s*(.+)$")


def _escape_md(text: str) -> str:
    """Literal text for markdown: no emphasis, headings or tables appear from document wording."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _inline(text: str, refs: set[int], md: bool = True) -> str:
    """One line of answer text as safe inline markdown/HTML: URLs as links that end where the URL
    ends (not at the next CJK punctuation), [n] as clickable citation markers. `md=False` for text
    inside HTML blocks, where markdown is not read (so nothing is escaped for it)."""
    text = re.sub(r"\*\*(\[\d{1,3}\])\*\*", r"\1", text)  # a marker in bold is just a marker
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        end = m.start() + len(url)
        out.append(_markers(text[pos:m.start()], refs, md))
        href = url if url.startswith("http") else f"http://{url}"
        out.append(f'<a href="{html.escape(href)}" target="_blank" rel="noopener">{html.escape(url)}</a>')
        pos = end
    out.append(_markers(text[pos:], refs, md))
    return "".join(out)


_BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")


def unbold(text: str) -> str:
    """Text without **bold** marks, for plain-text and Word copies."""
    return _BOLD.sub(r"\1", re.sub(r"\*\*(\[\d{1,3}\])\*\*", r"\1", text))


def _markers(text: str, refs: set[int], md: bool = True) -> str:
    def lit(t: str) -> str:
        # **bold** in an answer (an LLM writes it) as <strong>: CommonMark would not open it beside
        # CJK punctuation or a [n], and would show the stars; any other * is literal
        out, last = [], 0
        for b in _BOLD.finditer(t):
            out += [plain(t[last:b.start()]), f"<strong>{plain(b.group(1))}</strong>"]
            last = b.end()
        return "".join([*out, plain(t[last:])])

    def plain(t: str) -> str:
        t = html.escape(t, quote=False)
        return _escape_md(t) if md else t

    parts: list[str] = []
    pos = 0
    for m in MARKER.finditer(text):
        parts.append(lit(text[pos:m.start()]))
        n = int(m.group(1))
        parts.append(f'<span class="zc-ref zc-r{n}" title="查看出处">[{n}]</span>' if n in refs
                     else lit(m.group(0)))
        pos = m.end()
    parts.append(lit(text[pos:]))
    return "".join(parts)


def comparison_rows(text: str) -> list[tuple[str, str]]:
    """The (source, wording) rows of a side-by-side answer written as a list ("- 《文件》条款（地区）：规定[n]"
    lines); [] when the answer is not a comparison of at least two sources."""
    rows = [(m.group(1).strip(), m.group(2).strip()) for ln in text.splitlines()
            if (m := _COMPARE_LINE.match(ln.strip()))]
    return rows if len(rows) >= 2 else []


@dataclass(frozen=True)
class Table:
    """A table of an answer: its header and rows, as text (markers still in the cells)."""

    header: list[str]
    rows: list[list[str]]


_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def answer_blocks(text: str) -> list[str | Table]:
    """An answer's text as blocks in order: lines (non-empty, stripped) and tables — a Markdown pipe
    table, or a comparison written as "- 《文件》…：…" lines (one table with 来源 | 规定)."""
    lines = text.splitlines()
    out: list[str | Table] = []
    i = 0
    while i < len(lines):
        ln = lines[i].strip()
        if ln.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].strip()):
            header, j, rows = _cells(ln), i + 2, []
            while j < len(lines) and lines[j].strip().startswith("|"):
                rows.append((_cells(lines[j]) + [""] * len(header))[:len(header)])
                j += 1
            out.append(Table(header, rows))
            i = j
            continue
        if ln:
            out.append(ln)
        i += 1
    if not any(isinstance(b, Table) for b in out) and (pairs := comparison_rows(text)):
        kept: list[str | Table] = [b for b in out if isinstance(b, str) and not _COMPARE_LINE.match(b)]
        at = next((k for k, b in enumerate(out) if isinstance(b, str) and _COMPARE_LINE.match(b)), len(kept))
        kept.insert(min(at, len(kept)), Table(["来源", "规定"], [[a, b] for a, b in pairs]))
        return kept
    return out


def has_table(text: str) -> bool:
    return any(isinstance(b, Table) for b in answer_blocks(text))


def _table_html(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f'<td data-label="{html.escape(col)}">{cell}</td>'
                                    for col, cell in zip(columns, row, strict=True)) + "</tr>" for row in rows)
    return f'<table class="zc-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _lines_markdown(lines: list[str], refs: set[int]) -> list[str]:
    """Answer lines → markdown blocks: list items kept (consecutive ones form one list), other lines
    as paragraphs."""
    out: list[str] = []
    for ln in lines:
        if m := re.match(r"^([-•]|\d{1,2}[.、）)])\s*(.+)$", ln):
            bullet = "-" if m.group(1) in "-•" else m.group(1).rstrip("、）)").rstrip(".") + "."
            item = f"{bullet} {_inline(m.group(2), refs)}"
            if out and re.match(r"^(-|\d+\.) ", out[-1].rsplit("\n", 1)[-1]):
                out[-1] += "\n" + item
                continue
            out.append(item)
        else:
            out.append(_inline(ln, refs))
    return out


def _body_markdown(text: str, refs: set[int]) -> str:
    """Answer text → markdown: tables as HTML tables (cells inline-rendered), the rest line by line."""
    out: list[str] = []
    pending: list[str] = []
    for b in answer_blocks(text):
        if isinstance(b, Table):
            out += _lines_markdown(pending, refs)
            pending = []
            cells = ([_inline(c, refs, md=False) for c in row] for row in b.rows)
            out.append(_table_html(b.header, cells))
        else:
            pending.append(b)
    out += _lines_markdown(pending, refs)
    return "\n\n".join(out)


FOLD_MIN_CHARS = 120  # folding less than this saves no reading, it only hides words


def sentences(text: str) -> list[str]:
    """`text` cut after 。！？； outside 《》, （） and quotes (a title's ； does not end a sentence)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "《（(“「":
            depth += 1
        elif ch in "》）)”」" and depth:
            depth -= 1
        elif ch in "。！？；" and depth == 0:
            out.append(text[start:i + 1])
            start = i + 1
    if text[start:]:
        out.append(text[start:])
    return out


def split_lead(text: str, limit: int = LEAD_CHARS) -> tuple[str, str]:
    """(lead, rest): what a long answer shows first — whole lines, then whole sentences, up to about
    `limit` characters — and what is folded. A comparison (its table is the answer) and an answer
    whose rest would be short are not folded."""
    text = text.strip()
    if len(text) <= limit or has_table(text):
        return text, ""
    lines = text.split("\n")
    lead = lines[0]
    if len(lead) > limit:  # one long paragraph: its first sentences
        parts = sentences(lead)
        lead = parts[0]
        for s in parts[1:]:
            if len(lead) + len(s) > limit:
                break
            lead += s
        rest = text[len(lead):].strip()
    else:
        taken = 1
        while taken < len(lines) and len(lead) + len(lines[taken]) <= limit:
            lead += "\n" + lines[taken]
            taken += 1
        rest = "\n".join(lines[taken:]).strip()
    if len(rest) < FOLD_MIN_CHARS:
        return text, ""
    return lead.strip(), rest


def answer_markdown(answer: Answer) -> str:
    """The answer as markdown: a short lead, the rest folded under 展开; markers clickable; a notice
    on refusals and on answers that cite nothing."""
    refs = {c.n for c in answer.citations}
    if answer.refused:
        return f"⚠️ {_inline(answer.answer.strip(), set())}"
    lead, rest = split_lead(answer.answer)
    out = _body_markdown(lead, refs)
    if rest:
        out += (f'\n\n<details class="zc-more"><summary>展开详细内容</summary>\n\n'
                f"{_body_markdown(rest, refs)}\n\n</details>")
    if not answer.citations:
        out += "\n\n_（知识库中没有找到可以引用的条款。）_"
    return out


def plain_text(answer: Answer) -> str:
    """The answer as clean text for pasting into a draft: the wording with its [n], then one line per
    source (《title》clause 文号 第p页)."""
    text = "\n".join(b if isinstance(b, str) else "\n".join("\t".join(r) for r in [b.header, *b.rows])
                     for b in answer_blocks(unbold(answer.answer.strip())))  # tables tab-separated: they paste as tables
    if not answer.citations:
        return text
    lines = [text, "", "参考来源："]
    for c in answer.citations:
        where = " ".join(x for x in (c.doc_no, f"第{c.page}页" if c.page else "") if x)
        note = "（摘要，非官方原文）" if c.authority == "summary" else ""
        lines.append(f"[{c.n}] {source_label(c.title, c.section)}{note} {where}".rstrip())
    return "\n".join(lines)


def chat_message(answer: Answer, question: str = "") -> str:
    """What the chat shows for one finished answer: the markdown, its citation cards (duplicates
    merged), and the clean text the copy button takes."""
    answer = merge_duplicates(answer)
    cards = citation_cards(answer.citations, question or answer.question)
    # newlines as character references: markdown must not turn the hidden text into paragraphs
    plain = html.escape(plain_text(answer)).replace("\n", "&#10;")
    return (answer_markdown(answer) + (f"\n\n**参考来源**\n\n{cards}" if cards else "")
            + f'\n\n<span class="zc-copy" title="复制纯文本">📋 复制纯文本</span><pre class="zc-plain">{plain}</pre>')


def streaming_message(partial: str) -> str:
    """The answer while it is being written (escaped; the cards follow when it is done)."""
    return _escape_md(html.escape(partial, quote=False)) + " ▌"


def error_message(message: str) -> str:
    return f"⚠️ {html.escape(message, quote=False)}"


# What a visitor is told for each error family (the core's messages are written for developers,
# in English); the original follows folded, for whoever reports the problem.
ERROR_WORDS: dict[str, str] = {
    # the core's own Chinese message for this one speaks of the API; the UI has a checkbox instead
    "NameTaken": "已有同名文件，内容不同：如果这是它的新版本，请勾选“同名文件内容不同时，替换为新版本”后再导入；"
                 "如果是另一份文件，请改名后再上传。",
    "UnsupportedFile": "不支持该文件类型，请上传 PDF、Word（docx）、TXT/MD、HTML、CSV 或 Excel 文件。",
    "FileTooLarge": "文件超过大小上限，请拆分后再上传。",
    "CorruptFile": "文件已损坏、已加密或无法读取，请重新导出后再上传。",
    "NotFound": "未找到该文档，可能已被删除。",
    "IndexBusy": "知识库正在导入其他文件，请稍后再试。",
    "LLMError": "大模型服务暂时不可用，请稍后再试。",
    "DiskFull": "服务器磁盘空间不足，请联系管理员。",
    "StoreError": "知识库存储暂时不可用，请稍后再试。",
    "BadInput": "无法处理该输入，请检查后重试。",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def friendly_error(error: Exception, subject: str = "") -> str:
    """An error as the UI shows it: Chinese words for its family (the core's own words when they are
    Chinese already), the original message folded under 详细信息."""
    message = str(error)
    family = next((c.__name__ for c in type(error).__mro__ if c.__name__ in ERROR_WORDS), "")
    if family == "NameTaken":
        words = ERROR_WORDS[family]
    elif len(_CJK.findall(message)) >= 4:  # the engine's messages (申报自评) are written in Chinese
        words = message
    else:
        words = ERROR_WORDS.get(family, "出错了，请稍后再试。")
        if family == "BadInput" and "limit" in message and "character" in message:
            words = "问题过长，请精简后再问。"
    head = f"{html.escape(subject)}：" if subject else ""
    detail = ("" if words == message
              else f"<details><summary>详细信息</summary>{html.escape(message, quote=False)}</details>")
    return f"⚠️ {head}{html.escape(words, quote=False)}{detail}"


# ---------------------------------------------------------------------- the source viewer
def section_at(doc: dict[str, Any], offset: int) -> dict[str, Any] | None:
    """The section of a GET /v1/documents/{id} body holding character `offset` of its text."""
    return next((s for s in doc.get("sections", []) if s["start"] <= offset < s["end"]), None)


def _marked_text(text: str, hit: tuple[int, int] | None, also: Sequence[tuple[int, int]]) -> str:
    """The text escaped, `hit` in <mark id="zc-hit">, the other spans (where they do not cross it or
    each other) in <mark class="zc-also">."""
    spans = [(a, b, True) for a, b in [hit] if hit] if hit else []
    for a, b in sorted(also):
        if 0 <= a < b <= len(text) and all(b <= x or a >= y for x, y, _ in spans):
            spans.append((a, b, False))
    out, last = [], 0
    for a, b, main in sorted(spans):
        out.append(html.escape(text[last:a]))
        tag = '<mark class="zc-hit" id="zc-hit">' if main else '<mark class="zc-also">'
        out.append(f"{tag}{html.escape(text[a:b])}</mark>")
        last = b
    return "".join([*out, html.escape(text[last:])])


def document_viewer(doc: dict[str, Any], start: int = -1, end: int = -1, n: int | None = None,
                    page_image: str = "", also: Sequence[tuple[int, int]] = ()) -> str:
    """The whole document with the cited passage text[start:end] highlighted (<mark class="zc-hit">):
    title, authority and status badges, 文号, issuer, date, the passage's section path and page, a
    clickable source link, and (`page_image`, a data: URL) the PDF page itself, folded. `also`: the
    answer's other passages of this document, marked lightly."""
    text: str = doc.get("text", "")
    inside = 0 <= start < end <= len(text)
    here = section_at(doc, start) if inside else None
    link = doc.get("url") or ""
    meta = [
        f"文号：{html.escape(doc['doc_no'])}" if doc.get("doc_no") else "",
        f"发布机关：{html.escape(doc['issuer'])}" if doc.get("issuer") else "",
        f"日期：{html.escape(doc['date'])}" if doc.get("date") else "",
        f"地区：{html.escape(doc['region'])}" if doc.get("region") else "",
        f"条款：{html.escape(short_section(here['section']))}" if here and here.get("section") else "",
        f"第{here['page']}页" if here and here.get("page") else "",
        (f'来源：<a href="{html.escape(link)}" target="_blank" rel="noopener">{html.escape(link)}</a>' if link
         else f"来源文件：{html.escape(doc.get('source', ''))}" if doc.get("source") else ""),
    ]
    head = (f'<div class="zc-doc-head"><h3>《{html.escape(doc.get("title", ""))}》</h3>'
            f'<div>{badge(doc.get("authority", ""))} {status_badge(doc.get("status", ""))}'
            + (f' <span class="zc-n">引用 [{n}]</span>' if n else "") + "</div>"
            f'<div class="zc-doc-meta">{"".join(f"<span>{m}</span>" for m in meta if m)}</div>'
            + (f'<details class="zc-page"><summary>查看原版式（第{here["page"]}页）</summary>'
               f'<img src="{html.escape(page_image)}" alt="第{here["page"]}页"></details>'
               if page_image and here and here.get("page") else "") + "</div>")
    body = _marked_text(text, (start, end) if inside else None, also)
    return f'<div class="zc-doc" data-doc="{html.escape(doc.get("doc_id", ""))}">{head}<div class="zc-doc-text">{body}</div></div>'


# ---------------------------------------------------------------------- knowledge base
def document_rows(docs: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """kb.list_documents() rows as table rows in DOC_COLUMNS order."""
    return [
        [d["title"], KIND_LABELS.get(d["kind"], d["kind"]), authority_label(d.get("authority", "")),
         STATUS_LABELS.get(d.get("status") or "current", d.get("status") or ""),
         d.get("region") or "—", d.get("doc_no") or "", d.get("date") or "", d.get("chunks", 0), d["doc_id"]]
        for d in docs
    ]


def region_choices(docs: Iterable[dict[str, Any]]) -> list[str]:
    """The regions present in the index, 全国 first, then by name."""
    regions = {str(d["region"]) for d in docs if d.get("region")}
    return sorted(regions, key=lambda r: (r != "全国", r))


def stats_markdown(stats: dict[str, Any]) -> str:
    return (f"共 **{stats.get('documents', 0)}** 份文档，**{stats.get('chunks', 0)}** 个片段"
            f" · 向量模型 `{stats.get('embedder', '')}`")


INGEST_WORDS = {"added": "已新增", "updated": "已更新", "unchanged": "内容未变", "duplicate": "与已有文档内容相同"}


def ingest_summary(filename: str, status: str, chunks: int, doc_id: str | None, title: str = "") -> str:
    """One line per uploaded file for the 知识库 tab."""
    name = f"《{html.escape(title)}》" if title else ""
    tail = f"（{name}新嵌入 {chunks} 个片段）" if doc_id else ""
    return f"✅ {html.escape(filename)}：{INGEST_WORDS.get(status, status)}{tail}"


def feedback_record(question: str, answer: str, vote: str, when: dt.datetime | None = None) -> dict[str, str]:
    """One line of feedback.jsonl."""
    when = when or dt.datetime.now(dt.UTC)
    return {"question": question, "answer": answer, "vote": vote, "time": when.isoformat(timespec="seconds")}
