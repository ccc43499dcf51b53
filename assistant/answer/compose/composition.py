"""What a composer returns: answer text whose [n] markers point into a list of chunks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.domain import Chunk


@dataclass(frozen=True)
class Composition:
    """An answer whose [n] markers point into `chunks` (1-based)."""

    text: str
    chunks: list[Chunk]
    not_specified: bool = False
    result_wan: float | None = None  # the amount a calculation or a total came to, for a later part to build on


def join_compositions(parts: Sequence[Composition]) -> Composition:
    """Answers to the parts of one question as one answer: markers renumbered into one chunk list
    (a chunk cited by two parts keeps one number); a part repeating an earlier part is dropped."""
    chunks: list[Chunk] = []
    texts: list[str] = []
    cited: set[str] = set()
    for comp in parts:
        index: dict[int, int] = {}
        for i, c in enumerate(comp.chunks, start=1):
            ids = [x.chunk_id for x in chunks]
            if c.chunk_id not in ids:
                chunks.append(c)
                ids.append(c.chunk_id)
            index[i] = ids.index(c.chunk_id) + 1
        if texts and comp.chunks and all(c.chunk_id in cited for c in comp.chunks) and _repeats(comp.text, texts):
            continue  # this part is answered by what an earlier part already quoted
        cited.update(c.chunk_id for c in comp.chunks)
        texts.append(_renumber(comp.text, index))
    return Composition("\n".join(texts), chunks, all(p.not_specified for p in parts))


_ATTRIBUTION = re.compile(r"(?:根据|另据|According to)\s*《[^》]+》[^，,:：]{0,24}[，,:：]\s*")
_SENTENCE_END = re.compile(r"[。；！？\n]")
SAME_SENTENCE = 6  # characters a quoted sentence needs to count as said


def _repeats(text: str, earlier: list[str]) -> bool:
    """Does every sentence the part quotes already stand in an earlier part? (Another sentence of a passage
    an earlier part cited is new: "钱是谁出的" quotes the 1:1 line of the clause that answered "要申请吗".)"""
    said = re.sub(r"\[\d+\]", "", "".join(earlier))
    quoted = [q.strip() for q in _SENTENCE_END.split(_ATTRIBUTION.sub("", re.sub(r"\[\d+\]", "", text)))]
    return all(q in said for q in quoted if len(q) >= SAME_SENTENCE)


def _renumber(text: str, index: dict[int, int]) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{index.get(int(m.group(1)), 0)}]", text)
