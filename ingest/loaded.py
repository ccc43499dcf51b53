"""What a loader returns: a file's cleaned pages, its header block and, for tables, its rows.

Kept apart from `ingest.loaders` so the format readers can build these without importing the
dispatcher that imports them; other modules import the names from `ingest.loaders`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LoadedFile", "Page", "Table"]


@dataclass(frozen=True)
class Page:
    """A page of body text."""

    number: int  # 1-based page number for PDFs; 0 when the format has no pages
    text: str  # CLEANED text (see cleaning.clean_text), original wording kept
    ocr: bool = False  # the text was recognised from the page image, not read from a text layer


@dataclass(frozen=True)
class Table:
    """One table of a CSV or one sheet of a workbook: its column row and one record per data row."""

    name: str  # the sheet's name ("" for a CSV)
    columns: list[str]
    records: list[dict[str, str]]  # col -> cell text
    notes: list[str] = field(default_factory=list)  # single-cell lines around it: title, 注：…


@dataclass(frozen=True)
class LoadedFile:
    """What a loader read from one file.

    Text formats give one `Page` (number 0) of body text; PDFs one `Page` per page that has text.
    Tables (csv, xlsx) give `pages == []` and one `Table` per sheet that holds data.
    """

    path: Path
    fmt: str  # "pdf" | "docx" | "txt" | "md" | "html" | "csv" | "xlsx"
    pages: list[Page]  # body text (header block removed); one Page for non-PDF text
    header: dict[str, str]  # normalised header keys (see ingest.header); {} when none
    tables: list[Table] = field(default_factory=list)  # for csv/xlsx; [] otherwise

    @property
    def columns(self) -> list[str]:
        """The first table's column names ([] when there is no table)."""
        return self.tables[0].columns if self.tables else []

    @property
    def records(self) -> list[dict[str, str]]:
        """Every record of every table, in order."""
        return [r for t in self.tables for r in t.records]
