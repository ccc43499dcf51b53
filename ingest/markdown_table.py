"""Rows of cells (from a Word or HTML table) written as Markdown tables, which `assistant.core.structure` turns
into one record (header + cells) per row."""

from __future__ import annotations

__all__ = ["table_lines"]


def table_lines(rows: list[list[str]]) -> list[str]:
    """Markdown tables: each run of rows with two or more distinct cells is one table whose first row
    is the column row. A row of one text across the table (a caption, a 合计 written across) stays a
    plain line, and so does a run of one row (a column row with no data under it is not a table)."""
    rows = [[c.replace("|", "｜") for c in r] for r in rows if any(c.strip() for c in r)]
    lines: list[str] = []
    width = max((len(r) for r in rows), default=0)
    run: list[list[str]] = []

    def close() -> None:
        if len(run) == 1:
            lines.append(" | ".join(c for i, c in enumerate(run[0]) if c and c not in run[0][:i]))
        elif run:
            lines.append("| " + " | ".join(run[0]) + " |")
            lines.append("|" + "---|" * width)
            lines.extend("| " + " | ".join(r) + " |" for r in run[1:])
            lines.append("")  # a blank line ends the Markdown table
        run.clear()

    for row in rows:
        distinct = [c for i, c in enumerate(row) if c and c not in row[:i]]
        if len(distinct) <= 1 and width > 1:
            close()
            lines.append(distinct[0] if distinct else "")
        else:
            run.append((row + [""] * width)[:width])
    close()
    return lines
