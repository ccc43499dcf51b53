"""Case lists: the rows that meet every constraint the question states, counted and each cited; or,
for a question with no constraint the table can read, the rows that share most of its words."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer import rows as rows_mod
from assistant.answer.compose.composition import Composition
from assistant.answer.compose.context import Context
from assistant.answer.compose.enumeration import ASKED_NOUN
from assistant.answer.compose.sentences import LIST_Q
from assistant.answer.compose.subject import focus
from assistant.answer.understand import understand
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk

MAX_ROWS = 15
TABLE_KINDS = ("case_list", "catalogue")  # tables whose rows are entries (companies, scenarios, documents)
MIN_ROW_COVERAGE = 0.12  # the best row must cover this share of the question's weight
DISCRIMINATIVE_IDF = 1.5  # a word in most chunks (智能, 企业) does not single out rows


def selected_rows(ctx: Context, question: str, evidence: Sequence[Chunk], english: bool,
                  kind: str | None = None) -> Composition | None:
    """"2025年宁波有哪几家评上了数字化车间？": the table's rows that meet every constraint stated."""
    listing = LIST_Q.search(question.lower()) and kind in (None, "count")  # "list … how long": a figure is asked
    if not (rows_mod.wants_list(question) or listing):
        return None
    docs = list(dict.fromkeys(c.doc.doc_id for c in evidence if c.record and c.doc.kind in TABLE_KINDS))
    for doc in docs:
        rows = [r for r in ctx.doc_chunks(doc) if r.record]
        sel = rows_mod.select(question, rows, understand(question).places, focus(question, ctx.subject_terms))
        if sel is None or not sel.rows or len(sel.rows) > MAX_ROWS:
            continue
        if rows[0].doc.kind != "case_list" and not sel.by_value:
            continue  # a register of documents answers by its rows only when the question names a value of it
        if listing and not rows_mod.wants_list(question) and not _lists_what_is_asked(question, rows):
            continue  # "这个要交哪些材料": the table lists companies, not materials
        where = "，".join(sel.constraints)
        title = sel.rows[0].doc.title
        items = _items(sel.rows, rows_mod.display_columns(sel.rows, rows))
        if english:
            text = f"According to 《{title}》 ({where}): {len(sel.rows)} match — " + "; ".join(items) + "."
        else:
            text = f"根据《{title}》，符合条件（{where}）的共{len(sel.rows)}家/项：" + "；".join(items) + "。"
        return Composition(text + _completeness(sel.rows[0]), list(sel.rows))
    return None




def _lists_what_is_asked(question: str, rows: Sequence[Chunk]) -> bool:
    """Does the table list what "哪些X" asks for (its title or a column names X)? No X: assume so."""
    m = ASKED_NOUN.search(normalize_for_match(question))
    if not m:
        return True
    names = normalize_for_match(rows[0].doc.title + " ".join(dict.fromkeys(k for r in rows[:50] for k in r.record)))
    return m.group(1) in names


def matching_rows(ctx: Context, evidence: Sequence[Chunk], weights: dict[str, float],
                  question: str = "") -> Composition | None:
    """The rows of the evidence's tables that share most of the question's discriminative words
    (tables that list what "哪些X" asks for: a list of companies does not answer "要交哪些材料")."""
    docs = list(dict.fromkeys(c.doc.doc_id for c in evidence if c.record))
    tables = [[r for r in ctx.doc_chunks(d) if r.record] for d in docs]
    rows = [r for t in tables if t and _lists_what_is_asked(question, t) for r in t]
    if not rows:
        return None
    scored = [(sum(w for t, w in weights.items() if t in normalize_for_match(r.text)), r) for r in rows]
    best = max(s for s, _ in scored)
    if best < MIN_ROW_COVERAGE * sum(weights.values()):
        return None
    cands = [(s, r) for s, r in scored if s >= 0.5 * best]
    # tokens that set rows apart (not shared by most candidates) decide which rows answer
    share = {t: sum(1 for _, r in cands if t in normalize_for_match(r.text)) for t in weights}
    discriminative = {t for t, k in share.items() if 0 < k <= max(1, len(cands) // 2) and weights[t] >= DISCRIMINATIVE_IDF}
    if discriminative:
        picked = [(s, r) for s, r in cands if any(t in normalize_for_match(r.text) for t in discriminative)]
        cands = picked or cands
    cands.sort(key=lambda sr: (-sr[0], sr[1].ord))
    chunks = [r for _, r in sorted(cands[:MAX_ROWS], key=lambda sr: (sr[1].doc.doc_id, sr[1].ord))]
    items = _items(chunks, rows_mod.display_columns(chunks, rows))
    text = f"根据《{chunks[0].doc.title}》，符合条件的共{len(chunks)}条：" + "；".join(items) + "。"
    return Composition(text + _completeness(chunks[0]), chunks)


def _items(rows: Sequence[Chunk], columns: list[str]) -> list[str]:
    """Each row as "name（cell；cell）[n]"."""
    out = []
    for n, r in enumerate(rows, start=1):
        cells = [r.record[c] for c in columns if r.record.get(c)]
        out.append(f"{cells[0] if cells else r.text}" + (f"（{'；'.join(cells[1:])}）" if cells[1:] else "") + f"[{n}]")
    return out


def _completeness(row: Chunk) -> str:
    note = row.doc.completeness
    return f"\n（说明：该名单{note[:60]}，结果可能不全。）" if note else ""
