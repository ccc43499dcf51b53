"""Files → chunks → vectors in the store, incrementally and safely (ingest_paths → IngestReport).

Files are committed in batches (up to settings.ingest_batch_chunks chunks of several files): embed
the batch, journal its documents, upsert all their chunks in one call, record the paths in the
registry (which logs the change for the other replicas), then drop the paths' previous documents.
A run killed at any point leaves every stored document either complete (all n_chunks present) or
detectably partial and journalled, and the next writer rolls it back or finishes it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.backends import ChromaStore
from assistant.domain import Chunk, IngestReport, Progress, SkippedFile
from assistant.errors import BadInput
from assistant.index.registry import UNKNOWN_SIZE, Entry, PendingOp, Registry, StoredDoc, entries_from_store
from assistant.settings import ReaderLimits, Settings
from ingest.assemble import build_chunks, row_text
from ingest.loaders import SUPPORTED_SUFFIXES, LoadedFile, load_file

log = logging.getLogger(__name__)
__all__ = ["Job", "build_chunks", "collect_orphans", "discover", "doc_id_for", "embedding_text", "forget_document",
           "ingest_paths", "prepare_registry", "row_text", "stored_docs"]
IGNORED_NAMES = {"MANIFEST.md", "README.md", "readme.md"}  # descriptions of a folder, not documents


Loader = Callable[[Path, int, ReaderLimits], LoadedFile]


@dataclass(frozen=True)
class Job:
    """The parts one ingest run works with.

    `load` reads a file (uploads: in a worker process with limits, see `ingest.sandbox`);
    `authority`, when set, is given to every new document instead of the one its header claims
    (uploads: "unverified", until an admin marks them).
    """

    settings: Settings
    store: ChromaStore
    embedder: Embeddings
    registry: Registry
    load: Loader = load_file
    authority: str | None = None
    before_write: Callable[[], None] = lambda: None  # raises when this process may no longer write (lease lost)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[SkippedFile]]:
    """Files under `paths` (folders walked recursively, hidden files ignored), plus paths that do not exist."""
    found: list[Path] = []
    missing: list[SkippedFile] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.name not in IGNORED_NAMES
            )
        elif p.is_file():
            found.append(p)
        else:
            missing.append(SkippedFile(str(p), "no such file or folder: check the path"))
    return [f.resolve() for f in found], missing


def doc_id_for(data: bytes) -> str:
    """Documents are named by their content, so one text under two names is stored once."""
    return hashlib.sha256(data).hexdigest()[:16]


_URL = re.compile(r"https?://\S+")


def embedding_text(chunk: Chunk) -> str:
    """What the embedder sees: the passage with its title and section, which carry much of its meaning
    (links dropped: they are noise to a sentence model)."""
    return _URL.sub("", f"{chunk.doc.title}｜{chunk.section}\n{chunk.text}")


def ingest_paths(job: Job, paths: Iterable[Path], sync: bool = False, progress: Progress | None = None) -> IngestReport:
    """Bring the index in line with the files under `paths`.

    Args:
        job: store, embedder, registry and settings.
        paths: files and folders.
        sync: also remove documents whose file under these folders has gone.
        progress: called after each file.
    """
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    files, missing = discover(paths)
    report = IngestReport(skipped=list(missing))
    prepare_registry(job)
    complete = Complete(job.store, scan=len(files) > SCAN_FILES)
    batch: list[_Pending] = []
    for i, path in enumerate(files, start=1):
        try:
            pending = _prepare(job, path, complete, report)
        except BadInput as e:
            report.skipped.append(SkippedFile(str(path), str(e)))
            log.warning("skipped %s: %s", path, e)
            pending = None
        if pending is not None:
            batch.append(pending)
            complete.add(pending.doc_id, pending.entry.chunks)  # a later file of the same content is a duplicate
        # small files are committed together: one embed call for many passages and one store call
        # for many files are faster than one of each per file
        if sum(len(p.chunks) for p in batch) >= job.settings.ingest_batch_chunks:
            _commit(job, batch, complete, report)
            batch = []
        if progress:
            progress(path.name, i, len(files))
    _commit(job, batch, complete, report)
    if sync:
        roots = [p.resolve() for p in paths if p.is_dir()] + [p.resolve() for p in paths if not p.exists()]
        seen = {str(f) for f in files}
        for source, _ in job.registry.items():
            if source not in seen and any(_under(source, r) for r in roots):
                _forget(job, source)
                report.removed.append(source)
    report.chunks_total = job.store.count()
    if not registry_covers_store(job.registry, report.chunks_total):
        collect_orphans(job)
        report.chunks_total = job.store.count()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


# Up to this many files, whether a document is stored is asked per document (one small query each);
# more are checked against one read of every chunk's metadata (paged), which then costs less.
SCAN_FILES = 64


class Complete:
    """Which documents the store holds completely (all n_chunks), and how many chunks they have."""

    def __init__(self, store: ChromaStore, scan: bool) -> None:
        self._store, self._scanned = store, scan
        self._chunks: dict[str, int] = {}  # doc_id → chunks when complete, 0 when not
        if scan:
            self._chunks = {d: have if have == want else 0 for d, (have, want) in store.doc_chunk_counts().items()}

    def chunks(self, doc_id: str) -> int:
        if doc_id not in self._chunks and not self._scanned:
            have, want = self._store.doc_chunk_count(doc_id)
            self._chunks[doc_id] = have if have and have == want else 0
        return self._chunks.get(doc_id, 0)

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.chunks(doc_id) > 0

    def add(self, doc_id: str, chunks: int) -> None:
        self._chunks[doc_id] = max(chunks, 1)


def registry_covers_store(reg: Registry, stored_chunks: int) -> bool:
    """Whether the registry accounts for every chunk in the store (from the chunk counts it keeps):
    then there is nothing for `collect_orphans` to find, and its read of every chunk is skipped."""
    counts: dict[str, int] = {}
    for _, e in reg.items():
        if e.chunks <= 0:
            return False
        counts[e.doc_id] = e.chunks
    return reg.trustworthy and sum(counts.values()) == stored_chunks


@dataclass(frozen=True)
class _Pending:
    """A file read and chunked, waiting for its vectors (no chunks: its content is stored already)."""

    source: str
    doc_id: str
    old: Entry | None
    entry: Entry
    chunks: list[Chunk]


def _prepare(job: Job, path: Path, known: Complete, report: IngestReport) -> _Pending | None:
    """Check, read, hash and chunk one file; None when it is unchanged."""
    source = str(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise BadInput(f"{path.name}：不支持的文件类型 {path.suffix or '（无扩展名）'}；"
                       f"请转换为以下格式之一后再导入：{', '.join(sorted(SUPPORTED_SUFFIXES))}")
    stat = path.stat()
    if stat.st_size > job.settings.max_file_bytes:
        raise BadInput(f"{path.name}：{stat.st_size / 2**20:.2f} MB 超过 {job.settings.max_file_mb} MB 的上限；"
                       "请拆分文件，或调高 ZHICE_MAX_FILE_MB")
    data = path.read_bytes()
    doc_id = doc_id_for(data)
    old = job.registry.get(source)
    if old and old.doc_id == doc_id and doc_id in known:
        report.unchanged.append(source)
        return None
    # whose word the text is: an admin's decision on this very content (kept in the registry, so a
    # rebuild keeps it), else the job's (uploads: unverified), else the file's own header
    authority = old.authority if old and old.doc_id == doc_id and old.authority else (job.authority or "")
    entry = Entry(doc_id=doc_id, size=len(data), mtime=stat.st_mtime, authority=authority,
                  chunks=known.chunks(doc_id))
    if doc_id in known:  # the same content stored (or about to be) under another name
        return _Pending(source, doc_id, old, entry, [])
    chunks = build_chunks(job.load(path, job.settings.max_file_bytes, job.settings.readers), doc_id, source,
                          job.settings)
    if authority and chunks:
        doc = replace(chunks[0].doc, authority=authority)
        chunks = [replace(c, doc=doc) for c in chunks]
    if not chunks:
        raise BadInput(f"{path.name}：没有可索引的文字；请确认它不是没有文字层的扫描件（或开启 OCR）")
    return _Pending(source, doc_id, old, replace(entry, chunks=len(chunks)), chunks)


def _commit(job: Job, batch: list[_Pending], complete: Complete, report: IngestReport) -> None:
    """Embed the batch, then: journal its documents, upsert every chunk of the batch in one call,
    record the paths (one registry write, which closes the journal records), drop the paths'
    previous documents. A kill before the registry write is rolled back by the next writer
    (`prepare_registry`); a kill after it leaves the old versions, which the next writer removes as
    superseded."""
    if not batch:
        return
    texts = [embedding_text(c) for p in batch for c in p.chunks]
    size = max(1, job.settings.embed_batch)
    vectors: list[list[float]] = []
    for i in range(0, len(texts), size):
        vectors.extend(job.embedder.embed_documents(texts[i : i + size]))
    job.before_write()
    job.registry.begin_many([(p.doc_id, p.source) for p in batch if p.chunks], PendingOp.ADD)
    chunks = [c for p in batch for c in p.chunks]
    # a previous, interrupted run may have left some of these ids: upsert overwrites them
    job.store.upsert([c.chunk_id for c in chunks], vectors, [c.text for c in chunks], [c.to_metadata() for c in chunks])
    for p in batch:
        if p.chunks:
            report.chunks_embedded += len(p.chunks)
            (report.updated if p.old else report.added).append(p.source)
        else:
            report.duplicates.append(p.source)
    job.registry.put_many([(p.source, p.entry) for p in batch])
    for p in batch:
        if p.old and p.old.doc_id != p.doc_id and not job.registry.sources_of(p.old.doc_id):
            job.store.delete_doc(p.old.doc_id)
            job.registry.removed(p.old.doc_id)


def forget_document(job: Job, doc_id: str) -> list[str]:
    """Remove a document and every path that pointed at it; returns those paths.

    Journalled, so a kill half-way is finished by the next writer instead of bringing it back.
    """
    job.before_write()
    job.registry.begin(doc_id, PendingOp.DELETE)
    job.store.delete_doc(doc_id)
    return job.registry.forget_doc(doc_id)


def _forget(job: Job, source: str) -> None:
    entry = job.registry.get(source)
    if entry and job.registry.sources_of(entry.doc_id) == [source]:
        forget_document(job, entry.doc_id)
    else:
        job.registry.drop(source)


# ---------------------------------------------------------------------- registry ↔ store
def stored_docs(store: ChromaStore) -> list[StoredDoc]:
    """Every document in the store with its path and how many of its chunks are there."""
    found: dict[str, StoredDoc] = {}
    for meta in store.chunk_metadata():
        doc_id = str(meta.get("doc_id", ""))
        if not doc_id:
            continue
        d = found.get(doc_id) or StoredDoc(doc_id, str(meta.get("source", "")), 0, int(meta.get("n_chunks", 1) or 1))
        found[doc_id] = StoredDoc(d.doc_id, d.source, d.have + 1, d.want)
    return list(found.values())


def prepare_registry(job: Job) -> list[str]:
    """Make the registry safe to write through; returns what was repaired, as messages.

    Called by every writer under the writer lease, with the registry up to date. A missing or
    damaged registry beside a non-empty store is rebuilt from the store first (so it never makes
    the store look like orphans to purge); then half-finished writes in the journal are rolled back
    (an add that never reached the registry) or finished (a delete), and logged for the readers.
    """
    notes: list[str] = []
    reg = job.registry
    if not reg.trustworthy:
        was = "已损坏" if reg.problem else "缺失"
        docs = stored_docs(job.store)
        if docs:
            reg.replace(_registry_from_store(docs))
            notes.append(f"登记表 {reg.records.name} {was}，已从存储重建（{len(reg.doc_ids())} 份文档）")
    for doc_id, pending in reg.pending().items():
        if pending.op is PendingOp.DELETE:
            job.store.delete_doc(doc_id)
            reg.forget_doc(doc_id)
            notes.append(f"完成了一次中断的删除：{doc_id}")
        elif sources := reg.sources_of(doc_id):  # the registry write happened, perhaps not its log entry
            reg.put_many([(s, e) for s in sources if (e := reg.get(s)) is not None])
        else:
            job.store.delete_doc(doc_id)
            reg.removed(doc_id)
            reg.end(doc_id)
            notes.append(f"撤销了一次中断的写入：{Path(pending.source).name or doc_id}（该文件需重新导入）")
    for note in notes:
        log.warning("%s", note)
    return notes


def _registry_from_store(docs: list[StoredDoc]) -> dict[str, Entry]:
    """entries_from_store, with a path claimed by two stored versions given to the one that matches
    the file still on disk (the other is then removed as superseded)."""
    by_source: dict[str, list[StoredDoc]] = {}
    for d in docs:
        if d.complete:
            by_source.setdefault(d.source, []).append(d)
    chosen: list[StoredDoc] = []
    for source, versions in by_source.items():
        if len(versions) > 1:
            current = _hash_of(Path(source))
            versions = [v for v in versions if v.doc_id == current] or versions[:1]
        chosen.append(versions[0])
    return entries_from_store(chosen)


def _hash_of(path: Path) -> str:
    try:
        return doc_id_for(path.read_bytes())
    except OSError:
        return ""


def collect_orphans(job: Job) -> None:
    """Settle stored documents that no registered path points at.

    Fragments (incomplete) and superseded versions (their path is registered to another document)
    go; a complete document whose path is not registered at all is adopted, never deleted: the
    index does not shrink because the registry forgot something.
    """
    reg = job.registry
    by_doc: dict[str, list[tuple[str, Entry]]] = {}
    for source, entry in reg.items():
        by_doc.setdefault(entry.doc_id, []).append((source, entry))
    counts: list[tuple[str, Entry]] = []
    for d in stored_docs(job.store):
        if d.doc_id in by_doc:
            if d.complete:  # entries from before chunk counts were kept (or rebuilt) learn theirs
                counts += [(s, replace(e, chunks=d.have)) for s, e in by_doc[d.doc_id] if e.chunks != d.have]
            continue
        if not d.complete or (d.source and reg.get(d.source) is not None):
            job.store.delete_doc(d.doc_id)
            reg.removed(d.doc_id)
        elif d.source:
            reg.put(d.source, Entry(doc_id=d.doc_id, size=UNKNOWN_SIZE, mtime=0.0, chunks=d.have))
            log.warning("adopted unregistered document %s (%s) into the registry", d.doc_id, Path(d.source).name)
    reg.learn_counts(counts)


def _under(source: str, root: Path) -> bool:
    try:
        Path(source).relative_to(root)
        return True
    except ValueError:
        return False
