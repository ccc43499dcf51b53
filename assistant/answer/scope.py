"""Which documents a question about a place may be answered from, and in what order of preference.

A question about 宁波 is answered from 宁波's own documents first, then 浙江's (the province's rules
apply to its cities), then national ones; a question about 浙江 also reads its cities' documents.
A place with no document of its own, of its province or of its cities has nothing local to quote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from assistant.core import gazetteer
from assistant.core.gazetteer import NATIONAL
from assistant.domain import Chunk

# factors on the fused retrieval score (chosen on the dev2 build half): the asked place's own text
# first; its province's or cities' rules nearly as relevant; national text only when nothing local fits
OWN_PLACE = 1.0
RELATED_PLACE = 0.9
NATIONAL_TEXT = 0.7


@dataclass(frozen=True)
class Scope:
    """The regions a place-scoped question may draw on."""

    place: str  # the asked region (short form)
    own: frozenset[str]  # the place itself (region values)
    covering: frozenset[str]  # the province (or city) the place belongs to: its rules apply to the place
    inner: frozenset[str]  # the place's cities and counties: their rules are theirs, not the place's
    docs: frozenset[str] = frozenset()  # documents of other regions whose titles name the place (a list of two provinces)

    @property
    def related(self) -> frozenset[str]:
        return self.covering | self.inner

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region value retrieval may return, national text included."""
        return tuple(sorted(self.own | self.related)) + (NATIONAL, "")

    @property
    def has_local(self) -> bool:
        """Some document of the place, of what it belongs to, or of its parts."""
        return bool(self.own or self.related)

    @property
    def applies(self) -> bool:
        """Some document whose rules apply to the place itself (its own or its province's)."""
        return bool(self.own or self.covering)

    def prefer(self) -> Callable[[Chunk], float]:
        def factor(c: Chunk) -> float:
            if c.doc.region in self.own or c.doc.doc_id in self.docs:
                return OWN_PLACE
            if c.doc.region in self.related:
                return RELATED_PLACE
            return NATIONAL_TEXT

        return factor


def scope_for(place: str, indexed_regions: Iterable[str], titles: Mapping[str, str] | None = None) -> Scope:
    """The scope of `place` over the regions that have documents in the index (and, given the documents'
    titles by id, the documents whose titles name it)."""
    own, covering, inner = set(), set(), set()
    for r in indexed_regions:
        if not r or r == NATIONAL:
            continue
        if r == place:
            own.add(r)
        elif gazetteer.covers(r, place):
            covering.add(r)
        elif gazetteer.covers(place, r):
            inner.add(r)
    return Scope(place, frozenset(own), frozenset(covering), frozenset(inner), titled_for(place, titles or {}))


def titled_for(place: str, titles: Mapping[str, str]) -> frozenset[str]:
    """The documents (id → title) whose title names the place, a place it belongs to, or one of its parts."""
    out = set()
    for doc_id, title in titles.items():
        for p in _title_places(title):
            if p == place or gazetteer.covers(p, place) or gazetteer.covers(place, p):
                out.add(doc_id)
                break
    return frozenset(out)


@lru_cache(maxsize=100_000)
def _title_places(title: str) -> tuple[str, ...]:
    return tuple(p.short for p in gazetteer.places_in(title))


# factors for text no longer in force: it stays retrievable (old-versus-new questions, transition
# clauses), below current text, and far below it when the question asks what applies now
STALE = 0.85
STALE_WHEN_NOW = 0.5
_STALE_STATUS = ("superseded", "expired")


def prefer_current(now: bool, then: Callable[[Chunk], float] | None = None,
                   versions: bool = False, older: bool = False) -> Callable[[Chunk], float]:
    """A retrieval factor that ranks repealed and expired documents below current ones (times `then`);
    not when the question is about the versions themselves ("新旧两版有什么变化"), and the other way round
    when it asks about the earlier version ("旧办法呢？")."""
    stale = 1.0 if versions or older else STALE_WHEN_NOW if now else STALE
    current = STALE_WHEN_NOW if older else 1.0

    def factor(c: Chunk) -> float:
        f = stale if c.doc.status in _STALE_STATUS else current
        return f * (then(c) if then else 1.0)

    return factor


LOCAL_WHEN_NATIONAL = 0.7  # "国家…分为哪几个层级": a province's text may restate it, the national text says it


def prefer_national(then: Callable[[Chunk], float] | None = None) -> Callable[[Chunk], float]:
    """A retrieval factor for a question about national rules that names no place: local documents
    (a province's or a city's) rank below national ones and those of no stated region (times `then`)."""

    def factor(c: Chunk) -> float:
        local = c.doc.level in ("province", "city", "county") or c.doc.region not in ("全国", "")
        return (LOCAL_WHEN_NATIONAL if local else 1.0) * (then(c) if then else 1.0)

    return factor
