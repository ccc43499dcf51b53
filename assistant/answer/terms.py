"""Names of titles and supported projects learned from the index: 数字化车间, 5G工厂, 智能化改造项目.

A title of honour or a kind of project ends in a head noun (工厂, 车间, 场景, 项目 …). Which characters
before the head belong to the name is learned from the documents: the name is extended to the left
while nearly every occurrence of it is preceded by the same character ("字化车间" → "数字化车间"), and
stops where the contexts branch ("省级数字化车间", "市级数字化车间", "的数字化车间"). No list of
programmes is kept: a user's new document brings its own titles.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

HEADS = ("工厂", "车间", "场景", "生产线", "产线", "项目", "先行区")  # the nouns titles and projects end in
# a name does not start with a function word: "同一车间", "单个项目", "按照项目" are phrases, not names
_FUNCTION_START = ("同一", "单个", "每个", "按照", "按", "不超过", "超过", "申报", "仅", "有关", "相关", "各", "该", "本",
                   "其", "对", "由", "经", "所", "以", "及", "和", "与", "或", "但", "的", "为", "在", "是", "等", "新")
MAX_NAME = 9  # characters, head included
MIN_COUNT = 2  # a name must occur in at least this many passages
KEEP_SHARE = 0.7  # extend left while this share of the occurrences share the preceding character
_CJK = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]")


def learn(texts: Iterable[str]) -> frozenset[str]:
    """The title and project names the texts use, learned by left extension from each head noun."""
    return learn_from(left_contexts(texts))


def learn_from(left: Counter[str]) -> frozenset[str]:
    """`learn` from the head nouns' left contexts already counted (the index sums them per document)."""
    longer: dict[str, list[str]] = {}  # a name → the names one character longer on the left
    for c in left:
        longer.setdefault(c[1:], []).append(c)
    names = set()
    for head in HEADS:
        for first in longer.get(head, []):
            name = _extend(first, left, longer)
            if (left[name] >= MIN_COUNT and len(name) >= len(head) + 2 and not name.startswith(_FUNCTION_START)
                    and not any(h in name[:-len(head)] for h in HEADS)):  # "工厂项目", "示范工厂和先行区": compounds
                names.add(name)
    return frozenset(names)


def left_contexts(texts: Iterable[str]) -> Counter[str]:
    """Every head noun with the 1 … MAX_NAME characters before it, counted."""
    left: Counter[str] = Counter()
    for t in texts:
        for head in HEADS:
            for m in re.finditer(re.escape(head), t):
                start = m.start()
                for size in range(1, MAX_NAME - len(head) + 1):
                    if start - size < 0 or not _CJK.match(t[start - size]):
                        break
                    left[t[start - size:m.end()]] += 1
    return left


def _extend(name: str, left: Counter[str], longer: dict[str, list[str]]) -> str:
    """Extend a name to the left while nearly all its occurrences share the preceding character."""
    while True:
        best = max(longer.get(name, []), key=lambda c: left[c], default=None)
        if best is None or left[best] < KEEP_SHARE * left[name]:
            return name
        name = best


def named(text: str, names: frozenset[str]) -> list[str]:
    """The learned names a text contains, longest first, none inside another one found."""
    found = sorted((n for n in names if n in text), key=len, reverse=True)
    out: list[str] = []
    for n in found:
        if not any(n in o for o in out):
            out.append(n)
    return out


# what titles of honour and supported projects are called: a few characters before one of the heads
# (数字化车间, 示范工厂, 5G工厂, 智能化改造项目); two characters before the head tell them apart
_SUBJECT_HEAD = re.compile(r"(?=([\u4e00-\u9fa5A-Za-z0-9]{2})(工厂|车间|生产线|产线|场景|项目))")


def subjects(normed: str) -> frozenset[str]:
    """The titles and project kinds a text names, each as two characters plus its head (字化车间, 改造项目)."""
    return frozenset(a + b for a, b in _SUBJECT_HEAD.findall(normed))
