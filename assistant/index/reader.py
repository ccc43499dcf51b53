"""One version of the local index for readers: a read transaction held open on its own connection.

In WAL mode a reader keeps the version it began on while the writer commits newer ones beside it, so
an answer that reads several times (retrieval, the composer's documents, the eligibility quotes) sees
one index, and neither waits for the other.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from assistant.index.local import DocsView, connect, load_view

READ_CACHE_KB = 8_000  # SQLite page cache per reader: the hot pages of the FTS index and the chunk rows


class Reader:
    """Queries on one version of the index file; thread-safe (one query at a time on its connection)."""

    def __init__(self, path: Path, known: DocsView | None = None) -> None:
        """`known`: the writer's documents of its last version, used when this reader is on that version."""
        self._db = connect(path, readonly=True)
        self._db.execute(f"PRAGMA cache_size=-{READ_CACHE_KB}")
        self._lock = threading.Lock()
        self._db.execute("BEGIN")
        row = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()  # fixes the version
        generation = int(row[0]) if row else 0
        self._view = known if known is not None and known.generation == generation else load_view(self._db)
        self.generation = generation
        weakref.finalize(self, self._db.close)  # the version is let go with the last snapshot using it

    def view(self) -> DocsView:
        return self._view

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()


class Sounds(Mapping[str, str]):
    """pinyin key → the indexed word of that sound in most chunks (assistant.answer.typos), read from
    the terms table instead of a dict over the vocabulary."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def __getitem__(self, key: str) -> str:
        rows = self._reader.rows("SELECT term FROM terms WHERE sound=? ORDER BY df DESC, term LIMIT 1", (key,)) if key \
            else []
        if not rows:
            raise KeyError(key)
        return str(rows[0][0])

    def __iter__(self) -> Iterator[str]:
        return iter([r[0] for r in self._reader.rows("SELECT DISTINCT sound FROM terms WHERE sound != ''")])

    def __len__(self) -> int:
        return int(self._reader.rows("SELECT count(DISTINCT sound) FROM terms WHERE sound != ''")[0][0])
