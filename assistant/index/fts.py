"""Lexical ranking over the local index, behind one small interface, chosen by ZHICE_LEXICAL:

- `fts5` (default): SQLite FTS5 over the chunks' jieba tokens, ranked by its built-in bm25(); on disk,
  changed chunk by chunk with the rest of the index, filters joined in SQL.
- `bm25s`: the in-memory bm25s index of earlier versions, built over every chunk of a version when it
  is first searched (O(index) per change: kept to measure FTS5 against).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from assistant.index.reader import Reader
from assistant.lexical import BM25Index, tokenize

Where = tuple[str, tuple[Any, ...]]  # a condition on the documents table (alias d) and its parameters
# bm25s's defaults, which the retrieval weights were tuned with
BM25_K1 = 1.5
BM25_B = 0.75
# FTS5's best this many times the results asked for are scored again: its order differs from bm25s's
# only in how words are weighed, so the passages bm25s ranks first are among them
RESCORED_PER_RESULT = 10
RESCORED_MIN = 100


class LexicalIndex(Protocol):
    name: str

    def top(self, query: str, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        """(chunk_id, score) best first, positive scores only, of the chunks whose document meets `where`."""
        ...


def fts_query(tokens: Sequence[str], op: str = "OR") -> str:
    """An FTS5 MATCH expression: each token a quoted string (no token is read as FTS5 syntax)."""
    return f" {op} ".join('"' + t.replace('"', '""') + '"' for t in tokens)


class Fts5Index:
    """FTS5 finds the chunks that share words with the query and orders them by its bm25(); the best
    of those are scored again by the BM25 bm25s computes (Lucene's idf, k1 = 1.5: FTS5's bm25() has
    k1 = 1.2 and an idf that is zero for words in half the chunks), so the ranking is the one earlier
    versions tuned on, computed over a few hundred rows instead of the whole index."""

    name = "fts5"

    def __init__(self, reader: Reader, idf: Callable[[str], float], df: Callable[[str], int],
                 bounds: Callable[[str], tuple[int, int]], chunks: int, tokens: int) -> None:
        self._reader, self._idf, self._df, self._bounds, self._chunks = reader, idf, df, bounds, chunks
        self._avgdl = tokens / chunks if chunks and tokens else 1.0

    def _norm(self, length: int) -> float:
        return BM25_K1 * (1 - BM25_B + BM25_B * length / self._avgdl)

    def most(self, token: str) -> float:
        """The most one occurrence-weighted token can add to a chunk's score, per unit of its weight:
        tf / (tf + norm) at its highest count in a chunk and its shortest chunk (an indexed token)."""
        tf, length = self._bounds(token)
        return tf / (tf + self._norm(length)) if tf else 0.0

    def selective(self, tokens: Sequence[str]) -> list[str]:
        """The query words FTS5 is asked for: those its bm25() gives weight, i.e. in at most half the
        chunks (a word in more has an idf of zero there, and its long list of chunks would only cost
        time); all of them when none is that rare."""
        known = [t for t in dict.fromkeys(tokens) if self._df(t) > 0]
        rare = [t for t in known if self._df(t) * 2 <= self._chunks]
        return rare or known

    def candidates(self, tokens: Sequence[str], n: int, where: Where | None = None,
                   ranked_by: Sequence[str] = ()) -> list[tuple[str, str, float]]:
        """(chunk_id, its tokens, FTS5's bm25 score) best first, of the chunks holding any of `tokens`,
        ranked with the query's other words `ranked_by` too: `tokens AND (tokens OR ranked_by)` reads
        the long lists of chunks of the common words only where a rarer word is (at 200k chunks a
        third of the time of asking for them all), and the best n are not those of a few words alone."""
        match = fts_query(tokens)
        if ranked_by:
            match = f"({match}) AND ({fts_query([*tokens, *ranked_by])})"
        if where is None:  # FTS5 keeps the best n itself (ORDER BY rank on the table alone)
            rows = self._reader.rows(
                "SELECT c.chunk_id, c.tokens, f.s FROM (SELECT rowid, rank AS s FROM fts WHERE fts MATCH ? "
                "ORDER BY rank LIMIT ?) f JOIN chunks c ON c.id = f.rowid ORDER BY f.s, c.id", [match, n])
        else:
            rows = self._reader.rows(
                "SELECT c.chunk_id, c.tokens, bm25(fts) AS s FROM fts JOIN chunks c ON c.id = fts.rowid "
                f"JOIN docs d ON d.doc_id = c.doc_id WHERE fts MATCH ? AND ({where[0]}) ORDER BY s, c.id LIMIT ?",
                [match, *where[1], n])
        return [(cid, toks, -float(s)) for cid, toks, s in rows]  # FTS5's bm25() is negated: lower is better

    def top(self, query: str, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        """The best n by BM25, found MaxScore-wise: FTS5 ranks every chunk holding any word it is
        asked for, so it is asked only for the words that can matter. A word adds at most its weight
        times `most` to a chunk's score, so once n chunks scoring θ are known, the commonest words
        whose bounds sum below θ cannot lift a chunk holding only them among the best n: they are
        scored on the candidates but find none (at 200k generated chunks they were most of FTS5's work)."""
        tokens = tokenize(query)
        asked = sorted(self.selective(tokens), key=self._df)  # rarest first
        if not asked:
            return []
        weight: dict[str, float] = {}
        for t in tokens:  # a repeated query word counts again, as in bm25s
            weight[t] = weight.get(t, 0.0) + self._idf(t)
        many = max(RESCORED_MIN, n * RESCORED_PER_RESULT)
        scores: dict[str, float] = {}
        order: dict[str, int] = {}
        # a first look at the chunks holding the rarest word: a lower bound on the n-th best score
        self._rescore(self.candidates(asked[:1], many, where, asked[1:]), weight, scores, order)
        bound = {t: w * self.most(t) for t, w in weight.items() if self._df(t) > 0}
        unasked = sum(b for t, b in bound.items() if t not in asked)  # words in over half the chunks
        essential = must_ask(asked, bound, nth_best(scores, n), unasked)
        if len(essential) > 1:
            self._rescore(self.candidates(essential, many, where, asked[len(essential):]), weight, scores, order)
        ranked = sorted(scores, key=lambda cid: (-scores[cid], order[cid]))
        return [(cid, scores[cid]) for cid in ranked[:n] if scores[cid] > 0]

    def _rescore(self, found: list[tuple[str, str, float]], weight: dict[str, float], scores: dict[str, float],
                 order: dict[str, int]) -> None:
        """The BM25 bm25s computes, for each candidate not scored yet (`order`: FTS5's, for ties)."""
        for cid, toks, _ in found:
            if cid in scores:
                continue
            words = toks.split(" ")
            norm = self._norm(len(words))
            score = 0.0
            for t, w in weight.items():
                tf = words.count(t)
                if tf:
                    score += w * tf / (norm + tf)
            scores[cid] = score
            order[cid] = len(order)


def nth_best(scores: dict[str, float], n: int) -> float:
    """The n-th highest score (0 when fewer are known: nothing can be left out yet)."""
    if len(scores) < n:
        return 0.0
    return sorted(scores.values(), reverse=True)[n - 1]


def must_ask(asked: Sequence[str], bound: Mapping[str, float], theta: float, spare: float = 0.0) -> list[str]:
    """`asked` (rarest first) without its commonest words whose bounds (the most each adds to a
    score), with `spare` (those of indexed words not asked), sum below `theta`: a chunk holding none
    of the rest scores below it."""
    keep = len(asked)
    while keep > 1 and spare + bound[asked[keep - 1]] < theta:
        keep -= 1
        spare += bound[asked[keep]]
    return list(asked[:keep])


class Bm25sIndex:
    name = "bm25s"

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._index: BM25Index | None = None

    def _built(self) -> BM25Index:
        if self._index is None:
            rows = self._reader.rows("SELECT chunk_id, tokens FROM chunks ORDER BY id")
            self._index = BM25Index([r[0] for r in rows], tokens=[r[1].split(" ") for r in rows])
        return self._index

    def top(self, query: str, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        allowed = None
        if where is not None:
            allowed = {r[0] for r in self._reader.rows(
                f"SELECT c.chunk_id FROM chunks c JOIN docs d ON d.doc_id = c.doc_id WHERE {where[0]}", where[1])}
        return self._built().top(query, n, allowed)


def lexical_index(name: str, reader: Reader, idf: Callable[[str], float], df: Callable[[str], int],
                  bounds: Callable[[str], tuple[int, int]], chunks: int, tokens: int) -> LexicalIndex:
    if name == "bm25s":
        return Bm25sIndex(reader)
    return Fts5Index(reader, idf, df, bounds, chunks, tokens)
