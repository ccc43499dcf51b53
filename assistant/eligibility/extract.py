"""Free Chinese text → a Profile, with a note for every value filled in.

"我们是黑龙江注册一年的规上企业，能申请数字化车间吗？" is read as province 黑龙江, one year as a
legal entity, 规上, an enterprise, asking about 数字化车间. Extraction is rule-based (regular
expressions over a closed vocabulary), so every value it fills in is listed in the notes it
returns and can be shown back to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.core import gazetteer
from assistant.eligibility import INDUSTRY_MAP, PROFILE_FIELDS, Profile, describe
from assistant.eligibility.measures import read_measures
from assistant.eligibility.vocabulary import canonical_title

__all__ = ["cn_number", "held_title_spans", "parse_profile"]

_NUM = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+"
_CN_DIGIT = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CLAUSE_END = "，。,；;？?！!\n"
_NEGATION = re.compile(r"(无|没有|没|未|不是|非|不存在|从未|未曾|不属于|并非)[^，。,；;？?]{0,4}$")


def cn_number(text: str) -> float | None:
    """Read 3, 2.5, 两, 十二, 三百, 一千二百, 1.2万 as a number; None when it is not one."""
    text = text.strip()
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return float(text)
    total, section, digit = 0.0, 0.0, -1.0
    for ch in text:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (digit if digit >= 0 else 1) * _CN_UNIT[ch]
            digit = -1
        elif ch == "万":
            total += (section + max(digit, 0)) * 10_000
            section, digit = 0.0, -1
        else:
            return None
    return total + section + max(digit, 0) if text else None


_YEARS = re.compile(
    rf"(?:注册|成立|设立|创立|创办|组建|独立法人(?:资格)?|法人资格)(?:了|已经|已|至今|有|满)*\s*"
    rf"(?P<q>不到|不满|未满|不足|超过|已满|满|近|约)?\s*(?P<n>{_NUM}|半)\s*(?:个)?\s*(?P<more>多)?\s*年"
)
_YEARS_BEFORE = re.compile(rf"(?P<n>{_NUM}|半)\s*(?:个)?\s*年(?:多)?前(?:注册|成立|设立)")
_INVEST = re.compile(
    rf"(?:总投资|投资额|投资|投入|软硬件投入|花了|投了)(?:了|约|额|共|计|达|为|规模|近|超过|大概)*\s*"
    rf"(?P<n>{_NUM})\s*(?P<unit>万|亿)"
)
_MATURITY = re.compile(
    r"(?:成熟度|CMMM|39116)[^，。,；;？?]{0,10}?(?P<neg>未达到?|没达到?|不到)?\s*(?P<n>[一二三四五1-5])\s*级"
    r"|(?P<n2>[一二三四五1-5])\s*级\s*成熟度",
    re.I,
)
_SME = re.compile(
    r"数字化水平[^，。,；;？?成熟度]{0,10}?(?P<neg>未达到?|没达到?|不到)?\s*(?P<n>[一二三四1-4])\s*级"
)
_SCALE_NO = re.compile(r"规下|规模以下|非规上|不是规上|不属于规上|不是规模以上|未达到?规上|还没.{0,2}规上")
_SCALE_YES = re.compile(r"规上|规模以上")
_LOCAL_GOV = re.compile(r"我市|我们市|市政府|市人民政府|地市政府|我区政府")
_ENTERPRISE = re.compile(r"企业|公司|集团|我司|我厂|工厂")
_BRANCH = re.compile(r"分支机构|分公司|不是独立法人|非独立法人|没有独立法人")
_INCIDENT = re.compile(r"(?:重大|特大|安全|环保|环境|生产)[^，。,；;？?]{0,6}事故|出过事故|发生过事故")
_NO_TITLES = re.compile(r"(?:没有|无|尚无|还没有|未获得?|没获得?|没拿到?)(?:任何)?(?:称号|荣誉|认定)")
_HELD = re.compile(
    r"(已经?|获评|获得|荣获|被?认定为|被?评为|拥有|建有|入选|承担过|有(?:一|1|两|2)?个|是)[^，。,；;？?]{0,8}$"
)
_WANTS = re.compile(r"申报|申请|争创|创建|想|要|准备|能否|能不能|可以|可否|是否")
# Title shapes people name (general words of the field, no place): pattern → the title as written
# ("" keeps the words matched). A place in the title is left to the rule it is checked against
# (engine.same_title: a 黑龙江 company's 先进级数字化车间 is 黑龙江省先进级数字化车间).
_TITLE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"数字化[（(]智能[)）]示范车间"), "数字化（智能）示范车间"),
    (re.compile(r"(?<=省级)(?:基础级|先进级)数字化车间|(?:基础级|先进级)数字化车间"), ""),
    (re.compile(r"省级数字化车间"), ""),
    (re.compile(r"(?:基础级|先进级|卓越级|领航级)智能工厂"), ""),
    (re.compile(r"省级智能工厂"), ""),
    (re.compile(r"示范工厂(?:揭榜单位|揭榜任务)?"), "国家级智能制造示范工厂"),
    (re.compile(r"优秀场景"), "国家级智能制造优秀场景"),
    (re.compile(r"链主企业|链主"), "产业链链主企业"),
    (re.compile(r"(?:国家级)?专精特新[“\"]?小巨人[”\"]?(?:企业)?|little[ -]giant", re.I), "国家级专精特新“小巨人”企业"),
    (re.compile(r"省级专精特新(?:中小企业|企业)?|专精特新中小企业"), "省级专精特新中小企业"),
    (re.compile(r"高新技术企业|高企"), "高新技术企业"),
]
_PROJECT = re.compile(
    r"(?:建设?|新建|打造|改造|做|上|投资)(?:了|一个|一条|个|条)?(?P<a>数字化车间|生产线|智能工厂|未来工厂)"
    r"|(?<!级)(?P<b>数字化车间|生产线|智能工厂|未来工厂)(?:项目|建设)"
)


@dataclass
class _Reader:
    """Collects values and the notes that explain them while one text is read."""

    text: str
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def put(self, name: str, value: Any, why: str = "") -> None:
        self.values[name] = value
        shown = describe(name, value)
        self.notes.append(f"{PROFILE_FIELDS[name].label}：{shown}" + (f"（据“{why}”）" if why else ""))


def parse_profile(text: str) -> tuple[Profile, list[str]]:
    """Extract what a Chinese question says about the enterprise.

    Args:
        text: e.g. "我们是黑龙江注册一年的规上企业，能申请数字化车间吗？"

    Returns:
        (profile, notes): the profile (fields not mentioned stay unknown) and one note per value
        filled in or per ambiguity, in Chinese, to show back to the user.
    """
    reader = _Reader(text)
    steps = (_region, _years, _scale, _applicant, _industry, _levels, _credit, _grades, _incident, _investment,
             _titles, _project, _figures)
    for step in steps:
        step(reader)
    return Profile.from_dict(reader.values), reader.notes


def _region(r: _Reader) -> None:
    """The first province and city the text names (gazetteer); a city fills in its province."""
    places = gazetteer.places_in(r.text)
    provinces = [p.short for p in places if p.level == "province"]
    cities = [p for p in places if p.level != "province"]
    if provinces:
        r.put("province", provinces[0])
        if len(set(provinces)) > 1:
            r.notes.append(f"提到多个省份（{'、'.join(dict.fromkeys(provinces))}），按第一个“{provinces[0]}”理解")
    if cities:
        city = cities[0]
        if provinces and city.province != provinces[0]:
            r.notes.append(f"“{city.short}”不在{provinces[0]}，未作为企业所在城市")
            return
        r.put("city", city.region, city.short)
        if not provinces:
            r.put("province", city.province, city.short)


def _years(r: _Reader) -> None:
    if branch := _BRANCH.search(r.text):
        r.put("independent_legal_entity", False, branch.group(0))
        return
    m = _YEARS.search(r.text)
    if m is None:
        m = _YEARS_BEFORE.search(r.text)
    if m is None:
        if "独立法人" in r.text and not _NEGATION.search(r.text[: r.text.index("独立法人")]):
            r.put("independent_legal_entity", True, "独立法人")
        return
    n = 0.5 if m.group("n") == "半" else cn_number(m.group("n"))
    if n is None:
        return
    qualifier = m.groupdict().get("q") or ""
    if qualifier in ("不到", "不满", "未满", "不足", "近"):
        n = max(n - 0.5, 0.0)
        r.notes.append(f"“{m.group(0)}”按 {_shown(n)} 年计")
    r.put("legal_entity_years", n, m.group(0))


def _scale(r: _Reader) -> None:
    if m := _SCALE_NO.search(r.text):
        r.put("above_scale", False, m.group(0))
    elif m := _SCALE_YES.search(r.text):
        r.put("above_scale", True, m.group(0))


def _applicant(r: _Reader) -> None:
    if m := _LOCAL_GOV.search(r.text):
        r.put("applicant_kind", "地市", m.group(0))
    elif m := _ENTERPRISE.search(r.text):
        r.put("applicant_kind", "企业", m.group(0))


# Industry words that are often part of something else: skip them after these characters
# ("智能化工厂" is not 化工, "一家电子企业" is not 家电).
_FALSE_INDUSTRY = {"化工": "能字息动型", "家电": "一这那某每几两"}


def _industry(r: _Reader) -> None:
    hits = []
    for word in INDUSTRY_MAP:
        for m in re.finditer(re.escape(word), r.text):
            if m.start() > 0 and r.text[m.start() - 1] in _FALSE_INDUSTRY.get(word, ""):
                continue
            hits.append(word)
    if hits:
        r.put("industry", max(hits, key=len))


def _levels(r: _Reader) -> None:
    if m := _MATURITY.search(r.text):
        level = int(cn_number(m.group("n") or m.group("n2")) or 0)
        if m.group("neg"):
            level = 0 if level <= 1 else level - 1
            r.notes.append(f"“{m.group(0)}”按成熟度{describe('maturity_level', level)}计")
        r.put("maturity_level", level, m.group(0))
    if m := _SME.search(r.text):
        level = int(cn_number(m.group("n")) or 0)
        if m.group("neg"):
            level = 0 if level <= 1 else level - 1
        r.put("sme_digital_level", level, m.group(0))


def _clause_before(text: str, start: int, width: int) -> str:
    """Up to `width` characters before `start`, not reaching back past a clause end."""
    return re.split(f"[{_CLAUSE_END}]", text[max(0, start - width): start])[-1]


def _flag(r: _Reader, name: str, pattern: str) -> None:
    m = re.search(pattern, r.text)
    if m is None:
        return
    before = _clause_before(r.text, m.start(), 8)
    r.put(name, _NEGATION.search(before) is None, before + m.group(0))


def _credit(r: _Reader) -> None:
    if re.search(r"信用(?:记录)?(?:良好|很好|没问题|正常)", r.text):
        r.put("dishonest_debtor", False, "信用良好")
        r.put("abnormal_operation", False, "信用良好")
    _flag(r, "dishonest_debtor", r"失信")
    _flag(r, "abnormal_operation", r"经营异常")
    _flag(r, "violation_record", r"违法违规|违规记录|违法记录")


# a grade said after its field's words: 纳税信用A级, 纳税信用等级为B, 亩均效益评价A类 (a few words between)
_GRADE = r"(?:{terms})[^，。；,;\dA-Za-z]{{0,8}}?(?<![A-Za-z])([A-Z])(?![A-Za-z])\s*(?:级|类)?"


def _grades(r: _Reader) -> None:
    """Choice fields graded by one letter (A/B/M/C/D, fields.yaml `allowed`), read after their terms."""
    for spec in PROFILE_FIELDS.values():
        if spec.kind != "choice" or not spec.terms or spec.name in r.values \
                or not all(len(a) == 1 and a.isupper() for a in spec.allowed):
            continue
        m = re.search(_GRADE.format(terms="|".join(map(re.escape, spec.terms))), r.text)
        if m is not None and m.group(1) in spec.allowed:
            r.put(spec.name, m.group(1), m.group(0))


def _incident(r: _Reader) -> None:
    m = _INCIDENT.search(r.text) or re.search(r"事故", r.text)
    if m is None:
        return
    before = _clause_before(r.text, m.start(), 10)
    negated = _NEGATION.search(before) is not None
    if not negated and m.group(0) == "事故":
        return  # a bare "事故" without a negation says too little
    r.put("major_incident_3y", not negated, before + m.group(0))


def _investment(r: _Reader) -> None:
    m = _INVEST.search(r.text)
    if m is None:
        return
    n = cn_number(m.group("n"))
    if n is None:
        return
    r.put("investment_wan", n * (10_000 if m.group("unit") == "亿" else 1), m.group(0))


# any other title said to be held: 被评为江苏省级智能制造示范车间, 已入选…名单 (as written)
_HELD_TITLE = re.compile(
    r"(?:被|已|刚被|已经)?(?:认定为|评为|评上|获评|入选|荣获)了?(?P<x>[^，。；、？?！!]{2,24}?(?:车间|工厂|生产线|场景|名单))"
)


_AND_TITLE = re.compile(r"(?:和|及|、|与)(?P<x>[^，。；、？?！!和及与]{2,24}?(?:车间|工厂|生产线|场景|名单))")


def held_title_spans(text: str, province: str | None = None) -> list[tuple[int, int, str | None]]:
    """(start, end, title) of every title the text says is already held.

    `province` is accepted for callers that pass it; titles are read the same everywhere.
    """
    spans: list[tuple[int, int, str | None]] = []
    for pattern, title in _TITLE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e, _ in spans):
                continue  # inside a longer title already found ("先进级数字化车间" ⊃ "数字化车间")
            before = _clause_before(text, m.start(), 10)
            if _HELD.search(before) and not _WANTS.search(before) and not _NEGATION.search(_without_places(before)):
                spans.append((m.start(), m.end(), canonical_title(title or m.group(0))))
    for m in _HELD_TITLE.finditer(text):
        if _WANTS.search(_clause_before(text, m.start(), 10)):
            continue
        found = [(m.start("x"), m.end())]
        while (more := _AND_TITLE.match(text, found[-1][1])) is not None:  # X和Y: both held
            found.append((more.start("x"), more.end()))
        for start, end in found:
            if not any(s <= start < e or start <= s < end for s, e, _ in spans):
                spans.append((start, end, canonical_title(text[start:end])))
    return spans


# Titles that say what the enterprise is (高新技术企业, 小巨人): named as the asker's own, they are held
# even without 已获/是 before them ("我们是宁波的规上企业，高新技术企业，…").
_IDENTITY = ("国家级专精特新“小巨人”企业", "省级专精特新中小企业", "高新技术企业")


def _identity_titles(text: str, taken: list[tuple[int, int, str | None]]) -> list[str]:
    out = []
    for pattern, title in _TITLE_PATTERNS:
        if title not in _IDENTITY:
            continue
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e, _ in taken):
                continue
            before = _without_places(_clause_before(text, m.start(), 10))
            if not _WANTS.search(before) and not _NEGATION.search(before):
                out.append(title)
                break
    return out


def _without_places(text: str) -> str:
    """Place names blanked out, so 无锡 is not read as 无 (a negation)."""
    for m in reversed(gazetteer.mentions(text)):
        text = text[: m.start] + "　" * (m.end - m.start) + text[m.end:]
    return text


def _titles(r: _Reader) -> None:
    if none := _NO_TITLES.search(r.text):
        r.put("titles", (), none.group(0))
        return
    spans = held_title_spans(r.text)
    titles = tuple(dict.fromkeys([t for _, _, t in spans if t] + _identity_titles(r.text, spans)))
    if titles:
        r.put("titles", titles)


def _project(r: _Reader) -> None:
    if "设备更新" in r.text:
        r.put("project_kind", "设备更新", "设备更新")
    elif m := re.search(r"技术改造|技改", r.text):
        r.put("project_kind", "技术改造", m.group(0))
    elif m := _PROJECT.search(r.text):
        r.put("project_kind", m.group("a") or m.group("b"), m.group(0))


# fields other steps read with their own grammar (注册N年, 成熟度N级); investment too (投资N万), but a
# figure before its words ("600万的数字化改造") is left to the generic reader
_READ_ELSEWHERE = {"legal_entity_years", "maturity_level", "sme_digital_level"}


def _figures(r: _Reader) -> None:
    """Any other figure the text states for a field of fields.yaml (营收8000万, 数控化率70%)."""
    for m in read_measures(r.text, PROFILE_FIELDS, skip=_READ_ELSEWHERE | set(r.values)):
        r.put(m.field, m.value, m.words)


def _shown(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
