"""Grounded extractive answers (no LLM), one module per answer type: case lists (case_list),
comparisons (comparison), enumerations (enumeration), single answers with figures, steps and
deferrals (single), figures computed from the asker's numbers — calculations, difference awards,
totals across levels (computed) — and "not specified" (not_specified). The composer picks the type.

Never writes a figure the evidence does not hold: when a question asks for an amount, a ratio, a
period or a level and no passage about the question's subject states one, the answer says the
documents do not specify it.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.compose import sentences
from assistant.answer.compose.case_list import matching_rows, selected_rows
from assistant.answer.compose.comparison import compare
from assistant.answer.compose.composition import Composition, join_compositions
from assistant.answer.compose.context import Context
from assistant.answer.compose.enumeration import enumeration
from assistant.answer.compose.not_specified import nothing
from assistant.answer.compose.single import single
from assistant.answer.figures import asked_figure
from assistant.answer.request import content_of
from assistant.domain import Chunk
from assistant.lexical import expand_query

__all__ = ["Composer", "Composition", "Context", "join_compositions"]

EXPANSION_WEIGHT = 0.5  # a synonym or glossary term added to the question counts half: the asker's words decide
ROWS_SHARE = 0.8  # a table row this close to the best sentence means the question asks for rows


class Composer:
    """Extractive answers over numbered evidence."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def compose(self, question: str, evidence: Sequence[Chunk], english: bool = False,
                compare_docs: bool = False) -> Composition:
        """The answer to `question` from `evidence`, its [n] markers pointing into the returned chunks."""
        if not evidence:
            return nothing(english)
        kind = asked_figure(question)
        question = content_of(question)  # how the answer should be written is not what it is about
        own = self.ctx.weights(question)
        expanded = expand_query(question)
        weights = {t: w if t in own else w * EXPANSION_WEIGHT for t, w in self.ctx.weights(expanded).items()
                   if not (english and t.isascii() and t.isalpha())}  # English words never match Chinese text
        # what was asked is checked on the asker's own words; an English question has only its glossary terms
        question = expanded if english else question
        sents = sentences.score(evidence, weights, kind, question, self.ctx.doc_chunks)
        if compare_docs:
            table = compare(question, evidence, sents, weights, kind, english)
            return table or single(self.ctx, question, evidence, sents, weights, kind, english)
        found = selected_rows(self.ctx, question, evidence, english, kind)
        if found is not None:
            return found
        listing = bool(sentences.LIST_Q.search(question.lower())) and not kind
        row_sents = [x for x in sents if evidence[x.idx].record]
        if listing and row_sents and row_sents[0].score >= ROWS_SHARE * sents[0].score:  # rows answer: list them
            rows = matching_rows(self.ctx, evidence, weights, question)
            if rows:
                return rows
        if listing:
            items = enumeration(self.ctx, evidence, weights, english, question)
            if items:
                return items
        return single(self.ctx, question, evidence, sents, weights, kind, english)
