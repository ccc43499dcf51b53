"""Word .docx files: paragraphs and tables in document order, one line per table row."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import CorruptFile
from ingest.cleaning import clean_text
from ingest.header import parse_header
from ingest.loaded import LoadedFile, Page

if TYPE_CHECKING:
    from docx.table import Table

__all__ = ["load_docx"]


def load_docx(path: Path) -> LoadedFile:
    """Read a .docx; its header block, else its core-properties title, gives the header."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises zip, XML and key errors for a broken package
        raise CorruptFile(
            f"{path.name} is not a readable Word .docx file ({type(e).__name__}): open and re-save it "
            "as .docx (an old .doc renamed to .docx does not work)."
        ) from e
    lines: list[str] = []

    def read_blocks(parent: Any) -> None:
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                lines.extend(_table_lines(Table(child, document)))
            elif tag in ("sdt", "sdtContent"):  # content controls wrap ordinary paragraphs
                read_blocks(child)

    read_blocks(document.element.body)
    header, text = parse_header("\n".join(lines))
    title = (document.core_properties.title or "").strip()
    if title and "title" not in header:
        header["title"] = title
    return LoadedFile(path, "docx", [Page(0, clean_text(text, reflow=False))], header, [], [])


def _table_lines(table: Table) -> list[str]:
    """One line per table row, cells joined by " | " (merged cells once), so a row stays together."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):  # a merged cell is repeated for every column it spans
                continue
            seen.append(cell._tc)
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines
