"""One answer from the best sentences: a figure when one is asked (computed from the asker's numbers by
compose.computed when they give them), the steps of a procedure, the items a clause introduces, or
"not specified"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer import difference
from assistant.answer.calculate import asked_base, parse_rule
from assistant.answer.compose.composition import Composition
from assistant.answer.compose.computed import rule_sentence, with_calculation, with_difference, with_total
from assistant.answer.compose.context import Context
from assistant.answer.compose.documents import whole_documents
from assistant.answer.compose.not_specified import not_found, not_specified, nothing
from assistant.answer.compose.render import render
from assistant.answer.compose.sentences import (
    LIST_Q,
    PROCESS_Q,
    Sent,
    asks_minimum,
    choose,
    said_with_heading,
    score,
)
from assistant.answer.compose.subject import about_subject, focus
from assistant.answer.figures import has_figure
from assistant.answer.lowered import lowered
from assistant.answer.total import TOTAL_Q
from assistant.answer.transition import asks_which_version, is_transitional
from assistant.answer.understand import understand
from assistant.core import gazetteer
from assistant.core.text import normalize_for_match, split_sentences
from assistant.domain import Chunk

MAX_SENTENCES = 3
MAX_LIST_SENTENCES = 5
MAX_STEPS = 8
MIN_COVERAGE = 0.2  # below this share of the question's weight, no sentence answers it
LIST_BUDGET_CHARS = 500  # items brought along after a "…：" sentence
# a clause that leaves the matter to someone else or to a later text (the grammar of deferral)
DEFERS = re.compile(r"具体[^。;；]{0,12}?(?:由[^。;；]{1,20}?(?:自主|自行|另行)?(?:确定|制定|规定|决定|明确)"
                    r"|另行(?:通知|公布|发布|制定|规定|明确)|以[^。;；]{1,20}?为准)|(?:时间|日期|安排)另行(?:通知|公布|发布)")
_ITEM_START = re.compile(r"^[（(]?[一二三四五六七八九十0-9]+[）)、.．]")


def single(ctx: Context, question: str, evidence: Sequence[Chunk], sents: list[Sent], weights: dict[str, float],
           kind: str | None, english: bool) -> Composition:
    """The answer from the best sentences of the evidence."""
    if not sents:
        return nothing(english)
    scored = sents  # every sentence, before a figure question narrows them to its figures
    if kind:
        found = _figures_in_documents(ctx, question, evidence, sents, weights, kind, english)
        if isinstance(found, Composition):
            return found
        evidence, sents = found  # a figure question is answered by figures: further sentences come from those too
    best = sents[0]
    if best.score < MIN_COVERAGE:
        return not_found(evidence, sents, english)
    limit = MAX_LIST_SENTENCES if LIST_Q.search(question.lower()) else MAX_SENTENCES
    chosen = choose(sents, weights, limit)
    if PROCESS_Q.search(question):  # a procedure: the clauses of its chapter, step by step
        chosen = steps(ctx, evidence[best.idx]) or chosen
    chosen = _transitional(scored, question) or chosen
    chosen += list_after_colon(chosen, evidence) or items_below(ctx, chosen, evidence)
    chosen += _lowering(scored, chosen, question, kind)
    base = asked_base(question) if kind in ("amount", "ratio") else None
    if kind == "amount" and TOTAL_Q.search(question):  # "省里和市里加起来一共多少": one rule a document, summed
        summed = with_total(sents, evidence, base, focus(question, ctx.subject_terms), english)
        if summed is not None:
            return summed
    rule_sent = rule_sentence(sents, question) if base is not None else None
    if rule_sent is None or base is None:
        deferred = DEFERS.search(normalize_for_match(best.text))
        if deferred:  # "具体优惠幅度由各企业自主确定": the document leaves it open, and says so
            lead = (f"The documents do not fix this (文件未明确规定，{deferred.group(0)}):" if english
                    else f"文件未明确规定具体标准（{deferred.group(0)}）。相关条款如下：")
            comp = render(chosen, evidence, english, lead)
            return Composition(comp.text, comp.chunks, True)
        return render(chosen, evidence, english)
    return with_calculation(ctx, question, chosen, rule_sent, base, evidence, english, limit)


def _transitional(sents: list[Sent], question: str) -> list[Sent]:
    """Asked which version applies: the transitional clause, the best of them (assistant.answer.transition)."""
    if not asks_which_version(question):
        return []
    return [x for x in sents if is_transitional(x.text)][:1]


def _lowering(sents: list[Sent], chosen: list[Sent], question: str, kind: str | None) -> list[Sent]:
    """Asked for a threshold: the sentence that lowers it for what the asker says they are
    (assistant.answer.lowered), to go beside the general one."""
    if kind not in ("amount", "ratio") or not asks_minimum(question):
        return []
    return [x for x in sents if x not in chosen and lowered(x.text, question) is not None][:1]


# what a span or a figure is of: the word right before the question word ("要公示几天" → 公示)
_MEASURED = re.compile(r"([\u4e00-\u9fa5]{2})(?:期|期限|时间)?(?:是|为|要|需要|需|大概|一般)?"
                       r"(?:几天|多少天|多久|多长时间|多长|几年|几个月|几个工作日|多少个工作日)")


# words that come before 多久 without naming what is measured ("批下来以后多久能到账": a time after, not 以后期)
_NOT_MEASURED = frozenset("以后 之后 以前 之前 然后 大概 一般 通常 需要 还要 还得 总共 一共 最长 最短 至少 最多".split())


def measured_word(question: str) -> str:
    """The two characters naming what a duration question measures, or ""."""
    m = _MEASURED.search(normalize_for_match(question))
    return m.group(1) if m and m.group(1) not in _NOT_MEASURED else ""


def _figure_sentences(ctx: Context, question: str, evidence: Sequence[Chunk], sents: list[Sent],
                      kind: str, english: bool) -> list[Sent] | Composition:
    """The sentences stating a figure of the kind asked about the question's subject, or "not specified"."""
    terms = focus(question, ctx.subject_terms)
    asked = understand(question)
    region = asked.region
    # with a base given, a rate answers an amount question too ("总额800万元，第一笔能到账多少" → 拨付70%)
    rates = kind == "amount" and asked_base(question) is not None
    with_fig = [s for s in sents if (has_figure(kind, s.text, s.row or evidence[s.idx])
                                     or (rates and parse_rule(s.text) is not None))
                and about_subject(s.row or evidence[s.idx], s.text, terms, region, question, kind,
                                  covering=bool(asked.summed) or asked.province_level or asked.with_province)]
    measured = measured_word(question)
    if measured and ctx.known(measured):
        # "公示几天": the sentences that speak of 公示 decide; if none of them states a span, the
        # documents do not say — "近三年未发生事故" is another span
        speaking = [s for s in sents if measured in said_with_heading(s, evidence)]
        stating = [s for s in with_fig if measured in said_with_heading(s, evidence)]
        if not stating:  # nothing that speaks of 公示 states a span, or nothing speaks of it at all
            return not_specified(evidence, speaking or sents, kind, terms or [measured], english)
        with_fig = stating or with_fig
    if not with_fig:
        return not_specified(evidence, sents, kind, terms, english)
    if region and not asked.summed:
        # the place's own rules first: "江苏省级…" is answered by 江苏's text before a 苏州 notice that cites it
        with_fig.sort(key=lambda s: _place_rank((s.row or evidence[s.idx]).doc.region, region))
    return with_fig


def _place_rank(doc_region: str, region: str) -> int:
    """0 for a document of the place itself, 1 for a national one or its province's, 2 for another's."""
    if doc_region == region:
        return 0
    return 1 if doc_region in ("全国", "") or gazetteer.covers(doc_region, region) else 2


def _figures_in_documents(ctx: Context, question: str, evidence: Sequence[Chunk], sents: list[Sent],
                          weights: dict[str, float], kind: str, english: bool
                          ) -> tuple[Sequence[Chunk], list[Sent]] | Composition:
    """A difference paid when the asker says what was received; else the figure sentences of the
    evidence; failing those, of the whole of its first documents (the figure may sit in another clause
    of the same rule); failing those, "not specified"."""
    got = difference.received(question) if kind == "amount" else None
    if got is not None:  # "去年拿了160万，今年晋级，还能给多少": the new award less what was received
        paid = with_difference(ctx, got, evidence, english)
        if paid is not None:
            return paid
    figures = _figure_sentences(ctx, question, evidence, sents, kind, english)
    if not isinstance(figures, Composition):
        return evidence, figures
    wider = whole_documents(ctx, evidence)
    if len(wider) == len(evidence):
        return figures
    wider_sents = score(wider, weights, kind, question, ctx.doc_chunks)
    found = _figure_sentences(ctx, question, wider, wider_sents, kind, english) if wider_sents else figures
    return figures if isinstance(found, Composition) else (wider, found)


def steps(ctx: Context, chunk: Chunk) -> list[Sent]:
    """Every clause under the chunk's parent heading (e.g. 第三章 认定程序 → 第十二条 … 第十五条)."""
    parts = chunk.section.split(" > ")
    if len(parts) < 2:
        return []
    parent = " > ".join(parts[:-1])
    family = [c for c in ctx.doc_chunks(chunk.doc.doc_id) if c.section.startswith(parent + " > ")]
    return [Sent(c.text, 0, 0.0, frozenset(), c) for c in family[:MAX_STEPS]]


def items_below(ctx: Context, chosen: list[Sent], evidence: Sequence[Chunk]) -> list[Sent]:
    """A "…有下列情形之一的：" whose items are passages of their own (the clause split into sections):
    the passages under it, in order."""
    for s in chosen:
        if not s.text.rstrip().endswith(("：", ":")) or s.row is not None:
            continue
        c = evidence[s.idx]
        later = [x for x in ctx.doc_chunks(c.doc.doc_id) if x.ord > c.ord]
        below = [x for x in later if x.section.startswith(c.section + " > ")] or _items_next(s, c, later)
        if below:
            return [Sent(x.text, 0, 0.0, frozenset(), x) for x in below[:MAX_STEPS]]
    return []


def _items_next(s: Sent, c: Chunk, later: list[Chunk]) -> list[Chunk]:
    """A lead-in that closes its passage ("…有下列情形之一的，撤销其称号：" and the passage ends): the
    following passages of the document while they begin with an item mark ((一), 1., 一、)."""
    if normalize_for_match(split_sentences(c.text)[-1]) != normalize_for_match(s.text):
        return []  # its items are in the same passage (list_after_colon brings those)
    own = _marker_style(s.text)
    out = []
    for x in later:
        style = _marker_style(x.text)
        if not style or style == own or x.section.split(" > ")[:1] != c.section.split(" > ")[:1]:
            break  # not an item, or a sibling of the lead-in's own item, or another chapter
        out.append(x)
    return out


_MARK_STYLES = (("（一）", re.compile(r"^[（(][一二三四五六七八九十]+[）)]")), ("一、", re.compile(r"^[一二三四五六七八九十]+、")),
                ("（1）", re.compile(r"^[（(]\d{1,2}[）)]")), ("1.", re.compile(r"^\d{1,2}[.．、](?!\d)")))


def _marker_style(text: str) -> str:
    """How an item is marked ((一), 一、, (1), 1.), or "" when the text does not open with an item mark."""
    t = text.strip()
    return next((name for name, rx in _MARK_STYLES if rx.match(t)), "")


def _rest_of_enumeration(s: Sent, evidence: Sequence[Chunk], taken: set[tuple[int, str]]) -> list[Sent]:
    """"分两次拨付：…拨付70%；…拨付剩余30%。": a sentence that opened a list with '：' and ends in '；' goes
    on to the sentence that closes the list with '。'."""
    text = s.text.rstrip()
    if not (text.endswith(("；", ";")) and ("：" in text or ":" in text)):
        return []
    sents = [x.strip() for x in split_sentences(evidence[s.idx].text)]
    if s.text not in sents:
        return []
    out = []
    for nxt in sents[sents.index(s.text) + 1:]:
        if (s.idx, nxt) not in taken and not _ITEM_START.match(nxt):
            out.append(Sent(nxt, s.idx, 0.0, frozenset()))
            taken.add((s.idx, nxt))
        if not nxt.endswith(("；", ";")):
            break
    return out


def list_after_colon(chosen: list[Sent], evidence: Sequence[Chunk]) -> list[Sent]:
    """A sentence ending in "：" introduces items: bring them along (e.g. 第六条's (一)…(八))."""
    extra: list[Sent] = []
    taken = {(s.idx, s.text) for s in chosen}
    for s in chosen:
        extra += _rest_of_enumeration(s, evidence, taken)
        if not s.text.rstrip().endswith(("：", ":")):
            continue
        sents = [x.strip() for x in split_sentences(evidence[s.idx].text)]
        if s.text not in sents:
            continue
        size = 0
        for nxt in sents[sents.index(s.text) + 1:]:
            if size > LIST_BUDGET_CHARS or (nxt and not _ITEM_START.match(nxt)):
                break
            if (s.idx, nxt) not in taken:
                extra.append(Sent(nxt, s.idx, 0.0, frozenset()))
                taken.add((s.idx, nxt))
                size += len(nxt)
    return extra
