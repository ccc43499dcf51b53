"""The Snapshot: one consistent version of the index for readers.

Document metadata (titles, places, levels, statuses: one row a document) is held in memory; chunks are
read from the local index file when asked for (a bounded cache per version), and what the answer path
learns from the index — word frequencies, names, sounds, quotes — is looked up there, not computed
over every chunk.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from functools import cached_property
from typing import Any

from assistant.answer.terms import learn_from
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk, DocumentMeta
from assistant.index.fts import LexicalIndex, Where, fts_query, lexical_index
from assistant.index.local import DocRow
from assistant.index.reader import Reader, Sounds
from assistant.lexical import tokenize

CHUNK_CACHE = 4096  # chunks kept per version (an answer reads a few dozen; the same questions recur)
DOC_CACHE = 64  # documents' chunk lists kept per version (the composer and the viewer read a document whole)
TERM_CACHE = 50_000  # token frequencies kept per version (question words recur)
MEMO_SIZE = 1024  # results kept per version by `memo` (one a place asked about, say)
_COLUMNS = "chunk_id, doc_id, ord, section, page, n_chunks, record, sheet, start_at, end_at, text"
_IN_LIMIT = 500  # ids per `IN (…)` list, far below SQLite's variable limit


class Snapshot:
    """One version of the index: `docs` in memory, chunks on demand."""

    def __init__(self, reader: Reader, lexical: str = "fts5") -> None:
        self.reader = reader
        view = reader.view()
        self.generation = view.generation
        self.rows: dict[str, DocRow] = view.docs
        self.docs: dict[str, DocumentMeta] = {d: r.meta for d, r in view.docs.items()}
        self.n_chunks = view.chunks
        self.lexical: LexicalIndex = lexical_index(lexical, reader, self.idf, self.df, self.tf_bounds, view.chunks,
                                                   view.tokens)
        self._lock = threading.Lock()
        self._chunks: OrderedDict[str, Chunk] = OrderedDict()
        self._doc_chunks: OrderedDict[str, list[Chunk]] = OrderedDict()
        self._terms: dict[str, tuple[int, int, int]] = {}
        self._quotes: dict[tuple[str, str, str], Chunk | None] = {}
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()

    # ------------------------------------------------------------------ chunks
    def _chunk(self, row: tuple[Any, ...]) -> Chunk:
        cid, doc_id, ord_, section, page, n_chunks, record, sheet, start, end, text = row
        return Chunk(chunk_id=cid, doc=self.docs[doc_id], text=text, section=section, page=page, ord=ord_,
                     n_chunks=n_chunks, record=json.loads(record), sheet=sheet, start=start, end=end)

    def get_many(self, ids: list[str]) -> dict[str, Chunk]:
        """The chunks of these ids that the index holds."""
        out: dict[str, Chunk] = {}
        with self._lock:
            for cid in ids:
                if cid in self._chunks:
                    self._chunks.move_to_end(cid)
                    out[cid] = self._chunks[cid]
        missing = [cid for cid in dict.fromkeys(ids) if cid not in out]
        for i in range(0, len(missing), _IN_LIMIT):
            part = missing[i:i + _IN_LIMIT]
            rows = self.reader.rows(f"SELECT {_COLUMNS} FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})",
                                    part)
            for row in rows:
                out[row[0]] = self._chunk(row)
        with self._lock:
            for cid in missing:
                if cid in out:
                    self._chunks[cid] = out[cid]
            while len(self._chunks) > CHUNK_CACHE:
                self._chunks.popitem(last=False)
        return out

    def doc_ids_of(self, ids: list[str]) -> dict[str, str]:
        """chunk id → its document's id, for the chunks of these ids that the index holds."""
        out: dict[str, str] = {}
        for i in range(0, len(ids), _IN_LIMIT):
            part = ids[i:i + _IN_LIMIT]
            out.update(self.reader.rows(f"SELECT chunk_id, doc_id FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})",
                                        part))
        return out

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.get_many([chunk_id]).get(chunk_id)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in order ([] for a document the index does not hold)."""
        with self._lock:
            if doc_id in self._doc_chunks:
                self._doc_chunks.move_to_end(doc_id)
                return self._doc_chunks[doc_id]
        if doc_id not in self.docs:
            return []
        out = [self._chunk(r) for r in self.reader.rows(f"SELECT {_COLUMNS} FROM chunks WHERE doc_id=? ORDER BY ord",
                                                        (doc_id,))]
        with self._lock:
            self._doc_chunks[doc_id] = out
            while len(self._doc_chunks) > DOC_CACHE:
                self._doc_chunks.popitem(last=False)
        return out

    @property
    def chunks(self) -> ChunkMap:
        """chunk id → chunk, read on demand (iterating it reads the whole index: tools and tests only)."""
        return ChunkMap(self)

    @property
    def by_doc(self) -> DocChunks:
        """doc id → its chunks in order, read on demand."""
        return DocChunks(self)

    # ------------------------------------------------------------------ words
    def top(self, query: str, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        return self.lexical.top(query, n, where)

    def _term(self, token: str) -> tuple[int, int, int]:
        """(chunks containing the token, the most times one holds it, the fewest tokens of one holding it)."""
        with self._lock:
            if token in self._terms:
                return self._terms[token]
        rows = self.reader.rows("SELECT df, tf_max, len_min FROM terms WHERE term=?", (token,))
        found = (int(rows[0][0]), int(rows[0][1]), int(rows[0][2])) if rows else (0, 0, 0)
        with self._lock:
            if len(self._terms) >= TERM_CACHE:
                self._terms.clear()
            self._terms[token] = found
        return found

    def df(self, token: str) -> int:
        """How many chunks contain the token."""
        return self._term(token)[0]

    def tf_bounds(self, token: str) -> tuple[int, int]:
        """(the most times a chunk holds the token, the fewest tokens of a chunk holding it): bounds
        (chunks removed since may have held the extremes)."""
        return self._term(token)[1:]

    def knows(self, token: str) -> bool:
        """Whether the token occurs in any indexed chunk."""
        return self.df(token) > 0

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over the indexed chunks (unseen tokens score high)."""
        n, df = max(1, self.n_chunks), self.df(token)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    @cached_property
    def sounds(self) -> Sounds:
        return Sounds(self.reader)

    @cached_property
    def names(self) -> frozenset[str]:
        """Title and project names learned from the indexed text (assistant.answer.terms), from the head
        nouns' contexts each document added when it was indexed."""
        return learn_from(Counter({ctx: n for ctx, n in self.reader.rows("SELECT ctx, n FROM contexts")}))

    def memo(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """`build()`, computed once for this version (the answer path's results over every document,
        such as a place's scope, are the same until the index changes)."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = build()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    @cached_property
    def regions(self) -> frozenset[str]:
        """The region of every indexed document (national and unknown included)."""
        return frozenset(d.region for d in self.docs.values())

    @cached_property
    def titles(self) -> dict[str, str]:
        """doc id → its title and the names of its parts (the sheets of a workbook: one per province)."""
        return {d: " ".join(dict.fromkeys([r.meta.title, *filter(None, r.parts.split("\n"))]))
                for d, r in self.rows.items()}

    def texts_with(self, phrase: str) -> list[str]:
        """The texts of the chunks containing `phrase` (found through the lexical index by its words)."""
        tokens = tokenize(phrase)
        if not tokens:
            return []
        rows = self.reader.rows("SELECT c.text FROM fts JOIN chunks c ON c.id = fts.rowid WHERE fts MATCH ? "
                                "AND instr(c.text, ?) > 0 ORDER BY c.id", (fts_query(tokens, "AND"), phrase))
        return [r[0] for r in rows]

    def find_quote(self, quote: str, doc_no: str = "", title: str = "") -> Chunk | None:
        """The chunk containing `quote` (whitespace/width-insensitive), preferring the named document."""
        key = (quote, doc_no, title)
        with self._lock:
            if key in self._quotes:
                return self._quotes[key]
        q = normalize_for_match(quote)
        found = None
        if q:
            named = [d for d, m in self.docs.items() if (doc_no and doc_no in m.doc_no) or (title and title[:6] in m.title)]
            for i in range(0, len(named), _IN_LIMIT):
                part = named[i:i + _IN_LIMIT]
                found = found or self._first_with(q, f"doc_id IN ({','.join('?' * len(part))}) AND ", part)
            found = found or self._first_with(q, "", [])
        with self._lock:
            self._quotes[key] = found
        return found

    def _first_with(self, normed: str, cond: str, params: list[str]) -> Chunk | None:
        rows = self.reader.rows(f"SELECT {_COLUMNS} FROM chunks WHERE {cond}instr(norm, ?) > 0 ORDER BY id LIMIT 1",
                                [*params, normed])
        return self._chunk(rows[0]) if rows else None


class ChunkMap(Mapping[str, Chunk]):
    def __init__(self, snap: Snapshot) -> None:
        self._snap = snap

    def __getitem__(self, chunk_id: str) -> Chunk:
        c = self._snap.chunk(chunk_id)
        if c is None:
            raise KeyError(chunk_id)
        return c

    def __iter__(self) -> Iterator[str]:
        return iter([r[0] for r in self._snap.reader.rows("SELECT chunk_id FROM chunks ORDER BY id")])

    def __len__(self) -> int:
        return self._snap.n_chunks

    def values(self) -> Any:  # one read of every row, not one query a chunk
        return [self._snap._chunk(r) for r in self._snap.reader.rows(f"SELECT {_COLUMNS} FROM chunks ORDER BY id")]


class DocChunks(Mapping[str, list[Chunk]]):
    def __init__(self, snap: Snapshot) -> None:
        self._snap = snap

    def __getitem__(self, doc_id: str) -> list[Chunk]:
        if doc_id not in self._snap.docs:
            raise KeyError(doc_id)
        return self._snap.chunks_of(doc_id)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._snap.docs

    def __iter__(self) -> Iterator[str]:
        return iter(self._snap.docs)

    def __len__(self) -> int:
        return len(self._snap.docs)

