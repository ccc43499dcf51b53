"""Word .docx files: paragraphs and tables in document order.

A Word table is written out as a Markdown table (column row, `|---|` rule, one line per row), so
`assistant.core.structure` makes each row a record (header + cells) exactly as for a Markdown file, and a
reward table (等级 | 条件 | 奖励金额) is retrieved and cited row by row. The package is checked
against the reader caps before python-docx inflates it, and table cells count towards the cell cap.

Tables are read from their XML in one pass (horizontal spans and vertical merges resolved row by
row): python-docx resolves a vertically merged cell by recursing up the rows, which is quadratic in
the rows and overflows the stack at about 1,000 (a 38 kB file with one merged column of 4,000 rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.errors import CorruptFile, FileTooLarge
from assistant.settings import ReaderLimits
from ingest.bounds import check_zip_package, over_limit
from ingest.cleaning import clean_text
from ingest.header import parse_header
from ingest.loaded import LoadedFile, Page
from ingest.markdown_table import table_lines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_SPAN = 64  # a gridSpan beyond the widest real table is damage (or an attack on the cell count)

__all__ = ["load_docx"]


def load_docx(path: Path, limits: ReaderLimits | None = None) -> LoadedFile:
    """Read a .docx; its header block, else its core-properties title, gives the header."""
    import docx

    limits = limits or ReaderLimits()
    check_zip_package(path, limits)
    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises zip, XML and key errors for a broken package
        raise CorruptFile(
            f"{path.name} 不是可读取的 Word .docx 文件（{type(e).__name__}）：请用 Word 打开后另存为 .docx"
            "（把旧的 .doc 改名为 .docx 不行）。"
        ) from e
    try:
        lines = _body_lines(path, document, limits)
    except (CorruptFile, FileTooLarge):
        raise
    except Exception as e:  # damaged XML inside a readable package: the file, not the run, is lost
        raise CorruptFile(f"{path.name} 的正文无法读取（{type(e).__name__}）：请用 Word 打开后另存为 .docx。") from e
    header, text = parse_header("\n".join(lines))
    title = (document.core_properties.title or "").strip()
    if title and "title" not in header:
        header["title"] = title
    return LoadedFile(path, "docx", [Page(0, clean_text(text, reflow=False))], header)


def _body_lines(path: Path, document: Any, limits: ReaderLimits) -> list[str]:
    """Paragraphs and tables (as Markdown rows) of the body in document order, cells capped."""
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    cells = 0

    def read_blocks(parent: Any) -> None:
        nonlocal cells
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                cells += sum(1 for _ in child.iter(f"{_W}tc"))  # counted before any is read
                if cells > limits.max_cells:
                    raise over_limit(path.name, "表格单元格数", cells, limits.max_cells, "ZHICE_READERS__MAX_CELLS")
                lines.extend(table_lines(_table_rows(child)))
            elif tag in ("sdt", "sdtContent"):  # content controls wrap ordinary paragraphs
                read_blocks(child)

    read_blocks(document.element.body)
    return lines


def _table_rows(tbl: Any) -> list[list[str]]:
    """A w:tbl's rows as cell texts, one per grid column: a cell spanning columns (gridSpan) repeats its
    text in each, a vertically merged cell (vMerge) repeats the text of the cell it continues, so every
    record carries it. One pass over the XML; nested tables are read as their cells' text."""
    rows: list[list[str]] = []
    above: list[str] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[str] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        row.extend([""] * _int_attr(before, 0))
        for tc in tr.iterchildren(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span = _int_attr(props.find(f"{_W}gridSpan") if props is not None else None, 1)
            merge = props.find(f"{_W}vMerge") if props is not None else None
            if merge is not None and merge.get(f"{_W}val") != "restart":
                col = len(row)
                text = above[col] if col < len(above) else ""
            else:
                text = _cell_text(tc)
            row.extend([text] * span)
        rows.append(row)
        above = row
    return [r for r in rows if any(r)]


def _int_attr(el: Any, default: int) -> int:
    try:
        value = int(el.get(f"{_W}val")) if el is not None else default
    except (TypeError, ValueError):
        return default
    return max(0, min(value, _MAX_SPAN))


def _cell_text(tc: Any) -> str:
    """The cell's paragraphs (text runs, tabs and breaks as spaces) joined by spaces."""
    parts = []
    for p in tc.iter(f"{_W}p"):
        text = "".join(t.text or "" if t.tag == f"{_W}t" else " " for t in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"))
        parts.append(text)
    return " ".join(" ".join(parts).split())
