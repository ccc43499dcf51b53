"""Which programmes a question is about: does it ask about eligibility, which programmes it names.

Programmes are matched by keyword and narrowed to the region the question gives; titles the
question says are already held are not read as programmes asked about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.eligibility import Profile, Programme
from assistant.eligibility.extract import held_title_spans, parse_profile

__all__ = ["match_programmes", "regional_programmes", "wants_eligibility"]

_ASK = re.compile(
    r"能(?:否|不能)?(?:申报|申请|报|参评|参加|享受|拿到?|获得|领到?|评上?)"
    r"|可(?:以|不可以|否)(?:申报|申请|报|参评|享受|拿|获得)"
    r"|是否(?:可以|能够?|符合|满足|具备|有资格)|(?:符合|满足|达到)(?:申报)?(?:条件|要求)(?:吗|么|嘛)"
    r"|够(?:不够)?(?:条件|资格)|有没有资格|有资格|资格吗|够(?:不够)?格"
    r"|(?:该|应该|应当)(?:报|申报|申请)|(?:报|申报|申请)哪(?:个|类|一类|一个)"
    r"|(?:能|可以)(?:拿|获得|补|奖)多少|(?:补贴|补助|奖补|奖励)(?:有)?多少"
    r"|有(?:什么|哪些)(?:奖励|补贴|补助|奖补|支持|政策)|能享受(?:什么|哪些)"
    r"|(?:可以|能)(?:直接|马上|现在|再)?(?:申报|申请)|能不能(?:申报|申请)"
    r"|can (?:we|i) apply|are we eligible|eligib|qualif"
    r"|how much (?:subsidy|funding|support|reward|money|award)|what (?:subsidy|support|funding)",
    re.I,
)


def wants_eligibility(text: str) -> bool:
    """Whether a question asks if the asker can apply (能申报吗 / 符合条件吗 / can we apply …)."""
    return _ASK.search(text) is not None


def match_programmes(text: str, programmes: Sequence[Programme]) -> list[str]:
    """The programme ids a question names, narrowed to the asker's region.

    A programme is named when one of its keywords occurs in the text (titles the text says are
    already held do not count). Programmes of other provinces or cities than the one the text
    gives are dropped; national ones stay. When one match is a longer phrase containing another
    ("先进级数字化车间" ⊃ "数字化车间"), a programme named only by the shorter phrase is dropped.

    Args:
        text: The question.
        programmes: From `load_programmes`.

    Returns:
        Programme ids in the order of `programmes`; [] when none is named.
    """
    profile, _ = parse_profile(text)
    scan = list(text)
    for s, e, _title in held_title_spans(text, profile.province):
        scan[s:e] = ["\u3000"] * (e - s)
    masked = "".join(scan)
    hits = {}
    for prog in programmes:
        found = {k for k in prog.keywords if k in masked}
        if not found and prog.kind == "reward":
            # a reward for a title is asked about by holding the title (被认定为省级智能工厂，能拿多少),
            # however the asker shortens it (江苏省级示范车间)
            found = {k for k in prog.keywords if k in text} or _paid_for_held(prog, profile)
        if found and _in_region(prog, profile):
            hits[prog.id] = found
    every = set().union(*hits.values()) if hits else set()
    # drop a programme only when each of its keywords is part of a longer keyword found for another
    return [pid for pid, found in hits.items()
            if not all(any(k != other and k in other for other in every) for k in found)]


def _paid_for_held(prog: Programme, profile: Profile) -> set[str]:
    """The titles of a reward programme's tiers that the asker holds (as `same_title` reads them)."""
    from assistant.eligibility.engine import same_title

    held = profile.titles or ()
    home = profile.city or profile.province or ""
    # the first condition of a tier is the title paid for; further ones (高新技术企业 for a raised rate) are not
    named = {t for e in prog.estimates if e.when is not None and e.when.rule == "has_title" for t in e.when.args}
    return {t for t in named if any(same_title(h, t, home) for h in held)}


def _in_region(prog: Programme, profile: Profile) -> bool:
    if prog.region == "全国" or (profile.province is None and profile.city is None):
        return True
    if prog.level == "city":
        return profile.city == prog.region
    return profile.province == prog.region


def regional_programmes(profile: Profile, programmes: Sequence[Programme]) -> list[str]:
    """Ids of the programmes of the profile's province or city (national ones excluded)."""
    if profile.province is None and profile.city is None:
        return []
    return [p.id for p in programmes if p.region != "全国" and _in_region(p, profile)]
