"""Conversation state and follow-ups: what a question leaves for the next one, and how a follow-up is
read with it ("那辽宁呢？", "哪个最高？", "这个要交什么材料？", "能拿多少？" after a profile).

The state is small and plain (places, title names, levels, the last standalone question, the facts
the asker stated), so an API client can keep it and send it back instead of the whole history.
Terms come from the gazetteer, from names learned from the index and from the grammar of levels —
never from a list of programmes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.answer.guard import is_english
from assistant.answer.terms import named
from assistant.answer.understand import ASKS, CITY_LEVEL, NOW, PROVINCE_LEVEL, understand
from assistant.core import gazetteer
from assistant.lexical import field_terms

# a place → the field terms and title names its own documents use ("那江苏呢？" does not carry 5G工厂 to a
# province whose documents never speak of one); None: every term carries
Vocabulary = Callable[[str], frozenset[str]]

LEVEL_DEPTH = {"province": 0, "city": 1, "county": 2}
MAX_FACTS = 6  # profile statements kept (the latest win): enough for a profile, bounded for the API
MAX_TEXT = 400  # characters of each text field kept in the state
# administrative levels and tiers are different kinds: 先进级 does not replace 省级
_ADMIN_LEVEL = re.compile(r"国家级|省级|市级|县级|区级|省里|市里|县里|区里")
# tiers of titles (the national 智能工厂 grades, 成熟度 levels 一级…五级)
_TIER = re.compile(r"(?:基础|先进|卓越|领航|标杆|[一二三四五六1-6])级")
_ELLIPTIC = re.compile(r"^(?:那么?|还有|另外|其中|如果|要是|假如|这个|这些|该|它|此|同样|也)|呢[？?]?$|也是这样"
                       r"|^(?:and|what about|how about)\b|\b(?:it|that|those|this one)\b", re.IGNORECASE)
_REFERENT = re.compile(r"这个|这些|这项|该项|它|此项|^该|^此")
_SUPERLATIVE = re.compile(r"哪[个家里].{0,4}最[高低多少长短大小]|最[高低多少长短大小]的是|\bwhich\b.*\b(?:highest|lowest|most|least|longest|shortest)\b",
                          re.IGNORECASE)
_SUPERLATIVE_PART = re.compile(r"[，,]?\s*(?:其中)?哪[个家里一].{0,4}最[高低多少长短大小][^，。？?]{0,6}[？?]?|\bwhich\b[^?]*\b(?:highest|lowest|most|least|longest|shortest)\b[^?]*\??", re.IGNORECASE)
_INTERROGATIVE = re.compile(r"(?:是?多久|是?多少|几[天年个家项级条]|哪些|哪[一个家天里]|什么|怎么|如何|是否|有没有|能否|吗|呢)[^，。]*[？?]?$")
# a statement of the asker's own situation, kept as a fact for later questions about eligibility
_FACT = re.compile(r"我们|我司|本公司|本企业|我厂|公司是|企业是|\bwe are\b|\bour\b", re.IGNORECASE)
_ASKS_FOR_ME = re.compile(r"能拿|能补|能给|能奖|能申|能报|可以申|可以报|想报|想申报|要报|打算报|准备报|够格|符合|多少钱|拿多少|补多少"
                          r"|能享受|\bcan we\b|\bhow much\b",
                          re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)20\d\d\s*年?(?:度)?")
_SITUATION = re.compile(r"(?:以后|之后|以前|之前|的话|时候|时|后)$")
_QUALIFIER = re.compile(r"(?:旧|老|原|新|现行|修订前|修订后|之前|以前|去年|今年|\d{4}年)(?:版|的|办法|规定|政策|标准)?(?:版本)?")
# "现在的门槛": the words of the version in force, dropped when the follow-up asks about another version
_CURRENT = re.compile(rf"(?:{NOW.pattern})的?", NOW.flags)
# "省里呢？" / "市里呢？" said first: the level was given by the place the follow-up moves to
_LEVEL_FIRST = re.compile(rf"^(?:{PROVINCE_LEVEL.pattern}|{CITY_LEVEL.pattern})", PROVINCE_LEVEL.flags)
_SAME = re.compile(r"(?:也|都)?(?:是这样|一样|同样|相同)(?:吗|么)?")


@dataclass(frozen=True)
class State:
    """What the conversation so far leaves for the next question."""

    topic: str = ""  # the last standalone question
    places: tuple[str, ...] = ()  # its places (short forms), in order
    names: tuple[str, ...] = ()  # title and project names in it (learned from the index)
    levels: tuple[str, ...] = ()  # 省级 / 先进级 …
    facts: tuple[str, ...] = field(default=())  # what the asker said about their enterprise

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any] | None) -> State:
        """A state sent back by a client: unknown keys ignored, every text bounded."""
        if not d:
            return State()

        def texts(key: str, limit: int) -> tuple[str, ...]:
            value = d.get(key) or ()
            if isinstance(value, str):
                value = (value,)
            return tuple(str(v)[:MAX_TEXT] for v in list(value)[:limit])

        return State(topic=str(d.get("topic") or "")[:MAX_TEXT], places=texts("places", 8), names=texts("names", 8),
                     levels=texts("levels", 8), facts=texts("facts", MAX_FACTS))


def levels_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_ADMIN_LEVEL.findall(text) + _TIER.findall(text)))


def is_follow_up(question: str, state: State) -> bool:
    """Leans on the previous question: elliptical, or too short to stand alone."""
    if not state.topic:
        return False
    return bool(_ELLIPTIC.search(question.strip())) or len(question.strip()) < 10 or bool(_SUPERLATIVE.search(question))


def asks_for_me(question: str) -> bool:
    """Asks what the asker's own enterprise can get or apply for ("能补多少？")."""
    return bool(_ASKS_FOR_ME.search(question))


def is_statement(text: str) -> bool:
    """A turn that states facts rather than asks ("我们是宁波的规上企业，…。")."""
    return bool(_FACT.search(text)) and not ASKS.search(text)


def standalone(question: str, state: State, names: frozenset[str], vocabulary: Vocabulary | None = None) -> str:
    """The question as it would be asked on its own, given the conversation's state; with `vocabulary`,
    a follow-up that moves to another place leaves behind the terms that place's documents never use."""
    q = question.strip()
    facts = " ".join(state.facts)
    if not is_follow_up(q, state):
        if facts and _ASKS_FOR_ME.search(q):
            return f"{facts} {q}"
        return _carried(q, state, names)
    if _SUPERLATIVE.search(q):  # "哪个最高？" after a comparison: the comparison, asked for its extreme
        return f"{state.topic} {q}"
    if is_english(q) and not gazetteer.places_in(q):
        # "And for a basic one?": English has no counterparts to put in place; the last question with the new words
        return f"{state.topic} {q}"
    if state.facts and _ASKS_FOR_ME.search(q) and not gazetteer.places_in(q):
        return f"{facts} {_strip(q)}"  # the profile stays; the new figures ("研发费用占营收4%") are added
    if _FACT.search(q):  # "如果我们是高新技术企业…呢？": the last question again, with the new facts
        return f"{facts} {state.topic} {_strip(q)}".strip()
    text = _rewrite(_strip(q), q, state, names, vocabulary)
    return f"{facts} {text}" if facts and _ASKS_FOR_ME.search(text) else text


def for_search(question: str) -> str:
    """The question as searched: "…分别多长？ 哪个最短？" without the superlative, which the composer applies to
    what is found (its words match list rows and other figures, not the clauses compared)."""
    text = _SUPERLATIVE_PART.sub("", question).strip()
    return text if len(text) >= 4 else question


def _rewrite(core: str, q: str, state: State, names: frozenset[str], vocabulary: Vocabulary | None = None) -> str:
    """The topic with the follow-up's own terms put in place of their counterparts ("那辽宁的先进级智能工厂
    呢？"), or the topic's subject with a new attribute ("那有效期呢？")."""
    own_places = _places_with_zones(core) or _level_place(core, state)
    own_names = named(core, names)
    own_levels = levels_in(core)
    if not (own_places or own_names or own_levels) and _REFERENT.search(q):
        # "这个要交什么材料？": the topic's subject, the new question
        return " ".join([*state.places, *state.levels, *state.names, _REFERENT.sub("", core).strip()])
    text = state.topic
    if own_places and not _YEAR.search(core):
        text = _YEAR.sub("", text)  # "四川2025年…" → "辽宁…": the year was the other place's notice
    text = _replace(text, state.places, own_places)
    admin = [x for x in own_levels if _ADMIN_LEVEL.fullmatch(x)]
    tiers = [x for x in own_levels if not _ADMIN_LEVEL.fullmatch(x)]
    old_tiers = [x for x in state.levels if not _ADMIN_LEVEL.fullmatch(x)]
    if tiers and not old_tiers and own_names:  # "那辽宁的先进级智能工厂呢？": the tier goes with its title
        own_names, tiers = ["".join(tiers) + own_names[0], *own_names[1:]], []
    text = _replace(text, [x for x in state.names if x not in core], own_names)
    text = _replace(text, [x for x in state.levels if _ADMIN_LEVEL.fullmatch(x)], admin)
    text = _replace(text, old_tiers, tiers)
    if own_places and vocabulary is not None and [p for p in own_places if p not in state.places]:
        text = _unused_dropped(text, core, own_places, names, vocabulary)
    rest = core
    for t in [*own_places, *own_names, *own_levels]:
        rest = rest.replace(t, "")
    rest = _SAME.sub("", rest).strip("的 ，,")  # "安徽也是这样吗？": the same question for 安徽
    rest = "" if rest and rest in state.topic else rest  # "那辽宁的智能工厂申报呢？": 申报 was asked already
    rest = _LEVEL_FIRST.sub("", rest).strip("的 ")  # said by the place already
    if not rest:
        return text
    if _QUALIFIER.fullmatch(rest):  # "旧办法呢？", "2023年的呢？": the same question, of that version
        return f"{rest} {_CURRENT.sub('', text)}"  # "现在的门槛" was the other version's
    # "那有效期呢？": the new attribute with the topic's subject and its way of asking (是多久);
    # "到期以后呢？" is a situation, not an attribute
    subject = " ".join([*(own_places or state.places), *(own_levels or state.levels), *(own_names or state.names)])
    tail = _INTERROGATIVE.search(state.topic)
    asks = tail is not None and not ASKS.search(rest) and not _SITUATION.search(rest)
    return f"{subject} {rest}{tail.group(0) if asks and tail else ''}".strip()


def _unused_dropped(text: str, core: str, places: list[str], names: frozenset[str], vocabulary: Vocabulary) -> str:
    """The rewritten question without the terms carried from the last one that none of the new places'
    documents use: "广东5G工厂拟认定名单公示多久？" → "那江苏呢？" asks how long 江苏 publicises, not about a
    5G工厂 or a 名单 that 江苏's documents never mention. The follow-up's own words always stay."""
    used = frozenset().union(*(vocabulary(p) for p in places))
    if not used:
        return text  # the place has no documents of its own: nothing to judge by (said elsewhere)
    carried = [t for t in dict.fromkeys([*names, *field_terms()]) if t in text and t not in core]
    # the longest first, so that a title goes whole before the words inside it are looked at
    for t in sorted(carried, key=len, reverse=True):
        if t in text and t not in used and not any(t in u for u in used if len(u) > len(t)):
            text = text.replace(t, "")
    return text


def _level_place(core: str, state: State) -> list[str]:
    """"省里呢？" after a city's question: its province; "市里呢？" after a province and city: the city."""
    places = [gazetteer.lookup(p) for p in state.places]
    known = sorted((p for p in places if p is not None), key=lambda p: LEVEL_DEPTH[p.level])
    if PROVINCE_LEVEL.search(core) and known:
        deepest = known[-1]  # 青岛 of (山东, 青岛): its province
        return [deepest.province] if deepest.level != "province" else []
    if CITY_LEVEL.search(core):
        cities = [p.short for p in known if p.level != "province"]
        return cities[-1:] if cities and len(state.places) > 1 else []
    return []


def _carried(q: str, state: State, names: frozenset[str]) -> str:
    """A question that names no place after one that did is about the same place ("基础级的能拿省里的
    奖励吗？"); one that points back ("它", "这个") also keeps the title. National questions stand alone."""
    if not (state.topic or state.places) or understand(q).national:
        return q  # (a turn that only stated facts, "我们是南京的…企业。", leaves places and no topic)
    add: list[str] = []
    if state.places and not gazetteer.places_in(q):
        add += state.places
    if _REFERENT.search(q) and not named(q, names):
        add += state.names
    return f"{' '.join(add)} {q}" if add else q


def update(state: State, question: str, asked: str, names: frozenset[str]) -> State:
    """The state after `question` (asked as `asked`, its standalone form)."""
    if is_statement(question):
        return State(state.topic, state.places, state.names, state.levels,
                     (*state.facts, question.strip()[:MAX_TEXT])[-MAX_FACTS:])
    facts = " ".join(state.facts)
    if facts and asked.startswith(facts):  # the topic is the question; the facts are kept apart
        asked = asked[len(facts):].strip()
    places = tuple(p.short for p in gazetteer.places_in(f"{facts} {asked}")) or state.places
    # the titles asked keep being the subject while the place stays; a question moved to another place
    # without them left them behind (standalone drops the ones that place's documents never use)
    kept = state.names if places == state.places else ()
    return State(topic=asked[:MAX_TEXT], places=places, names=tuple(named(asked, names)) or kept,
                 levels=levels_in(asked) or state.levels, facts=state.facts)


def replay(history: list[tuple[str, str]] | tuple[tuple[str, str], ...], names: frozenset[str]) -> State:
    """The state a history leads to (for clients that send history and no state)."""
    state = State()
    for user, _ in history:
        state = update(state, user, standalone(user, state, names), names)
    return state


# development zones named after their place (长春新区, 苏州工业园区) are places of their own in the documents
_ZONE = r"(?:国家级)?(?:新区|高新区|高新技术产业开发区|经济技术开发区|经开区|开发区|工业园区|园区|自贸区|保税区)"


def _places_with_zones(text: str) -> list[str]:
    """The places a text names, a development zone with its place's name kept whole (长春新区)."""
    out = []
    for m in gazetteer.mentions(text):
        zone = re.match(_ZONE, text[m.end:])
        out.append(text[m.start:m.end] + zone.group(0) if zone else m.place.short)
    return out


def _strip(q: str) -> str:
    """A follow-up without its connective words: "那辽宁的先进级智能工厂呢？" → "辽宁的先进级智能工厂"."""
    q = re.sub(r"^(?:那么?|还有|另外|如果|要是|假如|同样)[，,]?", "", q.strip())
    return re.sub(r"(?:的呢|呢|怎么样|如何)?[？?。]*$", "", q).strip()


def _replace(text: str, old: list[str] | tuple[str, ...], new: list[str]) -> str:
    """Replace the first old term by the new ones (further old terms dropped); add new terms if none."""
    if not new:
        return text
    if not old:
        return f"{''.join(new)} {text}"
    text = text.replace(old[0], "、".join(new), 1)
    for o in old[1:]:
        text = text.replace(o, "", 1)
    return text
