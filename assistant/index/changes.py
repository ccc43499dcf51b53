"""The change log every replica follows, and the lease that makes one process at a time the writer.

Both live in the store, in the registry's collection `<collection>_registry` beside the chunks, so
every process on the same ZHICE_CHROMA_URL — or on the same embedded store — sees them:

- the change log: one record per write, numbered without gaps: {seq, op, doc_id, source, at,
  writer}, written in the same store call as the registry records it describes. A reader remembers
  the last number it applied and asks only for later ones (one small query), so a document written
  by any process is seen by all within a check interval.
- the lease record names the process writing now and when its claim runs out. Chroma has no locks; the claim is an add-if-absent of one id (the server keeps the
  first), renewed by a heartbeat while the write runs, and a claim whose holder died expires.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.backends import RecordCollection
from assistant.errors import IndexBusy

log = logging.getLogger(__name__)

# A writer killed without releasing its lease blocks the others for at most this long; a live one
# renews it every third of it, so a pause of a few seconds (a busy machine) never loses it.
LEASE_SECONDS = 30.0
# Entries kept in the change log; a reader further behind than this reloads everything instead.
KEEP_CHANGES = 20_000
TRIM_EVERY = 1_000  # the log is trimmed when a sequence number passes a multiple of this
LEASE_ID = "lease"
HEAD_ID = "head"


class Op(StrEnum):
    PUT = "put"  # the document's chunks are stored and `source` points at it
    DROP = "drop"  # `source` no longer points at the document (which stays under its other names)
    DELETE = "delete"  # the document's chunks were removed
    AUTHORITY = "authority"  # the document's fields changed (an admin's decision), not its text
    RESET = "reset"  # anything may have changed (a repair, a rebuild, a migration): reload all


@dataclass(frozen=True)
class Change:
    seq: int
    op: Op
    doc_id: str = ""
    source: str = ""
    writer: str = ""  # the process that wrote it (see `process_id`)


def process_id() -> str:
    """Who a lease and a change belong to: host, process and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class ChangeLog:
    """Appending (the writer, under the lease) and reading what came after a position (everyone)."""

    def __init__(self, records: RecordCollection, writer: str) -> None:
        self._records = records
        self.writer = writer
        self._last = -1  # the writer's view of the newest number; read again under each lease

    def head(self) -> int:
        """The newest sequence number (0 when nothing was ever written)."""
        got = self._records.get([HEAD_ID]).get(HEAD_ID, {})
        last = int(got.get("last", 0))
        # an append killed between its entries and the head: the entries count
        later = self._records.find({"seq": {"$gt": last}})
        return max([last, *(int(m.get("seq", 0)) for m in later.values())])

    def start_writing(self) -> None:
        """Called when the lease is taken: continue numbering after the newest entry."""
        self._last = self.head()

    def append(self, changes: list[tuple[Op, str, str]], also: dict[str, dict[str, Any]] | None = None) -> None:
        """Record (op, doc_id, source) entries in order, after the store writes they describe, or
        in one store call with `also` (records of the same collection that they describe)."""
        if not changes:
            self._records.upsert(also or {})
            return
        if self._last < 0:
            self.start_writing()
        now = time.time()
        first = self._last + 1
        records = {f"c:{first + i:012d}": {"kind": "change", "seq": first + i, "op": str(op), "doc_id": doc_id,
                                           "source": source, "at": now, "writer": self.writer}
                   for i, (op, doc_id, source) in enumerate(changes)}
        last = first + len(changes) - 1
        self._records.upsert({**(also or {}), **records, HEAD_ID: {"kind": "head", "last": last}})
        self._last = last
        if self._last // TRIM_EVERY != (first - 1) // TRIM_EVERY and self._last > KEEP_CHANGES:
            self._records.delete(where={"seq": {"$lte": self._last - KEEP_CHANGES}})

    def since(self, position: int) -> list[Change] | None:
        """Entries after `position`, oldest first; None when some of them were trimmed away (the
        reader is too far behind to follow and must reload everything)."""
        found = self._records.find({"seq": {"$gt": position}})
        out = sorted((Change(int(m["seq"]), _op(m.get("op")), str(m.get("doc_id", "")), str(m.get("source", "")),
                             str(m.get("writer", ""))) for m in found.values() if "seq" in m), key=lambda c: c.seq)
        if out and out[0].seq != position + 1:
            return None
        return out


def net_effect(changes: list[Change]) -> tuple[set[str], set[str]]:
    """(documents to read again, documents to forget) after these changes, in order: a document put
    and later deleted is only forgotten, one deleted and put again only read again. A path dropped
    changes no document's text (only the list of its paths, which the registry keeps)."""
    changed: set[str] = set()
    removed: set[str] = set()
    for c in changes:
        if not c.doc_id:
            continue
        if c.op in (Op.PUT, Op.AUTHORITY):
            changed.add(c.doc_id)
            removed.discard(c.doc_id)
        elif c.op is Op.DELETE:
            removed.add(c.doc_id)
            changed.discard(c.doc_id)
    return changed, removed


def _op(value: Any) -> Op:
    try:
        return Op(str(value))
    except ValueError:  # written by a newer version: reload rather than guess
        return Op.RESET


class WriterLease:
    """One writer at a time across every process on the store.

    `acquire` refuses (IndexBusy, naming the holder) while another live process holds the lease;
    `held` turns False if the heartbeat finds the lease taken over (this process stalled past its
    expiry), and `check` then stops the write before its next store call.
    """

    def __init__(self, records: RecordCollection, holder: str, seconds: float = LEASE_SECONDS) -> None:
        self._records = records
        self.holder = holder
        self.seconds = seconds
        self.held = False
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def current(self) -> dict[str, Any]:
        return self._records.get([LEASE_ID]).get(LEASE_ID, {})

    def acquire(self) -> None:
        now = time.time()
        cur = self.current()
        if (cur and float(cur.get("expires", 0)) > now and cur.get("holder") != self.holder
                and not _died_here(str(cur.get("holder", "")))):
            raise IndexBusy(busy_message(cur, now))
        if cur:  # expired (its holder died) or ours from an earlier write: replaced
            self._records.delete([LEASE_ID], where={"holder": str(cur.get("holder", ""))})
        self._records.add_if_absent(LEASE_ID, self._record(now))
        won = self.current()
        if won.get("holder") != self.holder:  # another process claimed it in the same instant
            raise IndexBusy(busy_message(won, now))
        self.held = True
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True, name="zhice-writer-lease")
        self._beat.start()

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
            self._beat = None
        if self.held:
            self.held = False
            try:
                self._records.delete([LEASE_ID], where={"holder": self.holder})
            except Exception as e:  # the store went away: the lease expires by itself
                log.warning("could not release the writer lease (%s); it expires in %.0f s", e, self.seconds)

    def check(self) -> None:
        """Raise IndexBusy when the lease was lost, before another store write."""
        if not self.held:
            raise IndexBusy(f"本进程的写入租约已失效（{self.holder}），写入已停止；请重试")

    def _record(self, now: float) -> dict[str, Any]:
        return {"kind": "lease", "holder": self.holder, "expires": now + self.seconds, "since": now}

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                cur = self.current()
                if cur.get("holder") != self.holder:
                    log.error("the writer lease was taken over by %s", cur.get("holder"))
                    self.held = False
                    return
                self._records.upsert({LEASE_ID: {**self._record(time.time()), "since": cur.get("since", 0)}})
            except Exception as e:  # a store hiccup: try again at the next beat, the lease has 2/3 left
                log.warning("renewing the writer lease failed: %s", e)


def _died_here(holder: str) -> bool:
    """Whether the holder was a process on this host that is gone (killed: its lease need not run
    out before the next start settles what it left). Hostnames are taken to name one machine."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def busy_message(lease: dict[str, Any], now: float) -> str:
    left = max(0.0, float(lease.get("expires", now)) - now)
    return (f"另一个进程（{lease.get('holder', '未知')}）正在写入知识库；同一时间只能有一个写入者。"
            f"请等它完成后再试（它若已退出，租约在 {left:.0f} 秒内到期）")
