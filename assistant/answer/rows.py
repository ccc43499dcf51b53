"""Case lists filtered and counted: the rows of a table that meet every constraint the question states.

Constraints are read from the question against the table itself, not from word lists: a place (from
the gazetteer; a province covers its cities, so 浙江 matches 宁波市北仑区), a year, and any value of a
categorical column (a column with few distinct values, such as 等级 or 行业) that the question names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from assistant.core import gazetteer
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk

MIN_VALUE_CHARS = 2  # a one-character value ("是") is too common in questions to be a constraint
MIN_NAME_CHARS = 4  # a value of a column of unique values (企业名称) named in the question picks its row
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_COUNT_Q = re.compile(r"几家|多少家|几个|多少个|几项|多少项|多少条|数量|\bhow many\b", re.I)
# a question about who is on a list: the entities asked for, or the list itself
_LIST_Q = re.compile(r"哪些企业|哪几家|哪些公司|哪些单位|哪家|名单里|名单中|入选|评上|上榜|是哪一年|什么等级|评的是什么"
                     r"|\bwhich (?:compan|enterprise|firm)|\blisted\b", re.I)


@dataclass(frozen=True)
class Selection:
    rows: list[Chunk]
    constraints: list[str]  # what was filtered on, for the answer's lead (地区：宁波；等级：数字化车间)
    by_name: bool = False  # a row was picked by a unique value the question names (a company's name)
    by_value: bool = False  # a row was picked by a value of a column the question names (等级, 环节, a name)


def select(question: str, rows: Sequence[Chunk], places: Sequence[gazetteer.Place],
           subjects: Sequence[str] = ()) -> Selection | None:
    """The rows meeting every constraint found; None when the question states no constraint on this table.

    `subjects` are the title names the question uses (优秀场景): once the other constraints are applied,
    rows that mention one of them are preferred to rows that do not.
    """
    if not rows:
        return None
    q = normalize_for_match(question)
    place = _innermost(places)
    keep: list[Chunk] = list(rows)
    constraints: list[str] = []
    if place is not None:
        keep, constraints = _narrow(keep, constraints, lambda r: _row_in_place(r, place), f"地区：{place.short}")
    for year in dict.fromkeys(_YEAR.findall(q)):
        # a cell that is or names the year: 2025, 2023-04-24, 2023年度…优秀场景
        keep, constraints = _narrow(keep, constraints, partial(_names_year, year=year), f"年份：{year}")
    by_name = by_value = False
    for column, values in _columns(rows).items():
        named = _named_values(q, column, values, rows, place)
        if named:
            before = len(constraints)
            keep, constraints = _narrow(keep, constraints, partial(_has_value, column=column, values=tuple(named)),
                                        f"{column}：{'、'.join(named)}")
            if len(constraints) > before:
                by_value = True
                by_name = by_name or len(values) == sum(1 for r in rows if r.record.get(column, "").strip())
    if not constraints:
        return None
    about = [t for t in subjects if any(t in _cells(r) for r in keep)]
    if about:
        keep, constraints = _narrow(keep, constraints, lambda r: any(t in _cells(r) for t in about), f"含：{'、'.join(about)}")
    return Selection(keep, constraints, by_name, by_value)


def _narrow(keep: list[Chunk], constraints: list[str], test: Callable[[Chunk], bool],
            label: str) -> tuple[list[Chunk], list[str]]:
    """The rows passing `test`, with the constraint noted; unchanged when no row passes (the constraint
    is then not one this table can answer)."""
    matched = [r for r in keep if test(r)]
    return (matched, [*constraints, label]) if matched else (keep, constraints)


def _named_values(q: str, column: str, values: list[str], rows: Sequence[Chunk],
                  place: gazetteer.Place | None) -> list[str]:
    """The values of a column the question names (the longest where one contains another)."""
    unique = len(values) == sum(1 for r in rows if r.record.get(column, "").strip())
    shortest = MIN_NAME_CHARS if unique else MIN_VALUE_CHARS
    named = [v for v in values if len(_bare(v)) >= shortest and not _YEAR.fullmatch(v) and _bare(v) in q]
    named = [v for v in named if not any(v != o and v in o for o in named)]
    if place is not None:
        named = [v for v in named if _bare(v) not in (place.short, place.name)]  # the place is a constraint already
    return named


def _cells(r: Chunk) -> str:
    return normalize_for_match(" ".join(r.record.values()))


def _has_value(r: Chunk, column: str, values: tuple[str, ...]) -> bool:
    return r.record.get(column, "").strip() in values


def _names_year(r: Chunk, year: str) -> bool:
    return any(re.search(rf"(?<!\d){year}(?!\d)", v) for v in r.record.values())


_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])\s*")


def _bare(value: str) -> str:
    """A cell value as a question names it: "三、生产作业" → 生产作业."""
    return normalize_for_match(_MARKER.sub("", value))


def wants_count(question: str) -> bool:
    return bool(_COUNT_Q.search(question))


def wants_list(question: str) -> bool:
    """Does the question ask who is on a list (or how many)?"""
    return bool(_LIST_Q.search(question)) or wants_count(question)


def _innermost(places: Sequence[gazetteer.Place]) -> gazetteer.Place | None:
    depth = {"province": 0, "city": 1, "county": 2}
    return max(places, key=lambda p: depth[p.level]) if places else None


def _row_in_place(row: Chunk, place: gazetteer.Place) -> bool:
    """A cell (or the sheet the row is on) names the place or a place inside it."""
    texts = [*row.record.values(), row.section.split(" > ")[0]]
    for t in texts:
        for p in gazetteer.places_in(t):
            if p == place or gazetteer.covers(place.short, p.short) or p.short == place.short:
                return True
    return False


def _columns(rows: Sequence[Chunk]) -> dict[str, list[str]]:
    """Every column with its distinct values."""
    columns: dict[str, list[str]] = {}
    for r in rows:
        for k, v in r.record.items():
            columns.setdefault(k, []).append(v.strip())
    return {k: list(dict.fromkeys(v for v in vals if v)) for k, vals in columns.items()}


_NEVER_SHOWN = re.compile(r"url|链接|网址|note|备注|序号|^#$|^no\.?$", re.IGNORECASE)


def display_columns(selected: Sequence[Chunk], table: Sequence[Chunk]) -> list[str]:
    """The columns to show for the selected rows: not links, notes or serial numbers, not a column every
    selected row shares (the answer's lead states it), a column of unique values (the name) first."""
    cols = [c for c in dict.fromkeys(k for r in selected for k in r.record) if not _NEVER_SHOWN.search(c)]
    if len(selected) > 1:
        cols = [c for c in cols if len({r.record.get(c, "") for r in selected}) > 1] or cols
    values = _columns(table)
    filled = {c: sum(1 for r in table if r.record.get(c, "").strip()) for c in cols}
    return sorted(cols, key=lambda c: -(len(values.get(c, ())) == filled[c] and filled[c] > 1))
