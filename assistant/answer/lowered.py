"""A threshold lowered for those who meet a condition: "对省级专精特新中小企业，上述第六项投入门槛可降至1000万元",
"专精特新企业申报的，营业收入要求放宽至1000万元". When the asker says they meet it (我们是…省级专精特新中小企业),
the lowered threshold is the one that applies to them, and the clause that lowers it is cited beside the
general threshold.

Grammar of official documents: (对)(条件)(的)，then (门槛|标准|要求|条件…) (可|可以)?(降至|降低至|放宽至|下调至…) N.
The condition is read as raised rates read theirs (assistant.answer.raised): its longer words found in
the question, not negated (不是专精特新).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.raised import MIN_CONDITION_WORD, negated
from assistant.core.text import normalize_for_match
from assistant.lexical import tokenize

# the lowering itself: the verb and the new figure (with its unit)
_LOWERED = re.compile(r"(?:可|可以|允许)?(?:降至|降低至|降低到|降到|放宽至|放宽到|放宽为|下调至|下调为|调低至)\s*"
                      r"(\d+(?:\.\d+)?)\s*(万元|亿元|元|%|个|家|项|年|人)")
# the condition ends at the comma before the lowering ("对省级专精特新中小企业，"; "…企业申报的，")
_CONDITION_END = re.compile(r"[,，]")
_CONDITION_LEAD = re.compile(r"^(?:对于?|凡|属于|其中)")


@dataclass(frozen=True)
class Lowered:
    """The lowered figure, the condition the asker meets, and the sentence that lowers it."""

    figure: str  # "1000万元"
    condition: str
    sentence: str


def lowered(sentence: str, question: str) -> Lowered | None:
    """The lowering a sentence states when the question says the asker meets its condition."""
    s = normalize_for_match(sentence)
    down = _LOWERED.search(s)
    if down is None:
        return None
    ends = list(_CONDITION_END.finditer(s, 0, down.start()))
    if not ends:
        return None
    start = ends[-2].end() if len(ends) >= 2 else 0
    condition = _CONDITION_LEAD.sub("", s[start:ends[-1].start()])
    q = normalize_for_match(question)
    words = [t for t in dict.fromkeys(tokenize(condition)) if len(t) >= MIN_CONDITION_WORD]
    said = [at for w in words if (at := q.find(w)) >= 0]
    if not said or any(negated(q[:at]) for at in said):  # "我们不是专精特新中小企业": one denial denies it
        return None
    return Lowered(down.group(1) + down.group(2), condition, sentence)
