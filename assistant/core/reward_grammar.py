"""Grammar of reward clauses in official documents, each piece defined once, for the answer path
(calculations with a raised rate, differences, totals) and the eligibility engine (reward rules):

- money (N万元, N亿元, N元, in 万元) and the ceiling of a rule: 最高（不超过）N万元, 封顶, 上限为, 最多;
- a rate raised for some applicants: (比例|标准)(提高|上浮|提升|上调)(至|到|为)X%, or …N个百分点;
- an award paid as a difference: 差额, 扣除（扣减）已获…奖励;
- an amount an award clause gives: (给予|奖励|奖补|补助|补贴|资助)…N万元 — a fixed award when no cap
  word (最高, 不超过) or other figure stands between the award word and the amount;
- amounts given respectively: (对A和B，)分别给予X万元和Y万元, two to four of them, in the order named.

The patterns read raw text and text folded by core.text.normalize_for_match alike: full- and half-width
punctuation, spaces between a figure and its unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = r"\d+(?:\.\d+)?"
# money as written (300万元, 1.2亿, 5000元), in 万元 throughout: 1亿 = 10,000万
_MONEY_UNIT = {"万元": 1.0, "万": 1.0, "亿元": 10000.0, "亿": 10000.0, "个亿": 10000.0, "元": 0.0001}
MONEY = rf"({NUMBER})\s*(个亿|亿元|亿|万元|万|元)"
# the most a rule gives: 最高（不超过）300万元, 封顶, 上限为, 最多, 可达
CEILING = r"最高(?:不超过|不高于|可达)?|封顶|上限为?|不超过|不高于|最多|可达"
CAP = re.compile(rf"(?:{CEILING})\s*{MONEY}")

_RAISE = r"(?:比例|标准)(?:提高|上浮|提升|上调)"  # the rate itself is what is raised, not a figure of the condition
RAISED_TO = re.compile(rf"{_RAISE}(?:至|到|为)\s*(?P<rate>{NUMBER})\s*[%％]")
RAISED_BY = re.compile(rf"{_RAISE}\s*(?P<points>{NUMBER})\s*个?百分点")

# what a ceiling is counted over — one title or project (单个车间最高…), the whole enterprise (同一企业…), a
# year (同一年度…), all years (累计…) — as a clause states it, and (CAP_SCOPES) as an asker says it
# ("一家企业一年最多拿多少")
PER_ITEM = re.compile(r"单个(?!企业|申报主体)|单项|每个(?:项目|车间|工厂|场景|产品)|每一(?:个)?项目")
PER_ENTERPRISE = re.compile(r"同一(?:家)?企业|每家企业|单个企业|同一申报主体|每户")
# (not "2025年度新认定的…": a year named is when, not what a ceiling is counted over)
PER_YEAR = re.compile(r"同一年度|每一?年度?|当年|一个年度|年度内|(?<!\d)年度[^，。；,;]{0,6}?(?:累计|总额|合计)")
IN_TOTAL = re.compile(r"累计|总额|合计")
CAP_SCOPES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("item", re.compile(r"单个|单项|一个(?:项目|车间|工厂|场景|产品)|每个(?:项目|车间|工厂|场景|产品)"), PER_ITEM),
    ("enterprise", re.compile(r"一家(?:企业|公司)|一个企业|每家|同一(?:家)?企业|单个企业|一户"), PER_ENTERPRISE),
    ("year", re.compile(r"(?<![哪第])一年|每年|(?<!\d)年度|当年|同一年"), PER_YEAR),  # 哪一年 asks a date, 2025年度 a year
    ("total", re.compile(r"累计|总共|一共|合计|总额|加起来"), IN_TOTAL),
)

PAYS_DIFFERENCE = re.compile(r"差额|(?:扣除|扣减)已(?:获|[^。;；]{0,6}奖励)")

AWARD_AMOUNT = re.compile(rf"(?:给予|奖励|奖补|补助|补贴|资助)(?P<between>[^。;；,，]{{0,10}}?)(?P<wan>{NUMBER})\s*万元")
# words between the award word and the amount that make it a ceiling or one end of a range, not the award
_NOT_FIXED = re.compile(rf"{CEILING}|\d")
# a ceiling word just before the award word (单个企业最高给予200万元; 最高可奖励): the clause's own words
_CEILING_BEFORE = re.compile(rf"(?:{CEILING})[^。;；,，]{{0,2}}$")

RESPECTIVELY = re.compile(rf"分别给予[^。;；]{{0,8}}?(?P<amounts>(?:{NUMBER}\s*万元[和、及与]?){{2,4}})")
# the same with the titles named before it: 对省级智能工厂和数字化车间，分别给予…
RESPECTIVELY_FOR = re.compile(rf"对(?P<names>[^，,。;；]{{2,40}}?)[,，]?{RESPECTIVELY.pattern}")
_AMOUNT_IN_LIST = re.compile(rf"({NUMBER})\s*万元")
_NAME_SEPARATOR = re.compile(r"[和、及与]")


def money_wan(number: str, unit: str) -> float:
    """A MONEY match's figure and unit in 万元."""
    return float(number) * _MONEY_UNIT[unit]


def cap_wan(m: re.Match[str]) -> float:
    """The ceiling of a CAP match in 万元."""
    return money_wan(m.group(1), m.group(2))


@dataclass(frozen=True)
class Raise:
    """A raised rate as stated: to `rate` percent, or by `points` percentage points; where it stands."""

    start: int
    end: int
    rate: float | None = None
    points: float | None = None

    def applied_to(self, base_rate: float) -> float:
        """The raised rate in percent, for a rule whose own rate is `base_rate` percent."""
        return self.rate if self.rate is not None else base_rate + (self.points or 0.0)


def raise_in(text: str) -> Raise | None:
    """The rate raise `text` states (a raise to a rate before one by points), or None."""
    if (to := RAISED_TO.search(text)) is not None:
        return Raise(to.start(), to.end(), rate=float(to.group("rate")))
    if (by := RAISED_BY.search(text)) is not None:
        return Raise(by.start(), by.end(), points=float(by.group("points")))
    return None


def fixed_award(text: str) -> re.Match[str] | None:
    """The first amount given outright (一次性奖励300万元, 给予50万元补助), not a ceiling (给予最高300万元,
    最高给予300万元)."""
    pos = 0
    while (m := AWARD_AMOUNT.search(text, pos)) is not None:
        if not _NOT_FIXED.search(m.group("between")) and not _CEILING_BEFORE.search(text, 0, m.start()):
            return m
        pos = m.start() + 1
    return None


def amounts(m: re.Match[str]) -> list[float]:
    """The amounts (万元) of a RESPECTIVELY or RESPECTIVELY_FOR match, in order."""
    return [float(a) for a in _AMOUNT_IN_LIST.findall(m.group("amounts"))]


def names(m: re.Match[str]) -> list[str]:
    """The titles a RESPECTIVELY_FOR match names, in order (省级智能工厂和数字化车间 → two)."""
    return _NAME_SEPARATOR.split(m.group("names"))
