"""A policy document as the drafter reads it: sentences, each with its section path, clause label and
the lead of the list it belongs to ("申报企业应同时具备以下基本条件：").

The input is the section tree of ingest (`assistant.core.structure.parse_units`): the same headings the
index uses (第X章, 第X条, 一、, （一）, 1., （1）, Markdown headings, table rows). Markdown emphasis
around a heading line (**三、认定条件**) is taken off first, so bold headings nest like plain ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.core.structure import Unit, parse_units

__all__ = ["Sentence", "clause_label", "read_sentences", "sentences_of_sections", "strip_marker"]

CN = "一二三四五六七八九十百零〇两"
# the enumerator a heading or list item starts with
MARKER = re.compile(
    rf"^\s*(?:#+\s*)?(第[{CN}0-9]+[章节条]|[{CN}]+、|[（(][{CN}0-9]+[）)]|[0-9０-９]{{1,2}}[.．、](?![0-9])|[{CN}]+是)"
)
_END = "。；;！？?!"
# a line shorter than this that ends without punctuation is a heading or list line, not a page line
# that wrapped mid-sentence (the same rule as assistant.core.text)
_WRAPPED_LINE_MIN = 25
_LIST_LEAD = re.compile(r"[:：]\s*$")


@dataclass(frozen=True)
class Sentence:
    """One sentence (or list item) of a document, where it stands."""

    text: str  # verbatim, line breaks inside a paragraph removed
    path: tuple[str, ...]  # the section labels above it, outermost first
    lead: str  # the sentence introducing the list this item belongs to ("" when none)
    enumerated: bool  # the sentence is (the start of) a numbered list item
    cells: tuple[tuple[str, str], ...] = ()  # a table row's (column, cell) pairs
    heading: bool = False  # the sentence only names its section ("（三）比例上浮。", "二、奖励标准")

    @property
    def clause(self) -> str:
        """第五条（一）, 二（三）1. …: the clause as an answer cites it."""
        return clause_label(self.path)


def strip_marker(text: str) -> str:
    """The text without its leading enumerator: "（一）在浙江省…" → "在浙江省…"."""
    m = MARKER.match(text)
    return text[m.end():].lstrip(" 　.．、") if m else text


def clause_label(path: Sequence[str]) -> str:
    """The enumerators of a section path joined (第五条（一）), or the innermost label without one."""
    marks = [m.group(1) for m in (MARKER.match(p) for p in path) if m]
    marks = [m for m in marks if not m.startswith("第") or m.endswith("条")] or marks
    return "".join(marks) if marks else (path[-1] if path else "")


def _unbold(text: str) -> str:
    lines = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("**") and s.endswith("**") and len(s) > 4:
            s = s[2:-2].strip()
        lines.append(s)
    return "\n".join(lines)


def _paragraphs(text: str) -> list[str]:
    """Lines joined back into paragraphs: a line that does not end a sentence runs on into the next
    one unless that one starts an item (PDF and web copies wrap lines mid-sentence)."""
    out: list[str] = []
    for line in (x.strip() for x in text.splitlines()):
        if not line:
            continue
        prev = out[-1] if out else ""
        if prev and not prev.endswith(tuple(_END + "：:")) and len(prev) >= _WRAPPED_LINE_MIN \
                and not MARKER.match(line) and not line.startswith(("|", "#")):
            out[-1] += line
        else:
            out.append(line)
    return out


def _sentences(paragraph: str) -> list[str]:
    # a colon ends a piece too: "答：主要有六个方面：一是…；二是…" lists its items after it
    parts = re.findall(rf"[^{_END}：]+[{_END}：]?", paragraph)
    return [p.strip() for p in parts if p.strip(" " + _END)]


def read_sentences(pages: Iterable[tuple[int, str]]) -> list[Sentence]:
    """Sentences of a document in reading order, each with its path, lead and table cells.

    Args:
        pages: (page number, cleaned text) as the loaders give them.
    """
    units = parse_units([(n, _unbold(t)) for n, t in pages])
    out: list[Sentence] = []
    leads: dict[tuple[str, ...], str] = {}  # a section path → the lead sentence its items follow
    for unit in units:
        out.extend(_unit_sentences(unit, leads))
    return out


def sentences_of_sections(sections: Iterable[tuple[str, str]]) -> list[Sentence]:
    """Sentences from stored pieces of a document ("第二章 认定条件 > 第五条", text), in order; a sentence
    repeated by overlapping pieces is kept once. For documents whose file is no longer at hand."""
    out: list[Sentence] = []
    seen: set[str] = set()
    leads: dict[tuple[str, ...], str] = {}
    for section, text in sections:
        path = tuple(p for p in section.split(" > ") if p)
        for s in _unit_sentences(Unit(path, _unbold(text), 0), leads):
            if s.text not in seen:
                seen.add(s.text)
                out.append(s)
    return out


def _unit_sentences(unit: Unit, leads: dict[tuple[str, ...], str]) -> list[Sentence]:
    path = unit.path
    lead = next((leads[path[:i]] for i in range(len(path), 0, -1) if path[:i] in leads), "")
    if unit.record:
        return [Sentence(unit.text.splitlines()[0], path, lead, True, unit.record)]
    out: list[Sentence] = []
    label = strip_marker(path[-1]).strip() if path else ""
    pieces = [sent for para in _paragraphs(unit.text) for sent in _sentences(para)]
    for i, sent in enumerate(pieces):
        bare = strip_marker(sent).rstrip("。：:；; ")
        # the heading line itself: its words are the label, and text follows it or it has no punctuation
        heading = (i == 0 and bool(label) and bare == label and "，" not in bare
                   and (len(pieces) > 1 or sent.rstrip()[-1:] not in _END))
        out.append(Sentence(sent, path, lead, bool(MARKER.match(sent)), heading=heading))
    for para in _paragraphs(unit.text):
        if _LIST_LEAD.search(para):
            leads[path] = para  # the items that follow (deeper in the tree) hang from this sentence
    return out
