"""The local index file (data_dir/index.sqlite3): a cache of the store for reading, changed document by
document.

Tables: `chunks` (one row a chunk: its text, fields, place in its document's text, search tokens and
the text normalised for quote matching), `docs` (one row a document: its metadata as stored, its
status as resolved across the index, chunk counts, the names of its parts), `fts` (FTS5 over the
chunks' jieba tokens), `terms` (chunks containing each token, its sound, and the most times it occurs in one chunk and
the shortest chunk holding it: bounds on what it can add to a BM25 score, assistant.index.fts —
never lowered when chunks go, so they stay bounds), `contexts` (head-noun
contexts summed over the documents, for learned names), `sources` (a copy of the registry: which
path holds which document, assistant.index.registry) and `meta` (schema, the store it caches, generation, the
change-log positions the chunks and the registry copy reached).

Each process that serves from the data directory applies the change log's entries to it (SQLite
serialises two such writers; an entry applied twice replaces the same rows); readers
(assistant.index.reader) read a version of their own in WAL mode and never wait for a writer.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from assistant.core.text import normalize_for_match
from assistant.core.validity import DocFacts, resolve
from assistant.documents import place
from assistant.domain import Chunk, DocumentMeta
from assistant.index.learned import learn_document, parts_of, search_tokens, sound

log = logging.getLogger(__name__)

INDEX_FILE = "index.sqlite3"
SCHEMA_VERSION = "3"  # bumped when the tables change: an index of another version is rebuilt from the store
# FTS5 splits only where our tokens are separated (spaces): jieba's words, punctuation inside them kept
TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co'"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(doc_id TEXT PRIMARY KEY, meta TEXT NOT NULL, chunks INTEGER NOT NULL,
  expected INTEGER NOT NULL, parts TEXT NOT NULL, kind TEXT NOT NULL, region TEXT NOT NULL, level TEXT NOT NULL,
  year INTEGER NOT NULL, issuer TEXT NOT NULL, authority TEXT NOT NULL, doc_no TEXT NOT NULL, title TEXT NOT NULL,
  status TEXT NOT NULL, superseded_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks(id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
  ord INTEGER NOT NULL, section TEXT NOT NULL, page INTEGER NOT NULL, n_chunks INTEGER NOT NULL, record TEXT NOT NULL,
  sheet TEXT NOT NULL, start_at INTEGER NOT NULL, end_at INTEGER NOT NULL, text TEXT NOT NULL, tokens TEXT NOT NULL,
  norm TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id, ord);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(tokens, content='chunks', content_rowid='id',
  tokenize="{TOKENIZER}");
CREATE TABLE IF NOT EXISTS terms(term TEXT PRIMARY KEY, df INTEGER NOT NULL, sound TEXT NOT NULL,
  tf_max INTEGER NOT NULL, len_min INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS terms_by_sound ON terms(sound, df);
CREATE TABLE IF NOT EXISTS contexts(ctx TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources(source TEXT PRIMARY KEY, doc_id TEXT NOT NULL, size INTEGER NOT NULL,
  mtime REAL NOT NULL, authority TEXT NOT NULL, chunks INTEGER NOT NULL) WITHOUT ROWID;
"""
FETCH_DOCS = 200  # documents read from the store per request (a where-$in list far below SQLite's variable limit)
BUSY_MS = 30_000  # a second process's write (zhice ingest beside zhice serve) is waited for this long


class Store(Protocol):
    """What the local index reads from the store (assistant.backends.ChromaStore)."""

    def chunks_of_docs(self, doc_ids: Sequence[str]) -> list[Any]: ...  # StoredChunk: chunk_id, text, metadata

    def all_chunks(self) -> list[Any]: ...


@dataclass(frozen=True)
class DocRow:
    """One document as readers see it: its metadata with the status resolved, and its counts."""

    meta: DocumentMeta
    chunks: int  # stored
    expected: int  # n_chunks: how many the document was split into
    parts: str  # names of its parts, one a line (assistant.index.learned.parts_of)


@dataclass(frozen=True)
class DocsView:
    """Every document of one generation of the index (small: one row a document, no texts)."""

    generation: int
    docs: dict[str, DocRow]
    tokens: int = 0  # search tokens over every chunk (BM25's average chunk length)

    @property
    def chunks(self) -> int:
        return sum(d.chunks for d in self.docs.values())


def term_bounds(tokens: Sequence[Sequence[str]]) -> dict[str, tuple[int, int]]:
    """token → (the most times it occurs in one of these chunks, the fewest tokens of a chunk holding it)."""
    out: dict[str, tuple[int, int]] = {}
    for toks in tokens:
        length = len(toks)
        for t, tf in Counter(toks).items():
            have = out.get(t)
            out[t] = (max(have[0], tf), min(have[1], length)) if have else (tf, length)
    return out


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_MS / 1000)
    db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    if not readonly:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses at most the last commits, never consistency
    return db


def load_view(db: sqlite3.Connection) -> DocsView:
    """The documents as `db` sees them (inside a reader's transaction: its version)."""
    gen = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    tokens = db.execute("SELECT value FROM meta WHERE key='tokens'").fetchone()
    docs: dict[str, DocRow] = {}
    for doc_id, meta, chunks, expected, parts, status, by in db.execute(
            "SELECT doc_id, meta, chunks, expected, parts, status, superseded_by FROM docs ORDER BY rowid"):
        fields = json.loads(meta)
        fields["status"], fields["superseded_by"] = status, by  # as resolved (not `replace`: half the time)
        docs[doc_id] = DocRow(DocumentMeta(**fields), chunks, expected, parts)
    return DocsView(int(gen[0]) if gen else 0, docs, int(tokens[0]) if tokens else 0)


class LocalIndex:
    """The writer of the index file. Not thread-safe: the knowledge base calls it under its write lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = connect(path)
        self._facts: dict[str, tuple[DocumentMeta, DocFacts]] = {}  # doc id → its row's meta and facts
        version = self._schema_version()
        if version not in ("", SCHEMA_VERSION):
            log.warning("the local index %s has schema %s, not %s: it is built again from the store",
                        path, version, SCHEMA_VERSION)
            self._drop_all()
        self._db.executescript(SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self.view = load_view(self._db)

    # ------------------------------------------------------------------ state
    def _schema_version(self) -> str:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError:  # a new file
            return ""
        return str(row[0]) if row else ""

    def _drop_all(self) -> None:
        names = self._db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'fts_%'")
        for (name,) in names.fetchall():  # dropping fts drops its shadow tables (fts_data, fts_idx …)
            self._db.execute(f'DROP TABLE IF EXISTS "{name}"')

    def meta(self, key: str) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else ""

    def _set(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                         (key, value))

    @property
    def position(self) -> str:
        """The last change-log position applied ('' until a change log drives the index)."""
        return self.meta("position")

    def stale_reason(self, identity: str) -> str:
        """Why the file cannot be served as this store's cache ('' when it can): never built, or built
        from another store or embedder (whether it is behind the store the change log tells)."""
        have = self.meta("identity")
        if not have:
            return "it has not been built yet"
        if have != identity:
            return f"it caches another store ({have}, not {identity})"
        return ""

    def follow(self) -> None:
        """Read the documents again when another process on the same data directory has written the file."""
        gen = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        if gen and int(gen[0]) != self.view.generation:
            self.view = load_view(self._db)

    # ------------------------------------------------------------------ the registry's copy
    def saved_registry(self) -> tuple[int, list[tuple[Any, ...]]] | None:
        """(the change-log position it reached, its rows) of the registry copy; None when there is none."""
        position = self.meta("registry_position")
        if not position.isdigit():
            return None
        return int(position), self._db.execute("SELECT * FROM sources").fetchall()

    def save_registry(self, position: int, whole: bool, rows: Sequence[tuple[Any, ...]], gone: Sequence[str]) -> None:
        """Write the registry's changes up to change-log `position` (`whole`: `rows` are all of it).
        Never back: another process on the same data directory may have saved a later state."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            saved = self.meta("registry_position")
            if (saved.isdigit() and int(saved) > position) or (not whole and not saved.isdigit()):
                self._db.execute("ROLLBACK")  # an older state than the saved one, or no copy to add changes to
                return
            if whole:
                self._db.execute("DELETE FROM sources")
            self._db.executemany("DELETE FROM sources WHERE source=?", [(g,) for g in gone])
            self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?)", rows)
            self._set("registry_position", str(position))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ writing
    def rebuild(self, store: Store, identity: str, as_of: dt.date, position: str = "") -> None:
        """Every chunk of the store, read again (the file is a cache of the store); `position`: the
        change-log position the store was at before it was read."""
        stored = store.all_chunks()
        by_doc: dict[str, list[Any]] = {}
        for s in stored:
            by_doc.setdefault(str(s.metadata.get("doc_id", "")), []).append(s)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for table in ("chunks", "docs", "terms", "contexts", "sources"):  # the registry's copy is saved again
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("DELETE FROM meta WHERE key IN ('tokens', 'registry_position')")
            self._db.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
            docs: dict[str, DocRow] = {}
            for doc_id, rows in by_doc.items():
                if doc_id:
                    docs[doc_id] = self._add(rows)
            self._finish(docs, as_of)
            self._set("identity", identity)
            self._set("position", position)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self.view = load_view(self._db)
        log.info("local index built from the store: %d documents, %d chunks", len(docs), len(stored))

    def apply(self, changed_doc_ids: Iterable[str], removed_doc_ids: Iterable[str], store: Store,
              as_of: dt.date, position: str | None = None) -> None:
        """Bring the named documents in line with the store: each changed one is read from the store and
        replaces its rows (gone from the store: removed), each removed one is dropped. `position`: the
        change-log position these changes end at, saved with them."""
        removed = set(removed_doc_ids)
        changed = sorted(set(changed_doc_ids) - removed)
        fetched: dict[str, list[Any]] = {}
        for i in range(0, len(changed), FETCH_DOCS):
            for s in store.chunks_of_docs(changed[i:i + FETCH_DOCS]):
                fetched.setdefault(str(s.metadata.get("doc_id", "")), []).append(s)
        removed |= set(changed) - set(fetched)
        self.follow()
        if not removed & set(self.view.docs) and not fetched:  # nothing to change: the version readers have stays
            self._advance(position)
            return
        self._write(removed, fetched, as_of, position)

    def restatus(self, as_of: dt.date) -> None:
        """Statuses judged again on `as_of` (a server running past a document's expiry date); nothing
        to do on the day they were last judged on."""
        if self.meta("as_of") == as_of.isoformat():
            return
        if self._statuses(self.view.docs, as_of) != {d: (r.meta.status, r.meta.superseded_by)
                                                     for d, r in self.view.docs.items()}:
            self._write(set(), {}, as_of, None)
        else:
            self._set("as_of", as_of.isoformat())

    def _write(self, removed: set[str], fetched: dict[str, list[Any]], as_of: dt.date, position: str | None) -> None:
        """Replace the rows of these documents. The documents held are read again once the write
        lock is taken: another process on the same data directory may have applied the same change
        between this one's last look and its lock (its rows are then replaced, not added twice)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self.follow()
            docs = dict(self.view.docs)
            for doc_id in sorted(removed | set(fetched)):
                if doc_id in docs:
                    self._remove(doc_id, docs.pop(doc_id))
            for doc_id, rows in fetched.items():
                docs[doc_id] = self._add(rows)
            self._finish(docs, as_of)
            self._advance(position)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self.view = DocsView(int(self.meta("generation")), docs, int(self.meta("tokens") or 0))

    def _finish(self, docs: dict[str, DocRow], as_of: dt.date) -> None:
        """Statuses resolved across every document, the generation advanced."""
        statuses = self._statuses(docs, as_of)
        for doc_id, row in list(docs.items()):
            status, by = statuses[doc_id]
            if (row.meta.status, row.meta.superseded_by) != (status, by):
                docs[doc_id] = replace(row, meta=replace(row.meta, status=status, superseded_by=by))
                self._db.execute("UPDATE docs SET status=?, superseded_by=? WHERE doc_id=?", (status, by, doc_id))
        self._set("generation", str(int(self.meta("generation") or 0) + 1))
        self._set("as_of", as_of.isoformat())

    def _advance(self, position: str | None) -> None:
        """Save the change-log position reached; never back (two processes on one data directory
        may apply the same changes in either order)."""
        if position is None:
            return
        old = self.position
        if not (old.isdigit() and position.isdigit() and int(old) > int(position)):
            self._set("position", position)

    def _statuses(self, docs: dict[str, DocRow], as_of: dt.date) -> dict[str, tuple[str, str]]:
        """Every document's status, resolved across all of them (what each write can change); the
        facts of a document are made once per version of its row."""
        facts = []
        for d, r in docs.items():
            kept = self._facts.get(d)
            if kept is None or kept[0] is not r.meta:
                m = r.meta
                kept = self._facts[d] = (m, DocFacts(d, m.title, m.doc_no, m.valid_from, m.valid_until, m.repeals))
            facts.append(kept[1])
        if len(self._facts) > len(docs):  # documents that went
            for gone in set(self._facts) - set(docs):
                del self._facts[gone]
        return resolve(facts, as_of)

    def _add(self, stored: Sequence[Any]) -> DocRow:
        """One document's chunks (as the store holds them) into every table."""
        chunks = place([Chunk.from_metadata(s.chunk_id, s.text or "", dict(s.metadata or {})) for s in stored])
        meta = chunks[0].doc
        tokens = [search_tokens(c) for c in chunks]
        for c, toks in zip(chunks, tokens, strict=True):
            cur = self._db.execute(
                "INSERT INTO chunks(chunk_id, doc_id, ord, section, page, n_chunks, record, sheet, start_at, end_at, "
                "text, tokens, norm) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (c.chunk_id, meta.doc_id, c.ord, c.section, c.page, c.n_chunks,
                 json.dumps(c.record, ensure_ascii=False), c.sheet, c.start, c.end, c.text, " ".join(toks),
                 normalize_for_match(c.text)))
            self._db.execute("INSERT INTO fts(rowid, tokens) VALUES (?, ?)", (cur.lastrowid, " ".join(toks)))
        learned = learn_document(chunks, tokens)
        self._count_tokens(sum(map(len, tokens)))
        bounds = term_bounds(tokens)
        self._db.executemany(
            "INSERT INTO terms VALUES (?,?,?,?,?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df, "
            "tf_max = max(tf_max, excluded.tf_max), len_min = min(len_min, excluded.len_min)",
            [(t, n, sound(t), *bounds[t]) for t, n in learned.df.items()])
        self._db.executemany("INSERT INTO contexts VALUES (?,?) ON CONFLICT(ctx) DO UPDATE SET n = n + excluded.n",
                             list(learned.contexts.items()))
        row = DocRow(meta, len(chunks), chunks[0].n_chunks, parts_of(chunks))
        self._db.execute(
            "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (meta.doc_id, json.dumps(meta.to_metadata(), ensure_ascii=False), row.chunks, row.expected, row.parts,
             meta.kind, meta.region, meta.level, meta.year, meta.issuer, meta.authority, meta.doc_no, meta.title,
             meta.status, meta.superseded_by))
        return row

    def _remove(self, doc_id: str, row: DocRow) -> None:
        """One document out of every table; its terms and contexts subtracted from the sums."""
        rows = self._db.execute("SELECT id, section, text, tokens FROM chunks WHERE doc_id=? ORDER BY ord",
                                (doc_id,)).fetchall()
        chunks = [Chunk(chunk_id="", doc=row.meta, text=text, section=section) for _, section, text, _ in rows]
        tokens = [toks.split(" ") for *_, toks in rows]
        learned = learn_document(chunks, tokens)
        self._count_tokens(-sum(map(len, tokens)))
        self._db.executemany("INSERT INTO fts(fts, rowid, tokens) VALUES ('delete', ?, ?)",
                             [(i, toks) for i, _, _, toks in rows])
        self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        self._db.execute("DELETE FROM docs WHERE doc_id=?", (doc_id,))
        self._subtract("terms", "term", "df", learned.df)
        self._subtract("contexts", "ctx", "n", learned.contexts)

    def _count_tokens(self, n: int) -> None:
        self._set("tokens", str(int(self.meta("tokens") or 0) + n))

    def _subtract(self, table: str, key: str, count: str, amounts: Counter[str]) -> None:
        self._db.executemany(f"UPDATE {table} SET {count} = {count} - ? WHERE {key} = ?",
                             [(n, k) for k, n in amounts.items()])
        self._db.executemany(f"DELETE FROM {table} WHERE {key} = ? AND {count} <= 0", [(k,) for k in amounts])

    def close(self) -> None:
        self._db.close()
