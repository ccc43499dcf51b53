"""Draft programmes from a 认定办法 / 奖补办法 / 申报通知: one per title, level or support item it names.

`draft_document` reads the document's sentences (clauses.read_sentences) and returns `DraftProgramme`s:
criteria from its condition clauses (typed by conditions.type_sentence, else qualitative), reward
rules (rewards.read_rewards), the 申报材料 list, the steps, deadline and validity, every item with
its clause and a verbatim quote. `to_programme_data` writes a draft in the programme YAML schema
(`draft: true`) that the strict loader reads; `flat_view` is the `--json` view for tools.
Nothing here knows any particular document: the rules are the grammar of official texts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core import gazetteer
from assistant.core.text import normalize_for_match
from assistant.eligibility.clauses import Sentence, read_sentences, sentences_of_sections, strip_marker
from assistant.eligibility.conditions import Drafted, Home, fit_quote, quote_around, type_sentence
from assistant.eligibility.fields import FieldSpec, base_fields
from assistant.eligibility.rewards import LOWERED_FOR, Reward, read_rewards
from assistant.eligibility.subjects import Subjects, declared, label_subject, path_subject, title_subject

__all__ = [
    "DocInfo", "DraftProgramme", "doc_info", "draft_document", "draft_file", "draft_sentences", "flat_view",
    "statement_of", "to_programme_data",
]

# Sections whose sentences are never conditions of eligibility: what happens after recognition,
# what to hand in, how the procedure runs, who to call.
_NOT_CONDITIONS = re.compile(
    r"撤销|取消其|收回|追回|不得再次申报|名额|推荐数量|申报材料|以下材料|材料包括|程序|流程|监督|联系|附则|"
    r"有效期|复核|动态管理|公示|拨付|兑现方式|时间安排|申报时间"
)
_REVOKING = re.compile(r"撤销|取消|收回|追回")  # a list lead of what happens after recognition
_SKIP_SENTENCE = re.compile(r"撤销|追回|收回|骗取|弄虚作假|不得再次|优先|鼓励|可结合")
# a list whose lead or heading says it lists conditions: its untyped items are qualitative criteria
_CONDITION_LIST = re.compile(r"条件|以下标准|要求")
# the lead of a list of what rules an applicant out (有下列情况的企业，不得申请、推荐和认定：)
_EXCLUDING = re.compile(r"(?:下列|以下)[^：]{0,12}(?:的|之一的)?[^：]{0,8}不得(?:申请|申报|推荐)|不予(?:受理|推荐|支持)")
_MATERIALS = re.compile(r"申报材料|以下材料|材料包括|提交.{0,6}材料")
_STEPS = re.compile(r"程序|流程|申报和审核|申报和兑现|兑现方式|申报方式|申报时间和方式|申报和资金下达")
_DEADLINE = re.compile(
    r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:\s*(?P<t>\d{1,2}[:：]\d{2}))?前"
    r"|申报时间为(?P<y2>\d{4})年\d{1,2}月\d{1,2}日至(?:(?P<y3>\d{4})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
_TITLE_VALIDITY = re.compile(r"(?:称号|认定)?有效期(?:为)?(?P<n>[0-9一二三四五六七八九十]+)年")
_POLICY_VALIDITY = re.compile(r"有效期至\d{4}年\d{1,2}月\d{1,2}日|施行[^。]{0,12}有效期(?:为)?[0-9一二三四五]+年")
_RECOGNITION_DOC = re.compile(r"认定|申报|培育|评定")
# a document about paying for titles others confer (奖励标准, 奖补资金管理办法, 支持…若干政策): unless it
# also recognises (认定及奖励办法), its programmes are rewards, each paid to holders of its title
_REWARD_DOC = re.compile(r"奖励|奖补|补助|资金|支持")
_RECOGNISES = re.compile(r"认定|评定")
_TITLE_ENDS = ("车间", "工厂", "生产线", "场景", "单位", "名单", "供应商")  # a title held, not a project paid for
_OWN_LEVEL = {"province": ("省级", "省"), "city": ("市级", "市")}


@dataclass(frozen=True)
class DocInfo:
    """What the drafter needs to know about the document as a whole."""

    title: str
    doc_no: str = ""
    region: str = ""  # short form: 浙江, 宁波
    level: str = ""  # province | city | national
    source: str = ""  # file path or doc id


@dataclass
class DraftProgramme:
    """One drafted programme: its criteria, rewards, notes, materials, steps, deadline and validity."""

    id: str
    title: str
    name: str
    region: str
    level: str
    kind: str
    doc: DocInfo
    criteria: list[tuple[Drafted, str]] = field(default_factory=list)  # (condition, clause)
    lowered: dict[int, tuple[str, float, str, str]] = field(default_factory=dict)  # criterion → (who, 万元, quote, clause)
    rewards: list[tuple[Reward, str, list[Drafted]]] = field(default_factory=list)  # (rule, clause, when)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, quote, clause)
    materials: list[str] = field(default_factory=list)
    materials_clause: str = ""
    steps: list[str] = field(default_factory=list)
    steps_clause: str = ""
    deadline: dict[str, str] | None = None
    validity: dict[str, str] | None = None


def _home(info: DocInfo) -> Home:
    place = gazetteer.lookup(info.region) if info.region else None
    if place is None:
        return Home()
    if place.level == "province":
        return Home(province=place.short)
    return Home(province=place.province, city=place.region)


def doc_info(title: str, doc_no: str = "", source: str = "") -> DocInfo:
    """The document's place and level, read from its title (the issuer's place comes first)."""
    places = gazetteer.places_in(title)
    if not places:
        return DocInfo(title, doc_no, "", "", source)
    p = places[0]
    level = "province" if p.level == "province" else "city"
    return DocInfo(title, doc_no, p.region, level, source)


@dataclass
class _Collected:
    common: list[tuple[Drafted, str, str]] = field(default_factory=list)  # (condition, clause, annex)
    own: dict[str, list[tuple[Drafted, str]]] = field(default_factory=dict)
    rewards: dict[str, list[tuple[Reward, str, list[Drafted]]]] = field(default_factory=dict)
    raises: list[tuple[Reward, str, list[Drafted], list[str]]] = field(default_factory=list)
    lowered: list[tuple[str, float, str, str, str]] = field(default_factory=list)  # (who, 万元, words, quote, clause)
    notes: list[tuple[str, str, str]] = field(default_factory=list)


def _cells(s: Sentence) -> tuple[str, list[str], list[str]]:
    """A reward table row: (subject cell, condition cells, reward cells)."""
    cells = list(s.cells)
    subject = cells[0][1] if cells else ""
    conds = [v for k, v in cells[1:] if "条件" in k or "要求" in k]
    pays = [v for k, v in cells[1:] if re.search(r"奖|补|金额|标准|支持", k)]
    return subject, conds, pays


def _collect_subjects(sentences: Sequence[Sentence], info: DocInfo) -> Subjects:
    own = list(_OWN_LEVEL.get(info.level, ()))
    if info.region:
        place = gazetteer.lookup(info.region)
        if place is not None:
            own += [place.name, place.short + ("省" if place.level == "province" else "市")]
    subjects = Subjects(own_level=tuple(own))
    whole = normalize_for_match(info.title)
    for s in sentences:
        annex = annex_of(s)
        for i, label in enumerate(s.path):
            if normalize_for_match(label) in whole:
                continue  # the document's own title heading names the document, not one of its subjects
            if x := label_subject(label):
                subjects.add(x, s.path[: i + 1], annex)
        if s.cells:
            subject, _, paying_cells = _cells(s)
            if subject and paying_cells:
                subjects.add(subject, s.path, annex)
            continue
        for x in declared(s.text, bool(read_rewards(s.text).rules)):
            subjects.add(x, annex=annex)
        subjects.add_levels(s.text, annex)
    return subjects


def annex_of(s: Sentence) -> str:
    """The annex (附件1 …) a sentence stands in, "" for the main text: rules of one annex (one 办法 of
    a compilation) do not hold for the titles of another."""
    return next((p.split()[0][:4] for p in s.path if p.startswith("附件")), "")


def _subject_of(subjects: Subjects, s: Sentence, title: str) -> list[str]:
    """The subjects a sentence belongs to ([] for a condition common to all)."""
    if s.cells:
        k = subjects.find(_cells(s)[0])
        return [k] if k else []
    pays = bool(read_rewards(s.text).rules)
    own = [k for x in declared(s.text, pays) if (k := subjects.find(x))]
    if own:
        return list(dict.fromkeys(own))
    if (k := subjects.start_reference(s.text)) is not None:
        return [k]
    if (k := path_subject(subjects, s, title)) is not None:
        return [k]
    if s.lead:
        lead_subjects = [k for x in declared(s.lead, False) if (k := subjects.find(x))]
        if lead_subjects:
            return lead_subjects[:1]
    return []


def _conditions(s: Sentence, specs: Mapping[str, FieldSpec], home: Home) -> list[Drafted]:
    if s.cells:
        out: list[Drafted] = []
        for cell in _cells(s)[1]:
            for piece in re.split(r"[；;]", cell):
                if piece.strip():
                    out += type_sentence(piece.strip(), specs, home, item=True)
        return out
    listing = " ".join(s.path[-3:]) + " " + s.lead
    excluding = s.enumerated and bool(_EXCLUDING.search(s.lead))
    item = s.enumerated and bool(_CONDITION_LIST.search(listing)) and not read_rewards(s.text).rules
    return type_sentence(s.text, specs, home, item=item and not excluding, excluding=excluding)


def _read(sentences: Sequence[Sentence], subjects: Subjects, specs: Mapping[str, FieldSpec], home: Home,
          title: str) -> _Collected:
    got = _Collected()
    for s in sentences:
        clause = s.clause
        keys = _subject_of(subjects, s, title)
        money = read_rewards(" ".join(_cells(s)[2]) if s.cells else s.text)
        got.notes += [(kind, quote, clause) for kind, quote in money.notes]
        if (low := LOWERED_FOR.search(s.text)) is not None:
            n = float(low.group("n"))
            got.lowered.append((low.group("who"), int(n) if n.is_integer() else n, s.text,
                                quote_around(s.text, low.start(), low.end()), clause))
        if money.enterprise_cap:
            got.notes.append(("enterprise_cap", money.enterprise_cap[1], clause))
        raises = [r for r in money.rules if r.kind == "raise"]
        if raises:
            got.raises.append(_raise(s, raises[0], subjects, specs, home))
            continue
        for rule in money.rules:
            target = keys[rule.slot] if len(keys) > rule.slot else (keys[0] if keys else None)
            if target is not None:
                got.rewards.setdefault(target, []).append((rule, clause, []))
        if not money.notes and _states_conditions(s):
            conds = [(c, clause) for c in _conditions(s, specs, home)]
            if not keys:
                got.common.extend((c, cl, annex_of(s)) for c, cl in conds)
            for k in keys:  # a sentence for several subjects at once counts for each
                got.own.setdefault(k, []).extend(conds)
    return got


# an item of a list that opens a list of its own (5. 应用MES等系统，并至少实现以下两项：): the item is
# one condition, its sub-items the ways to meet it
_SUB_LIST_LEAD = re.compile(r"^\s*(?:[0-9０-９]{1,2}[.．、]|[（(][0-9一二三四五六七八九十]+[)）])")


def _states_conditions(s: Sentence) -> bool:
    """Not a heading, a list lead (unless it is itself an item), a detail of an item, a sentence
    about revocation or preference, or a section about materials, procedure, validity or supervision."""
    lead_item = s.enumerated and bool(_SUB_LIST_LEAD.match(s.text))
    return not (s.heading or (s.text.rstrip().endswith(("：", ":")) and not lead_item)
                or (s.enumerated and bool(_SUB_LIST_LEAD.match(s.lead)))
                or _SKIP_SENTENCE.search(s.text)
                or _NOT_CONDITIONS.search(" ".join(s.path[-3:])) or _REVOKING.search(s.lead))


def _raise(s: Sentence, rule: Reward, subjects: Subjects, specs: Mapping[str, FieldSpec],
           home: Home) -> tuple[Reward, str, list[Drafted], list[str]]:
    """A raised rate: its conditions (what the sentence says before the raise) and the subjects it
    is for (named in the sentence, or 第（一）项; none named: every rate of the document)."""
    head = s.text[: s.text.find(rule.quote[:4])] or s.text
    when = [c for c in type_sentence(head, specs, home) if c.field not in ("province", "city")]
    when += _raise_titles(s.text)
    if not when and strip_marker(head).strip("，, "):  # a condition no field states (高于…平均水平的)
        piece = strip_marker(head).strip("，, ")
        when = [Drafted(None, "qualitative", None, "", fit_quote(piece, 0, len(piece)))]
    targets = subjects.mentioned(s.text) or ([k] if (k := subjects.item_reference(s.text, s.path)) else [])
    return rule, s.clause, when, targets


_RAISE_TITLE = re.compile(r"为(?:有效期内的?)?(?P<x>[^，。；]{2,30}?企业)(?:或(?:有效期内的?)?(?P<y>[^，。；]{2,30}?企业))?(?:的|，)")


def _raise_titles(text: str) -> list[Drafted]:
    m = _RAISE_TITLE.search(text)
    if m is None:
        return []
    titles = [t for t in (m.group("x"), m.group("y")) if t]
    return [Drafted("titles", "has_title", titles, "", fit_quote(text, m.start(), m.end()))]


def _list_items(sentences: Sequence[Sentence], pattern: re.Pattern[str]) -> tuple[list[str], str]:
    """Items of the first list whose lead (申报企业应提交以下材料：) or heading (四、申报材料) matches
    `pattern` — materials, steps; a section with no numbered items gives its sentences."""
    items: list[str] = []
    loose: list[str] = []
    clause = ""
    parent: tuple[str, ...] | None = None  # the section holding the numbered items
    for s in sentences:
        where = s.lead if s.lead else " ".join(s.path[-2:])
        if s.cells or not pattern.search(where):
            if items or loose:
                break
            continue
        if items and parent is not None and (s.path[: len(parent)] != parent or (not s.enumerated and not s.lead)):
            break  # the numbered list is over (a new article or paragraph follows)
        clause = clause or s.clause
        if s.heading or s.text.rstrip().endswith(("：", ":")):
            continue
        text = strip_marker(s.text).rstrip("；;。")
        if s.enumerated and parent is None:
            parent = s.path[:-1]
        (items if s.enumerated else loose).append(text)
    return [i for i in (items or loose) if len(i) >= 2], clause


def _deadline(sentences: Sequence[Sentence]) -> dict[str, str] | None:
    found = []
    for s in sentences:
        for m in _DEADLINE.finditer(s.text):
            if m.group("y"):
                date = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
                if m.group("t"):
                    date += " " + m.group("t").replace("：", ":")
            else:
                year = m.group("y3") or m.group("y2")
                date = f"{int(year):04d}-{int(m.group('m2')):02d}-{int(m.group('d2')):02d}"
            by_enterprise = "企业" in s.text[: m.start() + 1] or "申报时间" in m.group(0)
            found.append((not by_enterprise, date, quote_around(s.text, m.start(), m.end()), s.clause))
    if not found:
        return None
    _, date, quote, clause = sorted(found, key=lambda f: f[0])[0]
    return {"date": date, "quote": quote, "clause": clause}


def _validity(sentences: Sequence[Sentence]) -> dict[str, str] | None:
    for pattern in (_TITLE_VALIDITY, _POLICY_VALIDITY):
        for s in sentences:
            m = pattern.search(s.text)
            if m and (pattern is _POLICY_VALIDITY or re.search(r"称号|认定|有效期为", s.text)):
                return {"text": m.group(0), "quote": quote_around(s.text, m.start(), m.end()),
                        "clause": s.clause}
    return None


def draft_document(sentences: Sequence[Sentence], info: DocInfo,
                   specs: Mapping[str, FieldSpec] | None = None) -> list[DraftProgramme]:
    """Draft one programme per subject (title, level, support item) the document names.

    Args:
        sentences: The document as `read_sentences` gives it.
        info: Its title, 文号, place and level.
        specs: The profile fields (default: the packaged ones).

    Returns:
        The drafts, in the order their subjects first appear; a document whose conditions name no
        subject gives one draft titled after the document.
    """
    specs = specs or base_fields()
    home = _home(info)
    subjects = _collect_subjects(sentences, info)
    got = _read(sentences, subjects, specs, home, info.title)
    parents = {p: kids for p, kids in subjects.children.items() if any(k in got.own or k in got.rewards for k in kids)}
    for parent, kids in parents.items():  # a level holds the conditions of its title too
        for kid in kids:
            got.own[kid] = got.own.get(parent, []) + got.own.get(kid, [])
    keys = [k for k in subjects.display if k not in parents and (got.own.get(k) or any(
        r.kind in ("rate", "amount") for r, _, _ in got.rewards.get(k, [])))]
    if not keys and got.common:  # conditions but no subject named in the text: the one the title names
        keys = [subjects.add(title_subject(info.title) or _short_title(info.title))]
    materials, materials_clause = _list_items(sentences, _MATERIALS)
    steps, steps_clause = _list_items(sentences, _STEPS)
    deadline, validity = _deadline(sentences), _validity(sentences)
    pays_titles = bool(_REWARD_DOC.search(info.title)) and not _RECOGNISES.search(info.title)
    kind = "recognition" if _RECOGNITION_DOC.search(info.title) and not pays_titles else "reward"
    base = hashlib.sha1(info.title.encode("utf-8")).hexdigest()[:8]
    out = []
    for n, k in enumerate(keys, start=1):
        title = subjects.display[k]
        prog = DraftProgramme(
            id=f"draft_{base}_{n}", title=title, name=f"{info.region or '未知地区'}·{title}", region=info.region,
            level=info.level, kind=kind if got.own.get(k) else "reward", doc=info,
            materials=materials, materials_clause=materials_clause, steps=steps, steps_clause=steps_clause,
            deadline=deadline, validity=validity, notes=list(got.notes),
        )
        seen: set[tuple[Any, ...]] = set()
        annex = subjects.annex.get(k, "")
        common = [(c, cl) for c, cl, a in got.common if not (a and annex and a != annex)]
        for cond, clause in common + got.own.get(k, []):
            key = cond.key()
            if cond.op == "qualitative":
                key = (None, "qualitative", cond.quote, "")
            if key not in seen:
                seen.add(key)
                prog.criteria.append((cond, clause))
        prog.rewards = _rewards_for(k, got)
        if pays_titles and title.endswith(_TITLE_ENDS):  # paid to those who hold the title
            held = Drafted("titles", "has_title", [_placed(title, info)], "",
                           prog.rewards[0][0].quote if prog.rewards else title)
            prog.rewards = [(r, c, [held, *w]) for r, c, w in prog.rewards]
        prog.lowered = _lowered_for(prog, got, specs)
        out.append(prog)
    return out


def _placed(title: str, info: DocInfo) -> str:
    """A title as held: 省级… of a document of 宁波 is 浙江省级…, 市级… of 苏州 is 苏州市级…."""
    place = gazetteer.lookup(info.region) if info.region else None
    if place is None:
        return title
    if title.startswith("省级"):
        return place.province + title
    if title.startswith("市级") and place.level != "province":
        return place.short + title
    return title


def _lowered_for(prog: DraftProgramme, got: _Collected,
                 specs: Mapping[str, FieldSpec]) -> dict[int, tuple[str, float, str, str]]:
    """Thresholds the text lowers for some applicants, by the criterion they lower: a money `min`
    above the lower value whose field the sentence names (投入门槛 → investment_wan)."""
    out: dict[int, tuple[str, float, str, str]] = {}
    for who, value, words, quote, clause in got.lowered:
        for i, (c, _) in enumerate(prog.criteria):
            spec = specs.get(c.field or "")
            if c.op == "min" and c.unit == "万元" and spec is not None and isinstance(c.value, int | float) \
                    and c.value > value and any(t in words for t in spec.terms):
                out[i] = (who, value, quote, clause)
    return out


def _rewards_for(k: str, got: _Collected) -> list[tuple[Reward, str, list[Drafted]]]:
    rules = list(got.rewards.get(k, []))
    base = next((r for r, _, _ in rules if r.kind == "rate"), None)
    caps = [(r, c) for r, c, _ in rules if r.kind == "cap"]
    rules = [x for x in rules if x[0].kind != "cap"]
    if base is not None and caps:
        i = next(i for i, (r, _, _) in enumerate(rules) if r is base)
        if any(cap.who for cap, _ in caps):
            del rules[i]  # the cap depends on who applies: one rule per cap (its applicants), none without
        elif base.cap_wan is None:
            rules[i] = (Reward("rate", base.quote, rate=base.rate, base=base.base, cap_wan=caps[0][0].cap_wan),
                        rules[i][1], [])
        for cap, clause in caps:
            when = [Drafted("titles", "has_title", [cap.who], "", cap.quote)] if cap.who else []
            rules.append((Reward("rate", cap.quote, rate=base.rate, base=base.base, cap_wan=cap.cap_wan),
                          clause, when))
    raised: list[tuple[Reward, str, list[Drafted]]] = []
    for raise_rule, clause, when, targets in got.raises:
        if targets and k not in targets:
            continue
        for rule, _, tier in rules:  # the raise holds for every rate rule, each tier keeping its cap
            if rule.kind != "rate" or rule.rate is None:
                continue
            rate = raise_rule.rate if raise_rule.rate is not None else rule.rate + (raise_rule.delta or 0)
            raised.append((Reward("rate", raise_rule.quote, rate=round(rate, 4), base=rule.base,
                                  cap_wan=rule.cap_wan), clause, tier + when))
    return rules + raised


_TITLE_MAX = 60  # a document title without 《》 is kept up to this many characters


def _short_title(title: str) -> str:
    m = re.search(r"《([^》]+)》", title)
    return (m.group(1) if m else title)[:_TITLE_MAX]


def draft_file(path: Path, max_bytes: int = 50 << 20) -> list[DraftProgramme]:
    """Draft the programmes of one policy file (any format the loaders read)."""
    from ingest.loaders import load_file
    from ingest.metadata import describe

    loaded = load_file(path, max_bytes)
    pages = [(p.number, p.text) for p in loaded.pages]
    meta = describe(loaded.header, "\n".join(t for _, t in pages), loaded.path, bool(loaded.records))
    info = doc_info(str(meta["title"]), str(meta["doc_no"]), str(path))
    return draft_document(read_sentences(pages), info)


def draft_sentences(sections: Sequence[tuple[str, str]], info: DocInfo) -> list[DraftProgramme]:
    """Draft from stored pieces of a document: (section path "A > B", text), in order."""
    return draft_document(sentences_of_sections(sections), info)


# ----------------------------------------------------------------------------- views
def statement_of(c: Drafted, specs: Mapping[str, FieldSpec] | None = None) -> str:
    """A condition in words (独立法人年限不低于3年); a qualitative one in the document's own words."""
    spec = (specs or base_fields()).get(c.field or "")
    if spec is None or c.op == "qualitative":
        return c.quote
    value = "、".join(map(str, c.value)) if isinstance(c.value, list | tuple) else str(c.value)
    return {
        "min": f"{spec.label}不低于{value}{c.unit}", "max": f"{spec.label}不超过{value}{c.unit}",
        "equals": f"{spec.label}为{value}", "in": f"{spec.label}为{value}",
        "is_true": spec.yes or spec.label, "is_false": spec.no or f"无{spec.label}",
        "has_title": f"已获{value.replace('、', '或')}",
    }.get(c.op, c.quote)


def _criterion_view(c: Drafted, clause: str, ident: str) -> dict[str, Any]:
    return {"id": ident, "statement": statement_of(c), "field": c.field, "op": c.op, "value": c.value,
            "unit": c.unit, "quote": c.quote, "clause": clause}


def _reward_view(r: Reward, clause: str, when: list[Drafted]) -> dict[str, Any]:
    return {"kind": r.kind, "rate": r.rate, "base": r.base, "floor_wan": None, "cap_wan": r.cap_wan,
            "amount_wan": r.amount_wan, "when": [_criterion_view(c, clause, "") for c in when],
            "quote": r.quote, "clause": clause}


def flat_view(drafts: Sequence[DraftProgramme]) -> dict[str, Any]:
    """The `--json` view: {"programmes": [{id, title, region, criteria, reward, rewards, materials,
    steps, deadline, validity}]}; `reward` is the main rule (the first rate or amount) or null."""
    out = []
    for p in drafts:
        rewards = [_reward_view(r, c, w) for r, c, w in p.rewards]
        main = next((x for x in rewards if not [w for w in x["when"] if w["quote"] != x["quote"]]),
                    rewards[0] if rewards else None)  # the rule with no condition but the programme's title
        floor = next((c.value for c, _ in p.criteria if c.field == "investment_wan" and c.op == "min"), None)
        if main is not None and main["rate"] is not None and floor is not None:
            main = {**main, "floor_wan": floor}
        criteria = [_criterion_view(c, clause, f"{p.id}_c{i}") for i, (c, clause) in enumerate(p.criteria, 1)]
        for i, (who, value, quote, clause) in p.lowered.items():
            criteria[i]["lowered"] = {"for": who, "value": value, "quote": quote, "clause": clause}
        out.append({
            "id": p.id, "title": p.name, "region": p.region, "doc": p.doc.title, "doc_no": p.doc.doc_no,
            "criteria": criteria,
            "reward": main, "rewards": rewards,
            "notes": [{"kind": k, "quote": q, "clause": c} for k, q, c in p.notes],
            "materials": p.materials, "steps": p.steps,
            "deadline": p.deadline, "validity": p.validity,
        })
    return {"programmes": out}


# ----------------------------------------------------------------------------- programme files
_RULE_OPS = ("min", "max", "equals", "in", "has_title")
_MONEY_BASE_DEFAULT = "investment_wan"  # 按…投入/投资额的X%: the base most reward rules name


def _base_field(words: str, specs: Mapping[str, FieldSpec]) -> str:
    """The number field a rate's base names (设备投资额 → investment_wan), by the longest term it contains."""
    hits = [(len(t), spec.name) for spec in specs.values() if spec.kind == "number" and spec.unit == "万元"
            for t in spec.terms if t in words]
    return max(hits)[1] if hits else _MONEY_BASE_DEFAULT


def _source(p: DraftProgramme, clause: str, quote: str) -> dict[str, str]:
    return {"doc": _short_title(p.doc.title), "doc_no": p.doc.doc_no, "clause": clause or "全文",
            "region": p.region or "全国", "quote": quote}


def _rule(c: Drafted) -> Any:
    if c.op in _RULE_OPS:
        return {c.op: list(c.value) if isinstance(c.value, list | tuple) else c.value}
    return c.op


def _criterion_data(p: DraftProgramme, c: Drafted, clause: str, ident: str) -> dict[str, Any]:
    if c.op == "qualitative" or c.field is None:
        return {"id": ident, "statement": c.quote, "rule": "manual", "provide": f"请提供材料证明：{c.quote}",
                "source": _source(p, clause, c.quote)}
    return {"id": ident, "statement": statement_of(c), "fields": [c.field], "rule": _rule(c),
            "source": _source(p, clause, c.quote)}


def _estimate_data(p: DraftProgramme, r: Reward, clause: str, when: list[Drafted], ident: str,
                   specs: Mapping[str, FieldSpec]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ident, "label": f"{p.title}：{r.quote}", "source": _source(p, clause, r.quote)}
    conds = [{"statement": statement_of(c), "fields": [c.field], "rule": _rule(c)} if c.field and c.op != "qualitative"
             else {"statement": c.quote, "rule": "manual"} for c in when]
    if conds:
        out["when"] = conds
    if r.amount_wan is not None:
        out["amount"] = r.amount_wan
    else:
        out.update(rate=r.rate, base=_base_field(r.base, specs))
        if r.cap_wan is not None:
            out["cap"] = r.cap_wan
    return out


def _list_source(p: DraftProgramme, items: list[str], clause: str) -> dict[str, Any]:
    """The clause of a list (materials, steps), quoting its longest item (verbatim, within the quote limit)."""
    longest = max(items, key=len)
    quote = fit_quote(longest, 0, len(longest))
    return {"source": _source(p, clause, quote)} if len(normalize_for_match(quote)) >= _LIST_QUOTE_MIN else {}


_LIST_QUOTE_MIN = 4  # the loader's least quote for a draft


def to_programme_data(p: DraftProgramme, specs: Mapping[str, FieldSpec] | None = None) -> dict[str, Any]:
    """A draft as a programme file (the YAML schema of assistant/programmes, `draft: true`)."""
    specs = specs or base_fields()
    criteria = [_criterion_data(p, c, clause, f"{p.id}_c{i}") for i, (c, clause) in enumerate(p.criteria, 1)]
    for i, (who, value, quote, clause) in p.lowered.items():
        criteria[i]["lowered"] = {"when": {"statement": f"为{who}", "fields": ["titles"],
                                           "rule": {"has_title": [who]}},
                                  "value": value, "source": _source(p, clause, quote)}
    estimates = [_estimate_data(p, r, clause, when, f"{p.id}_r{i}", specs)
                 for i, (r, clause, when) in enumerate(p.rewards, 1) if r.kind in ("rate", "amount")]
    if not criteria:  # the loader wants at least one criterion: the place the document is for
        criteria = [{"id": f"{p.id}_c0", "statement": f"{p.region}的企业", "rule": "manual",
                     "source": _source(p, "", _short_title(p.doc.title)[:40])}]
    data: dict[str, Any] = {
        "id": p.id, "name": p.name, "region": p.region or "全国", "level": p.level or "national", "kind": p.kind,
        "doc": _short_title(p.doc.title), "doc_no": p.doc.doc_no, "draft": True,
        "keywords": list(dict.fromkeys([p.title, p.title.removeprefix(p.region)])),
        "criteria": criteria,
    }
    if estimates:
        data["estimates"] = estimates
        data["requires_estimate"] = p.kind == "reward"
    if p.steps:
        data["route"] = {"steps": p.steps, **_list_source(p, p.steps, p.steps_clause)}
    notes = [{"text": {"exclusion": "不重复享受", "balance": "差额规则", "lowered": "门槛放宽",
                       "enterprise_cap": "单个企业年度（累计）上限"}.get(k, k) + "：" + q,
              "source": _source(p, clause, q)} for k, q, clause in p.notes]
    if notes:
        data["notes"] = notes
    if p.materials:
        data["materials"] = {"items": p.materials, **_list_source(p, p.materials, p.materials_clause)}
    if p.deadline:
        data["deadline"] = {"date": p.deadline["date"], "source": _source(p, p.deadline["clause"], p.deadline["quote"])}
    if p.validity:
        data["validity"] = {"text": p.validity["text"],
                            "source": _source(p, p.validity["clause"], p.validity["quote"])}
    return data
