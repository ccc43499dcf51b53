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

NATIONAL = "全国"
# asked when a question names programmes whose rules differ by place and gives no place
ASK_PLACE = "各地的认定和奖补条件不同：请问贵企业注册在哪个省、哪个城市？告诉我之后再逐条对照当地的规定。"
# a place with no rules of its own among the programmes (none indexed or written for it)
NO_LOCAL_RULES = "知识库中没有{place}本地的认定或奖补规则（可上传当地文件后再查）；以下为国家层面的项目。"

__all__ = [
    "ASK_PLACE", "NO_LOCAL_RULES",
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
    national = [i for i in ids if _region(programmes, i) == NATIONAL]
    lead = ""
    place = profile.city or profile.province
    if place is None and len(national) < len(ids):
        # local rules differ by place: ask for it instead of listing other provinces' programmes
        ids, lead = national, ASK_PLACE
    elif place is not None and not ids:
        ids = [p.id for p in programmes if p.region == NATIONAL and p.id in match_programmes(text, programmes)]
        lead = NO_LOCAL_RULES.format(place=place)
    elif place is not None and ids == national and regional_programmes(profile, programmes) == []:
        lead = NO_LOCAL_RULES.format(place=place)
    if not ids:
        return (lead or NO_PROGRAMME_REPLY), [], []
    verdicts = evaluate(profile, programmes, only=ids)
    # a reward for a title the asker does not hold answers nothing they asked: leave it out when
    # something else can be said
    relevant = [v for v in verdicts if not _title_reward_not_held(v)]
    verdicts = relevant or verdicts
    body, sources = answer_from_verdicts(text, verdicts)
    if lead:
        body = lead + "\n\n" + body
    if notes:
        body = "按您的描述（" + "；".join(notes) + "）：\n\n" + body
    return body, sources, verdicts


def _title_reward_not_held(v: ProgrammeVerdict) -> bool:
    """Ruled out only because no reward tier applies, every tier asking for a title not held."""
    return (v.status == "not_eligible" and not any(r.status == "not_met" for r in v.results)
            and bool(v.estimates) and all(e.status == "not_applicable" and "尚未获得" in e.reason
                                          for e in v.estimates))


def _region(programmes: Sequence[Programme], pid: str) -> str:
    return next(p.region for p in programmes if p.id == pid)
