"""What a loader returns: a file's cleaned pages, its header block and, for tables, its rows.

Kept apart from `ingest.loaders` so the format readers can build these without importing the
dispatcher that imports them; other modules import the names from `ingest.loaders`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["LoadedFile", "Page"]


@dataclass(frozen=True)
class Page:
    """A page of body text."""

    number: int  # 1-based page number for PDFs; 0 when the format has no pages
    text: str  # CLEANED text (see cleaning.clean_text), original wording kept


@dataclass(frozen=True)
class LoadedFile:
    """What a loader read from one file.

    Text formats give one `Page` (number 0) of body text; PDFs one `Page` per page that has text.
    Tables (csv, xlsx) give `pages == []` and their rows in `columns` / `records`.
    """

    path: Path
    fmt: str  # "pdf" | "docx" | "txt" | "md" | "html" | "csv" | "xlsx"
    pages: list[Page]  # body text (header block removed); one Page for non-PDF text
    header: dict[str, str]  # normalised header keys (see ingest.header); {} when none
    columns: list[str]  # for csv/xlsx: column names; [] otherwise
    records: list[dict[str, str]]  # for csv/xlsx: one dict per row (col -> cell text); [] otherwise
