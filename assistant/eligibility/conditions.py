"""One sentence of a 申报条件 clause → typed conditions (field, operator, value, unit, verbatim quote).

The grammar is that of official documents, not of any one text: a field named by one of its terms
(fields.yaml), a comparator (不低于 / 不少于 / 达到 / 满 / 以上 → min; 不超过 / 不高于 → max) and a value
with its unit (万元, 亿元 → 万元; % as written; 年; 级; 个 / 项); 注册 with a place (gazetteer, or 本省 /
本市 for the document's own place); 具有独立法人资格; 规模以上; a grade (B级及以上 → [A, B]); an
absence (未发生…事故, 未被列入…名单) as a false flag; titles already held (已被认定为 X，或已入选 Y).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.core import gazetteer
from assistant.core.text import normalize_for_match
from assistant.eligibility.clauses import strip_marker
from assistant.eligibility.fields import FieldSpec

__all__ = ["QUOTE_MAX", "QUOTE_MIN", "Drafted", "Home", "fit_quote", "quote_around", "segments", "type_sentence"]

# A drafted quote is one clause piece: long enough to find again (10), short enough to read at a
# glance (40) — the limits the reviewed programme files use.
QUOTE_MIN, QUOTE_MAX = 10, 40

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+"
_UNIT = r"亿元|万元|元|个百分点|%|％|个月|年|级|个|项|家|台|套"
_MIN_BEFORE = r"不低于|不少于|不小于|不得低于|不得少于|达到|高于|超过|大于|满"
_MAX_BEFORE = r"不高于|不超过|不大于|不得超过|不得高于"
VALUE = re.compile(
    rf"(?P<cmp>{_MIN_BEFORE}|{_MAX_BEFORE})?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})\s*(?P<after>及以上|以上|或以上|及以下|以下)?"
)
_COUNT_UNITS = {"个", "项", "家", "台", "套"}
_NEGATION = re.compile(r"未|无|没有|不存在|不得有")
_SEGMENT = re.compile(r"[^，,；;。]+[，,；;。]?")
_REGISTERED = re.compile(r"注册|登记")
_OWN_PROVINCE, _OWN_CITY = "本省", "本市"
# words that make a piece a reward rule (给予…奖励, 最高…万元), not a condition of eligibility
_REWARD_WORDS = re.compile(r"给予|予以|奖励|补助|补贴|奖补|最高|封顶|资助")
_GRADE = re.compile(r"(?<![A-Za-z])([A-Z])\s*[级类]")
_HELD = re.compile(r"(已被认定为|已被评为|已获评|已入选|持有(?:有效期内的?)?)(?P<rest>.+)")
_ALT = re.compile(r"，?或(?:已被认定为|已被评为|已获评|已入选|持有)?")
_TITLE_TAIL = re.compile(r"(?:称号|资格)?(?:的(?:工业)?企业|的)?[。；，]*$")


@dataclass(frozen=True)
class Home:
    """The place a document is about: what 本省 / 本市 mean in it."""

    province: str = ""
    city: str = ""


@dataclass(frozen=True)
class Drafted:
    """A condition as drafted: `field` None and op "qualitative" when it could not be typed."""

    field: str | None
    op: str  # min | max | equals | in | is_true | is_false | has_title | qualitative
    value: Any
    unit: str
    quote: str

    def key(self) -> tuple[Any, ...]:
        value = tuple(self.value) if isinstance(self.value, list | tuple) else self.value
        return (self.field, self.op, value, self.unit)


def cn_value(text: str) -> float | None:
    """3, 2.5, 三, 十二 → a number; None otherwise."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if not text or any(c not in _CN_DIGIT and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return float((_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0))
    return float(_CN_DIGIT[text]) if len(text) == 1 else None


def segments(text: str) -> list[tuple[int, int]]:
    """Spans of the comma-separated pieces of a sentence (punctuation included)."""
    return [(m.start(), m.end()) for m in _SEGMENT.finditer(text) if m.group(0).strip("，,；;。 ")]


def fit_quote(text: str, start: int, end: int, core: tuple[int, int] | None = None) -> str:
    """A verbatim piece of `text` around [start, end) of QUOTE_MIN–QUOTE_MAX characters (normalised).

    Too short: widened over the neighbouring pieces of the sentence; too long: narrowed to `core`
    (the words that carry the condition), then cut.
    """
    spans = segments(text)
    s, e = start, end
    while len(normalize_for_match(text[s:e])) < QUOTE_MIN and (s > 0 or e < len(text)):
        after = [b for a, b in spans if a >= e]
        before = [a for a, b in spans if b <= s]
        if after:
            e = after[0]
        elif before:
            s = before[-1]
        else:
            break
    piece = strip_marker(text[s:e].strip()).strip("，,；;。：: ")
    if len(normalize_for_match(piece)) > QUOTE_MAX and core is not None:
        cs, ce = core
        while len(normalize_for_match(text[cs:ce])) < QUOTE_MIN and cs > s:
            cs -= 1
        piece = text[cs:ce].strip("，,；;。：: ")
    while len(normalize_for_match(piece)) > QUOTE_MAX:
        piece = piece[:-1]
    return piece


def quote_around(text: str, start: int, end: int) -> str:
    """A verbatim quote of the pieces of `text` that hold [start, end), kept to the quote limits."""
    spans = segments(text)
    s = max([a for a, _ in spans if a <= start], default=0)
    e = min([b for _, b in spans if b >= end], default=len(text))
    return fit_quote(text, s, e, (start, end))


def _unit_ok(spec: FieldSpec, unit: str) -> bool:
    if spec.unit in _COUNT_UNITS:
        return unit in _COUNT_UNITS
    return spec.unit == unit


def _nearest_field(seg: str, at: int, end: int, unit: str, specs: Mapping[str, FieldSpec]) -> str | None:
    """The field whose term stands closest before the value (else closest after) and fits its unit."""
    before: list[tuple[int, int, str]] = []
    after: list[tuple[int, int, str]] = []
    for spec in specs.values():
        if spec.kind not in ("int", "number") or not _unit_ok(spec, unit):
            continue
        for term in spec.terms:
            for m in re.finditer(re.escape(term), seg):
                if m.start() < at:
                    before.append((m.end(), len(term), spec.name))
                elif m.start() >= end:
                    after.append((-m.start(), len(term), spec.name))
    pool = before or after
    return max(pool)[2] if pool else None


def _numbers(seg: str, specs: Mapping[str, FieldSpec], before: str = "") -> tuple[
        list[tuple[Drafted, tuple[int, int], str]], bool]:
    """Typed number conditions of one piece, and whether it states a threshold at all. A piece that
    goes on from the one before (且达到一级及以上水平) may take its field from `before`."""
    out: list[tuple[Drafted, tuple[int, int], str]] = []
    threshold = False
    for m in VALUE.finditer(seg):
        cmp, after = m.group("cmp") or "", m.group("after") or ""
        if not cmp and not after and m.group("unit") == "级" and re.search(r"达到|不低于", seg[: m.start()]):
            cmp = "达到"  # 应达到GB/T 39116-2020《智能制造能力成熟度模型》一级: the level stands after the standard
        if not cmp and not after:
            continue
        threshold = True
        value = cn_value(m.group("num"))
        unit = m.group("unit").replace("％", "%")
        if value is None or unit in ("个百分点", "个月", "元"):
            continue
        if unit == "亿元":
            value, unit = value * 10_000, "万元"
        op = "max" if (cmp and re.fullmatch(_MAX_BEFORE, cmp)) or after in ("及以下", "以下") else "min"
        name = _nearest_field(seg, m.start(), m.end(), unit, specs)
        if name is None and before and re.match(r"(?:且|并且|并)", seg):
            name = _nearest_field(before + seg, len(before) + m.start(), len(before) + m.end(), unit, specs)
        if name is None:
            continue
        term_at = min((seg.find(t) for t in specs[name].terms if 0 <= seg.find(t) < m.start()), default=m.start())
        value = int(value) if float(value).is_integer() else value
        out.append((Drafted(name, op, value, unit, ""), (term_at, m.end()), name))
    return out, threshold


def _region(seg: str, home: Home) -> Drafted | None:
    if not _REGISTERED.search(seg):
        return None
    if _OWN_PROVINCE in seg and home.province:
        return Drafted("province", "equals", home.province, "", "")
    if _OWN_CITY in seg and home.city and re.search(_OWN_CITY + r"[^，。]{0,6}(?:注册|登记)", seg):
        return Drafted("city", "equals", home.city, "", "")
    for place in gazetteer.places_in(seg):
        if place.level == "province":
            return Drafted("province", "equals", place.short, "", "")
        return Drafted("city", "equals", place.region, "", "")
    return None


_LISTED = re.compile(r"列入|列为|有")


def _flags(seg: str, specs: Mapping[str, FieldSpec], skip: set[str], excluding: bool = False) -> list[Drafted]:
    """Flags a piece states. In a list of exclusions (有下列情况的企业，不得申请：) an item names what
    must be absent, without a negation of its own."""
    out = []
    for spec in specs.values():
        if spec.kind != "bool" or spec.name in skip:
            continue
        hits = [seg.find(t) for t in spec.terms if t in seg]
        if not hits:
            continue
        at = min(hits)
        negated = bool(_NEGATION.search(seg[:at]))
        if excluding:
            if spec.states == "absence" and _LISTED.search(seg[:at]):
                out.append(Drafted(spec.name, "is_false", None, "", ""))
            continue
        if spec.states == "absence":
            if negated:
                out.append(Drafted(spec.name, "is_false", None, "", ""))
        elif not re.search(r"(?:非|不是|不属于)$", seg[:at]):
            out.append(Drafted(spec.name, "is_true", None, "", ""))
    return out


def _grades(seg: str, specs: Mapping[str, FieldSpec]) -> list[Drafted]:
    out = []
    for spec in specs.values():
        if spec.kind != "choice" or not spec.terms or not any(t in seg for t in spec.terms):
            continue
        letters = [g for g in _GRADE.findall(seg) if g in spec.allowed]
        if not letters:
            continue
        if re.search(r"[A-Z]\s*[级类]\s*(?:及以上|以上)", seg):
            worst = max(spec.allowed.index(g) for g in letters)
            value = list(spec.allowed[: worst + 1])
        else:
            value = sorted(set(letters), key=spec.allowed.index)
        out.append(Drafted(spec.name, "in", value, "", ""))
    return out


_INDUSTRY_LIST_MIN = 3  # a sentence naming this many industry categories (围绕A、B、C等…产业) lists the eligible ones


def _industries(text: str) -> Drafted | None:
    """围绕高端装备、航空航天、…等战略性新兴产业: the industries a programme is for (industry_in)."""
    from assistant.eligibility.vocabulary import INDUSTRY_TAGS

    if "产业" not in text and "行业" not in text:
        return None
    named = sorted((text.find(t), t) for t in INDUSTRY_TAGS if t in text)
    if len(named) < _INDUSTRY_LIST_MIN:
        return None
    return Drafted("industry", "industry_in", [t for _, t in named], "", fit_quote(text, 0, len(text)))


def held_titles(text: str) -> list[str]:
    """Titles a sentence requires to be held already: 已被认定为 X，或已入选 Y → [X, Y]."""
    m = _HELD.search(text)
    if m is None:
        return []
    rest = _TITLE_TAIL.sub("", m.group("rest").split("。")[0])
    return [t.strip() for t in _ALT.split(rest) if len(t.strip()) >= 2]


def _piece(text: str, s: int, e: int, specs: Mapping[str, FieldSpec], home: Home,
           excluding: bool) -> tuple[list[tuple[Drafted, tuple[int, int]]], bool, bool]:
    """The conditions of one comma piece text[s:e] with the span each stands on; whether a number
    was typed, and whether the piece states a threshold at all."""
    seg = text[s:e]
    numbers, threshold = _numbers(seg, specs, text[:s])
    # "具有2年以上独立法人资格" types the years only; "注册满3年、具有独立法人资格" types both
    years_by_entity = any(n == "legal_entity_years" for _, _, n in numbers) and "独立法人" in seg \
        and not re.search(r"(?:注册|登记|成立|设立)[^，、]{0,3}满", seg)
    found = [(d, (s + a, s + b)) for d, (a, b), _ in numbers]
    region = _region(seg, home)
    if region is not None:
        found.append((region, (s, e)))
    skip = {"independent_legal_entity"} if years_by_entity else set()
    found += [(d, (s, e)) for d in _flags(seg, specs, skip, excluding) + _grades(seg, specs)]
    return found, bool(numbers), threshold


def type_sentence(text: str, specs: Mapping[str, FieldSpec], home: Home, *, item: bool = False,
                  excluding: bool = False) -> list[Drafted]:
    """Every condition a sentence states, each with a verbatim quote.

    Args:
        text: One sentence (or list item) of a condition clause.
        specs: The profile fields and their terms.
        home: The document's own place (for 本省 / 本市).
        item: The sentence is an item of a list of conditions: a piece that states a threshold no
            field takes, or an item with no typed condition at all, becomes a "qualitative" criterion.
        excluding: The sentence is an item of a list of exclusions (有下列情况的，不得申请：).

    Returns:
        The conditions in the order they are stated.
    """
    out: list[Drafted] = []
    body_start = len(text) - len(strip_marker(text))
    untyped: list[tuple[int, int]] = []
    for s, e in segments(text):
        s = max(s, body_start)
        seg = text[s:e]
        if not seg.strip("，,；;。 ") or _REWARD_WORDS.search(seg):
            continue
        found, typed_numbers, threshold = _piece(text, s, e, specs, home, excluding)
        out += [Drafted(d.field, d.op, d.value, d.unit, fit_quote(text, s, e, core)) for d, core in found]
        if item and threshold and not typed_numbers:
            untyped.append((s, e))
    if (industries := _industries(text)) is not None:
        out.append(industries)
    titles = held_titles(text)
    if titles:
        m = _HELD.search(text)
        assert m is not None
        out.append(Drafted("titles", "has_title", titles, "", fit_quote(text, m.start(), len(text))))
    if item:
        for s, e in untyped:
            out.append(Drafted(None, "qualitative", None, "", fit_quote(text, s, e)))
        if not out:
            out.append(Drafted(None, "qualitative", None, "", fit_quote(text, body_start, len(text))))
    return out
