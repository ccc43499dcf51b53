"""Does what the asker wrote state a condition no field types? ("亩均税收高于县里平均水平" for the
condition "项目单位上一年度亩均税收高于所在县（市、区）平均水平的").

A clause of the asker's text states a condition when most of its character pairs occur in the
condition's wording (the asker's words are the shorter and less formal side) and it is not negated.
The engine then reads the condition as met "按您的描述", quoting the asker's words.
"""

from __future__ import annotations

import re

from assistant.core.text import normalize_for_match

__all__ = ["stating_clause"]

# Share of an asker's clause's character pairs that must occur in the condition: high enough that
# a clause about something else ("研发占比3%") never counts, low enough for 县里 vs 所在县（市、区）.
STATED_SHARE = 0.6
STATED_PAIRS_MIN = 5  # fewer shared pairs than this is a word in common, not a statement
_CLAUSE = re.compile(r"[^，。；;！？?!,\n]+")
_NEGATED = re.compile(r"不是|没有|未|不够|不到|低于|达不到|并非|不属于|还没")


def _pairs(text: str) -> set[str]:
    t = re.sub(r"[\s\W_]+", "", normalize_for_match(text))
    return {t[i:i + 2] for i in range(len(t) - 1)}


def stating_clause(said: str, condition: str) -> str:
    """The clause of `said` that states `condition` ("" when none does)."""
    cond = _pairs(condition)
    if not said or not cond:
        return ""
    for m in _CLAUSE.finditer(said):
        clause = m.group(0).strip()
        pairs = _pairs(clause)
        shared = pairs & cond
        if len(shared) >= STATED_PAIRS_MIN and len(shared) >= STATED_SHARE * len(pairs) \
                and not (_NEGATED.search(clause) and not _NEGATED.search(condition)):
            return clause
    return ""
