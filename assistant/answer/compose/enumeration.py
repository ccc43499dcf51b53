"""Enumerations: when the question names a heading whose items are (一)(二)(三)…, every item of it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.compose.composition import Composition
from assistant.answer.compose.context import Context
from assistant.citations import source_label
from assistant.core import gazetteer
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk

ENUM_MIN_SHARE = 0.25  # the heading must carry this share of the question's weight
# what "哪些X" / "什么X" asks to be listed
ASKED_NOUN = re.compile(r"(?:哪些|哪几[个家项条类种]?|什么)([\u4e00-\u9fa5]{2})")
ENUM_CANDIDATES = 3  # the heading asked for is under one of the first passages found, not always the first
# an item: （一）短标题。 — its title; or any marked line ((一), 1., (1)) as a whole (conditions, materials)
_ITEM = re.compile(r"^\s*([（(][一二三四五六七八九十]+[）)])([^。：:\n；;]{2,30})[。：:]", re.M)
_NUMBERED = re.compile(r"^\s*([（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、]|[（(]\d{1,2}[）)])\s*([^\n]{2,160}?)[；;。]?\s*$",
                       re.M)
MAX_ITEM_CHARS = 120
_MARKER = re.compile(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]")
# words in nearly every heading of the field: they do not say which heading the question is about
GENERIC_TERMS = frozenset({"智能制造", "工信部", "工业和信息化部", "工信厅", "十四五", "新一代信息技术", "成熟度", "能力成熟度"})


def enumeration(ctx: Context, evidence: Sequence[Chunk], weights: dict[str, float], english: bool,
                question: str = "") -> Composition | None:
    """The items under the heading, among those of the first passages found (and their parents), that
    names most of what the question asks. A heading of a later passage must name the thing the question
    lists ("哪些材料" → 申报材料), not only share its other words."""
    # the share is of the words the documents use: "给领导写个简要：" names no heading of any document
    total = sum(w for t, w in weights.items() if ctx.known(t)) or 1.0
    m = ASKED_NOUN.search(normalize_for_match(question))
    listed = m.group(1) if m else ""
    headings = []
    for rank, top in enumerate([c for c in evidence if not c.record][:ENUM_CANDIDATES]):  # a row heads no items
        parts = top.section.split(" > ")
        places = {p.short for p in gazetteer.places_in(top.doc.title)} | {top.doc.region}
        for parent in (top.section, " > ".join(parts[:-1])):
            if not parent:
                continue
            label = normalize_for_match(_MARKER.sub("", parent.split(" > ")[-1]))
            own = sum(w for t, w in weights.items() if len(t) > 1 and t not in GENERIC_TERMS and t in label)
            # the heading is read under its document's place ("安徽…数字化车间条件" is about 安徽 too), but the
            # place alone names no heading: every heading of the document is under it
            where = sum(w for t, w in weights.items() if t in places and t not in label)
            if rank and listed and listed not in label:
                continue
            if own > 0 and own + where >= ENUM_MIN_SHARE * total:
                headings.append((own, top, parent))
    for _, top, parent in sorted(headings, key=lambda h: -h[0]):
        found = _items_under(ctx, top, parent, english)
        if found is not None:
            return found
    return None


def _items_under(ctx: Context, top: Chunk, parent: str, english: bool) -> Composition | None:
    """Every item of the passages under `parent` in `top`'s document, or None when there are not two."""
    family = [c for c in ctx.doc_chunks(top.doc.doc_id) if c.section == parent or c.section.startswith(parent + " > ")]
    items: list[tuple[str, int]] = []
    chunks: list[Chunk] = []
    for c in family:
        # items titled "（一）短标题。", or marked lines as a whole; whichever reads more of the passage
        # (a list of "；" lines whose last line ends in "。" is not one titled item)
        found = max(_ITEM.findall(c.text), _NUMBERED.findall(c.text), key=len)
        if found:
            chunks.append(c)
            items.extend(((m + t)[:MAX_ITEM_CHARS], len(chunks)) for m, t in found)
    if len(items) >= 2:
        label_text = source_label(top.doc.title, parent)
        body = "；".join(f"{name}[{n}]" for name, n in items)
        lead = f"According to {label_text}, it covers: " if english else f"根据{label_text}，包括："
        return Composition(lead + body + "。", chunks)
    return None
