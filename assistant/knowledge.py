"""The knowledge base: the vector store, the local index that caches it for reading, and the ingest
entry points.

Readers (questions) never wait for writers (ingest): the change log names the documents each write
touched, the local index (assistant.index) replaces just those, and a new Snapshot — one read
transaction on that version — is published in one assignment, so an answer always sees one
consistent version of the index.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from langchain_core.embeddings import Embeddings

from assistant.backends import ChromaStore, embedder_name
from assistant.domain import AUTHORITIES, Chunk, IngestReport, Progress
from assistant.errors import BadInput, IndexBusy, NotFound, StoreError
from assistant.index.changes import Change, Op, WriterLease, net_effect, process_id
from assistant.index.health import IndexCheck, ReindexReport, check_index
from assistant.index.local import INDEX_FILE, LocalIndex
from assistant.index.reader import Reader
from assistant.index.registry import Registry, StoredDoc
from assistant.index.snapshot import Snapshot
from assistant.ingester import Ingester, WriteJob
from assistant.settings import Settings

__all__ = ["KnowledgeBase", "Snapshot"]

log = logging.getLogger(__name__)
# How often a reader looks (one small query of the change log) for another process's writes, e.g.
# `zhice ingest` beside `zhice serve`, or another replica on the same chroma server: often enough
# that a new document is answered within seconds, rarely enough that it never shows in an answer's time.
EXTERNAL_CHANGE_CHECK_SECONDS = 2.0
FOLLOWER_MIN_SLEEP = 0.2  # the follower thread's pause when the interval is set to 0 (tests)


class KnowledgeBase:
    """Everything indexed, with ingest, delete and listing."""

    def __init__(self, settings: Settings, embedder: Embeddings, store: ChromaStore, ingester: Ingester) -> None:
        """`ingester` reads files into the store for it (ingest.driver.Pipeline; see assistant.ingester)."""
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.ingester = ingester
        me = process_id()
        self.registry = Registry(store.records("registry"), me, load=False)
        self.changes = self.registry.changes
        self.lease = WriterLease(self.registry.records, me)
        self.index = LocalIndex(settings.data_dir / INDEX_FILE)
        self._write_lock = threading.Lock()
        # held by a writer for its whole write, and by a reader that applies another process's changes
        self._registry_lock = threading.Lock()
        self.store_problem = ""  # why the store could not be read, if it could not
        self.position = 0  # the last change-log entry this process has applied
        try:
            self._open_index()
            self._load_registry()
            self._settle_interrupted_writes()
        except StoreError as e:
            log.error("%s", e)
            self.store_problem = str(e)
        self._snapshot = self._publish()
        judge = weakref.WeakMethod(self._doc_fields)  # the store must not keep the knowledge base alive
        store.filter_with(lambda ids: judged(ids) if (judged := judge()) is not None else {})
        self._checked_at = time.monotonic()
        self.health = self.check()
        _start_follower(self)
        if not self.health.ok:
            log.error("%s", self.health.message())

    # ------------------------------------------------------------------ integrity
    def _settle_interrupted_writes(self) -> None:
        """A write killed half-way (journalled in the registry) is rolled back or finished before
        anything is served, so a document whose upload the client saw fail never appears. Journal
        records only outlive a write that was killed: one holding the writer lease is still running
        (and settles its own), so this is skipped when the lease is held. A registry.json of an
        earlier version is moved into the store here, once."""
        old_file = self.settings.data_dir / "registry.json"
        if not self.registry.pending() and not old_file.exists():
            return
        try:
            with self._writing():
                self.registry.migrate_file(old_file)
                self.ingester.prepare(self._job())
        except IndexBusy as e:
            log.warning("not settling the journal now: %s", e)

    def _open_index(self) -> None:
        """The local index as it is when it caches this store, brought up to date from the change log
        after the position it saved; built again from the store when it is new, of another store or
        embedder, further behind than the log reaches, or of another size than the store after that."""
        head = self.changes.head()  # read before the index is built, so no later change is missed
        identity = self.store.identity
        saved = self.index.position
        reason = self.index.stale_reason(identity)
        if not reason and not saved.isdigit():
            reason = "it has no change-log position"
        elif not reason and int(saved) > head:  # the log's collection was dropped and numbering began again
            reason = f"the change log restarted (at {head}, the index at {saved})"
        if not reason:
            self.position = int(saved)
            changes = self.changes.since(self.position)
            if changes is None or any(c.op is Op.RESET for c in changes):
                reason = "the change log has moved past it"
            elif changes:
                self.position = changes[-1].seq
                self._apply_changes(changes)
        if not reason and self.index.view.chunks != self.store.count():
            log.warning("the local index holds %d chunks and the store %d: comparing them by document",
                        self.index.view.chunks, self.store.count())
            self._reconcile()
        elif reason:
            log.info("building the local index from the store: %s", reason)
            self.position = head
            self.index.rebuild(self.store, identity, self.settings.as_of, position=str(head))
        else:
            self.index.restatus(self.settings.as_of)

    def _load_registry(self) -> None:
        """The registry from the copy the local index keeps, brought up to date from the change log
        after the position it was saved at; read whole from the store when there is no usable copy
        (a new or rebuilt index, a log that moved past it or restarted, a store without a registry)."""
        saved = None if self.index.stale_reason(self.store.identity) else self.index.saved_registry()
        if saved is not None and saved[0] <= self.position:
            changes = self.changes.since(saved[0])
            if changes is not None and not any(c.op is Op.RESET for c in changes) and \
                    self.registry.load_saved(saved[1], changes):
                self._save_registry()
                return
        self.registry.load()
        self._save_registry()

    def _save_registry(self) -> None:
        """The registry's changes into the local index's copy (a registry that is not trustworthy
        is not copied: the next write repairs it and reads it whole)."""
        if self.registry.trustworthy:
            whole, rows, gone = self.registry.take_changed()
            if whole or rows or gone:
                self.index.save_registry(self.position, whole, rows, gone)

    def _reconcile(self) -> None:
        """The local index in line with the store by document (chunk counts read from the store's
        metadata): for a store written by a process that died before its change-log entries."""
        counts = self.store.doc_chunk_counts()
        local = self.index.view.docs
        changed = {d for d, (have, _) in counts.items() if d not in local or local[d].chunks != have}
        self.index.apply(changed, set(local) - set(counts), self.store, self.settings.as_of,
                         position=str(self.position))

    def check(self) -> IndexCheck:
        """Registry against the published snapshot (the local index: the store as last read)."""
        docs = [StoredDoc(d, r.meta.source, r.chunks, r.expected) for d, r in self._snapshot.rows.items()]
        return check_index(self.registry, docs, self.store_problem)

    @property
    def snapshot(self) -> Snapshot:
        """The published index; brought up to date from the change log every few seconds, so the
        writes of other processes on the same store (another replica, `zhice ingest`) are seen."""
        self.follow_changes()
        return self._snapshot

    def follow_changes(self) -> None:
        """Apply other processes' writes if the change log was not read for a check interval. Called
        by the follower thread, so a request rarely pays for it, and by readers, so a request never
        sees an index older than the interval when the thread is late."""
        now = time.monotonic()
        if now - self._checked_at < EXTERNAL_CHANGE_CHECK_SECONDS:
            return
        self._checked_at = now
        # one reader applies them; the others keep answering from the published snapshot
        # meanwhile (a write of this process holds the lock and follows when it finishes)
        if self._registry_lock.acquire(blocking=False):
            try:
                self._follow()
            except StoreError as e:  # the store is away: keep serving what was published
                log.warning("cannot read the change log: %s", e)
            finally:
                self._registry_lock.release()

    def _follow(self) -> None:
        """Apply the change-log entries after `position` (every process's writes, this one's too)."""
        changes = self.changes.since(self.position)
        if changes == []:
            self._save_registry()  # changes that need no log entry (chunk counts learnt)
            return
        if changes is None or any(c.op is Op.RESET for c in changes):
            log.info("the index was changed (a repair, or too many changes to follow): reloading it")
            self.registry.load()
            self.position = self.changes.head() if changes is None else changes[-1].seq
            self._apply_changes(None)
        else:
            theirs = [c for c in changes if c.writer != self.changes.writer]  # this process's are in the registry
            self.registry.reload({c.doc_id for c in theirs}, {c.source for c in theirs})
            self.position = changes[-1].seq
            self._apply_changes(changes)
        self._save_registry()

    def _apply_changes(self, changes: list[Change] | None) -> None:
        """Bring the local index and the published snapshot up to date with these changes, ending at
        `position` (None: anything may have changed, so it is built again). Another process on the
        same data directory may have applied them to the file already: then they are only read."""
        self.index.follow()
        done = self.index.position
        if not (done.isdigit() and int(done) >= self.position):
            if changes is None or self.index.meta("identity") != self.store.identity:  # a store emptied and refilled
                self.index.rebuild(self.store, self.store.identity, self.settings.as_of, position=str(self.position))
            else:
                changed, removed = net_effect(changes)
                self.index.apply(changed, removed, self.store, self.settings.as_of, position=str(self.position))
            self.store_problem = ""  # the store was read
        self.refresh()

    # ------------------------------------------------------------------ reading
    def _doc_fields(self, chunk_ids: list[str]) -> dict[str, Mapping[str, Any]]:
        """chunk id → its document's fields in the published version (what the store's filtered
        queries are judged on: assistant.backends.ChromaStore.query)."""
        snap = self._snapshot
        return {cid: vars(snap.docs[d]) for cid, d in snap.doc_ids_of(chunk_ids).items() if d in snap.docs}

    def _publish(self) -> Snapshot:
        return Snapshot(Reader(self.index.path, self.index.view), self.settings.lexical)

    def refresh(self) -> None:
        self._snapshot = self._publish()
        self.health = self.check()

    def is_empty(self) -> bool:
        return self.snapshot.n_chunks == 0

    def stats(self) -> dict[str, Any]:
        snap = self.snapshot
        return {
            "health": self.health.to_dict(),
            "documents": len(snap.docs),
            "chunks": snap.n_chunks,
            "embedder": embedder_name(self.embedder),
            "store": self.settings.chroma_url or str(self.settings.chroma_dir),
            "lexical": snap.lexical.name,
        }

    def indexed_regions(self) -> frozenset[str]:
        """The region of every indexed document (national and unknown included)."""
        return self.snapshot.regions

    def local_regions(self) -> list[str]:
        """Provinces and cities that have local documents in the index, in a stable order."""
        snap = self.snapshot
        return cast(list[str], snap.memo("local_regions", lambda: sorted(
            {d.region for d in snap.docs.values() if d.level in ("province", "city") and d.region})))

    def list_documents(self) -> list[dict[str, Any]]:
        """One row per document: its metadata, chunk count and every path holding it."""
        rows = []
        for doc_id, r in sorted(self.snapshot.rows.items(), key=lambda kv: kv[1].meta.title):
            d = r.meta
            rows.append({
                "doc_id": doc_id, "title": d.title, "kind": d.kind, "authority": d.authority,
                "region": d.region, "level": d.level, "issuer": d.issuer, "doc_no": d.doc_no,
                "date": d.date, "chunks": r.chunks, "status": d.status, "valid_from": d.valid_from,
                "valid_until": d.valid_until, "superseded_by": d.superseded_by,
                "sources": self.registry.sources_of(doc_id) or [d.source],
            })
        return rows

    def document(self, doc_id: str) -> list[Chunk]:
        chunks = self.snapshot.chunks_of(doc_id)
        if not chunks:
            raise NotFound(f"no document {doc_id!r}; `zhice sources` or GET /v1/documents lists them")
        return chunks

    # ------------------------------------------------------------------ writing
    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer per process (thread lock) and across every process on the store (the writer
        lease); the write starts from every change made before it and ends published."""
        if not self._write_lock.acquire(blocking=False):
            raise IndexBusy("本进程正在导入其他文件；请等它完成后再试")
        self._registry_lock.acquire()  # at most one reload by a reader, which takes about a second
        try:
            self.lease.acquire()
            try:
                self.changes.start_writing()
                # another process may have written since this one last looked: start from its state
                if not self.registry.trustworthy:
                    self.registry.load()
                self._follow()
                yield
            finally:
                try:
                    self._follow()  # this write's own entries
                finally:
                    self.lease.release()
        finally:
            self._registry_lock.release()
            self._write_lock.release()

    def _job(self, uploaded: bool = False) -> WriteJob:
        return self.ingester.job(self.settings, self.store, self.embedder, self.registry, self.lease.check, uploaded)

    def ingest(self, paths: Iterable[Path], sync: bool = False, progress: Progress | None = None,
               uploaded: bool = False) -> IngestReport:
        """Ingest files and folders (the ingester's `ingest`), then publish the new snapshot.

        `uploaded`: the files came from the API or the UI, not the operator: each is parsed in a
        worker process under time and memory limits, and new documents are "unverified" whatever
        their header claims, until an admin marks them (`set_authority`).
        """
        with self._writing():
            report = self.ingester.ingest(self._job(uploaded), paths, sync=sync, progress=progress)
        if not self.health.ok:  # a repair made by this write (a registry rebuilt) is reported at once
            self.health = self.check()
        return report

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> ReindexReport:
        """Repair the index (`zhice reindex`): registry from the store, lost files read again, the local
        index built again from the store; with `rebuild` the store is emptied first and every
        registered file read again."""
        with self._writing():
            try:
                return self.ingester.reindex(self._job(), progress=progress, rebuild=rebuild,
                                             uploads=(self.settings.files_dir / "uploads").resolve(),
                                             upload_job=self._job(uploaded=True))
            finally:
                try:
                    self.position = self.changes.head()  # this repair's own entries are in what is read
                    self.index.rebuild(self.store, self.store.identity, self.settings.as_of, position=str(self.position))
                    self.registry.copy_whole()  # the rebuilt index keeps no copy of the registry yet
                    self._save_registry()
                    self.store_problem = ""
                except StoreError as e:
                    log.error("%s", e)
                    self.store_problem = str(e)
                self.refresh()

    def set_authority(self, doc_id: str, authority: str) -> None:
        """Mark a document official, summary or unverified (an admin's decision after checking it)."""
        if authority not in AUTHORITIES:
            raise BadInput(f"authority 应为 {' / '.join(AUTHORITIES)} 之一，收到 {authority[:40]!r}")
        self.document(doc_id)
        with self._writing():
            self.lease.check()
            self.store.set_doc_fields(doc_id, {"authority": authority})
            self.registry.set_authority(doc_id, authority)

    def delete_document(self, doc_id: str) -> list[str]:
        """Remove a document; returns the paths that pointed at it. Raises NotFound."""
        self.document(doc_id)
        with self._writing():
            return self.ingester.forget(self._job(), doc_id)


def _start_follower(kb: KnowledgeBase) -> None:
    """A daemon thread that follows the change log for `kb` every check interval, and ends when the
    knowledge base is no longer used (it holds only a weak reference)."""
    ref = weakref.ref(kb)

    def loop() -> None:
        while True:
            time.sleep(max(EXTERNAL_CHANGE_CHECK_SECONDS, FOLLOWER_MIN_SLEEP))
            target = ref()
            if target is None:
                return
            try:
                target.follow_changes()
            except Exception as e:  # never let the thread die on a store hiccup: the next beat tries again
                log.warning("following the change log failed: %s", e)
            del target

    threading.Thread(target=loop, daemon=True, name="zhice-follow").start()
