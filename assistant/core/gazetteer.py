"""Every province, prefecture-level city and county of China, and the places a text names.

The data (assistant/core/data/gazetteer.tsv) is general: all 3,600-odd divisions with their short
forms, not the places of any corpus. Region values in metadata are short forms (浙江, 宁波): a
province's short form for province-level places (直辖市 included), a city's for cities.

Matching is by whole names. A county's short form (顺德 for 顺德区) is taken only right after its
city or province ("佛山顺德"), because many county short forms are ordinary words (和平, 新华, 城关).
A province's short form wins over a city of the same short form (吉林 the province; 吉林市 the city).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEVELS = ("province", "city", "county")
MAX_NAME = 16  # the longest division name (自治县 with four ethnic names) is under 16 characters
NATIONAL = "全国"


@dataclass(frozen=True)
class Place:
    """One administrative division."""

    name: str  # full name: 宁波市
    short: str  # the form used in text and in metadata: 宁波
    level: str  # province | city | county
    province: str  # short form of its province (itself for a province)
    city: str = ""  # short form of its city, for a county ("" otherwise)
    english: str = ""  # romanised names, "|"-separated (zhejiang; shaanxi; inner mongolia), for English text

    @property
    def region(self) -> str:
        """The region value metadata uses: a county counts as its city (a city's rules cover it)."""
        if self.level == "county":
            return self.city or self.province
        return self.short


@dataclass(frozen=True)
class _Index:
    places: tuple[Place, ...]
    surfaces: dict[str, tuple[Place, ...]]  # full and short names (cities, provinces, aliases) → places
    county_shorts: dict[str, tuple[Place, ...]]  # county short forms, matched only after their parent
    english: re.Pattern[str]  # romanised province and city names as whole words
    by_english: dict[str, Place]


def _rows(resource: str) -> list[list[str]]:
    text = resources.files("assistant.core").joinpath(resource).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _ranked(d: dict[str, list[Place]]) -> dict[str, tuple[Place, ...]]:
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    return {k: tuple(sorted(v, key=lambda p: order[p.level])) for k, v in d.items()}


@cache
def _index() -> _Index:
    places = [Place(name, short, level, province, city, english) for level, name, short, province, city, english
              in ((row + ["", ""])[:6] for row in _rows("data/gazetteer.tsv"))]
    surfaces: dict[str, list[Place]] = {}
    county_shorts: dict[str, list[Place]] = {}
    for p in places:
        surfaces.setdefault(p.name, []).append(p)
        if p.short != p.name:
            (county_shorts if p.level == "county" else surfaces).setdefault(p.short, []).append(p)
    by_name = {p.name: p for p in places}
    for alias, full, *_ in _rows("data/place_aliases.tsv"):
        if full in by_name:
            surfaces.setdefault(alias, []).append(by_name[full])
    by_english = {}
    for p in sorted(places, key=lambda p: LEVELS.index(p.level), reverse=True):  # a province wins a shared name
        for e in filter(None, p.english.split("|")):
            by_english[e] = p
    names = sorted(by_english, key=len, reverse=True)
    english = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    return _Index(tuple(places), _ranked(surfaces), _ranked(county_shorts), english, by_english)


def lookup(name: str) -> Place | None:
    """The place a name denotes (浙江, 浙江省, 宁波市, 顺德区), preferring the higher level; None if unknown."""
    name = name.strip()
    found = _index().surfaces.get(name) or _index().county_shorts.get(name)
    return found[0] if found else None


@dataclass(frozen=True)
class Mention:
    """A place named in a text, where."""

    place: Place
    start: int
    end: int


def mentions(text: str) -> list[Mention]:
    """Every place named in `text` (in Chinese, or romanised: Zhejiang, Hefei), in order, never overlapping."""
    found = _chinese_mentions(text)
    if any(ch.isascii() and ch.isalpha() for ch in text):
        idx = _index()
        found += [Mention(idx.by_english[m.group(1).lower()], m.start(), m.end()) for m in idx.english.finditer(text)]
        found.sort(key=lambda m: m.start)
    return found


def _chinese_mentions(text: str) -> list[Mention]:
    """Longest name first at each position; county short forms only right after their parent."""
    idx = _index()
    out: list[Mention] = []
    i = 0
    while i < len(text):
        hit: Mention | None = None
        prev = out[-1] if out and out[-1].end == i else None
        for size in range(min(MAX_NAME, len(text) - i), 1, -1):
            piece = text[i:i + size]
            cands = idx.surfaces.get(piece, ())
            if prev is not None:  # "佛山顺德": a county short form right after its city or province
                cands = cands + tuple(p for p in idx.county_shorts.get(piece, ()) if _under(p, prev.place))
                inner = [p for p in cands if _under(p, prev.place)]
                cands = tuple(inner) or cands
            if cands:
                hit = Mention(cands[0], i, i + size)
                break
        if hit is None:
            i += 1
            continue
        out.append(hit)
        i = hit.end
    return out


def places_in(text: str) -> list[Place]:
    """The distinct places named in `text`, in order of first mention."""
    return list(dict.fromkeys(m.place for m in mentions(text)))


def province_of(name: str) -> str:
    """The short form of the province a place belongs to ("" when the name is no known place)."""
    p = lookup(name)
    return p.province if p else ""


def covers(region: str, other: str) -> bool:
    """Does `region` include `other`? A province covers its cities and counties; a city its counties."""
    if not region or not other:
        return False
    if region == other:
        return True
    outer, inner = lookup(region), lookup(other)
    if outer is None or inner is None:
        return False
    return _under(inner, outer)


def cities_of(province: str) -> list[Place]:
    """The prefecture-level cities of a province (by its short or full name)."""
    p = lookup(province)
    if p is None or p.level != "province":
        return []
    return [c for c in _index().places if c.level == "city" and c.province == p.short]


def _under(inner: Place, outer: Place) -> bool:
    if outer.level == "province":
        return inner.level != "province" and inner.province == outer.short
    if outer.level == "city":
        return inner.level == "county" and inner.city == outer.short and inner.province == outer.province
    return False


def normalise(name: str) -> str:
    """A region value for a name: 黑龙江省 → 黑龙江, 大连市 → 大连, 顺德区 → 佛山; others (全国) stripped."""
    name = name.strip()
    place = lookup(name)
    if place is not None:
        return place.region
    return re.sub(r"(省|市|自治区|特别行政区)$", "", name)
