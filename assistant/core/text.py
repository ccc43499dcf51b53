"""Text utilities shared by ingest and the answer path: one normalisation for matching, one sentence split."""

from __future__ import annotations

import re
import unicodedata

_SENTENCE = re.compile(r"[^。！？；;!?\n]*[。！？；;!?\n]?")


def normalize_for_match(s: str) -> str:
    """Fold a text for comparison: NFKC (full-width → half-width) and no whitespace at all.

    Args:
        s: Any text.

    Returns:
        The folded text; this is the rule the evals and citation checks use.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。！？； (or a newline); never empty strings."""
    return [s for s in (m.group(0) for m in _SENTENCE.finditer(text)) if s.strip()]
