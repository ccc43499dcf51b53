"""Rule-based rewriting of a follow-up into a standalone question (used when no LLM is configured).

"那有效期呢？" after "智能制造示范工厂的建设期是多长时间？" becomes "智能制造示范工厂的有效期是多长时间？":
a term of the follow-up replaces the previous question's term of the same kind (place, programme,
level, attribute); terms with no counterpart are added.
"""

from __future__ import annotations

import re

from ingest.metadata import CITIES, PROVINCES

_KINDS: dict[str, tuple[str, ...]] = {
    "place": tuple(sorted(CITIES + PROVINCES, key=len, reverse=True)),
    "programme": ("示范工厂", "优秀场景", "先行区", "数字化车间", "智能工厂", "未来工厂", "典型场景", "试点示范项目"),
    "level": ("基础级", "先进级", "卓越级", "领航级", "一级", "二级", "三级", "四级", "五级", "省级", "国家级", "市级"),
    "attribute": ("建设期", "有效期", "复评", "认定条件", "申报条件", "条件", "认定程序", "流程", "程序", "奖励", "奖补",
                  "补助", "比例", "上限", "最高", "成熟度", "申报时间", "截止时间", "平台", "名额", "材料"),
}
_ELLIPTIC = re.compile(r"^(那|那么|还有|另外|它|其|该|这|上述|同样|如果是)|呢[？?]?$|\b(it|that|those|they|them)\b", re.I)
_FILLER = re.compile(r"^(那么|那|还有|另外|如果是|如果|换成|改成)|(呢|的呢|怎么样|如何)?[？?。]*$")


def is_follow_up(question: str) -> bool:
    """Short or elliptical questions lean on the previous turn."""
    return bool(_ELLIPTIC.search(question)) or len(question) < 12


def terms_of(text: str) -> list[tuple[str, str, int]]:
    """(kind, term, position) of every known term in `text`, longest match first at each place."""
    found: list[tuple[str, str, int]] = []
    taken: list[tuple[int, int]] = []
    for kind, words in _KINDS.items():
        for w in sorted(words, key=len, reverse=True):
            for m in re.finditer(re.escape(w), text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                found.append((kind, w, m.start()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda t: t[2])


def condense(question: str, previous: str) -> str:
    """The follow-up as a question that stands on its own."""
    if not is_follow_up(question):
        return question
    new_terms = terms_of(question)
    if not new_terms:
        return f"{previous} {question}"
    result = previous
    extra: list[str] = []
    old_terms = terms_of(previous)
    for kind, term, _ in new_terms:
        same = [t for k, t, _ in old_terms if k == kind]
        if same and term not in previous:
            result = result.replace(same[0], term, 1)
        elif term not in previous:
            extra.append(term)
    core = _FILLER.sub("", question).strip()
    return result + (f" {core}" if extra else "")
