"""Chosen sentences as answer text: each under its document and clause, cited [n]; table cells; notes
on authority and validity."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.compose.composition import Composition
from assistant.answer.compose.sentences import Sent, display, end
from assistant.citations import source_label
from assistant.domain import Chunk, DocumentMeta


def render(chosen: list[Sent], evidence: Sequence[Chunk], english: bool, lead: str = "") -> Composition:
    """根据《文件》条款，句子[n]. One paragraph per cited passage, its sentences in document order."""
    cited: list[Chunk] = []
    by_chunk: dict[str, list[Sent]] = {}
    for s in chosen:
        c = s.row or evidence[s.idx]  # a line of a table excerpt cites its own row
        if c.chunk_id not in by_chunk:
            cited.append(c)
        by_chunk.setdefault(c.chunk_id, []).append(s)
    parts = []
    for n, c in enumerate(cited, start=1):
        texts = sorted(by_chunk[c.chunk_id], key=lambda x: c.text.find(x.text))
        # a table row shows its named cells (its first line, the row as written, is in the citation)
        body = "".join(end(display(t.text, c)) for t in texts)
        label = source_label(c.doc.title, c.section) + status_note(c.doc, english)
        if english:
            parts.append(f"According to {label}: {body}[{n}]")
        else:
            parts.append(f"{'根据' if n == 1 else '另据'}{label}，{body}[{n}]")
    text = (lead + "\n" if lead else "") + "\n".join(parts)
    return Composition(text, cited)


def cell(text: str) -> str:
    """Text fit for one Markdown table cell: no line breaks, no bare pipes."""
    return re.sub(r"\s*\n\s*", " ", text).replace("|", "｜").strip()


def status_note(d: DocumentMeta, english: bool) -> str:
    """（摘要） for someone's summary, （已废止） / （已失效） for text no longer in force."""
    notes = []
    if d.authority == "summary":
        notes.append("summary" if english else "摘要，请核对原文")
    if d.status == "superseded":
        notes.append("superseded" if english else "该文件已废止")
    elif d.status == "expired":
        notes.append("expired" if english else "该文件已失效")
    if not notes:
        return ""
    return f" ({', '.join(notes)})" if english else f"（{'；'.join(notes)}）"
