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
from assistant.eligibility.draft_parts import MATERIALS, STEPS, find_deadline, find_validity, list_items
from assistant.eligibility.fields import FieldSpec, base_fields
from assistant.eligibility.rewards import LOWERED_FOR, Reward, read_rewards
from assistant.eligibility.subjects import Subjects, declared, label_subject, path_subject, title_subject

__all__ = ["DocInfo", "DraftProgramme", "doc_info", "draft_document", "draft_file", "draft_sentences", "short_title"]

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
    less_received: bool = False  # a 差额 rule: the reward is less what the same text already paid


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
    balance: set[str] = field(default_factory=set)  # subjects whose reward is less what was already received
    balance_all: bool = False  # a 差额 rule naming no subject: every reward of the document
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
        _note_rules(s, money.notes, subjects, got)
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


def _note_rules(s: Sentence, notes: Sequence[tuple[str, str]], subjects: Subjects, got: _Collected) -> None:
    """Rules kept beside the notes: a 差额 (whose reward is less what was received) and a lowered
    threshold (对X，门槛可降至N万元)."""
    if any(kind == "balance" for kind, _ in notes):
        target = _BALANCE_FOR.search(s.text)
        k = subjects.find(target.group("x") or target.group("y")) if target else None
        if k:
            got.balance.add(k)
        else:
            got.balance_all = True
    if (low := LOWERED_FOR.search(s.text)) is not None:
        n = float(low.group("n"))
        got.lowered.append((low.group("who"), int(n) if n.is_integer() else n, s.text,
                            quote_around(s.text, low.start(), low.end()), s.clause))


# 按智能工厂奖励金额扣除…差额 / 晋级为标杆型的，按…差额: the subject whose reward the difference is
_BALANCE_FOR = re.compile(r"按(?P<x>[^，。；]{2,20}?)奖励金额扣除|晋级为(?P<y>[^，。；]{2,20}?)的")


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
        keys = [subjects.add(title_subject(info.title) or short_title(info.title))]
    materials, materials_clause = list_items(sentences, MATERIALS)
    steps, steps_clause = list_items(sentences, STEPS)
    deadline, validity = find_deadline(sentences), find_validity(sentences)
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
        prog.less_received = k in got.balance or got.balance_all
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


def short_title(title: str) -> str:
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
