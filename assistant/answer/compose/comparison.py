"""Comparisons: a Markdown table, one row per document (two versions of one place's rules are two
rows), the sentences that answer in it, every cell cited."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer import rows as rows_mod
from assistant.answer.compose import superlative
from assistant.answer.compose.composition import Composition
from assistant.answer.compose.render import cell, status_note
from assistant.answer.compose.sentences import RANK_BONUS, Sent, choose, display, end, said_with_heading
from assistant.answer.compose.subject import PURPOSE, about_subject
from assistant.answer.figures import has_figure
from assistant.answer.understand import understand
from assistant.core import gazetteer
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk
from assistant.lexical import tokenize

MAX_COMPARE_DOCS = 6
# a comparison's words name every place compared: one place's clause covers only its own share of them
COMPARE_MIN_COVERAGE = 0.1
COMPARE_MIN_COVERAGE_WITH_FIGURE = 0.0  # the figure and the subject were checked: any positive score
MAX_CELL_SENTENCES = 3  # a comparison cell holds the answering sentences of one document, not its whole text


def compare(question: str, evidence: Sequence[Chunk], sents: list[Sent], weights: dict[str, float],
            kind: str | None, english: bool) -> Composition | None:
    """The table, or None when fewer than two documents answer (the caller answers singly then)."""
    groups: dict[str, list[Sent]] = {}
    rows_asked = rows_mod.wants_list(question)
    for s in sents:
        if _answers(s, evidence, question, kind, rows_asked):
            groups.setdefault((s.row or evidence[s.idx]).doc.doc_id, []).append(s)
    if len(groups) < 2:
        return None
    order = {p.short: i for i, p in enumerate(understand(question).places)}
    keyed = sorted(groups.values(), key=lambda g: (order.get(evidence[g[0].idx].doc.region, len(order)), -g[0].score))
    chunks: list[Chunk] = []
    attributes = asked_attributes(question)
    head = "| Place | Document | Provision |" if english else "| 地区 | 文件 | 相关规定 |"
    lines = ["Side by side:" if english else "各地（各文件）相关规定对比如下：", "", head, "|---|---|---|"]
    table: list[tuple[str, str]] = []  # (place, cell) of each row, for 哪个最高
    for group in keyed[:MAX_COMPARE_DOCS]:
        cells = []
        # within one document, the sentences are ranked by what they say, not by their passage's rank
        group = sorted(group, key=lambda x: -(x.score - RANK_BONUS / (x.idx + 1)))
        chosen = choose(group, weights, MAX_CELL_SENTENCES)
        for attr in attributes:  # "比例、上限、上浮条件都列上": each attribute the document states has its sentence
            said = [x for x in group if attr in said_with_heading(x, evidence)]
            if said and not any(x in chosen for x in said):
                chosen.append(said[0])
        for s in sorted(chosen, key=lambda x: x.idx):
            c = s.row or evidence[s.idx]
            if c.chunk_id not in {x.chunk_id for x in chunks}:
                chunks.append(c)
            n = next(i for i, x in enumerate(chunks, start=1) if x.chunk_id == c.chunk_id)
            cells.append(f"{end(display(s.text, c))}[{n}]")
        d = (group[0].row or evidence[group[0].idx]).doc
        place = d.region if d.region and d.region != "全国" else ("National" if english else "全国")
        lines.append(f"| {cell(place)} | {cell(f'《{d.title}》' + status_note(d, english))} | {cell(''.join(cells))} |")
        table.append((place, "".join(cells)))
    sign = superlative.direction(question)
    top = superlative.extreme(table, kind, sign)
    if top is not None:  # "哪个最高？": the extreme first, the table below it
        place, text = table[top]
        word = ("highest" if sign > 0 else "lowest") if english else ("最高（最长）" if sign > 0 else "最低（最短）")
        lead = (f"The {word} is {place}: {text}" if english else f"其中{word}的是{place}：{text}")
        lines = [lead, "", *lines]
    return Composition("\n".join(lines), chunks)


def _answers(s: Sent, evidence: Sequence[Chunk], question: str, kind: str | None, rows_asked: bool) -> bool:
    """Does the sentence answer for its document in the comparison?"""
    c = s.row or evidence[s.idx]
    if c.record and c.doc.kind == "case_list" and not rows_asked:
        return False  # a list's row where the rules are compared
    # a reward standard is a rate and a cap: asked either, a sentence stating the other answers as well
    if kind:
        kinds = ("amount", "ratio") if kind in ("amount", "ratio") else (kind,)
        if not (any(has_figure(k, s.text, c) for k in kinds) and about_subject(c, s.text, [], "", question, kind)):
            return False
    # a sentence stating the figure asked is an answer however few of the other places' words it shares
    if s.score < (COMPARE_MIN_COVERAGE if not kind else COMPARE_MIN_COVERAGE_WITH_FIGURE):
        return False
    # asked about rewards: a line on procedure is not a comparison of rewards
    return not (PURPOSE.search(question) and not PURPOSE.search(s.text))


# an enumeration of what to set side by side: "比例、上限、上浮条件都列上", "投资门槛、补贴比例和上限"
_ATTRIBUTE_LIST = re.compile(r"[\u4e00-\u9fa5]{2,6}(?:、[\u4e00-\u9fa5]{2,6})+(?:[和及与][\u4e00-\u9fa5]{2,6})?")


def asked_attributes(question: str) -> list[str]:
    """The words of the question's list of attributes; a list of places ("浙江、广东、安徽…") is not one."""
    out: list[str] = []
    for m in _ATTRIBUTE_LIST.finditer(normalize_for_match(question)):
        parts = re.split(r"[、和及与]", m.group(0))
        if sum(1 for x in parts if gazetteer.places_in(x)) * 2 >= len(parts):
            continue
        out += [t for x in parts for t in tokenize(x) if len(t) >= 2 and not gazetteer.places_in(t)]
    return list(dict.fromkeys(out))
