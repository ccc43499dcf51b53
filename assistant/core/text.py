"""Text utilities shared by ingest and the answer path: one normalisation for matching, one sentence split."""

from __future__ import annotations

import re
import unicodedata

_SENTENCE = re.compile(r"[^。！？；;!?\n]*[。！？；;!?\n]?")
# a line that starts an item, a heading or a note of its own: 第六条, （一）, （…）, 1., 一、, ##, 附件, a table row
_STARTS_ITEM = re.compile(r"^\s*(?:#|第[一二三四五六七八九十百零0-9]+[章节条款]|[（(〔【]"
                          r"|[一二三四五六七八九十]+、|\d+[.．、]|附件|\||[-*•·]\s)")
_ENDS_SENTENCE = "。！？；;!?：:」”）)"
# a line shorter than this is a heading or a list line, not a page line that wrapped mid-sentence
WRAPPED_LINE_MIN = 25


def normalize_for_match(s: str) -> str:
    """Fold a text for comparison: NFKC (full-width → half-width) and no whitespace at all.

    Args:
        s: Any text.

    Returns:
        The folded text; this is the rule the evals and citation checks use.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。！？； or at the end of a line; never empty strings.

    A line break inside a sentence (a PDF page line that wrapped: "按不低于3\n0%的比例抽查。") does not
    end it: a long line with no closing punctuation, followed by a line that starts no item or heading,
    runs on. Each sentence is a substring of `text`.
    """
    out: list[str] = []
    begin = 0  # where the sentence being built starts
    for m in _SENTENCE.finditer(text):
        if m.end() == m.start():
            continue
        if text[m.end() - 1] == "\n" and _wraps(text[begin:m.end()], text[m.end():]):
            continue
        if text[begin:m.end()].strip():
            out.append(text[begin:m.end()])
        begin = m.end()
    if text[begin:].strip():
        out.append(text[begin:])
    return out


def _wraps(piece: str, rest: str) -> bool:
    """Does this piece, ending at a line break, go on in the next line (`rest` is the text after it)?"""
    line = piece.rstrip("\n").split("\n")[-1]
    if len(line.strip()) < WRAPPED_LINE_MIN or line.rstrip().endswith(tuple(_ENDS_SENTENCE)):
        return False
    return bool(rest.strip()) and not _STARTS_ITEM.match(rest)
