"""How much of a question one sentence covers: the words in it, in its clause's lead, in its headings.

Shared by the rerank (which passage has the best sentence) and the composer (which sentences answer).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.text import normalize_for_match
from assistant.domain import Chunk

LEAD_WEIGHT = 0.8  # a term in the clause's opening sentence counts nearly as if in the sentence itself
CONTEXT_WEIGHT = 0.5  # a term only in the title or headings counts half
SUBJECT_MISMATCH = 0.3  # a clause naming only other titles (智能工厂 when 数字化车间 was asked) is rarely the answer


def coverage(weights: dict[str, float], ns: str, lead: str, context: str) -> tuple[float, frozenset[str]]:
    """Share of the question's weight a (normalised) sentence covers, and the terms it covers."""
    total = sum(weights.values()) or 1.0
    covered = frozenset(t for t in weights if t in ns)
    in_lead = frozenset(t for t in weights if t in lead) - covered
    in_ctx = frozenset(t for t in weights if t in context) - covered - in_lead
    value = (sum(weights[t] for t in covered) + LEAD_WEIGHT * sum(weights[t] for t in in_lead)
             + CONTEXT_WEIGHT * sum(weights[t] for t in in_ctx)) / total
    return value, covered | in_lead | in_ctx


_BARE = re.compile(r"[\W_]+")
# the words a cover or transmittal line puts around the names: "X关于印发《Y》的通知", "…〔2025〕102号"
_COVER_WORDS = re.compile(r"关于|印发|发布|公布|转发|的通知|的公告|通知|公告|\d+号")
COVER_REST = 4  # characters a cover line may hold beyond the names and the cover words
# the transmittal sentence of a notice: "为落实…，现将《Y》印发给你们，请遵照执行" passes Y on and states no rule
_TRANSMITTAL = re.compile(r"印发给你们|现予印发|现印发|请遵照执行|请认真(?:贯彻|组织|抓好)?(?:执行|落实|实施)")
# a clause the chunker made its own heading ("（一）车间智能化改造投入不低于1000万元") still states a rule
_STATES_RULE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|%|％)|不低于|不少于|不超过|不得")


def only_names(normed: str, c: Chunk) -> bool:
    """Does the (normalised) sentence say nothing but the document's title, issuer or headings — a title
    line, a signature, the cover "X关于印发《Y》的通知", the transmittal "现将…印发给你们"? Such a line answers
    no question about the rules; a clause that is also its own heading still states one."""
    bare = _BARE.sub("", normed)
    if not bare:
        return True
    if _TRANSMITTAL.search(normed):
        return True
    if _STATES_RULE.search(normed):
        return False
    names, pieces = _names_of(c.doc.title, c.doc.issuer, c.section)
    if bare in names or (len(bare) <= len(names) and names in bare):
        return True
    rest = bare
    for piece in pieces:
        rest = rest.replace(piece, "")
    return len(_COVER_WORDS.sub("", rest)) <= COVER_REST


@lru_cache(maxsize=4096)
def _names_of(title: str, issuer: str, section: str) -> tuple[str, tuple[str, ...]]:
    """A passage's names as only_names compares them, once per title, issuer and section (every sentence of
    the passage asks): all of them run together, and each of them (longest first) to take out of a line."""
    names = _BARE.sub("", normalize_for_match(" ".join([title, issuer, section])))
    pieces = (_BARE.sub("", normalize_for_match(n))
              for n in sorted((title, issuer, *issuer.split(), *section.split(" > ")), key=len, reverse=True))
    return names, tuple(p for p in pieces if len(p) >= 2)
