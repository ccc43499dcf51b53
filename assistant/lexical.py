"""BM25 over jieba tokens, with a user dictionary of the field's terms so 示范工厂 stays one word."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core import gazetteer

log = logging.getLogger(__name__)
TERMS_FILE = Path(__file__).parent / "data" / "terms.txt"
GLOSSARY = Path(__file__).parent / "data" / "glossary.tsv"
SYNONYMS = Path(__file__).parent / "data" / "synonyms.tsv"
_STOP = set("的 了 和 与 及 或 等 是 在 对 为 以 按 将 把 被 由 从 中 上 下 个 吗 呢 吧 啊 哪些 什么 怎么 如何 多少 几 是否 可以 能 会 要 有 没有 我们 你们 他们 这 那 其 之 并 且 而 也 都 就 请 问 一下 一个".split())
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)


@lru_cache(maxsize=1)
def _jieba() -> Any:  # a jieba.Tokenizer (jieba ships no type hints)
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.load_userdict(str(TERMS_FILE))
    return tok


_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _pairs(path: Path) -> list[tuple[str, str]]:
    """The (key, value) lines of a tab-separated data file; `#` lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("\t", 1)
            rows.append((key, value))
    return rows


def expand_query(query: str) -> str:
    """Add the corpus's terms for English words, typos and colloquial variants in `query`
    (BM25 matches words, not meanings)."""
    low = query.lower()
    extra = [zh for en, zh in _pairs(GLOSSARY) if en.lower() in low]
    if any(ch.isascii() and ch.isalpha() for ch in query):  # romanised places (Hefei → 合肥) from the gazetteer
        extra += [p.short for p in gazetteer.places_in(query) if p.short not in query]
    extra += [terms for variant, terms in _pairs(SYNONYMS) if variant in query]
    return query + (" " + " ".join(extra) if extra else "")


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for variant, terms in _pairs(SYNONYMS):
        table.setdefault(variant, []).extend(terms.split())
    return {k: tuple(v) for k, v in table.items()}


def synonyms_of(word: str) -> tuple[str, ...]:
    """The corpus's terms for a colloquial or variant word (synonyms.tsv), or ()."""
    return _synonym_table().get(word, ())


@lru_cache(maxsize=1)
def field_terms() -> tuple[str, ...]:
    """The field's multi-character terms from the user dictionary (read once: every answer uses them)."""
    return tuple(line.split()[0] for line in TERMS_FILE.read_text(encoding="utf-8").splitlines() if line.strip())


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba words (field terms kept whole) plus character bigrams of longer words."""
    text = unicodedata.normalize("NFKC", text).lower()
    with _LOCK:  # jieba's lazy initialisation is not thread-safe
        words = _jieba().lcut_for_search(text)
    out: list[str] = []
    for w in words:
        w = w.strip()
        if not w or w in _STOP or _PUNCT.match(w):
            continue
        out.append(w)
    return out


def question_tokens(text: str, known: Callable[[str], bool]) -> list[str]:
    """The search tokens of a question, plus the words jieba split across a boundary when the index knows
    them: "打造成" is cut 打|造成, and 打造 is the word the documents use. A one-character piece joined with
    the next piece's first character (or the previous piece's last) is added when it is a dictionary word
    and some passage holds it."""
    out = tokenize(text)
    seen = set(out)
    with _LOCK:
        tok = _jieba()
        pieces = [w for w in tok.lcut(unicodedata.normalize("NFKC", text).lower()) if w.strip()]
    words = tok.FREQ  # jieba's dictionary: the joined piece must be a word, not any two characters
    for a, b in zip(pieces, pieces[1:], strict=False):
        if _PUNCT.match(a) or _PUNCT.match(b) or len(a) + len(b) < 3:
            continue
        joined = (a + b[0]) if len(a) == 1 else (a[-1] + b) if len(b) == 1 else ""
        if joined and words.get(joined) and joined not in seen and joined not in _STOP and known(joined):
            out.append(joined)
            seen.add(joined)
    return out


class BM25Index:
    """An in-memory BM25 index over (chunk_id, text); rebuilt from the vector store after ingest."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str] = (),
                 tokens: Sequence[Sequence[str]] | None = None) -> None:
        """Over `texts`, or over their `tokens` when already tokenized (the local index keeps them)."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.ids = list(ids)
        self._pos = {cid: i for i, cid in enumerate(self.ids)}
        self._bm25 = bm25s.BM25()
        toks = [list(t) for t in tokens] if tokens is not None else [tokenize(t) or ["∅"] for t in texts]
        self._df: dict[str, int] = {}
        for doc in toks:
            for t in set(doc):
                self._df[t] = self._df.get(t, 0) + 1
        if self.ids:
            self._bm25.index(toks, show_progress=False)

    def knows(self, token: str) -> bool:
        """Whether the token occurs in any indexed chunk."""
        return token in self._df

    def vocabulary(self) -> list[tuple[str, int]]:
        """Every indexed token with the number of chunks containing it."""
        return list(self._df.items())

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over the indexed chunks (unseen tokens score high)."""
        n = max(1, len(self.ids))
        return float(np.log(1 + (n - self._df.get(token, 0) + 0.5) / (self._df.get(token, 0) + 0.5)))

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed chunk for `query` (zeros when nothing matches)."""
        toks = tokenize(query)
        if not self.ids or not toks:
            return np.zeros(len(self.ids))
        return np.asarray(self._bm25.get_scores(toks), dtype=float)

    def top(self, query: str, n: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, score) best first, positive scores only, within `allowed` when given."""
        s = self.scores(query)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            for cid in allowed:
                if cid in self._pos:
                    mask[self._pos[cid]] = True
            s = np.where(mask, s, 0.0)
        order = np.argsort(-s)[:n]
        return [(self.ids[i], float(s[i])) for i in order if s[i] > 0]
