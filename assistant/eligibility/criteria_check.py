"""Check that every programme rule still points at text the index holds (`zhice criteria check`).

A source resolves when some indexed chunk of a document whose title or 文号 matches the source
contains the source's quote, both compared through `normalize_for_match` (NFKC, no whitespace), so
a quote may span a line break or use half-width digits where the text has full-width ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from assistant.core.text import normalize_for_match
from assistant.eligibility import Programme, Source

__all__ = ["Problem", "check_sources", "iter_sources"]

_MIN_NAME = 4  # a title shorter than this ("附件1") never matches by containment


@dataclass(frozen=True)
class Problem:
    """A source that does not resolve, and what to do about it."""

    programme_id: str
    item: str  # criterion or estimate id, "route" or "notes[i]"
    kind: str  # not_indexed (the document is not in the index: ingest it) | quote_not_found
    message: str
    source: Source

    @property
    def failure(self) -> bool:
        """A quote missing from its indexed document is an error; a document not indexed is a notice."""
        return self.kind != "not_indexed"


def iter_sources(programme: Programme) -> Iterator[tuple[str, Source]]:
    """Every (item, source) of a programme: criteria, estimates, route, notes."""
    for crit in programme.criteria:
        yield crit.id, crit.source
    for est in programme.estimates:
        yield est.id, est.source
    if programme.route.source is not None:
        yield "route", programme.route.source
    for i, note in enumerate(programme.notes):
        yield f"notes[{i}]", note.source


def check_sources(
    programmes: Sequence[Programme], chunk_texts: Iterable[tuple[str, str, str]]
) -> list[Problem]:
    """Find the programme sources the indexed text does not back.

    Args:
        programmes: From `load_programmes`.
        chunk_texts: (doc_title, doc_no, chunk_text) of every indexed chunk.

    Returns:
        One Problem per unresolved source (empty when all resolve).
    """
    chunks = [
        (normalize_for_match(title), normalize_for_match(doc_no), normalize_for_match(text))
        for title, doc_no, text in chunk_texts
    ]
    problems = []
    for prog in programmes:
        for item, src in iter_sources(prog):
            problem = _check_one(prog.id, item, src, chunks)
            if problem is not None:
                problems.append(problem)
    return problems


def _check_one(prog_id: str, item: str, src: Source, chunks: list[tuple[str, str, str]]) -> Problem | None:
    quote = normalize_for_match(src.quote)
    names = [normalize_for_match(n) for n in (src.doc, src.quoted_in) if n]
    doc_no = normalize_for_match(src.doc_no)
    docs = [c for c in chunks if _same_doc(names, doc_no, c[0], c[1])]
    where = f"{prog_id} / {item}"
    if not docs:
        wanted = "、".join(f"《{n}》" for n in (src.doc, src.quoted_in) if n)
        wanted += f"（{src.doc_no}）" if src.doc_no else ""
        return Problem(prog_id, item, "not_indexed",
                       f"{where}：依据文件 {wanted} 未入库（索引中没有标题或文号相符的文档）；请 ingest 该文件后再核对，"
                       "或更正 source 的 doc / doc_no / quoted_in", src)
    if any(quote in text for _, _, text in docs):
        return None
    elsewhere = sorted({title for title, _, text in chunks if quote in text})
    if elsewhere:
        hint = f"（该引文出现在：{'、'.join(elsewhere)}，请核对 doc / quoted_in）"
    else:
        hint = "；请从语料原文逐字复制 10–40 字，或该引文跨越了两个片段，请改用更短的引文"
    message = f"{where}：引文“{src.quote}”不在《{src.doc}》的已索引片段中{hint}"
    return Problem(prog_id, item, "quote_not_found", message, src)


def _same_doc(names: list[str], doc_no: str, title: str, chunk_doc_no: str) -> bool:
    same_no = doc_no == chunk_doc_no or (len(doc_no) >= _MIN_NAME and doc_no in chunk_doc_no)
    if doc_no and chunk_doc_no and same_no:
        return True
    return any(_contains(title, n) for n in names)


def _contains(title: str, name: str) -> bool:
    if not title or not name:
        return False
    return (len(name) >= _MIN_NAME and name in title) or (len(title) >= _MIN_NAME and title in name)
