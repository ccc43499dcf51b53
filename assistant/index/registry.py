"""Which source file holds which document: one record per path in the store, beside the chunks.

The registry lives in the companion collection `<collection>_registry` (see
`assistant.backends.RecordCollection`), so every replica on the same chroma server shares it, and
a change is one record written (O(1) per file), not a file rewritten. Each process keeps a copy in
memory, loaded at start and brought up to date from the change log (`reload`), and every writer
brings it up to date under the writer lease before it writes.

The registry is an index *of* the store, never the other way round: it can be rebuilt from the
chunks' metadata (`entries_from_store`); a lost or damaged registry is reported (`state`) so the
knowledge base repairs it before any write, instead of mistaking the store for orphans to purge.

It also journals the store writes in flight (`pending`): a document being added or deleted is
recorded before the store is touched and cleared after the registry records the outcome, so the
next writer knows whether an unregistered document is a half-finished write (rolled back) or a
document that must be kept.

A registry.json left by an earlier version is read once, written into the store and renamed
registry.json.migrated (`migrate_file`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.backends import RecordCollection
from assistant.index.changes import Change, ChangeLog, Op

log = logging.getLogger(__name__)

FORMAT = 3  # records in the store; 2 was registry.json {"format": 2, "entries", "pending"}, 1 its bare entries
UNKNOWN_SIZE = -1  # an entry rebuilt from the store: the file is hashed again on its next ingest
META_ID = "meta"
SOURCE_PREFIX = "s:"  # of a path's record id (the other records: c: changes, p: the journal, meta, head, lease)
RELOAD_PAGE = 500  # ids asked for in one query when following changes (SQLite bounds a query's variables)
_META = {"kind": "meta", "format": FORMAT}


class RegistryState(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no registry records (a first start, or the collection was lost)
    DAMAGED = "damaged"  # records that cannot be read


class PendingOp(StrEnum):
    ADD = "add"
    DELETE = "delete"


@dataclass(frozen=True)
class Entry:
    doc_id: str
    size: int
    mtime: float
    authority: str = ""  # set by an upload (unverified) or an admin; '' = what the file's header says
    chunks: int = 0  # the document's chunks in the store; 0 = not known (an entry of an earlier version)


@dataclass(frozen=True)
class Pending:
    """A store write that was started: `doc_id` being added for `source`, or deleted."""

    op: PendingOp
    source: str


def source_id(source: str) -> str:
    """A record id for a path (paths are long and any characters)."""
    return SOURCE_PREFIX + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Registry:
    """A path → Entry map in the store, written through record by record, with a copy in memory."""

    def __init__(self, records: RecordCollection, writer: str, load: bool = True) -> None:
        self.records = records
        self.changes = ChangeLog(records, writer)  # in the same collection: a change is logged in its write
        self.state = RegistryState.MISSING
        self.problem = ""
        self._entries = Paths()
        if load:
            self.load()

    # ------------------------------------------------------------------ reading the store
    def load(self) -> None:
        """(Re-)read every record; records that cannot be read make the state DAMAGED."""
        meta = self.records.get([META_ID])
        found = self.records.find({"kind": "source"})
        entries, bad = _entries(found.values())
        self._entries = Paths(entries)
        self.problem = ""
        if bad:
            self.state = RegistryState.DAMAGED
            self.problem = f"{len(bad)} 条登记记录无法读取（例如 {bad[0][:120]}）"
            log.warning("registry %s is damaged: %s", self.records.name, self.problem)
        elif META_ID not in meta:
            self.state = RegistryState.MISSING
        else:
            self.state = RegistryState.OK

    def load_saved(self, rows: Iterable[tuple[Any, ...]], changes: Iterable[Change]) -> bool:
        """Take the entries from a saved copy (`as_row` rows: assistant.index.local keeps one beside
        the chunks) and read again those of the `changes` logged since it was saved: one read of a
        local file instead of every record from the store (2.5 s at 50k paths). Whether the copy was
        taken: not when the store has no registry, or holds other records than the copy names (a
        registry restored or damaged outside the change log), which `load` then reads and reports."""
        changes = list(changes)
        if META_ID not in self.records.get([META_ID]):
            return False
        self._entries = Paths({str(r[0]): Entry(str(r[1]), int(r[2]), float(r[3]), str(r[4]), int(r[5]))
                               for r in rows})
        self._entries.take_changed()  # the copy holds them
        self.reload({c.doc_id for c in changes}, {c.source for c in changes})
        if {i for i in self.records.ids() if i.startswith(SOURCE_PREFIX)} != {source_id(s) for s in self._entries}:
            return False
        self.state, self.problem = RegistryState.OK, ""
        return True

    def take_changed(self) -> tuple[bool, list[tuple[Any, ...]], list[str]]:
        """What changed since the last call, for the saved copy: (every entry new, rows to write, paths gone)."""
        whole, changed = self._entries.take_changed()
        return (whole, [as_row(s, e) for s, e in changed.items() if e is not None],
                [s for s, e in changed.items() if e is None])

    def copy_whole(self) -> None:
        """The next `take_changed` returns every entry (the saved copy was dropped)."""
        self._entries.whole = True

    def reload(self, doc_ids: Iterable[str], sources: Iterable[str]) -> None:
        """Bring the copy in memory up to date for these documents and paths (another process wrote them)."""
        doc_ids, sources = set(doc_ids) - {""}, set(sources) - {""}
        for s in sources | {s for d in doc_ids for s in self._entries.sources_of(d)}:
            self._entries.pop(s)
        found: dict[str, dict[str, Any]] = {}
        ids, paths = sorted(doc_ids), sorted(sources)
        for i in range(0, len(ids), RELOAD_PAGE):
            found.update(self.records.find({"$and": [{"kind": "source"}, {"doc_id": {"$in": ids[i:i + RELOAD_PAGE]}}]}))
        for i in range(0, len(paths), RELOAD_PAGE):
            found.update(self.records.get([source_id(s) for s in paths[i:i + RELOAD_PAGE]]))
        fresh, _ = _entries(m for m in found.values() if m.get("kind") == "source")
        self._entries.update(fresh)

    # ------------------------------------------------------------------ queries
    @property
    def trustworthy(self) -> bool:
        return self.state is RegistryState.OK

    def get(self, source: str) -> Entry | None:
        return self._entries.get(source)

    def items(self) -> list[tuple[str, Entry]]:
        return sorted(self._entries.items())

    def sources_of(self, doc_id: str) -> list[str]:
        return self._entries.sources_of(doc_id)

    def doc_ids(self) -> set[str]:
        return self._entries.doc_ids()

    def pending(self) -> dict[str, Pending]:
        """The journal, read from the store (one query): writes started by any process and not closed."""
        out = {}
        for m in self.records.find({"kind": "pending"}).values():
            try:
                out[str(m["doc_id"])] = Pending(PendingOp(str(m["op"])), str(m.get("source", "")))
            except (KeyError, ValueError):
                log.warning("unreadable journal record %s ignored", m)
        return out

    # ------------------------------------------------------------------ changes (each logged)
    def put(self, source: str, entry: Entry) -> None:
        """Record `source` → `entry`, and close the journal record of that document's write."""
        self.put_many([(source, entry)])

    def put_many(self, items: list[tuple[str, Entry]]) -> None:
        """Record several paths in one store call, log them, then close their journal records."""
        if not items:
            return
        self._mark_ok()
        self.changes.append([(Op.PUT, e.doc_id, s) for s, e in items],
                            also={source_id(s): _record(s, e) for s, e in items})
        self._entries.update(dict(items))
        self.records.delete([f"p:{e.doc_id}" for _, e in items])

    def drop(self, source: str) -> None:
        entry = self._entries.pop(source)
        if entry is not None:
            self.records.delete([source_id(source)])
            self.changes.append([(Op.DROP, entry.doc_id, source)])  # after: no call deletes and upserts

    def begin(self, doc_id: str, op: PendingOp, source: str = "") -> None:
        """Journal a store write before it starts."""
        self.begin_many([(doc_id, source)], op)

    def begin_many(self, writes: list[tuple[str, str]], op: PendingOp) -> None:
        """Journal several store writes (doc_id, source) in one store call."""
        if writes:
            self.records.upsert({f"p:{d}": {"kind": "pending", "doc_id": d, "op": str(op), "source": s}
                                 for d, s in writes})

    def end(self, doc_id: str) -> None:
        self.records.delete([f"p:{doc_id}"])

    def forget_doc(self, doc_id: str) -> list[str]:
        """Drop every path of `doc_id`, log the deletion, close its journal record; returns those paths."""
        sources = self.sources_of(doc_id)
        for s in sources:
            self._entries.pop(s)
        self.records.delete([source_id(s) for s in sources])
        self.changes.append([(Op.DELETE, doc_id, "")])
        self.end(doc_id)
        return sources

    def learn_counts(self, items: list[tuple[str, Entry]]) -> None:
        """Record chunk counts learnt from the store (entries of an earlier version): not a change
        any reader must follow, so not logged."""
        self.records.upsert({source_id(s): _record(s, e) for s, e in items})
        self._entries.update(dict(items))

    def removed(self, doc_id: str) -> None:
        """Log that a document no path pointed at (a superseded version, a fragment) left the store."""
        self.changes.append([(Op.DELETE, doc_id, "")])

    def set_authority(self, doc_id: str, authority: str) -> None:
        """Record an admin's decision on every path of `doc_id`, so a rebuild keeps it."""
        items = [(s, replace(e, authority=authority)) for s in self._entries.sources_of(doc_id)
                 if (e := self._entries.get(s)) is not None]
        self.changes.append([(Op.AUTHORITY, doc_id, "")], also={source_id(s): _record(s, e) for s, e in items})
        self._entries.update(dict(items))

    def replace(self, entries: dict[str, Entry]) -> None:
        """Replace every entry (a rebuild from the store); the journal is kept; readers reload all."""
        stale = [source_id(s) for s in self._entries if s not in entries]
        stale += [i for i, m in self.records.find({"kind": "source"}).items() if m.get("source") not in entries]
        self.records.delete(sorted(set(stale)))
        self._entries = Paths(entries)
        self.changes.append([(Op.RESET, "", "")], also={**{source_id(s): _record(s, e) for s, e in entries.items()},
                                                       META_ID: _META})
        self.state, self.problem = RegistryState.OK, ""

    def _mark_ok(self, force: bool = False) -> None:
        if force or self.state is not RegistryState.OK:
            self.records.upsert({META_ID: _META})
            self.state, self.problem = RegistryState.OK, ""

    # ------------------------------------------------------------------ an earlier version's file
    def migrate_file(self, path: Path) -> str:
        """Read an earlier version's registry.json into the store once and rename it
        registry.json.migrated; returns what was done ('' when there is no file).

        A damaged file is kept as registry.damaged and not read: the registry is then rebuilt from
        the store by the next write, as for a lost one. Records already in the store (another
        replica migrated first) win over the file.
        """
        if not path.exists():
            return ""
        done = path.with_name(path.name + ".migrated")
        try:
            entries, pending = parse_file(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
            path.replace(path.with_suffix(".damaged"))
            note = f"旧登记表 {path.name} 已损坏（{type(e).__name__}），已移到 registry.damaged；将从存储重建"
            log.warning("%s", note)
            return note
        if self.state is RegistryState.OK:
            note = f"旧登记表 {path.name} 已不再使用（登记表已在存储中）"
        else:
            self.records.upsert({source_id(s): _record(s, e) for s, e in entries.items()})
            for op in PendingOp:
                self.begin_many([(d, p.source) for d, p in pending.items() if p.op is op], op)
            self._entries.update(entries)
            self._mark_ok(force=True)
            self.changes.append([(Op.RESET, "", "")])
            note = f"旧登记表 {path.name} 已迁入存储（{len(entries)} 条）"
        path.replace(done)
        log.warning("%s; the file is now %s", note, done.name)
        return note


class Paths:
    """path → Entry, with the paths of each document at hand (a document's paths are asked for per
    document listed: a scan of every entry each time made listing 50k documents quadratic), and the
    paths changed since the copy was last saved (`take_changed`)."""

    def __init__(self, entries: dict[str, Entry] | None = None) -> None:
        self._by_path: dict[str, Entry] = {}
        self._by_doc: dict[str, set[str]] = {}
        self.changed: set[str] = set()
        self.whole = True  # every entry is new to a saved copy
        self.update(entries or {})

    def take_changed(self) -> tuple[bool, dict[str, Entry | None]]:
        """(whether every entry is new, path → its entry or None when gone) since the last call."""
        whole, paths = self.whole, (self._by_path if self.whole else self.changed)
        out = {s: self._by_path.get(s) for s in paths}
        self.changed, self.whole = set(), False
        return whole, out

    def get(self, source: str) -> Entry | None:
        return self._by_path.get(source)

    def items(self) -> Iterable[tuple[str, Entry]]:
        return self._by_path.items()

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_path)

    def sources_of(self, doc_id: str) -> list[str]:
        return sorted(self._by_doc.get(doc_id, ()))

    def doc_ids(self) -> set[str]:
        return set(self._by_doc)

    def update(self, entries: dict[str, Entry]) -> None:
        for source, entry in entries.items():
            self.pop(source)
            self._by_path[source] = entry
            self._by_doc.setdefault(entry.doc_id, set()).add(source)

    def pop(self, source: str) -> Entry | None:
        entry = self._by_path.pop(source, None)
        self.changed.add(source)
        if entry is not None:
            paths = self._by_doc[entry.doc_id]
            paths.discard(source)
            if not paths:
                del self._by_doc[entry.doc_id]
        return entry


def as_row(source: str, entry: Entry) -> tuple[str, str, int, float, str, int]:
    """An entry as a row of the saved copy (the order Registry.load_saved reads)."""
    return (source, entry.doc_id, entry.size, entry.mtime, entry.authority, entry.chunks)


def _record(source: str, entry: Entry) -> dict[str, Any]:
    return {"kind": "source", "source": source, **asdict(entry)}


def _entries(records: Iterable[dict[str, Any]]) -> tuple[dict[str, Entry], list[str]]:
    out: dict[str, Entry] = {}
    bad: list[str] = []
    for m in records:
        try:
            out[str(m["source"])] = Entry(doc_id=str(m["doc_id"]), size=int(m["size"]), mtime=float(m["mtime"]),
                                          authority=str(m.get("authority", "")), chunks=int(m.get("chunks", 0)))
        except (KeyError, ValueError, TypeError):
            bad.append(str(m))
    return out, bad


def parse_file(raw: object) -> tuple[dict[str, Entry], dict[str, Pending]]:
    """An earlier version's registry.json: format 2 {"format", "entries", "pending"} or format 1 {source: entry}."""
    if not isinstance(raw, dict):
        raise ValueError("the top level is not a JSON object")
    if "format" not in raw:  # format 1: {source: entry}
        return {k: Entry(**v) for k, v in raw.items()}, {}
    entries = {k: Entry(**v) for k, v in raw["entries"].items()}
    pending = {k: Pending(PendingOp(v["op"]), str(v.get("source", ""))) for k, v in raw.get("pending", {}).items()}
    return entries, pending


@dataclass(frozen=True)
class StoredDoc:
    """What the store says about one document: its path (from the chunks' metadata) and completeness."""

    doc_id: str
    source: str
    have: int
    want: int

    @property
    def complete(self) -> bool:
        return self.have == self.want


def entries_from_store(docs: Iterable[StoredDoc]) -> dict[str, Entry]:
    """The registry as the store describes it: one path per complete document.

    A document stored once under two names comes back with the name it was first ingested under;
    the other name is found again (as a duplicate) by the next ingest of its folder.
    """
    out: dict[str, Entry] = {}
    for d in sorted(docs, key=lambda d: d.doc_id):
        if d.complete and d.source and d.source not in out:
            out[d.source] = Entry(doc_id=d.doc_id, size=UNKNOWN_SIZE, mtime=0.0, chunks=d.have)
    return out
