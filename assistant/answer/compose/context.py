"""What every answer type needs from the index: word weights, a document's chunks, the subject terms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.domain import Chunk
from assistant.lexical import question_tokens


@dataclass(frozen=True)
class Context:
    """The index as the composers see it (one snapshot)."""

    idf: Callable[[str], float]
    doc_chunks: Callable[[str], Sequence[Chunk]]
    subject_terms: tuple[str, ...]  # the field's and the index's names of titles, programmes and levels
    known: Callable[[str], bool] = lambda t: True  # does any indexed passage contain the token

    def weights(self, question: str) -> dict[str, float]:
        """Each search token of the question (words of two characters or more, numbers) with its IDF."""
        return {t: self.idf(t) for t in {t for t in question_tokens(question, self.known) if len(t) > 1 or t.isdigit()}}
