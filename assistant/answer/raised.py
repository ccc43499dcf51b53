"""A rate raised for those who meet a condition: "申报企业为…高新技术企业的，奖补比例提高2个百分点，最高限额不变",
"企业为高新技术企业…的，奖励比例提高至12%". When the asker says they meet it (我们是高新技术企业), the
calculation uses the raised rate and cites the clause that raises it.

Grammar of official documents: (条件)的，then the raise (core.reward_grammar: (比例|标准)(提高|上浮|提升|上调)
(至X% | N个百分点)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.reward_grammar import raise_in
from assistant.core.text import normalize_for_match
from assistant.lexical import tokenize

_CONDITION_END = re.compile(r"的[,，]")
_NEGATED = re.compile(r"(?:不是|不属于|并非|非|没有|未|无)[^,，。;；]{0,3}$")
MIN_CONDITION_WORD = 4  # 高新技术企业, 专精特新: a condition's name, not a word of every clause (企业, 申报)


@dataclass(frozen=True)
class Raised:
    """The raised rate, the condition the asker meets, and the sentence that raises it."""

    rate: float
    condition: str
    sentence: str


def raised(sentence: str, question: str, base_rate: float) -> Raised | None:
    """The raise a sentence gives when the question says the asker meets its condition (not "不是高企")."""
    s = normalize_for_match(sentence)
    up = raise_in(s)
    if up is None:
        return None
    end = [e for e in _CONDITION_END.finditer(s, 0, up.start)]
    if not end:
        return None
    condition = s[:end[-1].start()]
    q = normalize_for_match(question)
    for word in sorted(dict.fromkeys(t for t in tokenize(condition) if len(t) >= MIN_CONDITION_WORD), key=len, reverse=True):
        at = q.find(word)
        if at >= 0 and not _NEGATED.search(q[:at]):
            return Raised(up.applied_to(base_rate), _as_said(word, condition, q[at:]), sentence)
    return None


def _as_said(word: str, condition: str, asked: str) -> str:
    """The word run on as far as the condition and the question still agree (高新技术 → 高新技术企业)."""
    start = condition.find(word)
    n = len(word)
    while start + n < len(condition) and n < len(asked) and condition[start + n] == asked[n]:
        n += 1
    return asked[:n]


def negated(before: str) -> bool:
    """The words right before a condition's name deny it ("我们不是高新技术企业")."""
    return bool(_NEGATED.search(before))
