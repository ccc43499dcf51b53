"""Text cleaning: page furniture out, hard-wrapped Chinese lines joined, original wording kept.

`clean_text` is what every loader applies to body text. It never rewrites wording: full-width
digits and punctuation stay as they are. Matching code (citation checks, evals) compares texts
through `normalize_for_match`, which folds width variants and drops all whitespace.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.core.text import normalize_for_match

__all__ = ["clean_text", "looks_hard_wrapped", "remove_running_lines"]

_DIGITS = "0-9０-９"
_CN_NUMS = "一二三四五六七八九十百零〇两"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK punctuation next to which an ASCII space is always a typesetting artefact.
_CJK_PUNCT = "、，。；：！？（）【】《》〈〉「」『』“”‘’"
# A line ending in one of these closes a sentence (or a clause leading into a list).
_END_PUNCT = tuple("。！？；：.!?;:…”’」』）)》")

_PAGE_NUMBER = re.compile(
    rf"""(?:
        [\-–—―－‒~～_·\s]*[{_DIGITS}]{{1,4}}[\-–—―－‒~～_·\s]*                 # 3 / - 3 - / — 12 —
      | 第\s*[{_DIGITS}{_CN_NUMS}]+\s*页(?:\s*[,，/／]?\s*共\s*[{_DIGITS}]+\s*页)?   # 第 3 页 (共 10 页)
      | 共\s*[{_DIGITS}]+\s*页\s*[,，]?\s*第\s*[{_DIGITS}]+\s*页                 # 共 10 页 第 3 页
      | [{_DIGITS}]{{1,4}}\s*[/／]\s*[{_DIGITS}]{{1,4}}                          # 3/10
      | (?:page|p\.)\s*[{_DIGITS}]+(?:\s*(?:of|/)\s*[{_DIGITS}]+)?             # Page 3 of 10
    )""",
    re.VERBOSE | re.IGNORECASE,
)

# A line starting like this begins a new heading, clause, list item or table row: never glue it
# to the line before.
_BLOCK_START = re.compile(
    rf"""(?:
        [{_CN_NUMS}]+[、．.]                               # 一、
      | [（(][{_CN_NUMS}]+[）)]                            # （一）
      | [{_DIGITS}]+(?:[、．）)]|\.(?![{_DIGITS}]))        # 1、 1. 1）  (not 1.5)
      | [（(][{_DIGITS}]+[）)]                             # （1）
      | [①-⑳⑴-⒇⒈-⒛]                                     # ① ⑴ ⒈
      | 第[{_CN_NUMS}{_DIGITS}]+[章节条款部分篇编]           # 第三章 第十条
      | 附件(?:\s*[{_DIGITS}{_CN_NUMS}]+|\s*(?=[:：]|$))     # 附件1 / 附件：/ 附件
      | \#{{1,6}}\s                                        # markdown heading
      | [-*+•●■◆▪]\s                                      # list item
      | [>|]                                               # quote, table row
    )""",
    re.VERBOSE,
)
# Lines after which nothing is ever glued (markdown headings, table rows, rules).
_STRUCTURAL = re.compile(r"(?:#{1,6}\s|\||(?:-{3,}|\*{3,}|_{3,})\s*$)")
_NESTED_BULLET = re.compile(r"( {2,}|\t+)[-*+] ")
# "智 能 制 造": single Han characters separated by single spaces (letter-spaced titles in PDFs).
_LETTER_SPACED = re.compile(rf"(?<!\S)(?:[{_HAN}] ){{2,}}[{_HAN}](?!\S)")
_SPACE_AT_CJK_PUNCT = re.compile(rf"(?<=[{_CJK_PUNCT}]) +(?=[{_HAN}])|(?<=[{_HAN}]) +(?=[{_CJK_PUNCT}])")
_CONTINUATION = re.compile(rf"[{_HAN}“《（(]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CHAR_MAP = str.maketrans(
    {
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,  # BOM / zero-width no-break space
        "\u00ad": None,  # soft hyphen
        "\u00a0": " ",
        "\u2028": "\n",
        "\u2029": "\n",
        "\x0b": "\n",  # Word's manual line break
    }
)

# Hard-wrap detection: a page column holds at most this many CJK characters.
_MAX_COLUMN_WIDTH = 60.0
_MIN_COLUMN_WIDTH = 15.0  # narrower "columns" are lists of names or table cells
_FULL_FRACTION = 0.9  # a line this close to the column width was wrapped, not ended
_RUNNING_MAX_WIDTH = 40.0


@dataclass(frozen=True)
class _Line:
    text: str  # stripped, inline-tidied; "" for a blank line
    indented: bool = False  # started with a full-width space, a tab or 2+ spaces


def clean_text(raw: str, reflow: bool | None = None) -> str:
    """Clean extracted text while keeping its wording.

    NFC-normalises, drops control and zero-width characters, page-number lines ("- 3 -",
    "第 3 页", "3/10", a lone number) and blank-line noise. Form feeds are read as page breaks
    and short lines recurring at the edges of many pages (running headers/footers) are removed.
    Hard-wrapped text (PDF extractions: lines of one column width, breaking mid-word) is reflowed
    to one paragraph per line; a line is glued to the previous one unless it starts a heading,
    clause, list item or table row, is indented, or the previous line is shorter than the column
    (it ended a paragraph or is a heading). Joins never add a space between CJK characters; two
    Latin words keep one space. Spaces already inside a line are kept ("项目 305个").

    Args:
        raw: Extracted text.
        reflow: True to join wrapped lines, False to keep every line as it is, None to decide
            from the text itself (`looks_hard_wrapped`).

    Returns:
        The cleaned text: lines joined by "\\n", no leading or trailing blank lines.
    """
    text = _normalize_chars(raw)
    pages = text.split("\f")
    if len(pages) > 1:
        pages = remove_running_lines(pages)
    lines = _prepare_lines("\n".join(pages))
    if reflow is None:
        reflow = _hard_wrapped([ln.text for ln in lines if ln.text])
    out = _reflow(lines) if reflow else _keep(lines)
    return "\n".join(out).strip("\n")


def looks_hard_wrapped(text: str) -> bool:
    """Tell whether a text is hard-wrapped at a page column (as PDF extractions are).

    True when the text is prose (it has Chinese commas and full stops), most lines have about
    the same width, that width is a plausible page column (15–60 CJK characters) and the full
    lines mostly end mid-sentence. Markdown or web text, whose lines are logical paragraphs of
    very different lengths, is not; nor is a list of names.

    Args:
        text: Raw or cleaned text.

    Returns:
        Whether `clean_text` would reflow it.
    """
    lines = _prepare_lines(_normalize_chars(text).replace("\f", "\n"))
    return _hard_wrapped([ln.text for ln in lines if ln.text])


def remove_running_lines(pages: Sequence[str], edge: int = 2) -> list[str]:
    """Remove running headers/footers: short lines recurring at the top or bottom of many pages.

    A line counts when it is among the first or last `edge` non-blank lines of at least half of
    the pages (and of two pages at least). Digits are ignored when comparing, so "第 3 页" and
    "第 4 页" or "Report 2021 – 3" and "Report 2021 – 4" are the same running line.

    Args:
        pages: The text of each page, in order.
        edge: How many non-blank lines at each end of a page may be running lines.

    Returns:
        The pages without their running lines (same length as `pages`).
    """
    n = len(pages)
    if n < 2:
        return list(pages)
    need = max(2, math.ceil(n * 0.5))
    counts: Counter[str] = Counter()
    for page in pages:
        lines = page.split("\n")
        keys = {_running_key(lines[i]) for i in _edge_indexes(lines, edge)}
        counts.update(k for k in keys if k)
    running = {key for key, count in counts.items() if count >= need}
    if not running:
        return list(pages)
    out = []
    for page in pages:
        lines = page.split("\n")
        drop = {i for i in _edge_indexes(lines, edge) if _running_key(lines[i]) in running}
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return out


def _edge_indexes(lines: list[str], edge: int) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:edge] + filled[-edge:]


def _running_key(line: str) -> str:
    stripped = line.strip()
    if not stripped or _width(stripped) > _RUNNING_MAX_WIDTH:
        return ""
    return re.sub(r"\d+", "#", normalize_for_match(stripped))


def _normalize_chars(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHAR_MAP)
    return _CONTROL.sub("", text)


def _prepare_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for raw_line in text.split("\n"):
        stripped = raw_line.strip()
        if not stripped:
            lines.append(_Line(""))
            continue
        if _PAGE_NUMBER.fullmatch(stripped):
            continue  # dropped outright: a page number between two wrapped lines must not split them
        lead = raw_line[: len(raw_line) - len(raw_line.lstrip())]
        indented = "\u3000" in lead or "\t" in lead or lead.count(" ") >= 2
        tidy = _tidy_inline(stripped)
        if _NESTED_BULLET.match(raw_line):
            tidy = lead.replace("\t", "    ") + tidy  # markdown nesting is structure, keep it
        lines.append(_Line(tidy, indented))
    return lines


def _tidy_inline(s: str) -> str:
    s = re.sub(r"[ \t]+", " ", s)
    s = _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), s)
    return _SPACE_AT_CJK_PUNCT.sub("", s)


def _keep(lines: list[_Line]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line.text or (out and out[-1]):
            out.append(line.text)
    return out


def _reflow(lines: list[_Line]) -> list[str]:
    filled = [ln for ln in lines if ln.text]
    if not filled:
        return []
    # PDF extractors often put a blank line after every wrapped line: then blanks say nothing.
    gaps = blank_gaps = 0
    seen_text = pending = False
    for line in lines:
        if not line.text:
            pending = True
            continue
        if seen_text:
            gaps += 1
            blank_gaps += pending
        seen_text, pending = True, False
    blanks_are_noise = gaps > 0 and blank_gaps >= 0.6 * gaps
    width = _column_width([ln.text for ln in filled if not _STRUCTURAL.match(ln.text)] or [filled[0].text])

    paragraphs: list[str] = []
    prev: _Line | None = None
    pending = False
    for line in lines:
        if not line.text:
            pending = True
            continue
        hard_break = pending and not blanks_are_noise
        if prev is not None and not hard_break and _continues(prev, line, width):
            paragraphs[-1] = _join(paragraphs[-1], line.text)
        else:
            paragraphs.append(line.text)
        prev, pending = line, False
    return paragraphs


def _continues(prev: _Line, nxt: _Line, width: float) -> bool:
    if nxt.indented or _BLOCK_START.match(nxt.text) or _STRUCTURAL.match(prev.text):
        return False
    # A line shorter than the column ended its paragraph (or is a heading / title).
    return _width(prev.text) >= _FULL_FRACTION * width


def _join(left: str, right: str) -> str:
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _hard_wrapped(texts: list[str]) -> bool:
    texts = [t for t in texts if not _STRUCTURAL.match(t)]
    if len(texts) < 4:
        return False
    width = _column_width(texts)
    if not _MIN_COLUMN_WIDTH <= width <= _MAX_COLUMN_WIDTH:
        return False
    if sum(t.count("，") + t.count("。") + t.count("、") for t in texts) < 0.5 * len(texts):
        return False  # a list of names or numbers, not prose
    widths = [_width(t) for t in texts]
    full = [w >= _FULL_FRACTION * width for w in widths]
    over = sum(w > 1.25 * width for w in widths)
    if sum(full) < 0.5 * len(texts) or over > 0.1 * len(texts):
        return False
    # Wrapped lines break wherever the column ends, so most full lines end mid-sentence and the
    # next line goes on in Chinese.
    pairs = [(a, b) for a, b, is_full in zip(texts, texts[1:], full, strict=False) if is_full]
    mid = sum(
        not a.endswith(_END_PUNCT) and not _BLOCK_START.match(b) and _CONTINUATION.match(b) is not None
        for a, b in pairs
    )
    return bool(pairs) and mid >= 0.3 * len(pairs)


def _column_width(texts: list[str]) -> float:
    widths = sorted(_width(t) for t in texts)
    return widths[int(0.75 * (len(widths) - 1))]


def _width(s: str) -> float:
    # Ambiguous-width characters (“ ” … —) are full width in Chinese typesetting.
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in s)
