"""Chinese official-document structure: headings (一、 （一） 1. （1） 第X章 第X条 附件N) → section paths.

The nesting is learnt from the order in which heading types appear in a document: a heading of a
type already on the stack closes everything below it; a new type nests under the current heading.
That handles 章/条/（一） in 认定办法 and 一、/（一） in 实施方案 with one rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUM = "一二三四五六七八九十百零〇两"

# (type, pattern). Order matters only for matching, not for nesting.
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("md", re.compile(r"^(#{1,6})\s+(.+)$")),
    ("annex", re.compile(r"^附\s*件\s*([0-9０-９]+|[" + CN_NUM + r"]+)(?=[\s：:、]|$)")),
    ("chapter", re.compile(r"^第[" + CN_NUM + r"0-9]+章")),
    ("section", re.compile(r"^第[" + CN_NUM + r"0-9]+节")),
    ("article", re.compile(r"^第[" + CN_NUM + r"0-9]+条")),
    ("cn", re.compile(r"^[" + CN_NUM + r"]+、")),
    ("paren_cn", re.compile(r"^[（(][" + CN_NUM + r"]+[）)]")),
    ("arabic", re.compile(r"^[0-9０-９]{1,2}[\.．、](?![0-9０-９])")),
    ("paren_ar", re.compile(r"^[（(][0-9０-９]{1,2}[）)]")),
]
_LABEL_MAX = 24  # a heading's own words are kept in its label up to this many characters
_SENT_END = "。；：:;！？"


@dataclass(frozen=True)
class Unit:
    """A run of text under one heading: the smallest thing a chunk is made of."""

    path: tuple[str, ...]
    text: str
    page: int
    record: tuple[tuple[str, str], ...] = ()  # a table row's (column, cell) pairs; it is a chunk of its own

    @property
    def section(self) -> str:
        return " > ".join(self.path)


def heading_type(line: str) -> str | None:
    """The heading type a line starts with, or None for body text."""
    s = line.lstrip()
    for name, pat in _HEADINGS:
        if pat.match(s):
            return name
    return None


def heading_label(line: str, htype: str) -> str:
    """The short label a heading contributes to the section path."""
    s = line.strip()
    if htype == "md":
        return s.lstrip("#").strip()
    m = next(p for n, p in _HEADINGS if n == htype).match(s)
    assert m is not None
    marker = m.group(0).strip()
    rest = s[m.end():].strip()
    if htype in ("annex", "chapter", "section"):
        return (marker + " " + rest.lstrip("：: ")).strip()[: _LABEL_MAX + len(marker)] if rest else marker
    if htype == "article":
        return marker
    if rest and len(rest) <= 2 * _LABEL_MAX and not any(c in rest for c in "。；;"):
        return marker + rest  # a heading line of its own: keep all of it
    cut = min((rest.find(c) for c in _SENT_END if c in rest), default=-1)
    head = rest[:cut] if cut >= 0 else rest
    if head and len(head) <= _LABEL_MAX and (cut >= 0 or len(rest) <= _LABEL_MAX):
        return marker + head
    return marker


def _is_table_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.endswith("|") and s.count("|") >= 3


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_units(pages: list[tuple[int, str]]) -> list[Unit]:
    """Split page texts into units, each with its section path and first page.

    Args:
        pages: (page number, cleaned text) in reading order.

    Returns:
        Units in reading order. Markdown table rows become one unit each ("列：值；…").
    """
    stack: list[tuple[str, str]] = []  # (heading type, label)
    md_levels: dict[str, int] = {}
    units: list[Unit] = []
    buf: list[str] = []
    buf_page = 0
    table_header: list[str] | None = None

    def flush() -> None:
        nonlocal buf
        text = "\n".join(x for x in buf if x.strip()).strip()
        if text:
            units.append(Unit(tuple(label for _, label in stack), text, buf_page))
        buf = []

    for page_no, text in pages:
        for raw in text.splitlines():
            line = raw.strip()
            if not line:
                continue
            if _is_table_row(line):
                cells = _cells(line)
                if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                    continue  # the |---|---| separator
                if table_header is None:
                    flush()
                    table_header = cells
                    continue
                # the row as written (so a quote of the source still matches), then its cells named
                labelled = "；".join(f"{h}：{v}" for h, v in zip(table_header, cells, strict=False) if v)
                row = f"{line}\n{labelled}"
                path = tuple(label for _, label in stack) + ((cells[0] or "行")[:_LABEL_MAX],)
                cells_named = tuple((h, v) for h, v in zip(table_header, cells, strict=False) if h and v)
                units.append(Unit(path, row, page_no, cells_named))
                continue
            table_header = None
            htype = heading_type(line)
            if htype is None:
                if not buf:
                    buf_page = page_no
                buf.append(line)
                continue
            if htype == "annex" and not units and not stack and not buf:
                # the whole document is an annex ("附件 1" on its first line): not a section of it
                buf_page = page_no if not buf else buf_page
                buf.append(line)
                continue
            flush()
            label = heading_label(line, htype)
            key = htype if htype != "md" else f"md{len(line) - len(line.lstrip('#'))}"
            if htype == "md":
                md_levels.setdefault(key, len(md_levels))
            _place(stack, key, label)
            buf_page = page_no
            buf.append(line)
    flush()
    return units


def _place(stack: list[tuple[str, str]], key: str, label: str) -> None:
    """Put a heading on the stack: replace its own type's level, else nest under the current one."""
    for i, (t, _) in enumerate(stack):
        if t == key:
            del stack[i:]
            break
        # a markdown heading closes every deeper markdown heading and everything under them
        if key.startswith("md") and t.startswith("md") and t > key:
            del stack[i:]
            break
    stack.append((key, label))
