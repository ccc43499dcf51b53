"""The answers that compute a figure from the asker's numbers: their base put through a rule (with a
raised rate when they meet its condition), the new award less what they received, and the awards of
several levels summed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.answer import difference, total
from assistant.answer.calculate import apply, asked_base, asked_base_kind, base_kind, explain, parse_rule
from assistant.answer.compose.composition import Composition
from assistant.answer.compose.context import Context
from assistant.answer.compose.documents import whole_documents
from assistant.answer.compose.render import render
from assistant.answer.compose.sentences import Sent, score
from assistant.answer.compose.subject import about_subject, focus
from assistant.answer.raised import raised
from assistant.answer.terms import subjects
from assistant.answer.understand import understand
from assistant.core.reward_grammar import PAYS_DIFFERENCE
from assistant.core.text import normalize_for_match, split_sentences
from assistant.domain import Chunk


def with_total(sents: list[Sent], evidence: Sequence[Chunk], base: float | None, titles: list[str],
                english: bool) -> Composition | None:
    """The first rule of each document that gives the asker an amount, rendered, and their sum. A rule
    paid on another award ("市级按省级奖补金额的50%给予配套") is applied to the sum of the others."""
    used: list[Sent] = []
    matching: list[Sent] = []  # rules whose base is the other awards
    docs: set[str] = set()
    for s in sents:
        c = s.row or evidence[s.idx]
        if c.doc.doc_id in docs:
            continue
        if parse_rule(s.text) is not None and base_kind(s.text) == "award":
            matching.append(s)
            docs.add(c.doc.doc_id)
        elif total.term(s.text, base, titles, "") is not None:
            used.append(s)
            docs.add(c.doc.doc_id)
    if not used or len(used) + len(matching) < 2:
        return None
    comp = render(used + matching, evidence, english)
    ids = [c.chunk_id for c in comp.chunks]

    def cite(s: Sent) -> str:
        return f"[{ids.index((s.row or evidence[s.idx]).chunk_id) + 1}]"

    terms = [t for s in used if (t := total.term(s.text, base, titles, cite(s))) is not None]
    subtotal = sum(t.value_wan for t in terms)
    terms += [t for s in matching if (t := total.term(s.text, subtotal, [], cite(s))) is not None]
    return Composition(comp.text + "\n" + total.explain(terms, english), comp.chunks,
                       result_wan=sum(t.value_wan for t in terms))


def with_calculation(ctx: Context, question: str, chosen: list[Sent], rule_sent: Sent, base: float,
                      evidence: Sequence[Chunk], english: bool, limit: int) -> Composition:
    """The answer with the asker's base put through the rule: a formula whose terms cite their clause; the
    rate raised by a clause of the same rule whose condition the asker says they meet."""
    if rule_sent not in chosen:
        chosen = [rule_sent, *chosen][:limit + 1]
    rule = parse_rule(rule_sent.text)
    assert rule is not None
    cited = rule_sent.row or evidence[rule_sent.idx]
    wider = whole_documents(ctx, evidence)
    up = next(((i, r) for i, c in enumerate(wider) if c.doc.doc_id == cited.doc.doc_id
               for x in split_sentences(c.text) if (r := raised(x, question, rule.rate)) is not None), None)
    if up is not None:
        chosen = [*chosen, Sent(up[1].sentence.strip(), up[0], 0.0, frozenset())]
        evidence = wider
    comp = render(chosen, evidence, english)
    ids = [c.chunk_id for c in comp.chunks]
    n = ids.index(cited.chunk_id) + 1
    note = ""
    if up is not None:
        m = ids.index(wider[up[0]].chunk_id) + 1
        note = (f" (rate raised to {up[1].rate:g}% for {up[1].condition}[{m}])" if english
                else f"（{up[1].condition}，比例按{up[1].rate:g}%计[{m}]）")
        rule = replace(rule, rate=up[1].rate)
    result = apply(rule, base)
    return Composition(comp.text + "\n" + explain(rule, result, f"[{n}]", english) + note, comp.chunks,
                       result_wan=None if result.below_threshold else result.value_wan)


def rule_sentence(sents: list[Sent], question: str) -> Sent | None:
    """The best-scored sentence that states a rate, about the question's title or project when it names one."""
    asked = subjects(normalize_for_match(question))
    rules = [x for x in sents if parse_rule(x.text) is not None]
    # a rate of what the asker gave: of an investment (投资1.2亿) or of an award (总额800万元 → 拨付…的70%)
    wanted = asked_base_kind(question)
    rules = [x for x in rules if base_kind(x.text) == wanted] or rules
    fitting = [x for x in rules if not asked or asked & subjects(normalize_for_match(x.text))]
    found = fitting or rules
    return found[0] if found else None


DIFFERENCE_CANDIDATES = 8  # the new award is among the best sentences for the question without what was received


def with_difference(ctx: Context, got: difference.Received, evidence: Sequence[Chunk],
                     english: bool) -> Composition | None:
    """The new award (fixed, or base × rate within its cap) less what the asker received, when a clause
    of the same rule pays the difference; None when no clause does."""
    wider = whole_documents(ctx, evidence)
    rule = next(((i, x) for i, c in enumerate(wider) for x in split_sentences(c.text)
                 if PAYS_DIFFERENCE.search(normalize_for_match(x))), None)
    if rule is None:
        return None
    asked = understand(got.rest)
    titles = focus(got.rest, ctx.subject_terms)
    base = asked_base(got.rest)
    sents = score(wider, ctx.weights(got.rest), "amount", got.rest, ctx.doc_chunks)
    for s in sents[:DIFFERENCE_CANDIDATES]:
        c = s.row or wider[s.idx]
        line = _line_of(c.text, s.text)  # "等级：卓越级智能工厂；…；奖励金额：一次性奖励300万元。" names its title once
        new = total.term(s.text, base, [], "") if any(t in normalize_for_match(line) for t in titles) or not titles \
            else None
        if new is None or not about_subject(c, line, titles, asked.region, got.rest, "amount"):
            continue
        rule_sent = Sent(rule[1].strip(), rule[0], 0.0, frozenset())
        comp = render([s, rule_sent], wider, english)
        ids = [x.chunk_id for x in comp.chunks]
        n_new, n_rule = ids.index(c.chunk_id) + 1, ids.index(wider[rule[0]].chunk_id) + 1
        line = difference.explain(new.value_wan, new.how, got.wan, f"[{n_new}]", f"[{n_rule}]", english)
        return Composition(comp.text + "\n" + line, comp.chunks, result_wan=max(new.value_wan - got.wan, 0.0))
    return None


def _line_of(text: str, sentence: str) -> str:
    """The line of `text` holding `sentence` (the whole text when it is not found on one line)."""
    return next((ln for ln in text.splitlines() if sentence.strip() and sentence.strip() in ln), text)
