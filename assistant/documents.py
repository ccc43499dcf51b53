"""A document's full text, rebuilt from its chunks, and where each chunk and section sits in it.

No full text is stored: the chunks are the text (every line of a document lands in exactly one
chunk, split pieces of one clause repeat a little of each other). Rebuilding joins them in order and
drops that overlap, the same rule retrieval uses when it merges neighbouring pieces of one clause,
so a merged passage is still one slice of the text. Citation offsets (`Citation.start/end`) index
this text, and the viewer of the UI highlights `text[start:end]`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.domain import Chunk

SEPARATOR = "\n"  # between chunks of different sections or table rows (their texts do not overlap)


@dataclass(frozen=True)
class Section:
    """A run of consecutive chunks with one section path on one page (a page break starts a new run,
    so `page` is where every part of it starts)."""

    path: str
    start: int
    end: int
    page: int = 0

    def to_dict(self) -> dict[str, str | int]:
        return {"section": self.path, "start": self.start, "end": self.end, "page": self.page}


@dataclass(frozen=True)
class DocumentText:
    """The full text and its sections, in document order."""

    text: str
    sections: tuple[Section, ...]


def overlap(text: str, piece: str) -> int:
    """How many leading characters of `piece` repeat the end of `text` (split pieces of one clause
    overlap by the chunker's overlap). Same rule as retrieval's merge of neighbouring pieces."""
    if not text or not piece:
        return 0
    # the longest overlap starts at the earliest place in reach where `piece` begins: only places
    # holding its first character are compared (the same answer as trying every size, far fewer tries)
    p = text.find(piece[0], max(0, len(text) - len(piece)))
    while p != -1:
        if text.startswith(piece[:len(text) - p], p):
            return len(text) - p
        p = text.find(piece[0], p + 1)
    return 0


def _continues(prev: Chunk, chunk: Chunk) -> bool:
    """`chunk` is the next piece of the clause `prev` belongs to (retrieval merges exactly these)."""
    return prev.section == chunk.section and not prev.record and not chunk.record


def place(chunks: Sequence[Chunk]) -> list[Chunk]:
    """The chunks of one document (any order) in `ord` order, each with its `start`/`end` in the
    text that `rebuild` returns."""
    out: list[Chunk] = []
    length = 0
    tail = ""  # the text so far, only as far back as an overlap can reach
    for c in sorted(chunks, key=lambda x: x.ord):
        if out and _continues(out[-1], c):
            start = length - overlap(tail, c.text)
        else:
            if out:
                length += len(SEPARATOR)
                tail += SEPARATOR
            start = length
        end = start + len(c.text)
        tail = (tail + c.text[length - start:])[-max(len(c.text), 1) * 2:]
        length = end
        out.append(replace(c, start=start, end=end))
    return out


def rebuild(chunks: Sequence[Chunk]) -> DocumentText:
    """The document's full text and sections from its chunks (placed or not)."""
    placed = chunks if chunks and all(c.start >= 0 for c in chunks) else place(chunks)
    placed = sorted(placed, key=lambda x: x.ord)
    parts: list[str] = []
    length = 0
    for c in placed:
        if c.start > length:  # the separator before a new section or row
            parts.append(SEPARATOR * (c.start - length))
            length = c.start
        parts.append(c.text[length - c.start:])
        length = max(length, c.end)
    sections: list[Section] = []
    for c in placed:
        if sections and sections[-1].path == c.section and sections[-1].page == c.page:
            sections[-1] = replace(sections[-1], end=c.end)
        else:
            sections.append(Section(c.section, c.start, c.end, c.page))
    return DocumentText("".join(parts), tuple(sections))


PAGE_SCALE = 1.4  # ≈100 dpi: a page is readable at a viewer's width and stays near 150 kB as PNG


def page_png(pdf: Path, page: int, scale: float = PAGE_SCALE) -> bytes | None:
    """Page `page` (1-based) of a PDF as a PNG image, or None when it has no such page or cannot be read."""
    import pypdfium2  # a dependency for OCR already; imported here only when a page is shown

    try:
        document = pypdfium2.PdfDocument(str(pdf))
    except (pypdfium2.PdfiumError, OSError):
        return None
    try:
        if not 1 <= page <= len(document):
            return None
        p = document[page - 1]
        try:
            image = p.render(scale=scale).to_pil()
        finally:
            p.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
