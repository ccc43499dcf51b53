"""Is a figure's passage about what was asked: its place, year, purpose, and the titles named?"""

from __future__ import annotations

import re

from assistant.answer.compose.sentences import EACH, THRESHOLD_S, asks_minimum
from assistant.answer.guard import is_english
from assistant.answer.understand import asked_level, asked_part
from assistant.core import gazetteer
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk

RULE_KINDS = ("policy", "local_policy")
_ASKED_TWICE = re.compile(r"多少|几[个家项年级]|\bhow (?:many|much)\b")
_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
_DEADLINE_Q = re.compile(r"截止|截至|deadline", re.I)  # the homophone corrector may turn 截止 into the documents' 截至
_DEADLINE_S = re.compile(r"截止|截至|之前|前完成|前推荐|前报|日前|月底前|前提交|前申报")
PURPOSE = re.compile(r"奖|补|资助|贴息")
_LOCAL_LEVEL = re.compile(r"省级|市级|县级|区级|本省|本市")


def focus(question: str, terms: tuple[str, ...]) -> list[str]:
    """The subject terms the question names, the longest where one contains another; a sentence that
    only states who the asker is ("我们是青岛的规上企业。") names none: a passage need not speak of 规上企业."""
    q = normalize_for_match(asked_part(question))
    found = [t for t in terms if t in q]
    return [t for t in found if not any(t != o and t in o for o in found)]


def about_subject(c: Chunk, sentence: str, focus: list[str], region: str, question: str, kind: str | None,
                  covering: bool = False) -> bool:
    """Does the figure's passage speak of the question's subject (its terms, place, year and purpose)?
    With `covering`, the rules of the place's province count as the place's too (a total of both levels)."""
    # a rule document's headings (its own title included) name what its clauses are about; a register's
    # or compilation's do not: only the clause's own headings count there
    headings = c.doc.title + c.section if c.doc.kind in RULE_KINDS else " ".join(c.section.split(" > ")[-2:])
    hay = normalize_for_match(headings + c.text)
    in_place = _in_place(c, hay, region, question) or (covering and gazetteer.covers(c.doc.region, region))
    if not in_place or _of_another_place(c, sentence, region, question):
        return False
    years = set(_YEAR.findall(question))
    for text in (sentence, hay):  # asked about 2021: a sentence (or passage) of other years is not it
        if years and _YEAR.search(text) and not any(y in text for y in years):
            return False
    if kind in ("amount", "ratio") and asks_minimum(question):
        if not THRESHOLD_S.search(sentence):
            return False  # asked for a minimum; a rate of reward is not one
    elif kind in ("amount", "ratio") and PURPOSE.search(question) and not PURPOSE.search(sentence):
        return False  # asked what is paid; a threshold such as 投入不低于3000万元 is not an answer
    if kind == "date" and _DEADLINE_Q.search(question) and not _DEADLINE_S.search(sentence):
        return False  # asked for a deadline; a publication date is not one
    if is_english(question):
        return True  # an English question's Chinese terms are the glossary's translations, not the documents' words
    # "多少家示范工厂、多少个优秀场景", "贷款贴息和担保费补助的期限各是多久": each figure is about one of them
    if len(_ASKED_TWICE.findall(question)) >= 2 or EACH.search(question):
        return not focus or any(t in hay for t in focus)
    return all(t in hay for t in focus)


def _of_another_place(c: Chunk, sentence: str, region: str, question: str) -> bool:
    """"…，省里能奖多少？" and the passage is a city's: its own award is not the province's. A register's line
    about 黑龙江 is no answer about 辽宁, though another line of the passage names 辽宁."""
    if asked_level(question) == "province":
        place = gazetteer.lookup(c.doc.region) if c.doc.region else None
        if place is not None and place.level != "province":
            return True
    return bool(region) and c.doc.region in ("全国", "") and names_only_other_places(sentence, region)


def _in_place(c: Chunk, hay: str, region: str, question: str) -> bool:
    if not region:
        return True
    if c.doc.region not in (region, "全国", "") and region not in hay:
        return False
    if c.doc.region in ("全国", ""):
        if _LOCAL_LEVEL.search(question):
            return False  # "厦门市级…" is not answered by a national figure
        if names_only_other_places(hay, region):
            return False  # a register's line about 马鞍山 is not an answer about 辽宁
    return True


def names_only_other_places(text: str, region: str) -> bool:
    """The text names places, and none of them is `region`, inside it or containing it."""
    places = gazetteer.places_in(text)
    return bool(places) and not any(p.short == region or p.region == region or gazetteer.covers(p.short, region)
                                    or gazetteer.covers(region, p.short) for p in places)
