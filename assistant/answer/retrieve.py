"""Question → evidence: dense (chroma) and BM25 (jieba) fused by reciprocal rank, filtered, merged, diversified."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

from assistant.answer.attributes import asked_attributes
from assistant.answer.guard import is_english
from assistant.answer.prerequisites import bring_up_prerequisites
from assistant.answer.rerank import rerank
from assistant.answer.understand import understand
from assistant.core import gazetteer
from assistant.domain import KINDS, STATUSES, Chunk, SearchHit
from assistant.errors import BadInput
from assistant.knowledge import KnowledgeBase
from assistant.lexical import expand_query

SUMMARY_FACTOR = 0.85  # an official clause outranks a summary of it at equal relevance


@dataclass(frozen=True)
class Filters:
    """Metadata filters; empty fields do not filter."""

    kind: str = ""
    region: str = ""
    level: str = ""
    year: int = 0
    issuer: str = ""
    doc_id: str = ""
    authority: str = ""
    regions: tuple[str, ...] = ()  # any of these regions (a place's scope: itself, its province, its cities)
    doc_ids: tuple[str, ...] = ()  # ... or any of these documents (their titles name a place of the scope)
    # current | expired | superseded | not_yet_in_force: resolved across the index at each change (assistant.core.validity,
    # kept in the local index), so it is matched there and on the snapshot's chunks, never in the store's `where`
    status: str = ""

    @staticmethod
    def from_dict(d: dict[str, Any] | None) -> Filters:
        """Validated filters; unknown keys or values raise BadInput naming them."""
        if not d:
            return Filters()
        allowed = {f.name for f in fields(Filters)} - {"regions", "doc_ids"}  # set by question analysis
        unknown = set(d) - allowed
        if unknown:
            raise BadInput(f"unknown filter(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
        kind = str(d.get("kind") or "")
        if kind and kind not in KINDS:
            raise BadInput(f"filter kind={kind!r} is not one of {list(KINDS)}")
        try:
            year = int(d.get("year") or 0)
        except (TypeError, ValueError) as e:
            raise BadInput(f"filter year={d.get('year')!r} is not a year like 2025") from e
        return Filters(kind=kind, region=gazetteer.normalise(str(d.get("region") or "")), level=str(d.get("level") or ""),
                       year=year, issuer=str(d.get("issuer") or ""), doc_id=str(d.get("doc_id") or ""),
                       authority=str(d.get("authority") or ""), status=_status(d.get("status")))

    def is_empty(self) -> bool:
        return self == Filters()

    def where(self) -> dict[str, Any] | None:
        """The chroma `where` for the exact-match fields (issuer is matched as a substring afterwards)."""
        conds: list[dict[str, Any]] = [
            {k: v} for k, v in (("kind", self.kind), ("region", self.region), ("level", self.level),
                                ("year", self.year), ("doc_id", self.doc_id), ("authority", self.authority)) if v
        ]
        if self.regions and self.doc_ids:
            conds.append({"$or": [{"region": {"$in": list(self.regions)}}, {"doc_id": {"$in": list(self.doc_ids)}}]})
        elif self.regions:
            conds.append({"region": {"$in": list(self.regions)}})
        if not conds:
            return None
        return conds[0] if len(conds) == 1 else {"$and": conds}

    def sql(self) -> tuple[str, tuple[Any, ...]] | None:
        """The filters as a condition on the local index's documents table (alias d), with its
        parameters (assistant.index.local: one column for each field); None when nothing filters."""
        conds: list[str] = []
        params: list[Any] = []
        for column, value in (("kind", self.kind), ("region", self.region), ("level", self.level),
                              ("year", self.year), ("doc_id", self.doc_id), ("authority", self.authority),
                              ("status", self.status)):
            if value:
                conds.append(f"d.{column} = ?")
                params.append(value)
        if self.issuer:
            conds.append("instr(d.issuer, ?) > 0")
            params.append(self.issuer)
        if self.regions:
            either = [f"d.region IN ({','.join('?' * len(self.regions))})"]
            params += self.regions
            if self.doc_ids:
                either.append(f"d.doc_id IN ({','.join('?' * len(self.doc_ids))})")
                params += self.doc_ids
            conds.append(f"({' OR '.join(either)})")
        return (" AND ".join(conds), tuple(params)) if conds else None

    def accepts(self, c: Chunk) -> bool:
        d = c.doc
        return all((
            not self.kind or d.kind == self.kind,
            not self.region or d.region == self.region,
            not self.regions or d.region in self.regions or d.doc_id in self.doc_ids,
            not self.level or d.level == self.level,
            not self.year or d.year == self.year,
            not self.doc_id or d.doc_id == self.doc_id,
            not self.authority or d.authority == self.authority,
            not self.issuer or self.issuer in d.issuer,
            not self.status or d.status == self.status,
        ))


def _status(value: object) -> str:
    status = str(value or "")
    if status and status not in STATUSES:
        raise BadInput(f"filter status={status!r} is not one of {list(STATUSES)}")
    return status


def wants_comparison(question: str) -> bool:
    """Does the question set places or documents side by side (the question analysis decides)?"""
    return understand(question).compare


def retrieve(kb: KnowledgeBase, query: str, k: int, filters: Filters | None = None,
             compare: bool | None = None, vector: list[float] | None = None,
             prefer: Callable[[Chunk], float] | None = None) -> list[SearchHit]:
    """The top `k` evidence passages for `query`.

    Args:
        kb: the knowledge base (its current snapshot is used throughout).
        query: the (condensed) question.
        k: passages to return.
        filters: metadata filters.
        compare: spread the passages over documents; None decides from the wording.
        vector: the query's embedding, when the caller has it already.
        prefer: a factor (≤ 1) on each passage's fused score, e.g. the asked place's own documents
            over its province's and the national ones.
    """
    filters = filters or Filters()
    cfg = kb.settings.retrieval
    snap = kb.snapshot
    if not snap.n_chunks:
        return []
    expanded = expand_query(query)
    n = max(cfg.candidates, k * 3)
    # an English question is embedded with the field's Chinese terms for its words (the passages are Chinese)
    # and reranked on them: its own words cover no sentence
    english = is_english(query) and expanded != query
    vector = vector if vector is not None else kb.embedder.embed_query(expanded if english else query)
    nearest = kb.store.query(vector, n, filters.where())
    chunks = snap.get_many([cid for cid, _ in nearest])  # the store may hold what this version does not yet
    dense = [(cid, s) for cid, s in nearest if cid in chunks and filters.accepts(chunks[cid])]
    lexical = snap.top(expanded, n, filters.sql())
    chunks.update(snap.get_many([cid for cid, _ in lexical if cid not in chunks]))
    fused: dict[str, float] = {}
    ranks: dict[str, list[int | None]] = {}
    for weight, lst, slot in ((cfg.dense_weight, dense, 0), (cfg.bm25_weight, lexical, 1)):
        for rank, (cid, _) in enumerate(lst):
            fused[cid] = fused.get(cid, 0.0) + weight / (cfg.rrf_k + rank + 1)
            ranks.setdefault(cid, [None, None])[slot] = rank
    fused = {cid: score for cid, score in fused.items() if cid in chunks}
    for cid in fused:
        if chunks[cid].doc.authority == "summary":
            fused[cid] *= SUMMARY_FACTOR
        if prefer is not None:
            fused[cid] *= prefer(chunks[cid])
    order = sorted(fused, key=lambda c: -fused[c])
    hits = [SearchHit(chunks[c], fused[c], ranks[c][0], ranks[c][1]) for c in order]
    hits = rerank(expanded if english else query, merge_neighbours(hits), snap.idf, snap.knows)
    if "conditions" in asked_attributes(expanded if english else query):
        hits = bring_up_prerequisites(hits)
    if compare if compare is not None else wants_comparison(query):
        hits = diversify(hits, cfg.per_doc_compare)
    return hits[:k]


MAX_TABLE_ROWS = 12
ROW_SEPARATOR = "\n\n"  # between the rows of a table excerpt (a row's own text has one newline)


def retrieve_per_region(kb: KnowledgeBase, query: str, regions: list[str], k_each: int,
                        filters: Filters | None = None, words_for: Callable[[str], str] | None = None,
                        prefer: Callable[[Chunk], float] | None = None) -> list[SearchHit]:
    """Side-by-side evidence: the best passages of each named place, interleaved (place order kept).

    `words_for(region)` is the query's wording for one place (the other places' names left out), for
    the lexical search; the dense search uses one embedding of the whole query for every place.
    """
    base = filters or Filters()
    known = {d.region for d in kb.snapshot.docs.values()}
    vector = kb.embedder.embed_query(query)  # one embedding for every place searched with this query
    lists = []
    for r in regions:
        r = gazetteer.normalise(r)
        if r in known:
            words = words_for(r) if words_for else query
            lists.append(retrieve(kb, words, k_each, replace(base, region=r), compare=False, vector=vector,
                                  prefer=prefer))
        else:  # a place inside another's document (长春新区 in 吉林's compilation): search for its name
            lists.append([h for h in retrieve(kb, f"{r} {query}", k_each * 3, base, compare=False)
                          if r in h.chunk.text or r in h.chunk.section][:k_each])
    out: list[SearchHit] = []
    for i in range(k_each):
        out.extend(lst[i] for lst in lists if len(lst) > i)
    return out


def merge_neighbours(hits: list[SearchHit]) -> list[SearchHit]:
    """Join retrieved pieces of one clause (same document and section, adjacent) into one passage,
    and the retrieved rows of one table into one table excerpt (at its best row's rank)."""
    hits = _merge_rows(hits)
    out: list[SearchHit] = []
    taken: set[str] = set()
    by_key = {(h.chunk.doc.doc_id, h.chunk.ord): h for h in hits}
    for h in hits:
        if h.chunk.chunk_id in taken:
            continue
        c = h.chunk
        parts = [c]
        for step in (-1, 1):
            o = c.ord + step
            while (nb := by_key.get((c.doc.doc_id, o))) and nb.chunk.section == c.section and not c.record \
                    and nb.chunk.chunk_id not in taken:
                parts.append(nb.chunk)
                o += step
        if len(parts) > 1:
            parts.sort(key=lambda x: x.ord)
            taken.update(p.chunk_id for p in parts)
            merged = replace(parts[0], text=_join_overlapping([p.text for p in parts]))
            out.append(replace(h, chunk=merged))
        else:
            taken.add(c.chunk_id)
            out.append(h)
    return out


def _merge_rows(hits: list[SearchHit]) -> list[SearchHit]:
    rows: dict[str, list[SearchHit]] = {}
    for h in hits:
        if h.chunk.record:
            rows.setdefault(h.chunk.doc.doc_id, []).append(h)
    out: list[SearchHit] = []
    for h in hits:
        group = rows.get(h.chunk.doc.doc_id) if h.chunk.record else None
        if group is None:
            out.append(h)
        elif group and group[0] is h:
            if len(group) == 1:
                out.append(h)
                continue
            parts = sorted((g.chunk for g in group[:MAX_TABLE_ROWS]), key=lambda c: c.ord)
            nums = [int(m.group(1)) for c in parts if (m := re.match(r"第(\d+)行", c.section))]
            section = f"第{min(nums)}-{max(nums)}行（{len(parts)}行）" if nums else h.chunk.section
            merged = replace(h.chunk, text=ROW_SEPARATOR.join(c.text for c in parts), section=section)
            out.append(replace(h, chunk=merged))
    return out


def _join_overlapping(texts: list[str]) -> str:
    """Concatenate split pieces, dropping the overlap a piece repeats from the previous one."""
    out = texts[0]
    for t in texts[1:]:
        cut = 0
        for size in range(min(len(out), len(t)), 0, -1):
            if out.endswith(t[:size]):
                cut = size
                break
        out += t[cut:]
    return out


def diversify(hits: list[SearchHit], per_doc: int) -> list[SearchHit]:
    """Round-robin over documents (best document first), at most `per_doc` passages each."""
    groups: dict[str, list[SearchHit]] = {}
    for h in hits:
        groups.setdefault(h.chunk.doc.doc_id, []).append(h)
    out: list[SearchHit] = []
    for i in range(per_doc):
        out.extend(g[i] for g in groups.values() if len(g) > i)
    return out
