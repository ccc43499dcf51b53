"""A snippet of a passage centred on what a query matched, with the matched terms located.

Shown by search results, citation cards and `zhice search`: a clause's first 160 characters often
miss the sentence that answers (示范工厂建设期 → the sentence with 建设期为２年, not the heading).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.lexical import tokenize

SNIPPET_CHARS = 160  # about two lines of a card or a terminal: enough for the sentence that matched
ELLIPSIS = "……"
_BREAK = re.compile(r"(?<=[。！？；\n])")


@dataclass(frozen=True)
class Snippet:
    """`text` (with …… where cut) and the (start, end) of every matched term inside it."""

    text: str
    marks: tuple[tuple[int, int], ...]

    def marked(self, left: str = "【", right: str = "】") -> str:
        """The snippet with each matched term wrapped, e.g. for a terminal."""
        out, last = [], 0
        for a, b in self.marks:
            out += [self.text[last:a], left, self.text[a:b], right]
            last = b
        return "".join([*out, self.text[last:]])


def query_terms(query: str) -> list[str]:
    """The query's search words worth marking (two characters or more), longest first."""
    terms = {t for t in tokenize(query) if len(t) >= 2}
    return sorted(terms, key=lambda t: (-len(t), t))


def find_terms(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of the terms in `text` (longer terms win), in text order; terms that
    touch are one span."""
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    for t in sorted({t.lower() for t in terms if t}, key=lambda t: -len(t)):
        for m in re.finditer(re.escape(t), lowered):
            a, b = m.span()
            if all(b <= x or a >= y for x, y in taken):
                taken.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(taken):  # touching terms read as one mark: 【独立】【法人资格】 → 【独立法人资格】
        if merged and merged[-1][1] == a:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _best_window(text: str, marks: Sequence[tuple[int, int]], width: int) -> tuple[int, tuple[int, int]]:
    """(start, key): a `width`-long window with the key match a third of the way in. The key is the
    match that says most: its length over how often it occurs here, so the one sentence holding a
    rare term (建设期) wins over a run of sentences repeating a common one (示范工厂)."""
    lowered = text.lower()
    counts: dict[str, int] = {}
    for a, b in marks:
        counts[lowered[a:b]] = counts.get(lowered[a:b], 0) + 1
    a, b = max(marks, key=lambda m: (m[1] - m[0]) / counts[lowered[m[0]:m[1]]])
    return max(0, min(a - width // 3, len(text) - width)), (a, b)


def snippet(text: str, query: str = "", width: int = SNIPPET_CHARS, terms: Iterable[str] | None = None) -> Snippet:
    """The part of `text` (whitespace folded) that best matches the query, with its terms marked.

    Args:
        text: the passage.
        query: what was asked or searched; its words are the terms marked.
        width: the snippet's length in characters (ellipses not counted).
        terms: the terms to mark instead of the query's words.
    """
    flat = re.sub(r"\s+", " ", text).strip()
    words = list(terms) if terms is not None else query_terms(query)
    marks = find_terms(flat, words)
    if len(flat) <= width:
        return Snippet(flat, tuple(marks))
    start, key = _best_window(flat, marks, width) if marks else (0, (0, 0))
    # start at a sentence boundary just before the window when there is one close by (and the
    # window still holds the key match)
    head = flat[max(0, start - 30):start]
    cut = max((m.end() for m in _BREAK.finditer(head)), default=None)
    if cut is not None and start - len(head) + cut + width >= key[1]:
        start = start - len(head) + cut
    end = min(len(flat), start + width)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(flat) else ""
    shift = len(prefix) - start
    inside = tuple((a + shift, b + shift) for a, b in marks if a >= start and b <= end)
    return Snippet(prefix + flat[start:end] + suffix, inside)
