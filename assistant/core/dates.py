"""Dates as official documents write them: 2025年4月8日, 2025-04-08, 2025.4.8, 二〇二五年四月八日.

One grammar for the metadata (date of issue) and the validity clauses (施行日期, 有效期至), so both
read the same forms. Standard numbers (GB/T 39116-2020) and 文号 (〔2025〕12号) are not dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DateMention", "add_years", "find_dates", "parse_date"]

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零一二三四五六七八九十"
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"
    r"|(?<![\d/\-.])(?P<y2>(?:19|20)\d{2})(?P<sep>[-./])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?![\d\-./])"
    rf"|(?P<cy>[{_CN}]{{4}})\s*年\s*(?P<cm>[{_CN}]{{1,3}})\s*月(?:\s*(?P<cd>[{_CN}]{{1,3}})\s*日)?"
)


@dataclass(frozen=True)
class DateMention:
    """A date in a text: where, and its ISO form (day 01 when only the month is given)."""

    start: int
    end: int
    iso: str
    has_day: bool


def _cn_number(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    return _CN_DIGITS.get(s, 0)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMention]:
    """Every well-formed date in `text`, in order."""
    out: list[DateMention] = []
    for m in _DATE.finditer(text):
        if m.group("y"):
            year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d") or 1)
            has_day = m.group("d") is not None
        elif m.group("y2"):
            year, month, day, has_day = int(m.group("y2")), int(m.group("m2")), int(m.group("d2")), True
        else:
            year = int("".join(str(_CN_DIGITS.get(c, 0)) for c in m.group("cy")))
            month, day = _cn_number(m.group("cm")), _cn_number(m.group("cd") or "一")
            has_day = m.group("cd") is not None
        iso = _iso(year, month, day)
        if iso:
            out.append(DateMention(m.start(), m.end(), iso, has_day))
    return out


def parse_date(text: str) -> str:
    """The first date in `text` as YYYY-MM-DD, or ""."""
    found = find_dates(text)
    return found[0].iso if found else ""


def add_years(iso: str, years: int) -> str:
    """The last day of a period of `years` years starting on `iso` (2025-07-01 + 5 → 2030-06-30)."""
    start = dt.date.fromisoformat(iso)
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return (end - dt.timedelta(days=1)).isoformat()
