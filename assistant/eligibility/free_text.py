"""Free Chinese text → a Profile and the programmes it names; verdicts → a short cited answer.

"我们是黑龙江注册一年的规上企业，能申请数字化车间吗？" is read as province 黑龙江, one year as a
legal entity, 规上, an enterprise, asking about 数字化车间; the engine then answers with the clause
that decides it. This module is the public entry and runs the whole path (`answer_eligibility`);
the steps live in `assistant.eligibility.extract` (text → Profile + notes), `assistant.eligibility.intent`
(is it an eligibility question, which programmes) and `assistant.eligibility.answer` (verdicts → cited
text). Import any of them from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.eligibility import Programme, ProgrammeVerdict, Source, evaluate
from assistant.eligibility.answer import NO_PROGRAMME_REPLY, answer_from_verdicts
from assistant.eligibility.extract import cn_number, held_title_spans, parse_profile
from assistant.eligibility.intent import match_programmes, regional_programmes, wants_eligibility

__all__ = [
    "answer_eligibility", "answer_from_verdicts", "cn_number", "held_title_spans", "match_programmes",
    "parse_profile", "regional_programmes", "wants_eligibility",
]


def answer_eligibility(
    text: str, programmes: Sequence[Programme]
) -> tuple[str, list[Source], list[ProgrammeVerdict]]:
    """Answer "我们能申报吗？" end to end: parse, pick programmes, evaluate, compose.

    Args:
        text: The question.
        programmes: From `load_programmes`.

    Returns:
        (answer text, sources cited in it, verdicts behind it).
    """
    profile, notes = parse_profile(text)
    ids = match_programmes(text, programmes) or regional_programmes(profile, programmes)
    if not ids:
        return NO_PROGRAMME_REPLY, [], []
    verdicts = evaluate(profile, programmes, only=ids)
    body, sources = answer_from_verdicts(text, verdicts)
    if notes:
        body = "按您的描述（" + "；".join(notes) + "）：\n\n" + body
    return body, sources, verdicts
