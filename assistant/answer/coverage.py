"""How much of a question one sentence covers: the words in it, in its clause's lead, in its headings.

Shared by the rerank (which passage has the best sentence) and the composer (which sentences answer).
"""

from __future__ import annotations

LEAD_WEIGHT = 0.8  # a term in the clause's opening sentence counts nearly as if in the sentence itself
CONTEXT_WEIGHT = 0.5  # a term only in the title or headings counts half
SUBJECT_MISMATCH = 0.3  # a clause naming only other titles (智能工厂 when 数字化车间 was asked) is rarely the answer


def coverage(weights: dict[str, float], ns: str, lead: str, context: str) -> tuple[float, frozenset[str]]:
    """Share of the question's weight a (normalised) sentence covers, and the terms it covers."""
    total = sum(weights.values()) or 1.0
    covered = frozenset(t for t in weights if t in ns)
    in_lead = frozenset(t for t in weights if t in lead) - covered
    in_ctx = frozenset(t for t in weights if t in context) - covered - in_lead
    value = (sum(weights[t] for t in covered) + LEAD_WEIGHT * sum(weights[t] for t in in_lead)
             + CONTEXT_WEIGHT * sum(weights[t] for t in in_ctx)) / total
    return value, covered | in_lead | in_ctx
