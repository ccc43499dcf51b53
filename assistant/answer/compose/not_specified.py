"""The documents do not say: decided from the evidence (no passage about the subject states the
figure asked for), said plainly, with the closest clause and never a figure that could read as one."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.compose.composition import Composition
from assistant.answer.compose.render import render
from assistant.answer.compose.sentences import Sent, states_money
from assistant.answer.figures import FIGURES, KIND_WORDS
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk


def not_specified(evidence: Sequence[Chunk], sents: list[Sent], kind: str, focus: list[str],
                  english: bool) -> Composition:
    """No passage about the subject states a figure of the kind asked."""
    subject = "、".join(focus) or "该事项"
    what = KIND_WORDS[kind]
    if english:
        lead = (f"The documents retrieved do not specify the {kind} asked for (文件未明确规定{subject}的具体{what})."
                " The closest provisions are:")
    else:
        lead = f"检索到的政策文件未明确规定{subject}的具体{what}，没有提及相应数字。最相关的条款如下："
    # quote only passages that state no figure of the kind asked, so nothing reads as an answer
    related = [s for s in sents if not FIGURES[kind].search(normalize_for_match(s.text)) and not states_money(s.text)]
    comp = render(related[:1], evidence, english, lead) if related else Composition(lead, [])
    return Composition(comp.text, comp.chunks, True)


def not_found(evidence: Sequence[Chunk], sents: list[Sent], english: bool) -> Composition:
    """No sentence covers enough of the question."""
    lead = ("No clause in the documents answers this directly (文件中未找到直接规定). The closest passage is:"
            if english else "检索到的文件中没有直接回答该问题的条款（未明确规定）。最接近的内容如下：")
    safe = [s for s in sents if not states_money(s.text)]
    comp = render(safe[:1], evidence, english, lead) if safe else Composition(lead, [])
    return Composition(comp.text, comp.chunks, True)


def nothing(english: bool) -> Composition:
    """No evidence at all."""
    if english:
        text = "Nothing in the knowledge base answers this (知识库中未找到相关规定). Try other words or add documents."
    else:
        text = "知识库中未找到与该问题相关的规定（未明确）。可以换个说法，或在“知识库”中上传相关文件。"
    return Composition(text, [], True)
