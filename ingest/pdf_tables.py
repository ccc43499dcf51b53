"""Tables in PDF pages, kept as records: the rows of a ruled or aligned table become Markdown table rows.

pypdf's plain extraction writes a table row as its cells joined by single spaces ("基础级 投资不低于500万元
20万元"), which cannot be split back into cells. Its layout mode keeps the horizontal positions, so a
table shows as lines whose cells start at the same columns, separated by wide gaps. A run of at least
`MIN_ROWS` such lines with the same number of cells is taken as a table; each of its rows, found again
in the plain text, is rewritten as "| 等级 | 条件 | 奖励金额 |", so `assistant.core.structure` makes every row a
record exactly as for a Markdown or Word table.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["mark_tables", "table_rows"]

MIN_ROWS = 3  # a column row and two data rows; two aligned lines are as often a signature block
GAP = re.compile(r" {3,}")  # layout mode pads a column gap with spaces; words inside a cell have at most two
ALIGN = 2  # cell starts may drift by this many characters between rows (CJK width rounding)


def _cells(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each cell of a layout line."""
    out = []
    pos = 0
    for part in GAP.split(line.rstrip()):
        start = line.index(part, pos) if part else pos
        if part.strip():
            out.append((start + len(part) - len(part.lstrip()), part.strip()))
        pos = start + len(part)
    return out


def _aligned(a: list[tuple[int, str]], b: list[tuple[int, str]]) -> bool:
    return len(a) == len(b) and all(abs(x[0] - y[0]) <= ALIGN for x, y in zip(a, b, strict=True))


def table_rows(layout: str) -> list[list[list[str]]]:
    """The tables of a page's layout text: each a list of rows of cell texts (the first row the header)."""
    tables: list[list[list[str]]] = []
    run: list[list[tuple[int, str]]] = []

    def close() -> None:
        if len(run) >= MIN_ROWS:
            tables.append([[text for _, text in row] for row in run])
        run.clear()

    for line in layout.splitlines():
        if not line.strip():
            continue  # layout mode puts blank lines between rows
        cells = _cells(line)
        if len(cells) >= 2 and (not run or _aligned(run[0], cells)):
            run.append(cells)
            continue
        close()
        if len(cells) >= 2:
            run.append(cells)
    close()
    return tables


def mark_tables(plain: str, page: Any) -> str:
    """`plain` with the lines of each table found on `page` (a pypdf page) written as Markdown rows."""
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # layout mode fails on some damaged pages: the plain text stands as it is
        return plain
    lines = plain.split("\n")
    for rows in table_rows(layout):
        joined = [" ".join(r) for r in rows]
        try:
            at = [lines.index(j) for j in joined]
        except ValueError:
            continue  # a row was extracted differently in plain mode: leave the table as text
        if at != list(range(at[0], at[0] + len(at))):
            continue
        width = len(rows[0])
        md = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width] + ["| " + " | ".join(r) + " |" for r in rows[1:]]
        lines[at[0]: at[-1] + 1] = md + [""]
    return "\n".join(lines)
