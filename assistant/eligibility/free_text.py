"""Free Chinese text → a Profile and the programmes it names; verdicts → a short cited answer.

"我们是黑龙江注册一年的规上企业，能申请数字化车间吗？" is read as province 黑龙江, one year as a
legal entity, 规上, an enterprise, asking about 数字化车间; the engine then answers with the clause
that decides it. This module is the public entry and runs the whole path (`answer_eligibility`);
the steps live in `assistant.eligibility.extract` (text → Profile + notes), `assistant.eligibility.intent`
(is it an eligibility question, which programmes) and `assistant.eligibility.answer` (verdicts → cited
text). Import any of them from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.eligibility import Profile, Programme, ProgrammeVerdict, Source, evaluate
from assistant.eligibility.answer import NO_PROGRAMME_REPLY, answer_from_verdicts
from assistant.eligibility.extract import cn_number, held_title_spans, parse_profile
from assistant.eligibility.intent import match_programmes, regional_programmes, wants_eligibility
from assistant.eligibility.package import package
from assistant.eligibility.profile import format_number

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
    verdicts = evaluate(profile, programmes, only=ids, said=text)
    profile, verdicts = _with_higher_award(profile, programmes, ids, verdicts, text)
    # a reward for a title the asker does not hold answers nothing they asked: leave it out when
    # something else can be said
    relevant = [v for v in verdicts if not _title_reward_not_held(v)]
    verdicts = relevant or verdicts
    body, sources = answer_from_verdicts(text, verdicts)
    if _TOTAL.search(text):
        body += _total_line(verdicts, sources)
    if lead:
        body = lead + "\n\n" + body
    if notes:
        body = "按您的描述（" + "；".join(notes) + "）：\n\n" + body
    return body, sources, verdicts


# a question about the sum of several programmes (省里奖补加市级配套，一共能拿多少)
_TOTAL = re.compile(r"一共|合计|总共|加起来|累计|共计|两项|加上|in total|altogether", re.I)
_HIGHER_AWARD = "higher_award_wan"  # the field a 配套 (a share of a higher-level award) is computed on
_LEVEL_RANK = {"national": 0, "province": 1, "city": 2}


def _with_higher_award(profile: Profile, programmes: Sequence[Programme], ids: list[str],
                       verdicts: list[ProgrammeVerdict], said: str) -> tuple[Profile, list[ProgrammeVerdict]]:
    """A 配套 computed on the higher-level award: when the asker does not give that award, take the
    best one a higher-level programme in this answer gives them (市级按省级奖补金额的50%…)."""
    by_id = {p.id: p for p in programmes}
    wants = [by_id[i] for i in ids if any(e.base == _HIGHER_AWARD for e in by_id[i].estimates)]
    if not wants or profile.value(_HIGHER_AWARD) is not None:
        return profile, verdicts
    level = min(_LEVEL_RANK.get(p.level, 2) for p in wants)
    higher = [a for v in verdicts if _LEVEL_RANK.get(by_id[v.programme_id].level, 2) < level
              for e in v.estimates if e.status == "applies" and (a := e.amount_wan) is not None]
    if not higher:
        return profile, verdicts
    given = Profile(**{**dict(profile.items), _HIGHER_AWARD: max(higher)})
    return given, evaluate(given, programmes, only=ids, said=said)


def _total_line(verdicts: list[ProgrammeVerdict], sources: list[Source]) -> str:
    """合计 over the programmes that apply, exclusions and caps applied, each part cited [n]."""
    pkg = package(verdicts)
    if len(pkg.lines) < 2 and not pkg.capped:
        return ""

    def cite(src: Source) -> str:
        if src not in sources:
            sources.append(src)
        return f"[{sources.index(src) + 1}]"

    parts = [f"{line.programme} {format_number(line.amount_wan)}万元{cite(line.source)}" for line in pkg.lines]
    out = f"\n\n按已确认适用的档次，合计约 {format_number(pkg.total_wan)} 万元：" + " + ".join(parts) + "。"
    pending = [e for v in verdicts if v.status != "not_eligible" for e in v.estimates if e.status == "conditional"]
    if pending:
        out += "另有待确认条件的档次：" + "；".join(f"{e.label}（{e.reason}）" for e in pending[:3]) + "。"
    out += "".join(f"{x.programme}{x.note}{cite(x.source)}；" for x in pkg.excluded)
    out += "".join(f"{x.note}（{format_number(x.amount_wan)}万元）{cite(x.source)}。" for x in pkg.capped)
    if not pkg.capped:
        out += "".join(f"（同一企业合计不超过{format_number(x.amount_wan)}万元{cite(x.source)}）" for x in pkg.limits)
    return out


def _title_reward_not_held(v: ProgrammeVerdict) -> bool:
    """Ruled out only because no reward tier applies, every tier asking for a title not held."""
    return (v.status == "not_eligible" and not any(r.status == "not_met" for r in v.results)
            and bool(v.estimates) and all(e.status == "not_applicable" and "尚未获得" in e.reason
                                          for e in v.estimates))


def _region(programmes: Sequence[Programme], pid: str) -> str:
    return next(p.region for p in programmes if p.id == pid)
