"""Tables (.csv, .xlsx): leading "# key: value" header lines, then a column row and data rows.

Every sheet of a workbook that holds data is read, each as its own `Table` named after its sheet.
Rows with one filled cell before the column row (a sheet title, "（本文件为…）") and after the last
data row ("注：…") are kept as the table's notes, not mistaken for the column row or for records.

Reading is bounded (`ReaderLimits`): the package is checked before it is opened, a sheet's declared
`<dimension>` is ignored (openpyxl's read-only iteration trusts it and pads every row of
A1:XFD1048576), and rows, columns and cells are counted as they stream in, so a hostile workbook
is refused after reading at most the caps' worth of cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import CorruptFile, FileTooLarge
from assistant.settings import ReaderLimits
from ingest.bounds import check_zip_package, over_limit
from ingest.header import parse_header_lines
from ingest.loaded import LoadedFile, Table
from ingest.readers_text import decode_text

__all__ = ["load_csv", "load_xlsx"]

# A line under a table that annotates it rather than being a row of it: 注：…, 备注：…, 数据来源：…
_NOTE = re.compile(r"(?:注|备注|附注|说明|填表说明|资料来源|数据来源|来源|制表人?)\s*[0-9０-９]*\s*[：:]")


def load_csv(path: Path, limits: ReaderLimits | None = None) -> LoadedFile:
    """Read a CSV (comma, tab, semicolon or pipe separated); the # lines before the column row are the header."""
    limits = limits or ReaderLimits()
    text = decode_text(path.read_bytes(), path.name)
    lines = text.splitlines()
    i = 0
    header_lines = []
    while i < len(lines) and (_is_header_line(lines[i]) or not lines[i].strip()):
        if lines[i].strip():
            header_lines.append(lines[i])
        i += 1
    rest = "\n".join(lines[i:])
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    if i < len(lines):
        try:
            dialect = csv.Sniffer().sniff(lines[i], delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel  # one-column files and the like: plain commas
    counter = _Counter(path.name, limits)
    try:
        rows = list(counter.rows("", enumerate(csv.reader(io.StringIO(rest), dialect), start=1)))
    except csv.Error as e:
        raise CorruptFile(
            f"{path.name} 不是格式正确的 CSV（{e}）：请从表格软件重新导出。"
        ) from e
    table = _table(path, "", rows)
    if table is None:
        raise CorruptFile(
            f"{path.name} 没有列名行：请在 # 文件头之后加一行列名。"
        )
    _require_data(path, table)
    return LoadedFile(path, "csv", [], parse_header_lines(header_lines), [table])


def load_xlsx(path: Path, limits: ReaderLimits | None = None) -> LoadedFile:
    """Read every worksheet that holds data; the # rows before the column row are the header."""
    from openpyxl import load_workbook

    limits = limits or ReaderLimits()
    check_zip_package(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zip, XML and key errors for a broken workbook
        raise CorruptFile(
            f"{path.name} 不是可读取的 Excel .xlsx 工作簿（{type(e).__name__}）：请打开后另存为不带密码的 .xlsx。"
        ) from e
    try:
        header_lines, tables, properties_title = _read_sheets(path, workbook, limits)
    except (CorruptFile, FileTooLarge):
        raise
    except Exception as e:  # zip, XML (ParseError), key and value errors of a damaged sheet
        raise CorruptFile(f"{path.name} 有无法读取的工作表（{type(e).__name__}: {e}）：请在 Excel 中重新保存。") from e
    finally:
        workbook.close()
    if not tables:
        raise CorruptFile(f"{path.name} 没有数据：请检查工作簿是否为空。")
    if not any(t.records for t in tables):
        _require_data(path, tables[0])
    # a sheet of notes only (说明, 填表要求) is kept as notes, not as a table without rows
    tables = [t if t.records else Table(t.name, [], [], t.notes + t.columns) for t in tables]
    header = parse_header_lines(header_lines)
    if "title" not in header:
        # one sheet: its title row names the file; several: the workbook's own title, if it has one
        if properties_title:
            header["title"] = properties_title
        elif len(tables) == 1 and tables[0].notes:
            header["title"] = tables[0].notes[0]
    return LoadedFile(path, "xlsx", [], header, tables)


def _read_sheets(path: Path, workbook: Any, limits: ReaderLimits) -> tuple[list[str], list[Table], str]:
    """Every sheet's "#" header lines, its table (sheets without one left out) and the workbook's title."""
    counter = _Counter(path.name, limits)
    header_lines: list[str] = []
    tables: list[Table] = []
    for ws in workbook.worksheets:
        rows = list(counter.rows(ws.title, _sheet_rows(path.name, workbook, ws, limits)))
        head, body = _split_header(rows)
        header_lines.extend(head)
        table = _table(path, ws.title, body)
        if table is not None:
            tables.append(table)
    title = (workbook.properties.title or "").strip() if workbook.properties else ""
    return header_lines, tables, title


def _sheet_rows(name: str, workbook: Any, ws: Any, limits: ReaderLimits) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of a worksheet, streamed from its XML with the caps checked per element.

    The declared `<dimension>` is never read, rows missing from the XML are not produced, and each
    cell element is decoded (openpyxl's own cell parser: shared strings, dates, booleans) and dropped
    at once, so memory stays at one row whatever the sheet declares or holds. openpyxl is pinned in
    pyproject.toml; these private names are the ones its read-only worksheet uses in the same way.
    """
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    where = f"工作表“{ws.title}”的"
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        row_elements = 0
        row: list[str] = []
        row_el = parent = None
        for event, el in iterparse(src, events=("start", "end")):
            if el.tag == ROW_TAG and event == "start":
                row_elements += 1
                if row_elements > limits.max_rows:
                    raise over_limit(name, f"{where}行数", row_elements, limits.max_rows,
                                     "ZHICE_READERS__MAX_ROWS")
                parser.row_counter = _row_number(el.get("r"), parser.row_counter)
                parser.col_counter = 0
                row, row_el = [], el
            elif el.tag == CELL_TAG and event == "end":
                _put_cell(parser, el, row, limits, lambda column: over_limit(
                    name, f"{where}第{parser.row_counter}行的列数", column, limits.max_columns,
                    "ZHICE_READERS__MAX_COLUMNS"))
                if row_el is not None:
                    row_el.remove(el)  # a row of millions of cells never sits in memory as elements
            elif el.tag == ROW_TAG and event == "end":
                yield parser.row_counter, row
                el.clear()
                if parent is not None:
                    parent.remove(el)  # nor does a sheet of many rows
                row_el = None
            elif event == "start" and el.tag.endswith("}sheetData"):
                parent = el


def _put_cell(parser: Any, el: Any, row: list[str], limits: ReaderLimits,
              too_wide: Callable[[int], Exception]) -> None:
    """Decode one cell element into its place in `row` (refusing a column past the cap)."""
    cell = parser.parse_cell(el)
    column = int(cell["column"])
    if column > limits.max_columns:
        raise too_wide(column)
    text = _cell(cell["value"])
    if text:
        row.extend([""] * (column - len(row)))
        row[column - 1] = text


def _row_number(declared: str | None, previous: int) -> int:
    """The row's number: its r attribute, else the one after the previous row."""
    if declared is None:
        return previous + 1
    try:
        return int(float(declared))
    except ValueError:
        return previous + 1


@dataclass
class _Counter:
    """Counts rows, columns and cells across one file's tables and stops at the first cap."""

    name: str
    limits: ReaderLimits
    cells: int = 0

    def rows(self, sheet: str, rows: Iterable[tuple[int, Sequence[str]]]) -> Iterator[list[str]]:
        where = f"工作表“{sheet}”的" if sheet else ""
        lim = self.limits
        for index, raw in rows:
            row = list(raw)
            while row and not row[-1].strip():
                row.pop()
            if not row:
                continue
            if index > lim.max_rows:
                raise over_limit(self.name, f"{where}行数", index, lim.max_rows,
                                 "ZHICE_READERS__MAX_ROWS")
            if len(row) > lim.max_columns:
                raise over_limit(self.name, f"{where}第{index}行的列数", len(row),
                                 lim.max_columns, "ZHICE_READERS__MAX_COLUMNS")
            self.cells += sum(1 for c in row if c.strip())
            if self.cells > lim.max_cells:
                raise over_limit(self.name, "非空单元格数", self.cells, lim.max_cells,
                                 "ZHICE_READERS__MAX_CELLS")
            yield row


def _split_header(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The leading "# key: value" rows (as lines) and the rest."""
    head: list[str] = []
    i = 0
    while i < len(rows) and _is_header_line("\t".join(c for c in rows[i] if c.strip())):
        head.append(" ".join(c.strip() for c in rows[i] if c.strip()))
        i += 1
    return head, rows[i:]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _is_header_line(line: str) -> bool:
    # "# 标题: …" (or a bare "#") is a header line; "#,企业,奖励" is a column row whose first column is "#".
    stripped = line.strip()
    return stripped.startswith("#") and not re.match(r"#\s*[,\t;|]", stripped)


def _filled(row: list[str]) -> int:
    return sum(1 for c in row if c)


def _table(path: Path, name: str, rows: Iterable[list[str]]) -> Table | None:
    """The column row and records of one sheet; None when the sheet holds nothing."""
    cleaned = [[unicodedata.normalize("NFC", c).strip() for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return None
    notes: list[str] = []
    if any(_filled(row) >= 2 for row in cleaned):
        # title rows (one filled cell, often a merged cell) precede the column row; "注：…" rows follow the data
        while _filled(cleaned[0]) == 1:
            notes.append(next(c for c in cleaned.pop(0) if c))
        tail: list[str] = []
        while len(cleaned) > 1 and _filled(cleaned[-1]) == 1 and _NOTE.match(next(c for c in cleaned[-1] if c)):
            tail.insert(0, next(c for c in cleaned.pop() if c))
        notes.extend(tail)
    # Trailing empty cells (spreadsheet padding) are not columns; cells past the column row are.
    width = max(max(j for j, c in enumerate(row) if c) + 1 for row in cleaned)
    columns = _column_names((cleaned[0] + [""] * width)[:width])
    records = [{col: row[j] if j < len(row) else "" for j, col in enumerate(columns)} for row in cleaned[1:]]
    return Table(name, columns, records, notes)


def _require_data(path: Path, table: Table) -> None:
    if not table.records:
        where = f"（工作表“{table.name}”）" if table.name else ""
        raise CorruptFile(f"{path.name}{where} 只有列名、没有数据行：请检查导出结果。")


def _column_names(row: list[str]) -> list[str]:
    names: list[str] = []
    for j, cell in enumerate(row, start=1):
        name = cell or f"column_{j}"
        while name in names:
            name = f"{name}_{j}"
        names.append(name)
    return names
