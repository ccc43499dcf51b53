"""Numbered evidence: formatting for prompts, [n] markers in answers, and checking them."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Sequence

from assistant.core.text import normalize_for_match
from assistant.domain import AUTHORITY_NOTES, Chunk, Citation

MARKER = re.compile(r"\[(\d{1,3})\]")
# The evidence block of an LLM prompt sits between these (see prompts/answer.user.md); a passage
# that contains them (an uploaded file can) gets them defused, so it cannot close the block early.
EVIDENCE_OPEN, EVIDENCE_CLOSE = "<<<证据开始>>>", "<<<证据结束>>>"
_DELIMITER = re.compile(r"<{3,}|>{3,}|<<<|>>>")
# An LLM sentence is supported when this share of its character trigrams (Han characters only: figures
# have their own check; Chinese words are 1–4 characters, so trigrams tie a sentence to wording, not
# to single words) occurs in the passages it cites (with titles and sections) or in the question. 0.5 passes paraphrase that keeps
# the clause's terms and fails sentences written from nowhere; chosen on test_llm's scripted answers
# and the red team's "invented" replies.
SUPPORT_NGRAM = 3
MIN_SUPPORT = 0.5
# An answer that repeats this many consecutive characters of the instructions is echoing the prompt.
PROMPT_ECHO_CHARS = 24
# Turn markers of chat templates (ChatML, Gemma, Llama): in an answer they mean the model wrote on past its
# turn — copying the prompt or opening a turn of its own ("<|im_start|>admin").
_TEMPLATE_TOKEN = re.compile(r"<\|[a-z_]{2,20}\|>|<(?:start|end)_of_turn>|\[/?INST\]|</?s>", re.IGNORECASE)
_CONTENT = re.compile(r"[\u4e00-\u9fff]+")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def clause_ref(section: str) -> str:
    """A compact clause reference: "四、重点工作 > （三）建设…" → "四（三）"; "附件1 … > 第六条" → "附件1 第六条"."""
    parts = [p.strip() for p in section.split(" > ") if p.strip()]
    refs: list[str] = []
    for p in parts:
        if m := re.match(r"^(附\s*件\s*\S+?)(?=[\s：:]|$)", p):
            refs.append(m.group(1).replace(" ", "") + " ")
        elif m := re.match(r"^(第[一二三四五六七八九十百零〇0-9]+条)", p):
            refs.append(m.group(1))
        elif re.match(r"^第[一二三四五六七八九十百零〇0-9]+[章节]", p):
            continue
        elif m := re.match(r"^([一二三四五六七八九十]+)、", p):
            refs.append(m.group(1))
        elif m := re.match(r"^([（(][一二三四五六七八九十0-9]+[）)])", p):
            refs.append(m.group(1))
        elif m := re.match(r"^([0-9]+)[\.．、]", p):
            refs.append(m.group(1) + ".")
    annex = [i for i, r in enumerate(refs) if r.startswith("附")]
    if annex:
        refs = refs[annex[-1]:]  # numbering above an annex belongs to the compilation, not the clause
    ref = "".join(refs).strip()
    if ref:
        return ref
    return parts[-1] if parts else ""


_SUBDOC = re.compile(r"^[一二三四五六七八九十]+、\s*(.{4,60}?(?:办法|细则|通知|方案|政策|措施|规定|指引|意见)[^>]{0,40})$")


def source_label(title: str, section: str) -> str:
    """《title》clause — how answers name where a sentence comes from.

    In a compilation of several texts (一、…办法 二、…细则), the text the clause belongs to is named
    instead of the compilation.
    """
    parts = [p.strip() for p in section.split(" > ")]
    if parts and (m := _SUBDOC.match(parts[0])):
        title, section = m.group(1).strip(), " > ".join(parts[1:])
    ref = clause_ref(section)
    return f"《{title}》{ref}" if ref else f"《{title}》"


def format_evidence(chunks: Sequence[Chunk]) -> str:
    """Evidence as the LLM prompt shows it: [n] 《title》 section (page, authority) then the passage."""
    blocks = []
    for n, c in enumerate(chunks, start=1):
        where = " ".join(x for x in (c.doc.doc_no, c.section, f"第{c.page}页" if c.page else "") if x)
        note = AUTHORITY_NOTES.get(c.doc.authority, "")
        blocks.append(f"[{n}] 《{as_data(c.doc.title)}》{note} {as_data(where)}\n{as_data(c.text.strip())}")
    return "\n\n".join(blocks)


def as_data(text: str) -> str:
    """Document text made unable to close the prompt's evidence block (runs of < or > become ‹ ›)."""
    return _DELIMITER.sub(lambda m: ("‹" if m.group()[0] == "<" else "›") * len(m.group()), text)


def markers(text: str) -> list[int]:
    """Every [n] in `text`, in order of appearance (duplicates kept)."""
    return [int(m) for m in MARKER.findall(text)]


def passage_span(chunk: Chunk) -> tuple[int, int]:
    """Where a piece of evidence sits in its document's text (`assistant.documents`), as (start, end).

    A clause retrieval merged from neighbouring pieces keeps the first piece's start and is one slice
    of the text, so its end is start + its length. A table excerpt (rows joined from across the table)
    is no slice: its span is its best-ranked row's. (-1, -1) for a chunk the index has not placed.
    """
    if chunk.start < 0:
        return -1, -1
    if chunk.record:
        return chunk.start, chunk.end
    return chunk.start, chunk.start + len(chunk.text)


def verify(answer: str, evidence: Sequence[Chunk]) -> tuple[str, list[Citation]]:
    """Keep only markers that point at real evidence; renumber them 1..m in order of first use.

    Returns:
        The answer with valid markers renumbered and invalid ones removed, and the citations used,
        each with its passage's offsets into the document's text (`passage_span`).
    """
    mapping: dict[int, int] = {}
    for n in markers(answer):
        if 1 <= n <= len(evidence) and n not in mapping:
            mapping[n] = len(mapping) + 1

    def sub(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[{mapping[n]}]" if n in mapping else ""

    cleaned = MARKER.sub(sub, answer)
    cleaned = re.sub(r"(\[\d+\])(\1)+", r"\1", cleaned)
    ordered = sorted(mapping.items(), key=lambda kv: kv[1])
    cites = [Citation.from_chunk(new, evidence[old - 1], passage_span(evidence[old - 1])) for old, new in ordered]
    return cleaned, cites


def _grams(text: str) -> set[str]:
    """Character trigrams within each run of Han characters (none across figures or punctuation)."""
    return {run[i:i + SUPPORT_NGRAM] for run in _CONTENT.findall(normalize_for_match(text))
            for i in range(len(run) - SUPPORT_NGRAM + 1)}


def llm_answer_problem(answer: str, evidence: Sequence[Chunk], instructions: str = "", question: str = "") -> str:
    """Why an LLM answer must not be shown ('' when it may): checked before `verify` renumbers it.

    - it repeats the instructions (PROMPT_ECHO_CHARS in a row of `instructions`, e.g. the system prompt),
      the whole question (the prompt's question line), or carries chat-template turn markers;
    - it says the same sentence twice (a weak model's loop);
    - a sentence is not supported (MIN_SUPPORT of its trigrams) by the passages its [n] markers cite — a
      sentence without a valid marker by the evidence as a whole, the question or the instructions'
      own phrases (文件未明确规定);
    - a sentence states a figure that is in none of the passages it cites (without markers: in none of
      the evidence) nor in the question (the asker's own amounts); a shown calculation (`a × b = c`) needs
      its terms there and its result to be what they give (`arithmetic`).
    """
    flat = normalize_for_match(MARKER.sub("", answer))
    rules = normalize_for_match(instructions)
    for i in range(0, max(0, len(rules) - PROMPT_ECHO_CHARS + 1), PROMPT_ECHO_CHARS // 2):
        if rules[i:i + PROMPT_ECHO_CHARS] in flat:
            return "the answer repeats the instructions"
    if _TEMPLATE_TOKEN.search(answer):
        return "the answer contains chat-template tokens"
    asked = normalize_for_match(question)
    whole = "".join(_CONTENT.findall(asked))
    if len(whole) >= MIN_REPEATED_CHARS and whole in "".join(_CONTENT.findall(flat)):
        return "the answer repeats the question"  # the prompt's question line copied back
    if repeated := _repeated_sentence(answer):
        return f"the answer repeats a sentence: {repeated[:60]}"
    everything = normalize_for_match(" ".join(f"{c.doc.title} {c.section} {c.text}" for c in evidence))
    for sentence in _SENTENCE_END.split(answer):
        ns = [n for n in markers(sentence) if 1 <= n <= len(evidence)]
        cited = [evidence[n - 1] for n in dict.fromkeys(ns)]
        body = MARKER.sub("", sentence)
        source = normalize_for_match(" ".join(f"{c.doc.title} {c.section} {c.text}" for c in cited)) if cited else everything
        given = source + asked
        shown = normalize_for_match(body)
        calculation = "=" in shown
        if problem := figure_problem(shown, given):
            return f"{problem}: {body.strip()[:60]}"
        # a calculation is worded by the answer itself: its terms and result were checked instead
        if not calculation and (grams := _grams(body)):
            support = len(grams & _grams(given if cited else given + rules)) / len(grams)
            if support < MIN_SUPPORT:
                where = "its cited passage" if cited else "the evidence (it cites none)"
                return f"a sentence is not supported by {where} ({support:.0%}): {body.strip()[:60]}"
    return ""


# A sentence this long (Han characters, markers and spaces left out) said twice is a loop, not emphasis.
MIN_REPEATED_CHARS = 8


def _repeated_sentence(answer: str) -> str:
    seen: set[str] = set()
    for sentence in _SENTENCE_END.split(answer):
        key = "".join(_CONTENT.findall(normalize_for_match(MARKER.sub("", sentence))))
        if len(key) >= MIN_REPEATED_CHARS:
            if key in seen:
                return sentence.strip()
            seen.add(key)
    return ""


# a calculation as an answer shows it: terms and operators, units between them (2000万元×10%=200万元)
_RESULT = re.compile(r"=(\d+(?:\.\d+)?)")
_TERM = r"[(（]*\d+(?:\.\d+)?%?[\u4e00-\u9fff]{0,2}[)）]*"  # 2000万元, 10%, (300
_EXPRESSION = re.compile(rf"(?:{_TERM}[×xX*÷/+\-])+{_TERM}$")  # the terms right before an '='
_EXPRESSION_CHARS = 160  # how far back from an '=' a calculation is looked for
_OPERATORS = {"×": "*", "x": "*", "X": "*", "*": "*", "÷": "/", "/": "/", "+": "+", "-": "-"}
_ARITHMETIC = re.compile(r"[\d.()+\-*/]+")
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
RESULT_TOLERANCE = 0.01  # an answer rounds to cents of a 万元 (or 0.1% of the value, if larger)


def arithmetic(expression: str) -> float | None:
    """The value of a calculation as an answer writes it ("2000万元×10%", "（300-100）÷2"); None when it
    is none (no figure, or words between figures that are no units)."""
    text = re.sub(r"(\d+(?:\.\d+)?)%", r"(\1/100)", normalize_for_match(expression))
    text = re.sub(r"[\u4e00-\u9fff]+", "", text)  # units: 万元, 家, 个
    text = "".join(_OPERATORS.get(ch, ch) for ch in text)
    if not re.search(r"\d", text) or not _ARITHMETIC.fullmatch(text):
        return None
    try:
        return _value(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError):
        return None


def _value(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_value(node.left), _value(node.right))
    raise ValueError("not arithmetic")


def figure_problem(shown: str, given: str) -> str:
    """'' when every figure of `shown` (a folded sentence) is in `given` or is the right result of a
    calculation shown in it; else which figure is not."""
    results: set[int] = set()
    for m in _RESULT.finditer(shown):
        found = _EXPRESSION.search(shown[max(0, m.start() - _EXPRESSION_CHARS):m.start()])
        if found is None:
            if re.search(r"\d$", shown[:m.start()]):  # "…100=200": figures, but no calculation between them
                return f"the result {m.group(1)} follows no calculation"
            continue  # a label ("补贴总额=…"): the calculation follows it
        expression = found.group()
        value = arithmetic(expression)
        if value is None or abs(value - float(m.group(1))) > max(RESULT_TOLERANCE, abs(value) * 1e-3):
            return f"the calculation {expression}={m.group(1)} does not hold"
        results.add(m.start(1))
    for m in _FIGURE.finditer(shown):
        if m.start() not in results and not re.search(rf"(?<![\d.]){re.escape(m.group())}(?![\d])", given):
            return f"the figure {m.group()} is not in the cited text"
    return ""
