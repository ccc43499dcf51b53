"""Sentences of the evidence scored against the question: coverage of its words (in the sentence, its
clause's lead, its headings) and what kind of sentence it is; and the choice of the answering ones."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.attributes import CLASSES_Q, CLASSES_S
from assistant.answer.coverage import SUBJECT_MISMATCH, coverage, only_names
from assistant.answer.figures import FIGURES, has_figure
from assistant.answer.retrieve import ROW_SEPARATOR
from assistant.answer.terms import subjects
from assistant.core.text import normalize_for_match, split_sentences
from assistant.domain import Chunk

LIST_Q = re.compile(r"哪些|哪几|包括|包含|有什么|什么样|列出|名单|什么(?:材料|条件|要求|情形|资料|手续|证明)"
                    r"|\bwhich\b|\bwhat are\b|\blist\b")
PROCESS_Q = re.compile(r"流程|程序|步骤|怎么申报|如何申报|怎样申报|申报路径|怎么认定|如何认定|\bprocedure\b|\bprocess\b|\bsteps\b")
_CONDITION_Q = re.compile(r"条件|要求|资格|门槛|criteria|requirement|eligib")
_CONDITION_S = re.compile(r"条件|须|应当|应|不得|要求")
# a minimum asked ("投入门槛是多少", "得有多少") is stated with a comparator ("不低于3000万元")
THRESHOLD_Q = re.compile(r"门槛|门坎|起点|起码|至少|最低要求|最少|[得要需]有多少|需要多少|要达到|需达到|达到多少"
                         r"|\bminimum\b|\bthreshold\b|\bat least\b")
_PAYMENT_Q = re.compile(r"奖|补|资助|贴息|subsid|reward|grant|payment", re.IGNORECASE)
THRESHOLD_S = re.compile(r"不低于|不少于|不小于|不得低于|以上|达到|(?<!不)超过|≥")
LENGTH_PENALTY = 0.03  # per 100 characters: at equal coverage, the sentence that says less else wins
MIN_GAIN = 0.08  # a further sentence must answer a part of the question the others did not
RANK_BONUS = 0.08  # a sentence of a higher-ranked passage wins a tie
FIGURE_BONUS = 0.25  # the sentence states the kind of figure asked for
THRESHOLD_BONUS = 0.2  # asked for a minimum, the sentence states one (half of it off when it states none)
CLASSES_BONUS = 0.2  # asked how something is divided, the sentence divides it
# asked for the figures of several things ("A和B分别有多少"), the sentence stating several figures of the kind
# ("212家示范工厂、605个优秀场景") answers more of it than one stating one
EACH = re.compile(r"各是|各为|各有|各自|分别|各多|\beach\b|\brespectively\b", re.IGNORECASE)
EACH_BONUS = 0.1


@dataclass(frozen=True)
class Sent:
    """One evidence sentence with its score."""

    text: str
    idx: int  # evidence index
    score: float
    covered: frozenset[str]
    row: Chunk | None = None  # the table row this line is, when the evidence is a table excerpt


@dataclass(frozen=True)
class _Asked:
    """What a question asks, as the sentence scorer needs it."""

    kind: str | None  # the figure asked for
    conditions: bool  # asks for conditions
    threshold: bool  # asks for a minimum
    classes: bool  # asks how something is divided
    steps: bool  # asks for a procedure
    subjects: frozenset[str]  # titles and projects it names
    words: frozenset[str]  # its weighted words (what a count must count)
    each: bool  # asks a figure for each of several things


def score(evidence: Sequence[Chunk], weights: dict[str, float], kind: str | None, question: str,
          doc_chunks: Callable[[str], Sequence[Chunk]]) -> list[Sent]:
    """Every sentence of the evidence (a table row is one sentence), best first."""
    low = question.lower()
    ask = _Asked(kind, bool(_CONDITION_Q.search(low)), asks_minimum(question), bool(CLASSES_Q.search(question)),
                 bool(PROCESS_Q.search(question)), subjects(normalize_for_match(question)),
                 frozenset(t for t in weights if len(t) >= 2 and not t.isdigit()), bool(EACH.search(question)))
    out = []
    for i, c in enumerate(evidence):
        context = normalize_for_match(c.doc.title + c.section)
        # a table row is one statement; its cells are not sentences
        pieces = c.text.split(ROW_SEPARATOR) if c.record else split_sentences(c.text)
        rows = {r.text: r for r in doc_chunks(c.doc.doc_id) if r.record} if c.record else {}
        lead = ""  # the clause's opening sentence ("申报数字化车间，…还应达到以下标准：") governs its items
        for s in pieces:
            ns = normalize_for_match(s)
            if ns.endswith(("：", ":")):
                lead = ns
            row = rows.get(s)
            if len(ns) < 4 or (not row and only_names(ns, c)):
                continue  # too short, or only the document's title, issuer or a notice line: answers nothing
            value, covered = coverage(weights, ns, lead, context)
            value += RANK_BONUS / (i + 1)
            value -= LENGTH_PENALTY * len(ns) / 100
            value += _adjustment(ask, s, ns, lead, c, row)
            out.append(Sent(s.strip(), i, value, covered, row))
    return sorted(out, key=lambda x: -x.score)


def asks_minimum(question: str) -> bool:
    """Asks for a minimum only ("投入门槛是多少"); "threshold, subsidy rate, cap" asks for the payment too."""
    return bool(THRESHOLD_Q.search(question.lower())) and not _PAYMENT_Q.search(question)


def _adjustment(ask: _Asked, s: str, ns: str, lead: str, c: Chunk, row: Chunk | None) -> float:
    """Bonuses and penalties for what the sentence is, beyond the words it shares with the question."""
    delta = 0.0
    said = subjects(ns + lead + last_heading(c.section))
    if ask.subjects and said and not (said & ask.subjects):
        delta -= SUBJECT_MISMATCH  # the clause is about another title or project than the one asked
    if ask.kind and has_figure(ask.kind, s, row or c, ask.words):
        delta += FIGURE_BONUS
    elif ask.kind == "count" and has_figure(ask.kind, s, row or c):
        delta += FIGURE_BONUS / 2  # a count of something else ("（2 条见附件）"): the kind of figure, not the one asked
    if ask.kind and ask.each and len(FIGURES[ask.kind].findall(ns)) >= 2:
        delta += EACH_BONUS
    if ask.threshold:  # a minimum is answered by a comparator, a rate of reward is not one
        delta += THRESHOLD_BONUS if THRESHOLD_S.search(s) else -THRESHOLD_BONUS / 2
    if ask.classes and CLASSES_S.search(s):
        delta += CLASSES_BONUS
    if ask.conditions and _CONDITION_S.search(s):
        delta += 0.2 if ("条件" in s and s.rstrip().endswith(("：", ":"))) else 0.1
    if ask.steps and PROCESS_Q.search(c.section):
        delta += 0.2  # "认定流程" is answered under 第三章 认定程序
    if is_heading(ns):
        delta -= 0.1  # a bare heading says little on its own
    return delta


def choose(sents: list[Sent], weights: dict[str, float], limit: int) -> list[Sent]:
    """The best sentence, then those answering another part of the question, then more of the best clause."""
    best = sents[0]
    chosen = [best]
    covered = set(best.covered)
    total = sum(weights.values()) or 1.0
    for s in sents[1:]:
        if len(chosen) < limit and sum(weights[t] for t in s.covered - covered) / total >= MIN_GAIN:
            chosen.append(s)
            covered |= s.covered
    for s in sents[1:]:
        if len(chosen) >= limit:
            break
        if (s not in chosen and s.idx == best.idx and s.row is None and s.score >= 0.5 * best.score
                and not is_heading(normalize_for_match(s.text))):
            chosen.append(s)
    return chosen


def display(text: str, chunk: Chunk) -> str:
    """A table row shows its named cells; the row as written (its first line) stays in the citation."""
    lines = text.split("\n")
    if len(lines) == 2 and (chunk.record or lines[0].lstrip().startswith("|")):
        return lines[1]
    return text


def states_money(text: str) -> bool:
    """An amount or a percentage: what a "not specified" answer must never quote."""
    t = normalize_for_match(text)
    return bool(FIGURES["amount"].search(t) or FIGURES["ratio"].search(t))


def is_heading(normed: str) -> bool:
    return bool(re.fullmatch(r"(?:[（(]?[一二三四五六七八九十0-9]+[、）)．.]?|第[一二三四五六七八九十百0-9]+[章节]|附件\d*)"
                             r".{0,20}[。：:]?", normed))


def last_heading(section: str) -> str:
    return normalize_for_match(section.split(" > ")[-1]) if section else ""


def said_with_heading(s: Sent, evidence: Sequence[Chunk]) -> str:
    """A sentence with the last heading of its clause ("（三）公示期" governs "为7个工作日"), normalised."""
    c = s.row or evidence[s.idx]
    return normalize_for_match(c.section.split(" > ")[-1] + s.text)


def end(s: str) -> str:
    """A sentence with closing punctuation."""
    s = re.sub(r"\s+(?=[。；，：！？])", "", s.strip())  # a PDF line break before the stop is not part of the sentence
    return s if s.endswith(("。", "！", "？", "；", "…", ".", "”", "：", ":")) else s + "。"
