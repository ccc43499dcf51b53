"""The evidence widened to the whole of its first documents: a figure or a clause of the same rule may
sit in another passage than the one retrieved."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.compose.context import Context
from assistant.domain import Chunk

WIDEN_DOCS = 2  # "not specified" is checked across the whole of the first documents found, no further


def whole_documents(ctx: Context, evidence: Sequence[Chunk]) -> list[Chunk]:
    """The evidence, then every other passage of its first WIDEN_DOCS documents of the first passage's
    place (another place's rule is not "another clause of the same rule"), in document order."""
    docs: list[str] = []
    for c in evidence:
        if c.doc.doc_id not in docs and c.doc.region == evidence[0].doc.region:
            docs.append(c.doc.doc_id)
    have = {c.chunk_id for c in evidence}
    extra = [c for d in docs[:WIDEN_DOCS] for c in ctx.doc_chunks(d) if c.chunk_id not in have]
    return [*evidence, *extra]
