"""Second-stage rerank of the fused candidates, lexical and offline: how much of the question the
passage's best sentence covers (with its clause's lead and its headings), IDF-weighted.

Dense and BM25 scores rank whole passages; a passage whose one sentence answers the question beats a
passage that mentions the question's words across many sentences. No model is run: the sentence
vectors a cross-encoder would need cost ~70 ms a passage on 2 cores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.attributes import asked_attributes, states
from assistant.answer.coverage import SUBJECT_MISMATCH, coverage
from assistant.answer.figures import asked_figure, has_figure
from assistant.answer.terms import subjects
from assistant.core.text import normalize_for_match, split_sentences
from assistant.domain import SearchHit
from assistant.lexical import question_tokens

CANDIDATES = 20  # reranked at most: the rest keep their fused order
# weight of sentence coverage (0–1) against the fused score scaled to the best candidate's (0–1);
# chosen on the dev2 build half
COVERAGE_WEIGHT = 0.3
# a sentence stating what the question asks for — the kind of figure (多久 → a duration, 比例 → a rate)
# or the attribute in words (材料, 条件, 谁负责, 最高) — counts this much more (chosen on the dev2 build half)
ASKED_FIGURE = 0.2
ASKED_ATTRIBUTE = 0.2


def rerank(question: str, hits: Sequence[SearchHit], idf: Callable[[str], float],
           known: Callable[[str], bool] = lambda t: False) -> list[SearchHit]:
    """`hits` (fused order) with the first CANDIDATES reordered by fused score and sentence coverage."""
    if len(hits) < 2:
        return list(hits)
    weights = {t: idf(t) for t in set(question_tokens(question, known)) if len(t) > 1 or t.isdigit()}
    if not sum(weights.values()):
        return list(hits)
    head, tail = list(hits[:CANDIDATES]), list(hits[CANDIDATES:])
    top = max(h.score for h in head) or 1.0
    asked = subjects(normalize_for_match(question))
    figure, attributes = asked_figure(question), asked_attributes(question)
    scored = [(h.score / top + COVERAGE_WEIGHT * best_coverage(h, weights, asked, figure, attributes), i, h)
              for i, h in enumerate(head)]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [h for _, _, h in scored] + tail


def best_coverage(hit: SearchHit, weights: dict[str, float], asked: frozenset[str] = frozenset(),
                  figure: str | None = None, attributes: tuple[str, ...] = ()) -> float:
    """The share of the question's weight the passage's best sentence covers (less when its clause is
    about another title than the one asked; more when it states the figure or attributes asked)."""
    c = hit.chunk
    context = normalize_for_match(c.doc.title + c.section)
    best = 0.0
    lead = ""
    for s in split_sentences(c.text):
        ns = normalize_for_match(s)
        if ns.endswith(("：", ":")):
            lead = ns
        score, _ = coverage(weights, ns, lead, context)
        said = subjects(ns + lead + normalize_for_match(c.section.split(" > ")[-1]))
        if asked and said and not (said & asked):
            score -= SUBJECT_MISMATCH
        if figure and has_figure(figure, s, c):
            score += ASKED_FIGURE
        if attributes:
            score += ASKED_ATTRIBUTE * sum(states(a, ns + lead) for a in attributes) / len(attributes)
        best = max(best, score)
    return best
