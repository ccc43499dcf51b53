"""Tables (.csv, .xlsx): leading "# key: value" header lines, then a column row and data rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

from assistant.errors import CorruptFile
from ingest.header import parse_header_lines
from ingest.loaded import LoadedFile
from ingest.readers_text import decode_text

__all__ = ["load_csv", "load_xlsx"]

log = logging.getLogger(__name__)


def load_csv(path: Path) -> LoadedFile:
    """Read a CSV (comma, tab, semicolon or pipe separated); the # lines before the column row are the header."""
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
    try:
        rows = list(csv.reader(io.StringIO(rest), dialect))
    except csv.Error as e:
        raise CorruptFile(
            f"{path.name} is not a well-formed CSV ({e}): re-export it from the spreadsheet."
        ) from e
    return _table(path, "csv", parse_header_lines(header_lines), rows)


def load_xlsx(path: Path) -> LoadedFile:
    """Read the first worksheet that holds data; the # rows before the column row are the header."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zip, XML and key errors for a broken workbook
        raise CorruptFile(
            f"{path.name} is not a readable Excel .xlsx workbook ({type(e).__name__}): open and re-save it "
            "as .xlsx without a password."
        ) from e
    try:
        sheets = [
            [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise CorruptFile(f"{path.name} has an unreadable worksheet ({e}): re-save it in Excel.") from e
    finally:
        workbook.close()
    filled = [rows for rows in sheets if any(any(c.strip() for c in row) for row in rows)]
    if not filled:
        raise CorruptFile(f"{path.name} contains no data: check that the workbook is not empty.")
    if len(filled) > 1:
        log.warning("%s: %d sheets hold data; only the first is read", path.name, len(filled))
    rows = filled[0]
    header_lines = []
    i = 0
    while i < len(rows) and (
        not any(c.strip() for c in rows[i]) or _is_header_line("\t".join(c for c in rows[i] if c.strip()))
    ):
        if any(c.strip() for c in rows[i]):
            header_lines.append(" ".join(c.strip() for c in rows[i] if c.strip()))
        i += 1
    return _table(path, "xlsx", parse_header_lines(header_lines), rows[i:])


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


def _table(path: Path, fmt: str, header: dict[str, str], rows: Iterable[list[str]]) -> LoadedFile:
    cleaned = [[unicodedata.normalize("NFC", c).strip() for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        raise CorruptFile(
            f"{path.name} has no column row: add a line of column names after the # header lines."
        )
    if len(cleaned) == 1:
        raise CorruptFile(f"{path.name} has column names but no data rows: check the export.")
    # Trailing empty cells (spreadsheet padding) are not columns; cells past the column row are.
    width = max(max(j for j, c in enumerate(row) if c) + 1 for row in cleaned)
    columns = _column_names((cleaned[0] + [""] * width)[:width])
    records = [{col: row[j] if j < len(row) else "" for j, col in enumerate(columns)} for row in cleaned[1:]]
    return LoadedFile(path, fmt, [], header, columns, records)


def _column_names(row: list[str]) -> list[str]:
    names: list[str] = []
    for j, cell in enumerate(row, start=1):
        name = cell or f"column_{j}"
        while name in names:
            name = f"{name}_{j}"
        names.append(name)
    return names
