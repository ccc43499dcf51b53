"""Which source file holds which document: path → content hash, kept in one JSON file written atomically.

The registry is an index *of* the store, never the other way round: it can be rebuilt from the
chunks' metadata (`entries_from_store`), a damaged or missing file is reported (`state`) so the
knowledge base repairs it before any write, and every writer re-reads it under the ingest lock
(`load`), so a `zhice ingest` beside a running server does not undo the other side's changes.

It also journals the store writes in flight (`pending`): a document being added or deleted is
recorded before the store is touched and cleared in the same save that records the outcome, so the
next writer knows whether an unregistered document is a half-finished write (rolled back) or a
document that must be kept.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 2  # {"format": 2, "entries": {...}, "pending": {...}}; format 1 was the bare entries mapping
UNKNOWN_SIZE = -1  # an entry rebuilt from the store: the file is hashed again on its next ingest


class RegistryState(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no registry.json (a first start, or someone deleted it)
    DAMAGED = "damaged"  # unreadable; the bytes are kept beside it as registry.damaged


class PendingOp(StrEnum):
    ADD = "add"
    DELETE = "delete"


@dataclass(frozen=True)
class Entry:
    doc_id: str
    size: int
    mtime: float
    authority: str = ""  # set by an upload (unverified) or an admin; '' = what the file's header says


@dataclass(frozen=True)
class Pending:
    """A store write that was started: `doc_id` being added for `source`, or deleted."""

    op: PendingOp
    source: str


class Registry:
    """A path → Entry map persisted after every change, so a killed ingest loses at most one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.state = RegistryState.MISSING
        self.problem = ""
        self._entries: dict[str, Entry] = {}
        self._pending: dict[str, Pending] = {}
        self._stamp: tuple[int, int, int] | None = None
        self.load()

    # ------------------------------------------------------------------ reading the file
    def load(self) -> None:
        """(Re-)read the file; a damaged file is copied to registry.damaged and reported in `state`."""
        self._entries, self._pending, self.problem = {}, {}, ""
        self._stamp = self._disk_stamp()
        if self._stamp is None:
            self.state = RegistryState.MISSING
            return
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            entries, pending = _parse(raw)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
            bad = self.path.with_suffix(".damaged")
            try:
                bad.write_bytes(self.path.read_bytes())
            except OSError:
                pass
            self.state = RegistryState.DAMAGED
            self.problem = f"{type(e).__name__}: {e}"[:300]
            log.warning("registry %s is damaged (%s); a copy is at %s", self.path, self.problem, bad)
            return
        self._entries, self._pending = entries, pending
        self.state = RegistryState.OK

    def changed_on_disk(self) -> bool:
        """Whether another process wrote the file since this one last read or wrote it (one stat)."""
        return self._disk_stamp() != self._stamp

    def _disk_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    # ------------------------------------------------------------------ queries
    @property
    def trustworthy(self) -> bool:
        return self.state is RegistryState.OK

    def get(self, source: str) -> Entry | None:
        return self._entries.get(source)

    def items(self) -> list[tuple[str, Entry]]:
        return sorted(self._entries.items())

    def sources_of(self, doc_id: str) -> list[str]:
        return sorted(s for s, e in self._entries.items() if e.doc_id == doc_id)

    def doc_ids(self) -> set[str]:
        return {e.doc_id for e in self._entries.values()}

    def pending(self) -> dict[str, Pending]:
        return dict(self._pending)

    # ------------------------------------------------------------------ changes (each one save)
    def put(self, source: str, entry: Entry) -> None:
        """Record `source` → `entry`, and close the journal record of that document's write."""
        self._entries[source] = entry
        self._pending.pop(entry.doc_id, None)
        self._save()

    def drop(self, source: str) -> None:
        if self._entries.pop(source, None) is not None:
            self._save()

    def begin(self, doc_id: str, op: PendingOp, source: str = "") -> None:
        """Journal a store write before it starts."""
        self.begin_many([(doc_id, source)], op)

    def begin_many(self, writes: list[tuple[str, str]], op: PendingOp) -> None:
        """Journal several store writes (doc_id, source) in one save. Not fsynced: the journal guards
        against a killed process, whose written file the OS keeps; a power cut is the store's own
        problem, and the start-up check reports what it leaves."""
        if not writes:
            return
        for doc_id, source in writes:
            self._pending[doc_id] = Pending(op, source)
        self._save(durable=False)

    def end(self, doc_id: str) -> None:
        if self._pending.pop(doc_id, None) is not None:
            self._save()

    def forget_doc(self, doc_id: str) -> list[str]:
        """Drop every path of `doc_id` and its journal record in one save; returns those paths."""
        sources = self.sources_of(doc_id)
        for s in sources:
            del self._entries[s]
        self._pending.pop(doc_id, None)
        self._save()
        return sources

    def set_authority(self, doc_id: str, authority: str) -> None:
        """Record an admin's decision on every path of `doc_id` (one save), so a rebuild keeps it."""
        for s in self.sources_of(doc_id):
            e = self._entries[s]
            self._entries[s] = Entry(e.doc_id, e.size, e.mtime, authority)
        self._save()

    def replace(self, entries: dict[str, Entry]) -> None:
        """Replace every entry (a rebuild from the store); the journal is kept."""
        self._entries = dict(entries)
        self._save()

    def _save(self, durable: bool = True) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"format": FORMAT, "entries": {k: asdict(v) for k, v in self._entries.items()},
                "pending": {k: {"op": str(p.op), "source": p.source} for k, p in self._pending.items()}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".registry-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(body, f, ensure_ascii=False, indent=1)
                f.flush()
                if durable:
                    os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.state, self.problem = RegistryState.OK, ""
        self._stamp = self._disk_stamp()


def _parse(raw: object) -> tuple[dict[str, Entry], dict[str, Pending]]:
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
            out[d.source] = Entry(doc_id=d.doc_id, size=UNKNOWN_SIZE, mtime=0.0)
    return out
