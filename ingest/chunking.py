"""Units → chunks bounded in tokens, along the section tree; a clause is cut only when it cannot fit."""

from __future__ import annotations

from dataclasses import dataclass

from assistant import tokens
from assistant.core.structure import Unit
from assistant.core.text import split_sentences
from assistant.settings import ChunkingSettings


@dataclass(frozen=True)
class Piece:
    """The text of one chunk with where it sits."""

    section: str
    text: str
    page: int
    record: tuple[tuple[str, str], ...] = ()


def chunk_units(units: list[Unit], cfg: ChunkingSettings) -> list[Piece]:
    """Merge small sibling units, split oversize ones on sentence boundaries.

    A unit that is only a heading (e.g. "四、重点工作") or shorter than `cfg.min_tokens` is merged
    with the following units of the same parent while the result stays within `cfg.max_tokens`;
    the merged chunk carries the common parent's section path.
    """
    pieces: list[Piece] = []
    group: list[Unit] = []

    def emit() -> None:
        if not group:
            return
        text = "\n".join(u.text for u in group)
        section = group[0].section if len(group) == 1 else _common_section(group)
        if tokens.count(text) <= cfg.max_tokens:
            pieces.append(Piece(section, text, group[0].page))
        else:
            pieces.extend(Piece(section, part, group[0].page) for part in _split(text, cfg))
        group.clear()

    for unit in units:
        if unit.record:  # a table row is a record: never merged, never split
            emit()
            pieces.append(Piece(unit.section, unit.text, unit.page, unit.record))
            continue
        if group and _can_join(group, unit, cfg):
            group.append(unit)
            continue
        if len(group) == 1 and _heading_only(group[0]) and _nested(unit, group[0]):
            # a bare heading never stands alone: it opens its first clause even when that clause is split
            unit = Unit(unit.path, group[0].text + "\n" + unit.text, group[0].page)
            group.clear()
        emit()
        group.append(unit)
    emit()
    return pieces


def _can_join(group: list[Unit], unit: Unit, cfg: ChunkingSettings) -> bool:
    """A heading takes its first clause; a clause takes its own items; small siblings go together."""
    size = tokens.count("\n".join(u.text for u in group)) + tokens.count(unit.text)
    if size > cfg.max_tokens:
        return False
    if len(group) == 1 and _heading_only(group[0]):
        return _nested(unit, group[0])
    head = group[1] if _heading_only(group[0]) else group[0]
    if _nested(unit, head):
        return True
    last = group[-1]
    sibling = unit.path[:-1] == last.path[:-1] and len(unit.path) == len(last.path)
    return sibling and tokens.count(last.text) < cfg.min_tokens and tokens.count(unit.text) < cfg.min_tokens


def _nested(unit: Unit, head: Unit) -> bool:
    return len(unit.path) > len(head.path) and unit.path[: len(head.path)] == head.path


def _heading_only(unit: Unit) -> bool:
    return "\n" not in unit.text and len(unit.text) <= 30 and not unit.text.endswith("。")


def _common_section(group: list[Unit]) -> str:
    if _heading_only(group[0]) and len(group) > 1:
        group = group[1:]  # "第二章 认定条件" + 第六条 and its items → the section is 第六条
    if len(group) == 1:
        return group[0].section
    paths = [u.path for u in group]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if all(p == parts[0] for p in parts):
            common.append(parts[0])
        else:
            break
    return " > ".join(common) if common else group[0].section


def _split(text: str, cfg: ChunkingSettings) -> list[str]:
    """Pack sentences into parts ≤ max_tokens, repeating up to overlap_tokens of the previous part."""
    parts: list[str] = []
    cur: list[str] = []
    for sent in split_sentences(text):
        if tokens.count(sent) > cfg.max_tokens:  # a monster sentence: hard cut by tokens, heading kept on
            parts.extend(_hard_cut("".join(cur) + sent, cfg.max_tokens))
            cur = []
            continue
        if cur and tokens.count("".join(cur) + sent) > cfg.max_tokens:
            parts.append("".join(cur))
            cur = _tail(cur, cfg.overlap_tokens)
            if cur and tokens.count("".join(cur) + sent) > cfg.max_tokens:
                cur = []
        cur.append(sent)
    if cur:
        parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _tail(sentences: list[str], budget: int) -> list[str]:
    out: list[str] = []
    for s in reversed(sentences):
        if tokens.count("".join([s, *out])) > budget:
            break
        out.insert(0, s)
    return out


def _hard_cut(text: str, max_tokens: int) -> list[str]:
    enc = tokens.encoding()
    ids = enc.encode(text, disallowed_special=())
    out = []
    for i in range(0, len(ids), max_tokens):
        out.append(enc.decode(ids[i : i + max_tokens]))
    return out
