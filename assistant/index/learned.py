"""What one document adds to the local index when it is indexed, computed once from its own chunks:
search tokens per chunk, the words' document frequencies and sounds, the head nouns' left contexts
(names are learned from their sum, assistant.answer.terms) and the names of its parts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.terms import left_contexts
from assistant.answer.typos import sound_of
from assistant.domain import Chunk
from assistant.lexical import tokenize

EMPTY_TOKEN = "∅"  # the token of a chunk with no searchable word, so every chunk has a row in the lexical index


def search_text(c: Chunk) -> str:
    """What the lexical index matches a chunk by: its document's title, its section, its text."""
    return f"{c.doc.title} {c.section}\n{c.text}"


def search_tokens(c: Chunk) -> list[str]:
    return tokenize(search_text(c)) or [EMPTY_TOKEN]


@lru_cache(maxsize=65536)
def sound(term: str) -> str:
    """A term's pinyin key for homophone typos (assistant.answer.typos), '' when it is never corrected."""
    return sound_of(term)


@dataclass(frozen=True)
class Learned:
    """The sums one document contributes: chunks containing each term, and head-noun contexts."""

    df: Counter[str]
    contexts: Counter[str]


def learn_document(chunks: Sequence[Chunk], tokens: Sequence[Sequence[str]]) -> Learned:
    df: Counter[str] = Counter()
    for toks in tokens:
        df.update(set(toks))
    contexts = left_contexts(f"{c.doc.title} {c.section} {c.text}" for c in chunks)
    return Learned(df, contexts)


def parts_of(chunks: Sequence[Chunk]) -> str:
    """The names of a case list's parts (the sheets of a workbook: often one per province), one a line."""
    return "\n".join(dict.fromkeys(c.section.split(" > ")[0] for c in chunks if c.record and c.doc.kind == "case_list"))
