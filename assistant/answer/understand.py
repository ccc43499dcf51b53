"""Question analysis: which places, levels and years a question is about, and whether it compares.

Places come from the gazetteer (every province, city and county, Chinese or romanised), never from
a list of the places the corpus happens to cover. Named places that nest (成都 in 四川, 宁波 in 浙江)
are one scope, the most specific; places that do not nest are compared side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.total import TOTAL_Q
from assistant.core import gazetteer
from assistant.core.gazetteer import Place

# words that ask for several places or documents side by side
# "分别" and "各" compare only when there are several places: "两类分别奖多少" asks one document for two figures
_COMPARE = re.compile(r"各地|各省|各市|对比|比较|区别|不同|差异|哪些地方|哪些省|哪些城市|哪些地区|side by side|compare|differ|versus",
                      re.IGNORECASE)
_EVERY_PLACE = re.compile(r"各地|各省|各市|各地区|地方之间|不同地区|哪些地方|哪些省|哪些城市|other provinces|each province",
                          re.IGNORECASE)
# the question is about national rules wherever the asker is ("在陕西申报国家级示范工厂")
_NATIONAL = re.compile(r"国家级|全国|国家|工信部|工业和信息化部|national|\bMIIT\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# a total asked for ("加起来一共多少", "一共能拿多少"), not a sum the asker states ("一共才投了400万")
_TOTAL_ASKED = re.compile(rf"(?:{TOTAL_Q.pattern})[^，,。；;？?]{{0,8}}?(?:多少|几)", re.IGNORECASE)
# the levels of government a question speaks of, by their common words
# (one definition for the whole answer path: a follow-up's "省里呢？" is read with the same words)
PROVINCE_LEVEL = re.compile(r"省里|省级|省财政|省厅|省政府|省[财厅政]|全省|本省|\bprovincial\b", re.IGNORECASE)
CITY_LEVEL = re.compile(r"市里|市级|市本级|市财政|市政府|市[财政局]|全市|本市|\bmunicipal\b|\bcity\b", re.IGNORECASE)
# asks what applies now: current rules, not repealed or expired ones
# asks about versions of one place's rules: repealed text is as relevant as the text in force
_VERSIONS = re.compile(r"新旧|旧版|老办法|旧办法|原办法|修订前|两版|前后两|上一版|\bold\b|\bprevious\b|\bformer\b|\bearlier\b"
                       r"|\bversus\b|\brevised\b",
                       re.IGNORECASE)
# asks about the earlier version alone ("旧办法呢？"); with 新旧/两版/对比 it asks about both
_OLDER = re.compile(r"旧版|老办法|旧办法|原办法|修订前|上一版|老版|旧标准|老标准|原标准|\bold (?:rules|version)\b|\bprevious\b|\bformer\b",
                    re.IGNORECASE)
_BOTH = re.compile(r"新旧|两版|前后两|对比|比较|变化|区别|不同|versus|\bvs\b|compared", re.IGNORECASE)
# the words that make a clause ask something ("省里呢", "能拿多少"), not state it
ASKS = re.compile(r"[？?]|吗|呢|多少|几|哪|什么|怎么|如何|是否|能否|\b(?:what|how|which|when|where|who|whether)\b", re.IGNORECASE)
# what follows 省级/市级 when the level is who pays, not a title's grade ("省级财政", "市级配套", "市级再奖")
_PAYER = re.compile(r"[的]?(?:财政|资金|奖|补|配套|给|再|层面|部门|主管)|\s|$")
_CLAUSE = re.compile(r"[，,。；;？?！!]")
_SENTENCE = re.compile(r"(?<=[。！!？?])")
NOW = re.compile(r"现行|现在|目前|当前|如今|眼下|最新|还管用|还有效|\bnow\b|\bcurrent(?:ly)?\b|\btoday\b", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    """What retrieval and composition need to know about a question."""

    text: str
    places: tuple[Place, ...]  # every place named, in order of mention
    scope: Place | None  # the one place the question is about, when the named places nest
    compared: tuple[str, ...]  # region values to set side by side (two or more places that do not nest)
    every_place: bool  # "各地…有什么不同": every place the index has rules for
    national: bool  # asks about national rules
    years: tuple[int, ...]
    compare: bool  # wants documents side by side
    now: bool = False  # asks what applies now
    versions: bool = False  # asks about old and new versions of rules
    summed: tuple[str, ...] = ()  # "省里和市里加起来一共多少": the regions (province, city) whose awards add up
    older: bool = False  # asks about the earlier version alone: repealed text first
    province_level: bool = False  # asks what the province gives ("省里能给多少"), not the city
    # names a city and its province ("我们是南京的…，被评为江苏省级示范工厂。"): the province's rules are the city's too
    with_province: bool = False

    def without_other_places(self, region: str) -> str:
        """The question's words with every named place but `region` (and the places inside it) left out,
        for searching one place of a comparison."""
        out, last = [], 0
        for m in gazetteer.mentions(self.text):
            keep = m.place.region == region or m.place.short == region or gazetteer.covers(region, m.place.short)
            if not keep:
                out.append(self.text[last:m.start])
                last = m.end
        return "".join(out) + self.text[last:]

    @property
    def region(self) -> str:
        """The scope's region value (a county's is its city's), or ""."""
        return self.scope.region if self.scope else ""


# questions analysed are remembered: retrieval, the composers and the follow-up rules each ask about
# the same question (the analysis is a pure function of its text, and a Question is frozen)
UNDERSTOOD_KEPT = 512


@lru_cache(maxsize=UNDERSTOOD_KEPT)
def understand(text: str) -> Question:
    """Analyse a (standalone) question."""
    places = tuple(gazetteer.places_in(text))
    scope, compared = _scope(places)
    province_level = bool(PROVINCE_LEVEL.search(text)) and not CITY_LEVEL.search(text)
    summed = _summed_levels(text, places, scope)
    compare = bool(_COMPARE.search(text)) or len(compared) >= 2
    return Question(
        text=text,
        places=places,
        scope=scope,
        compared=compared,
        every_place=not places and bool(_EVERY_PLACE.search(text)),
        national=bool(_NATIONAL.search(text)),
        years=tuple(int(y) for y in _YEAR.findall(text)),
        compare=compare,
        now=bool(NOW.search(text)),
        versions=bool(_VERSIONS.search(text)),
        summed=summed,
        older=bool(_OLDER.search(text)) and not _BOTH.search(text) and not NOW.search(text),
        province_level=province_level,
        # (unless it asks the city's own level: "How much does Chengdu city add on top of Sichuan's reward?")
        with_province=scope is not None and scope.level != "province" and not CITY_LEVEL.search(asked_part(text))
        and any(p.level == "province" and p.short == scope.province for p in places),
    )


def asked_part(text: str) -> str:
    """The sentences of a text that ask, without those that only state ("我们是青岛的规上企业。近两年投入
    1500万，省里能奖多少？" → the second): what the asker says they are is not what they ask about. The
    whole text when no sentence asks."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    asking = [s for s in sentences if ASKS.search(s)]
    return "。".join(asking) if asking and len(asking) < len(sentences) else text


def asked_level(text: str) -> str:
    """The level of government whose rules a question asks for ("…，市里能奖多少？" → "city"), read in the
    clauses that ask, not in those that state ("被认定为浙江省级数字化车间，…能拿多少？" asks no level): ""
    when they name none or both."""
    asked = " ".join(c for c in _CLAUSE.split(text) if ASKS.search(c))
    province, city = _spoken(PROVINCE_LEVEL, asked), _spoken(CITY_LEVEL, asked)
    return "province" if province and not city else "city" if city and not province else ""


def _spoken(level: re.Pattern[str], text: str) -> bool:
    """The text speaks of that level of government: "省里", "省级财政", "市级配套" — not "省级智能工厂", where
    the level is a title's."""
    return any(not (m.group(0).endswith("级") and not _PAYER.match(text, m.end())) for m in level.finditer(text))


def _summed_levels(text: str, places: tuple[Place, ...], scope: Place | None) -> tuple[str, ...]:
    """A total over a city's award and its province's ("省里奖补加苏州市级配套，一共…"): both regions,
    province first, so that each level's rules are searched on their own."""
    if scope is None or scope.level == "province" or not _TOTAL_ASKED.search(text):
        return ()
    province = gazetteer.province_of(scope.short)
    if not province:
        return ()
    names_province = any(p.level == "province" for p in places) or bool(PROVINCE_LEVEL.search(text))
    names_city = bool(CITY_LEVEL.search(text)) or scope.level in ("city", "county")
    return (province, scope.region) if names_province and names_city and province != scope.region else ()


def _scope(places: tuple[Place, ...]) -> tuple[Place | None, tuple[str, ...]]:
    """One scope when every named place lies on one line of containment, else the places to compare."""
    if not places:
        return None, ()
    regions = list(dict.fromkeys(p.region for p in places))
    innermost = max(places, key=lambda p: _depth(p))
    if all(p == innermost or gazetteer.covers(p.short, innermost.short) or gazetteer.covers(p.region, innermost.region)
           for p in places):
        return innermost, ()
    # places that nest inside another named place are that place's detail (浙江、宁波 → 浙江 and 宁波 both stay)
    return None, tuple(regions)


def _depth(p: Place) -> int:
    return {"province": 0, "city": 1, "county": 2}[p.level]
