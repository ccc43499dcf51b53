"""Word .docx files: paragraphs and tables in document order.

A Word table is written out as a Markdown table (column row, `|---|` rule, one line per row), so
`ingest.structure` makes each row a record (header + cells) exactly as for a Markdown file, and a
reward table (等级 | 条件 | 奖励金额) is retrieved and cited row by row. The package is checked
against the reader caps before python-docx inflates it, and table cells count towards the cell cap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import CorruptFile
from assistant.settings import ReaderLimits
from ingest.bounds import check_zip_package, over_limit
from ingest.cleaning import clean_text
from ingest.header import parse_header
from ingest.loaded import LoadedFile, Page
from ingest.markdown_table import table_lines

if TYPE_CHECKING:
    from docx.table import Table

__all__ = ["load_docx"]


def load_docx(path: Path, limits: ReaderLimits | None = None) -> LoadedFile:
    """Read a .docx; its header block, else its core-properties title, gives the header."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    limits = limits or ReaderLimits()
    check_zip_package(path, limits)
    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises zip, XML and key errors for a broken package
        raise CorruptFile(
            f"{path.name} 不是可读取的 Word .docx 文件（{type(e).__name__}）：请用 Word 打开后另存为 .docx"
            "（把旧的 .doc 改名为 .docx 不行）。"
        ) from e
    lines: list[str] = []
    cells = [0]  # table cells read so far (a list: the nested function adds to it)

    def read_blocks(parent: Any) -> None:
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                rows = _table_rows(Table(child, document))
                cells[0] += sum(len(r) for r in rows)
                if cells[0] > limits.max_cells:
                    raise over_limit(path.name, "表格单元格数", cells[0], limits.max_cells,
                                     "ZHICE_READERS__MAX_CELLS")
                lines.extend(table_lines(rows))
            elif tag in ("sdt", "sdtContent"):  # content controls wrap ordinary paragraphs
                read_blocks(child)

    read_blocks(document.element.body)
    header, text = parse_header("\n".join(lines))
    title = (document.core_properties.title or "").strip()
    if title and "title" not in header:
        header["title"] = title
    return LoadedFile(path, "docx", [Page(0, clean_text(text, reflow=False))], header)


def _table_rows(table: Table) -> list[list[str]]:
    """The table's rows as cell texts, one per grid column (a merged cell repeats its text in every
    column and row it spans, so each record carries it)."""
    rows = []
    for row in table.rows:
        rows.append([" ".join(cell.text.split()) for cell in row.cells])
    return [r for r in rows if any(r)]
