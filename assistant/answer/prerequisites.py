"""The clauses a condition clause builds on: the conditions common to every type it adds to.

Official documents state what each type must meet ("（二）基础型……", "第六条 申报数字化车间，除符合第五条
规定外，还应达到以下标准") on top of conditions shared by all types: a sibling heading under the same
parent (基本条件, 通用条件, 共性要求) or the article the clause names ("除符合第五条规定外"). When an
eligibility question brings up a type's clause, the asker must meet the shared conditions too, so
the passage stating them is moved to right after the clause that builds on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.attributes import states
from assistant.core.structure import CN_NUM
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk, SearchHit

# the heading or lead of a clause stating the conditions shared by all types
SHARED = re.compile(r"(?:基本|通用|共性|共同|一般)(?:条件|要求)")
ARTICLE = r"第[" + CN_NUM + r"0-9]+条"  # 第五条, 第12条
# a clause naming the article it adds to: "除符合第五条规定外", "在满足本办法第五条的基础上"
REFERS = re.compile(rf"(?:符合|满足|具备|达到)(?:本办法|本细则|本规定|本通知)?({ARTICLE})")
LEADING = 3  # the top passages whose shared conditions are brought up: below them the order is the rerank's
_LEAD_CHARS = 40  # a clause's lead: where "应同时具备以下基本条件" is said


def bring_up_prerequisites(hits: Sequence[SearchHit]) -> list[SearchHit]:
    """`hits` with, after each of the first LEADING condition clauses, the candidates stating the
    conditions it builds on (when they rank lower)."""
    out = list(hits)
    for p in list(out[:LEADING]):
        if not _states_conditions(p.chunk) or _is_shared(p.chunk):
            continue
        for q in [q for q in out if q is not p and builds_on(p.chunk, q.chunk)]:
            at, here = out.index(p), out.index(q)
            if here > at + 1:
                out.insert(at + 1, out.pop(here))
    return out


def builds_on(clause: Chunk, other: Chunk) -> bool:
    """Does `clause` add to the conditions `other` states (a shared-conditions sibling, or the article it names)?"""
    if clause.doc.doc_id != other.doc.doc_id:
        return False
    refs = set(REFERS.findall(normalize_for_match(clause.text)))
    if refs and _article(other) in refs:
        return True
    parent, _, _ = clause.section.rpartition(" > ")
    other_parent, _, own = other.section.rpartition(" > ")
    return bool(parent) and parent == other_parent and _is_shared(other) and bool(own)


def _is_shared(c: Chunk) -> bool:
    own = c.section.rpartition(" > ")[2]
    return bool(SHARED.search(own) or SHARED.search(normalize_for_match(c.text)[:_LEAD_CHARS]))


def _states_conditions(c: Chunk) -> bool:
    return states("conditions", normalize_for_match(c.text))


def _article(c: Chunk) -> str:
    m = re.match(ARTICLE, c.section.rpartition(" > ")[2]) or re.search(ARTICLE, normalize_for_match(c.text)[:_LEAD_CHARS])
    return m.group(0) if m else ""
