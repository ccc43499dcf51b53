"""One sentence of a 奖励标准 / 支持政策 clause → reward rules, as official documents state them.

Grammar (general, not of one document): a rate 按…的X%给予… with its base and its cap; and, as
core.reward_grammar defines them for the answer path too, the cap 最高（不超过）N万元, a fixed amount （一次性）奖励N万元 /
给予N万元奖励, 分别给予 A万元和B万元 for the titles named together (two to four), a rate raised for some
applicants (比例提高至X% / 提高N个百分点) and 差额 rules; caps per title
（X单个项目最高不超过N万元）; a yearly or cumulative cap per enterprise; exclusions (不重复享受,
就高) and 差额 rules, kept as notes with their quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.reward_grammar import (
    CAP,
    IN_TOTAL,
    NUMBER,
    PAYS_DIFFERENCE,
    PER_ENTERPRISE,
    PER_YEAR,
    RESPECTIVELY,
    amounts,
    cap_wan,
    fixed_award,
    raise_in,
)
from assistant.eligibility.conditions import Drafted, fit_quote, quote_around

__all__ = ["Reward", "SentenceRewards", "read_rewards"]

_RATE = re.compile(rf"按(?:照)?(?P<base>[^。；]{{0,60}}?)的(?P<r>{NUMBER})%\s*[，,]?\s*(?:给予|予以|的比例)")
_EXCLUSION = re.compile(r"不(?:得|再)?重复(?:享受|申报|计算|支持)|就高|不得再申报|不再单独")
_LOWERED = re.compile(rf"(?:降至|放宽至|降低至|放宽到|降低到)(?P<n>{NUMBER})万元")
# 对省级专精特新中小企业，上述第六项投入门槛可降至1000万元: who, and the lower threshold
LOWERED_FOR = re.compile(rf"对(?P<who>[^，。；]{{2,30}}?)，[^。；]*?(?:降至|放宽至|降低至|放宽到|降低到)(?P<n>{NUMBER})万元")


@dataclass(frozen=True)
class Reward:
    """One reward rule as drafted. kind: rate | amount | raise (a conditional rate) | cap (per title)."""

    kind: str
    quote: str
    rate: float | None = None  # a fraction: 10% → 0.10
    base: str = ""  # the words of the base (设备投资额, 近两年智能化改造投入)
    cap_wan: float | None = None
    amount_wan: float | None = None
    delta: float | None = None  # raise: percentage points added (as a fraction)
    who: str = ""  # cap: the applicants it is for (国家级专精特新“小巨人”企业)
    slot: int = 0  # 分别给予 A和B: 0 for the first title named, 1 for the second


@dataclass(frozen=True)
class SentenceRewards:
    """What one sentence says about money: rules, the enterprise cap, and notes (exclusion, 差额)."""

    rules: tuple[Reward, ...] = ()
    enterprise_cap: tuple[float, str] | None = None  # (万元, quote)
    notes: tuple[tuple[str, str], ...] = ()  # (kind, quote): exclusion | balance | lowered


def _num(text: str | float) -> float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _rules(text: str) -> list[Reward]:
    """The money rules of a sentence: a raised rate, else a rate, else amounts, else caps per title."""
    if (raised := raise_in(text)) is not None:
        quote = quote_around(text, raised.start, raised.end)
        if raised.rate is not None:
            return [Reward("raise", quote, rate=_num(raised.rate) / 100)]
        return [Reward("raise", quote, delta=_num(raised.points or 0.0) / 100)]
    if (rate := _RATE.search(text)) is not None:
        cap = CAP.search(text[rate.end():])
        end = rate.end() + (cap.end() if cap else 0)
        return [Reward("rate", fit_quote(text, rate.start(), end, (rate.start(), end)),
                       rate=_num(rate.group("r")) / 100, base=rate.group("base").strip(),
                       cap_wan=_num(cap_wan(cap)) if cap else None)]
    if (listed := RESPECTIVELY.search(text)) is not None:
        quote = quote_around(text, listed.start(), listed.end())
        return [Reward("amount", quote, amount_wan=_num(wan), slot=i) for i, wan in enumerate(amounts(listed))]
    if (amount := fixed_award(text)) is not None:
        return [Reward("amount", quote_around(text, amount.start(), amount.end()), amount_wan=_num(amount.group("wan")))]
    if CAP.search(text) and not _enterprise_wide(text):
        return [rule for piece in re.finditer(r"[^，。；]+", text) if (rule := _title_cap(text, piece))]
    return []


def _enterprise_wide(text: str) -> bool:
    return bool(PER_ENTERPRISE.search(text) and (PER_YEAR.search(text) or IN_TOTAL.search(text)))


def _title_cap(text: str, piece: re.Match[str]) -> Reward | None:
    """其中，X单个项目最高不超过N万元 → a cap of N for applicants X."""
    cap = CAP.search(piece.group(0))
    if cap is None:
        return None
    who = re.split(r"单个|每家|每个|最高|不超过", piece.group(0))[0].removeprefix("其中").strip("，、 ")
    return Reward("cap", fit_quote(text, piece.start(), piece.end()), cap_wan=_num(cap_wan(cap)), who=who)


def read_rewards(text: str) -> SentenceRewards:
    """The reward rules one sentence states (none when it states no money)."""
    rules = _rules(text)
    enterprise_cap = None
    cap = CAP.search(text)
    if not rules and cap and _enterprise_wide(text):
        enterprise_cap = (_num(cap_wan(cap)), quote_around(text, cap.start(), cap.end()))
    notes = [(kind, quote_around(text, m.start(), m.end()))
             for kind, pattern in (("exclusion", _EXCLUSION), ("balance", PAYS_DIFFERENCE), ("lowered", _LOWERED))
             if (m := pattern.search(text))]
    return SentenceRewards(tuple(rules), enterprise_cap, tuple(notes))


def raise_conditions(conditions: list[Drafted]) -> list[Drafted]:
    """The conditions of a raised rate: the typed ones (a title, a threshold) and no places."""
    return [c for c in conditions if c.field not in ("province", "city")]
