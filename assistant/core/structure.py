"""Chinese official-document structure: headings (一、 （一） 1. （1） 第X章 第X条 附件N) → section paths.

The nesting is learnt from the order in which heading types appear in a document: a heading of a
type already on the stack closes everything below it; a new type nests under the current heading.
That handles 章/条/（一） in 认定办法 and 一、/（一） in 实施方案 with one rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def _unbold(line: str) -> str:
    """A line wholly in Markdown bold ("**四、申报材料**") is read as its words: bold headings are headings."""
    s = line.strip()
    for mark in ("**", "__"):
        if len(s) > 2 * len(mark) and s.startswith(mark) and s.endswith(mark) and mark not in s[2:-2]:
            return s[len(mark):-len(mark)].strip()
    return line


def heading_type(line: str) -> str | None:
    """The heading type a line starts with, or None for body text."""
    s = _unbold(line).lstrip()
    for name, pat in _HEADINGS:
        if pat.match(s):
            return name
    return None


def heading_label(line: str, htype: str) -> str:
    """The short label a heading contributes to the section path."""
    s = _unbold(line).strip()
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
        Units in reading order. Markdown table rows become one unit each (the row as written, then
        "列：值；…"), carrying their cells as a record.
    """
    b = _Builder()
    for page_no, text in pages:
        for raw in text.splitlines():
            line = raw.strip()
            if not line:
                continue
            if _is_table_row(line):
                b.table_row(line, page_no)
            else:
                b.table_header = None
                b.line(line, page_no)
    b.flush()
    return b.units


@dataclass
class _Builder:
    """The state of one pass over a document: open headings, the text under the last one, a table."""

    stack: list[tuple[str, str]] = field(default_factory=list)  # (heading type, label)
    units: list[Unit] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    buf_page: int = 0
    table_header: list[str] | None = None

    def path(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.stack)

    def flush(self) -> None:
        text = "\n".join(x for x in self.buf if x.strip()).strip()
        if text:
            self.units.append(Unit(self.path(), text, self.buf_page))
        self.buf = []

    def line(self, line: str, page_no: int) -> None:
        htype = heading_type(line)
        if htype is None or (htype == "annex" and not self.units and not self.stack and not self.buf):
            # body text; or "附件 1" opening the file: the whole document is that annex, not a section of it
            if not self.buf:
                self.buf_page = page_no
            self.buf.append(line)
            return
        self.flush()
        key = htype if htype != "md" else f"md{len(line) - len(line.lstrip('#'))}"
        _place(self.stack, key, heading_label(line, htype))
        self.buf_page = page_no
        self.buf.append(line)

    def table_row(self, line: str, page_no: int) -> None:
        cells = _cells(line)
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return  # the |---|---| separator
        if self.table_header is None:
            self.flush()
            self.table_header = cells
            return
        named = tuple((h, v) for h, v in zip(self.table_header, cells, strict=False) if h and v)
        # the row as written (so a quote of the source still matches), then its cells named
        text = f"{line}\n" + "；".join(f"{h}：{v}" for h, v in named)
        path = self.path() + ((cells[0] or "行")[:_LABEL_MAX],)
        self.units.append(Unit(path, text, page_no, named))


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
