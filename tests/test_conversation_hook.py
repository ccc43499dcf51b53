"""A hook answers its part of a two-part question; the rest is answered from the clauses (real index of
../shared/corpus, extractive)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.chat import Assistant
from assistant.core.text import normalize_for_match
from assistant.domain import Answer, Chunk, Citation

pytestmark = pytest.mark.slow


def _amounts_hook(question: str, evidence: list[Chunk]) -> Answer | None:
    """Answers what the asker can get ("能拿多少") and nothing else, citing one passage."""
    if "能拿多少" not in question:
        return None
    cite = Citation(n=1, doc_id="x", title="某办法", section="一", page=0, text="按投入的10%给予奖励。", source="x.md",
                    authority="")
    return Answer("估算：按投入的10%[1]。", citations=(cite,), mode="extractive")


def test_the_part_a_hook_leaves_is_answered_from_the_clauses_and_cited_on(corpus_assistant: Assistant) -> None:
    assistant = replace(corpus_assistant, hooks=(_amounts_hook,))
    a = assistant.answer("我们是一家规上企业，投入了2000万。能拿多少？示范工厂建设周期有多长？")
    assert a.answer.startswith("估算：按投入的10%[1]。")
    assert "2年" in normalize_for_match(a.answer.split("\n\n", 1)[1])  # the second part, from the clause
    ns = [int(n) for n in re.findall(r"\[(\d+)\]", a.answer)]
    assert ns[0] == 1 and max(ns) >= 2 and {c.n for c in a.citations} >= set(ns)
    assert a.citations[0].doc_id == "x" and all(c.doc_id != "x" for c in a.citations[1:])
    # a question the hook answers whole is its answer alone
    assert assistant.answer("我们是一家规上企业，投入了2000万，能拿多少？").answer == "估算：按投入的10%[1]。"
