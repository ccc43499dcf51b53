"""Grounded extractive answers (no LLM): choose the evidence sentences that answer, name their clause, cite [n].

Never writes a figure the evidence does not hold: when a question asks for an amount, a ratio, a
period or a level and no passage about the question's subject states one, the answer says the
documents do not specify it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer import rows as rows_mod
from assistant.answer.calculate import apply, asked_base, explain, parse_rule
from assistant.answer.terms import subjects
from assistant.answer.understand import understand
from assistant.citations import source_label
from assistant.core import gazetteer
from assistant.domain import Chunk, DocumentMeta
from assistant.figures import FIGURES, KIND_WORDS, asked_figure, has_figure
from assistant.lexical import expand_query, field_terms, tokenize
from assistant.retrieval import ROW_SEPARATOR
from ingest.chunking import split_sentences
from ingest.cleaning import normalize_for_match

_LIST = re.compile(r"哪些|哪几|包括|包含|有什么|什么样|列出|名单|\bwhich\b|\bwhat are\b|\blist\b")
_PROCESS = re.compile(r"流程|程序|步骤|怎么申报|如何申报|怎样申报|申报路径|怎么认定|如何认定|\bprocedure\b|\bprocess\b|\bsteps\b")
_ASKED_TWICE = re.compile(r"多少|几[个家项年级]|\bhow (?:many|much)\b")
_CONDITION_Q = re.compile(r"条件|要求|资格|门槛|criteria|requirement|eligib")
_CONDITION_S = re.compile(r"条件|须|应当|应|不得|要求")
_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
_DEADLINE_Q = re.compile(r"截止|deadline", re.I)
_DEADLINE_S = re.compile(r"截止|截至|之前|前完成|前推荐|前报|日前|月底前|前提交|前申报")
_PURPOSE = re.compile(r"奖|补|资助|贴息")
_ITEM = re.compile(r"^\s*([（(][一二三四五六七八九十]+[）)])([^。：:\n]{2,30})[。：:]", re.M)
RULE_KINDS = ("policy", "local_policy")
_LOCAL_LEVEL = re.compile(r"省级|市级|县级|区级|本省|本市")
_GENERIC_TERMS = {"智能制造", "工信部", "工业和信息化部", "工信厅", "十四五", "新一代信息技术", "成熟度", "能力成熟度"}
_SKIP_COLUMNS = re.compile(r"url|note|备注|来源|依据|source|序号|^year$|年份|status|状态", re.IGNORECASE)
MAX_SENTENCES = 3
MAX_LIST_SENTENCES = 5
MAX_ROWS = 15
MAX_STEPS = 8
MIN_COVERAGE = 0.2
MIN_ROW_COVERAGE = 0.12
ROWS_SHARE = 0.8  # a table row this close to the best sentence means the question asks for rows
LENGTH_PENALTY = 0.03
EXPANSION_WEIGHT = 0.5
MIN_GAIN = 0.08  # a further sentence must answer a part of the question the others did not
LIST_BUDGET_CHARS = 500
MAX_COMPARE_DOCS = 6
# a comparison's words name every place compared: one place's clause covers only its own share of them
COMPARE_MIN_COVERAGE = 0.1
MAX_CELL_SENTENCES = 3  # a comparison cell holds the answering sentences of one document, not its whole text
ENUM_MIN_SHARE = 0.25
DISCRIMINATIVE_IDF = 1.5
LEAD_WEIGHT = 0.8
RANK_BONUS = 0.08  # a sentence of a higher-ranked passage wins a tie
SUBJECT_MISMATCH = 0.3  # a clause naming only other titles (智能工厂 when 数字化车间 was asked) is rarely the answer


@dataclass(frozen=True)
class Composition:
    """An answer whose [n] markers point into `chunks` (1-based)."""

    text: str
    chunks: list[Chunk]
    not_specified: bool = False


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
        if texts and comp.chunks and all(c.chunk_id in cited for c in comp.chunks):
            continue  # this part is answered by passages an earlier part already quoted
        cited.update(c.chunk_id for c in comp.chunks)
        texts.append(_renumber(comp.text, index))
    return Composition("\n".join(texts), chunks, all(p.not_specified for p in parts))


def _renumber(text: str, index: dict[int, int]) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{index.get(int(m.group(1)), 0)}]", text)




@dataclass(frozen=True)
class _Asked:
    """What a question asks, as the sentence scorer needs it."""

    kind: str | None  # the figure asked for
    conditions: bool  # asks for conditions
    steps: bool  # asks for a procedure
    subjects: frozenset[str]  # titles and projects it names


def _coverage(weights: dict[str, float], ns: str, lead: str, context: str) -> tuple[float, frozenset[str]]:
    """Share of the question's weight a sentence covers: in itself, in its clause's lead, in its headings."""
    total = sum(weights.values()) or 1.0
    covered = frozenset(t for t in weights if t in ns)
    in_lead = frozenset(t for t in weights if t in lead) - covered
    in_ctx = frozenset(t for t in weights if t in context) - covered - in_lead
    score = (sum(weights[t] for t in covered) + LEAD_WEIGHT * sum(weights[t] for t in in_lead)
             + 0.5 * sum(weights[t] for t in in_ctx)) / total
    return score, covered | in_lead | in_ctx


def _adjustment(ask: _Asked, s: str, ns: str, lead: str, c: Chunk, row: Chunk | None) -> float:
    """Bonuses and penalties for what the sentence is, beyond the words it shares with the question."""
    delta = 0.0
    said = subjects(ns + lead + _last_heading(c.section))
    if ask.subjects and said and not (said & ask.subjects):
        delta -= SUBJECT_MISMATCH  # the clause is about another title or project than the one asked
    if ask.kind and has_figure(ask.kind, s, row or c):
        delta += 0.25
    if ask.conditions and _CONDITION_S.search(s):
        delta += 0.2 if ("条件" in s and s.rstrip().endswith(("：", ":"))) else 0.1
    if ask.steps and _PROCESS.search(c.section):
        delta += 0.2  # "认定流程" is answered under 第三章 认定程序
    if _is_heading(ns):
        delta -= 0.1  # a bare heading says little on its own
    return delta


@dataclass(frozen=True)
class _Sent:
    text: str
    idx: int  # evidence index
    score: float
    covered: frozenset[str]
    row: Chunk | None = None  # the table row this line is, when the evidence is a table excerpt


class Composer:
    """Extractive answers over numbered evidence."""

    def __init__(self, idf: Callable[[str], float], doc_chunks: Callable[[str], Sequence[Chunk]]) -> None:
        self._idf = idf
        self._doc_chunks = doc_chunks
        self._terms = [t for t in field_terms() if t not in _GENERIC_TERMS]

    # ------------------------------------------------------------------ entry point
    def compose(self, question: str, evidence: Sequence[Chunk], english: bool = False,
                compare: bool = False) -> Composition:
        if not evidence:
            return Composition(self._say(english, "no_evidence", question), [], True)
        kind = asked_figure(question)
        # score sentences against the corpus's own terms too (English words, typos, synonyms), the
        # added terms counting half: they say what the asker may mean, the words say what they asked
        own = self._weights(question)
        expanded = expand_query(question)
        weights = {t: w if t in own else w * EXPANSION_WEIGHT for t, w in self._weights(expanded).items()
                   if not (english and t.isascii() and t.isalpha())}  # English words never match Chinese text
        # what was asked is checked on the asker's own words; an English question has only its glossary terms
        question = expanded if english else question
        sents = self._sentences(evidence, weights, kind, question)
        listing = bool(_LIST.search(question.lower())) and not kind
        if compare:
            return self._compare(question, evidence, sents, weights, kind, english)
        selected = self._selected_rows(question, evidence, english)
        if selected is not None:
            return selected
        row_sents = [x for x in sents if evidence[x.idx].record]
        if listing and row_sents and row_sents[0].score >= ROWS_SHARE * sents[0].score:  # rows answer: list them
            rows = self._rows(question, evidence, weights)
            if rows:
                return rows
        if listing:
            enum = self._enumeration(question, evidence, weights, english)
            if enum:
                return enum
        return self._single(question, evidence, sents, weights, kind, english)

    # ------------------------------------------------------------------ scoring
    def _weights(self, question: str) -> dict[str, float]:
        toks = {t for t in tokenize(question) if len(t) > 1 or t.isdigit()}
        return {t: self._idf(t) for t in toks}

    def _sentences(self, evidence: Sequence[Chunk], weights: dict[str, float], kind: str | None,
                   question: str = "") -> list[_Sent]:
        ask = _Asked(kind, bool(_CONDITION_Q.search(question.lower())), bool(_PROCESS.search(question)),
                     subjects(normalize_for_match(question)))
        out = []
        for i, c in enumerate(evidence):
            context = normalize_for_match(c.doc.title + c.section)
            # a table row is one statement; its cells are not sentences
            pieces = c.text.split(ROW_SEPARATOR) if c.record else split_sentences(c.text)
            rows = {r.text: r for r in self._doc_chunks(c.doc.doc_id) if r.record} if c.record else {}
            lead = ""  # the clause's opening sentence ("申报数字化车间，…还应达到以下标准：") governs its items
            for s in pieces:
                ns = normalize_for_match(s)
                if ns.endswith(("：", ":")):
                    lead = ns
                row = rows.get(s)
                if len(ns) < 4 or (not row and _only_names(ns, c)):
                    continue  # too short, or only the document's title, issuer or a notice line: answers nothing
                score, covered = _coverage(weights, ns, lead, context)
                score += RANK_BONUS / (i + 1)
                score -= LENGTH_PENALTY * len(ns) / 100  # at equal coverage, the sentence that says less else
                score += _adjustment(ask, s, ns, lead, c, row)
                out.append(_Sent(s.strip(), i, score, covered, row))
        return sorted(out, key=lambda x: -x.score)

    def _focus(self, question: str) -> list[str]:
        q = normalize_for_match(question)
        found = [t for t in self._terms if t in q]
        return [t for t in found if not any(t != o and t in o for o in found)]  # keep the longest terms

    def _about_subject(self, c: Chunk, sentence: str, focus: list[str], region: str, question: str,
                       kind: str | None) -> bool:
        """Does the figure's passage speak of the question's subject (its field terms, region and purpose)?

        The document title does not count: a register *about* 示范工厂 may quote an unrelated figure.
        """
        # a rule document's headings (its own title included) name what its clauses are about; a register's
        # or compilation's do not: only the clause's own headings count there
        headings = c.doc.title + c.section if c.doc.kind in RULE_KINDS else " ".join(c.section.split(" > ")[-2:])
        hay = normalize_for_match(headings + c.text)
        if region and c.doc.region not in (region, "全国", "") and region not in hay:
            return False
        if region and c.doc.region in ("全国", "") and _LOCAL_LEVEL.search(question):
            return False  # "厦门市级…" is not answered by a national figure
        if region and c.doc.region in ("全国", "") and _names_only_other_places(hay, region):
            return False  # a register's line about 马鞍山 is not an answer about 辽宁
        years = set(_YEAR.findall(question))
        for text in (sentence, hay):  # asked about 2021: a sentence (or passage) of other years is not it
            if years and _YEAR.search(text) and not any(y in text for y in years):
                return False
        if kind in ("amount", "ratio") and _PURPOSE.search(question) and not _PURPOSE.search(sentence):
            return False  # asked what is paid; a threshold such as 投入不低于3000万元 is not an answer
        if kind == "date" and _DEADLINE_Q.search(question) and not _DEADLINE_S.search(sentence):
            return False  # asked for a deadline; a publication date is not one
        if len(_ASKED_TWICE.findall(question)) >= 2:  # "多少家示范工厂、多少个优秀场景": each figure is about one
            return not focus or any(t in hay for t in focus)
        return all(t in hay for t in focus)

    # ------------------------------------------------------------------ single answer
    def _single(self, question: str, evidence: Sequence[Chunk], sents: list[_Sent], weights: dict[str, float],
                kind: str | None, english: bool) -> Composition:
        if not sents:
            return Composition(self._say(english, "no_evidence", question), [], True)
        if kind:
            focus = self._focus(question)
            region = understand(question).region
            with_fig = [s for s in sents if has_figure(kind, s.text, s.row or evidence[s.idx])
                        and self._about_subject(s.row or evidence[s.idx], s.text, focus, region, question, kind)]
            if not with_fig:
                return self._not_specified(question, evidence, sents, kind, focus, english)
            # a figure question is answered by figures: further sentences come from those too
            sents = with_fig
        best = sents[0]
        if best.score < MIN_COVERAGE:
            return self._not_found(question, evidence, sents, english)
        limit = MAX_LIST_SENTENCES if _LIST.search(question.lower()) else MAX_SENTENCES
        chosen = _choose(sents, weights, limit)
        if _PROCESS.search(question):  # a procedure: the clauses of its chapter, step by step
            chosen = self._steps(evidence[best.idx]) or chosen
        chosen += self._list_after_colon(chosen, evidence)
        base = asked_base(question) if kind in ("amount", "ratio") else None
        rule_sent = _rule_sentence(sents, question) if base is not None else None
        if rule_sent is None:
            deferred = _DEFERS.search(normalize_for_match(best.text))
            if deferred:  # "具体优惠幅度由各企业自主确定": the document leaves it open, and says so
                lead = (f"The documents do not fix this (文件未明确规定，{deferred.group(0)}):" if english
                        else f"文件未明确规定具体标准（{deferred.group(0)}）。相关条款如下：")
                comp = self._render(chosen, evidence, english, lead)
                return Composition(comp.text, comp.chunks, True)
            return self._render(chosen, evidence, english)
        if rule_sent not in chosen:
            chosen = [rule_sent, *chosen][:limit + 1]
        comp = self._render(chosen, evidence, english)
        rule = parse_rule(rule_sent.text)
        assert rule is not None and base is not None
        cited = rule_sent.row or evidence[rule_sent.idx]
        n = next(i for i, c in enumerate(comp.chunks, start=1) if c.chunk_id == cited.chunk_id)
        return Composition(comp.text + "\n" + explain(rule, apply(rule, base), f"[{n}]", english), comp.chunks)

    def _steps(self, chunk: Chunk) -> list[_Sent]:
        """Every clause under the chunk's parent heading (e.g. 第三章 认定程序 → 第十二条 … 第十五条)."""
        parts = chunk.section.split(" > ")
        if len(parts) < 2:
            return []
        parent = " > ".join(parts[:-1])
        family = [c for c in self._doc_chunks(chunk.doc.doc_id) if c.section.startswith(parent + " > ")]
        return [_Sent(c.text, 0, 0.0, frozenset(), c) for c in family[:MAX_STEPS]]

    @staticmethod
    def _list_after_colon(chosen: list[_Sent], evidence: Sequence[Chunk]) -> list[_Sent]:
        """A sentence ending in "：" introduces items: bring them along (e.g. 第六条's (一)…(八))."""
        extra: list[_Sent] = []
        taken = {(s.idx, s.text) for s in chosen}
        for s in chosen:
            if not s.text.rstrip().endswith(("：", ":")):
                continue
            sents = [x.strip() for x in split_sentences(evidence[s.idx].text)]
            if s.text not in sents:
                continue
            size = 0
            for nxt in sents[sents.index(s.text) + 1:]:
                if size > LIST_BUDGET_CHARS or (nxt and not re.match(r"^[（(]?[一二三四五六七八九十0-9]+[）)、.．]", nxt)):
                    break
                if (s.idx, nxt) not in taken:
                    extra.append(_Sent(nxt, s.idx, 0.0, frozenset()))
                    taken.add((s.idx, nxt))
                    size += len(nxt)
        return extra

    def _render(self, chosen: list[_Sent], evidence: Sequence[Chunk], english: bool,
                lead: str = "") -> Composition:
        cited: list[Chunk] = []
        by_chunk: dict[str, list[_Sent]] = {}
        for s in chosen:
            c = s.row or evidence[s.idx]  # a line of a table excerpt cites its own row
            if c.chunk_id not in by_chunk:
                cited.append(c)
            by_chunk.setdefault(c.chunk_id, []).append(s)
        parts = []
        for n, c in enumerate(cited, start=1):
            texts = sorted(by_chunk[c.chunk_id], key=lambda x: c.text.find(x.text))
            # a table row shows its named cells (its first line, the row as written, is in the citation)
            body = "".join(_end(_display(t.text, c)) for t in texts)
            label = source_label(c.doc.title, c.section)
            if english:
                parts.append(f"According to {label}: {body}[{n}]")
            else:
                parts.append(f"{'根据' if n == 1 else '另据'}{label}，{body}[{n}]")
        text = (lead + "\n" if lead else "") + "\n".join(parts)
        return Composition(text, cited)

    # ------------------------------------------------------------------ the documents do not say
    def _not_specified(self, question: str, evidence: Sequence[Chunk], sents: list[_Sent], kind: str,
                       focus: list[str], english: bool) -> Composition:
        subject = "、".join(focus) or "该事项"
        what = KIND_WORDS[kind]
        if english:
            lead = (f"The documents retrieved do not specify the {kind} asked for (文件未明确规定{subject}的具体{what})."
                    " The closest provisions are:")
        else:
            lead = f"检索到的政策文件未明确规定{subject}的具体{what}，没有提及相应数字。最相关的条款如下："
        # quote only passages that state no figure of the kind asked, so nothing reads as an answer
        related = [s for s in sents if not FIGURES[kind].search(normalize_for_match(s.text)) and not _states_money(s.text)]
        comp = self._render(related[:1], evidence, english, lead) if related else Composition(lead, [])
        return Composition(comp.text, comp.chunks, True)

    def _not_found(self, question: str, evidence: Sequence[Chunk], sents: list[_Sent], english: bool) -> Composition:
        lead = ("No clause in the documents answers this directly (文件中未找到直接规定). The closest passage is:"
                if english else "检索到的文件中没有直接回答该问题的条款（未明确规定）。最接近的内容如下：")
        safe = [s for s in sents if not _states_money(s.text)]
        comp = self._render(safe[:1], evidence, english, lead) if safe else Composition(lead, [])
        return Composition(comp.text, comp.chunks, True)

    def _say(self, english: bool, what: str, question: str) -> str:
        if english:
            return "Nothing in the knowledge base answers this (知识库中未找到相关规定). Try other words or add documents."
        return "知识库中未找到与该问题相关的规定（未明确）。可以换个说法，或在“知识库”中上传相关文件。"

    # ------------------------------------------------------------------ "包括哪几方面": the items of a clause
    def _enumeration(self, question: str, evidence: Sequence[Chunk], weights: dict[str, float],
                     english: bool) -> Composition | None:
        """When the question names a heading whose items are (一)(二)(三)…, list those items."""
        top = evidence[0]
        parts = top.section.split(" > ")
        for parent in (top.section, " > ".join(parts[:-1])):
            if not parent:
                continue
            label = normalize_for_match(re.sub(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]", "",
                                 parent.split(" > ")[-1]))
            named = sum(w for t, w in weights.items() if len(t) > 1 and t not in _GENERIC_TERMS and t in label)
            if named < ENUM_MIN_SHARE * (sum(weights.values()) or 1.0):
                continue  # the question is not about this heading as a whole
            family = [c for c in self._doc_chunks(top.doc.doc_id)
                      if c.section == parent or c.section.startswith(parent + " > ")]
            items: list[tuple[str, int]] = []
            chunks: list[Chunk] = []
            for c in family:
                found = _ITEM.findall(c.text)
                if found:
                    chunks.append(c)
                    items.extend((m + t, len(chunks)) for m, t in found)
            if len(items) >= 2:
                label_text = source_label(top.doc.title, parent)
                body = "；".join(f"{name}[{n}]" for name, n in items)
                lead = f"According to {label_text}, it covers: " if english else f"根据{label_text}，包括："
                return Composition(lead + body + "。", chunks)
        return None

    # ------------------------------------------------------------------ comparing documents
    def _compare(self, question: str, evidence: Sequence[Chunk], sents: list[_Sent], weights: dict[str, float],
                 kind: str | None, english: bool) -> Composition:
        """A Markdown table, one row per document (two versions of one place's rules are two rows): the
        sentences that answer in it (with the figure asked for), every cell cited."""
        groups: dict[str, list[_Sent]] = {}
        rows_asked = rows_mod.wants_list(question)
        for s in sents:
            c = s.row or evidence[s.idx]
            if s.score < COMPARE_MIN_COVERAGE or (c.record and c.doc.kind == "case_list" and not rows_asked):
                continue  # weak, or a list's row where the rules are compared
            if kind and not (has_figure(kind, s.text, c) and self._about_subject(c, s.text, [], "", question, kind)):
                continue
            if _PURPOSE.search(question) and not _PURPOSE.search(s.text):
                continue  # asked about rewards: a line on procedure is not a comparison of rewards
            groups.setdefault(c.doc.doc_id, []).append(s)
        if len(groups) < 2:
            return self._single(question, evidence, sents, weights, kind, english)
        order = {p.short: i for i, p in enumerate(understand(question).places)}
        keyed = sorted(groups.values(), key=lambda g: (order.get(evidence[g[0].idx].doc.region, len(order)),
                                                       -g[0].score))
        chunks: list[Chunk] = []
        head = "| Place | Document | Provision |" if english else "| 地区 | 文件 | 相关规定 |"
        lines = ["Side by side:" if english else "各地（各文件）相关规定对比如下：", "", head, "|---|---|---|"]
        for group in keyed[:MAX_COMPARE_DOCS]:
            cells = []
            # within one document, the sentences are ranked by what they say, not by their passage's rank
            group = sorted(group, key=lambda x: -(x.score - RANK_BONUS / (x.idx + 1)))
            for s in sorted(_choose(group, weights, MAX_CELL_SENTENCES), key=lambda x: x.idx):
                c = s.row or evidence[s.idx]
                if c.chunk_id not in {x.chunk_id for x in chunks}:
                    chunks.append(c)
                n = next(i for i, x in enumerate(chunks, start=1) if x.chunk_id == c.chunk_id)
                cells.append(f"{_end(_display(s.text, c))}[{n}]")
            d = (group[0].row or evidence[group[0].idx]).doc
            place = d.region if d.region and d.region != "全国" else ("National" if english else "全国")
            note = _status_note(d, english)
            lines.append(f"| {_cell(place)} | {_cell(f'《{d.title}》' + note)} | {_cell(''.join(cells))} |")
        return Composition("\n".join(lines), chunks)

    # ------------------------------------------------------------------ rows of case lists
    def _selected_rows(self, question: str, evidence: Sequence[Chunk], english: bool) -> Composition | None:
        """A case-list question ("2025年宁波有哪几家评上了数字化车间？"): the table's rows that meet every
        constraint the question states, counted, each row cited."""
        if not rows_mod.wants_list(question):
            return None
        docs = list(dict.fromkeys(c.doc.doc_id for c in evidence if c.record and c.doc.kind == "case_list"))
        for doc in docs:
            rows = [r for r in self._doc_chunks(doc) if r.record]
            sel = rows_mod.select(question, rows, understand(question).places)
            if sel is None or not sel.rows or len(sel.rows) > MAX_ROWS:
                continue
            show = rows_mod.display_columns(sel.rows, rows)
            items = []
            for n, r in enumerate(sel.rows, start=1):
                cells = [r.record[c] for c in show if r.record.get(c)]
                items.append(f"{cells[0] if cells else r.text}"
                             + (f"（{'；'.join(cells[1:])}）" if cells[1:] else "") + f"[{n}]")
            title = sel.rows[0].doc.title
            where = "，".join(sel.constraints)
            if english:
                text = f"According to 《{title}》 ({where}): {len(sel.rows)} match — " + "; ".join(items) + "."
            else:
                text = f"根据《{title}》，符合条件（{where}）的共{len(sel.rows)}家/项：" + "；".join(items) + "。"
            note = sel.rows[0].doc.completeness
            if note:
                text += f"\n（说明：该名单{note[:60]}，结果可能不全。）"
            return Composition(text, list(sel.rows))
        return None

    def _rows(self, question: str, evidence: Sequence[Chunk], weights: dict[str, float]) -> Composition | None:
        docs = list(dict.fromkeys(c.doc.doc_id for c in evidence if c.record))
        rows = [r for d in docs for r in self._doc_chunks(d) if r.record]
        if not rows:
            return None
        scored = []
        for r in rows:
            hay = normalize_for_match(r.text)
            scored.append((sum(w for t, w in weights.items() if t in hay), r))
        best = max(s for s, _ in scored)
        if best < MIN_ROW_COVERAGE * sum(weights.values()):
            return None
        cands = [(s, r) for s, r in scored if s >= 0.5 * best]
        # tokens that set rows apart (not shared by most candidates) decide which rows answer
        share = {t: sum(1 for _, r in cands if t in normalize_for_match(r.text)) for t in weights}
        discriminative = {t for t, k in share.items()
                          if 0 < k <= max(1, len(cands) // 2) and weights[t] >= DISCRIMINATIVE_IDF}
        if discriminative:
            picked = [(s, r) for s, r in cands if any(t in normalize_for_match(r.text) for t in discriminative)]
            cands = picked or cands
        cands.sort(key=lambda sr: (-sr[0], sr[1].ord))
        cands = sorted(cands[:MAX_ROWS], key=lambda sr: (sr[1].doc.doc_id, sr[1].ord))
        show_cols = _display_columns([r for _, r in cands])
        chunks = [r for _, r in cands]
        title = chunks[0].doc.title
        items = []
        for n, r in enumerate(chunks, start=1):
            cells = [r.record[c] for c in show_cols if r.record.get(c)]
            items.append(f"{'（'.join(cells[:1])}{'（' + '；'.join(cells[1:]) + '）' if cells[1:] else ''}[{n}]")
        text = f"根据《{title}》，符合条件的共{len(chunks)}条：" + "；".join(items) + "。"
        note = chunks[0].doc.completeness
        if note:
            text += f"\n（说明：该名单{note[:60]}，结果可能不全。）"
        return Composition(text, chunks)


def _rule_sentence(sents: list[_Sent], question: str) -> _Sent | None:
    """The best-scored sentence that states a rate, about the question's title or project when it names one."""
    asked = subjects(normalize_for_match(question))
    rules = [x for x in sents if parse_rule(x.text) is not None]
    fitting = [x for x in rules if not asked or asked & subjects(normalize_for_match(x.text))]
    return (fitting or rules or [None])[0]


def _last_heading(section: str) -> str:
    return normalize_for_match(section.split(" > ")[-1]) if section else ""


def _names_only_other_places(text: str, region: str) -> bool:
    """The text names places, and none of them is `region`, inside it or containing it."""
    places = gazetteer.places_in(text)
    return bool(places) and not any(p.short == region or p.region == region or gazetteer.covers(p.short, region)
                                    or gazetteer.covers(region, p.short) for p in places)


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell: no line breaks, no bare pipes."""
    return re.sub(r"\s*\n\s*", " ", text).replace("|", "｜").strip()


def _status_note(d: DocumentMeta, english: bool) -> str:
    """（摘要） for someone's summary, （已废止） / （已失效） for text no longer in force."""
    notes = []
    if d.authority == "summary":
        notes.append("summary" if english else "摘要，请核对原文")
    if d.status == "superseded":
        notes.append("superseded" if english else "已废止")
    elif d.status == "expired":
        notes.append("expired" if english else "已失效")
    if not notes:
        return ""
    return f" ({', '.join(notes)})" if english else f"（{'；'.join(notes)}）"


def _display_columns(rows: Sequence[Chunk]) -> list[str]:
    """Columns worth showing: not links or notes, and not the same in every row."""
    cols = list(dict.fromkeys(k for r in rows for k in r.record))
    varying = [c for c in cols if not _SKIP_COLUMNS.search(c) and len({r.record.get(c, "") for r in rows}) > 1]
    if not varying:
        varying = [c for c in cols if not _SKIP_COLUMNS.search(c)]
    # the most distinctive column (most distinct values) first: usually the name of the company or scenario
    varying.sort(key=lambda c: -len({r.record.get(c, "") for r in rows}))
    return varying[:2]


def _choose(sents: list[_Sent], weights: dict[str, float], limit: int) -> list[_Sent]:
    """The best sentence, then those answering another part of the question, then more of the best clause."""
    best = sents[0]
    chosen = [best]
    covered = set(best.covered)
    total = sum(weights.values()) or 1.0
    for s in sents[1:]:
        if len(chosen) < limit and sum(weights[t] for t in s.covered - covered) / total >= MIN_GAIN:
            chosen.append(s)
            covered |= s.covered
    for s in sents[1:]:
        if len(chosen) >= limit:
            break
        if (s not in chosen and s.idx == best.idx and s.row is None and s.score >= 0.5 * best.score
                and not _is_heading(normalize_for_match(s.text))):
            chosen.append(s)
    return chosen


def _display(text: str, chunk: Chunk) -> str:
    """A table row shows its named cells; the row as written (its first line) stays in the citation."""
    lines = text.split("\n")
    if len(lines) == 2 and (chunk.record or lines[0].lstrip().startswith("|")):
        return lines[1]
    return text


def _states_money(text: str) -> bool:
    """An amount or a percentage: what a "not specified" answer must never quote."""
    t = normalize_for_match(text)
    return bool(FIGURES["amount"].search(t) or FIGURES["ratio"].search(t))


_BARE = re.compile(r"[\W_]+")
# a clause that leaves the matter to someone else or to a later text (the grammar of deferral)
_DEFERS = re.compile(r"具体[^。;；]{0,12}?(?:由[^。;；]{1,20}?(?:自主|自行|另行)?(?:确定|制定|规定|决定|明确)"
                     r"|另行(?:通知|公布|发布|制定|规定|明确)|以[^。;；]{1,20}?为准)|(?:时间|日期|安排)另行(?:通知|公布|发布)")


def _only_names(normed: str, c: Chunk) -> bool:
    """Does the sentence say nothing but the document's title, issuer or headings (a title line, a signature)?"""
    bare = _BARE.sub("", normed)
    if not bare:
        return True
    names = _BARE.sub("", normalize_for_match(" ".join([c.doc.title, c.doc.issuer, c.section])))
    return bare in names or (len(bare) <= len(names) and names in bare)


def _is_heading(normed: str) -> bool:
    return bool(re.fullmatch(r"(?:[（(]?[一二三四五六七八九十0-9]+[、）)．.]?|第[一二三四五六七八九十百0-9]+[章节]|附件\d*)"
                             r".{0,20}[。：:]?", normed))


def _end(s: str) -> str:
    s = s.strip()
    return s if s.endswith(("。", "！", "？", "；", "…", ".", "”", "：", ":")) else s + "。"
