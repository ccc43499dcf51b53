"""Registry ↔ store: the start-up check that reports a damaged index, and `zhice reindex` that repairs it.

The store (chroma) holds the documents; the registry only says which file holds which. So the
repair trusts the store: every complete stored document is registered again, registered paths
whose document is gone are dropped, and those of them whose file is still on disk are read again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.domain import IngestReport
from ingest.pipeline import Job, Progress, collect_orphans, ingest_paths, prepare_registry, stored_docs
from ingest.registry import Registry, RegistryState, StoredDoc, entries_from_store

log = logging.getLogger(__name__)
REPAIR_COMMAND = "zhice reindex"
SHOWN = 5  # paths named in a message; the rest are counted


@dataclass(frozen=True)
class IndexCheck:
    """What the registry and the store say, and where they disagree."""

    registry_state: str
    registered: int  # documents the registry names
    stored: int  # complete documents in the store
    missing: list[str] = field(default_factory=list)  # registered paths whose document is not (fully) stored
    unregistered: list[str] = field(default_factory=list)  # stored complete documents no path points at
    partial: list[str] = field(default_factory=list)  # stored documents with chunks missing
    store_error: str = ""  # the store could not be read at all

    @property
    def ok(self) -> bool:
        first_start = self.registry_state == RegistryState.MISSING and not self.stored
        state_ok = self.registry_state == RegistryState.OK or first_start
        return state_ok and not (self.missing or self.unregistered or self.partial or self.store_error)

    def problems(self) -> list[str]:
        out = []
        if self.registry_state == RegistryState.DAMAGED:
            out.append("登记表（存储中的 _registry 集合）有记录已损坏")
        elif self.registry_state == RegistryState.MISSING and self.stored:
            out.append("登记表（存储中的 _registry 集合）缺失")
        if self.missing:
            out.append(f"登记的 {self.registered} 份文档中有 {len(self.missing)} 份在存储中缺失或不完整"
                       f"（{_names(self.missing)}）")
        if self.unregistered:
            out.append(f"存储中有 {len(self.unregistered)} 份文档未登记")
        if self.partial:
            out.append(f"存储中有 {len(self.partial)} 份文档只存了一部分")
        return out

    def message(self) -> str:
        """One line for the log, /healthz and the CLI; '' when all is well."""
        if self.ok:
            return ""
        if self.store_error:
            return (f"向量库无法读取（{self.store_error[:160]}）。运行 `{REPAIR_COMMAND} --rebuild` "
                    "清空向量库并按登记表从原文件重建")
        return (f"索引不一致：{'；'.join(self.problems())}。现在只能检索到 {self.stored} 份文档。"
                f"运行 `{REPAIR_COMMAND}` 修复（从存储重建登记表和检索索引，并重新导入仍在磁盘上的缺失文件）")

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "registry": self.registry_state, "registered": self.registered,
                "store_readable": not self.store_error,
                "stored": self.stored, "missing": len(self.missing), "unregistered": len(self.unregistered),
                "partial": len(self.partial), "message": self.message()}


def check_index(registry: Registry, docs: Iterable[StoredDoc], store_error: str = "") -> IndexCheck:
    """Compare the registry with the documents the store holds (no writes)."""
    docs = list(docs)
    complete = {d.doc_id for d in docs if d.complete}
    registered = registry.doc_ids()
    missing = sorted(s for s, e in registry.items() if e.doc_id not in complete)
    return IndexCheck(
        registry_state=str(registry.state), registered=len(registered), stored=len(complete), missing=missing,
        unregistered=sorted(complete - registered),
        partial=sorted(d.doc_id for d in docs if not d.complete), store_error=store_error,
    )


@dataclass(frozen=True)
class ReindexReport:
    before: IndexCheck
    notes: list[str]
    dropped: list[str]  # registered paths whose document was gone
    reingest: IngestReport | None  # the dropped paths whose file still exists, read again

    def summary(self) -> str:
        lines = [f"修复前：{self.before.message() or '索引一致'}"]
        lines += [f"  {n}" for n in self.notes]
        if self.dropped:
            lines.append(f"  移除了 {len(self.dropped)} 条指向缺失文档的登记（{_names(self.dropped)}）")
        if self.reingest is not None:
            r = self.reingest
            lines.append(f"  重新导入 {len(r.added) + len(r.updated) + len(r.duplicates)} 个文件，"
                         f"跳过 {len(r.skipped)} 个")
            lines += [f"    跳过 {Path(s.path).name}: {s.reason}" for s in r.skipped]
        return "\n".join(lines)


def reindex(job: Job, progress: Progress | None = None, rebuild: bool = False,
            uploads: Path | None = None, upload_job: Job | None = None) -> ReindexReport:
    """Rebuild the registry from the store and read again the registered files the store lost.

    Entries whose document is stored keep their size, time and second names; stored documents no
    entry names are registered under the path in their metadata; fragments are removed. With
    `rebuild` the store is emptied first (its files are damaged), so every registered file still on
    disk is read again. Files under `uploads` are read with `upload_job` (in the worker, unverified
    until an admin marks them again). Run under the knowledge base's write lock.
    """
    reg = job.registry
    if rebuild:
        job.store.reset()
    before = check_index(reg, stored_docs(job.store))
    notes = prepare_registry(job)
    docs = stored_docs(job.store)
    complete = {d.doc_id for d in docs if d.complete}
    kept = {s: e for s, e in reg.items() if e.doc_id in complete}
    dropped = sorted(set(dict(reg.items())) - set(kept))
    named = {e.doc_id for e in kept.values()}
    kept.update({s: e for s, e in entries_from_store(d for d in docs if d.doc_id not in named).items()
                 if s not in kept})
    on_disk = [Path(s) for s in dropped if Path(s).is_file()]
    # entries of files read again stay (with their authority, an admin's decision); the rest go
    reg.replace({**kept, **{str(p): e for p in on_disk if (e := reg.get(str(p))) is not None}})
    collect_orphans(job)
    report = _read_again(job, on_disk, progress, uploads, upload_job) if on_disk else None
    log.warning("reindex: %d entries kept, %d dropped, %d files read again",
                len(kept), len(dropped), len(on_disk))
    return ReindexReport(before, notes, dropped, report)


def _read_again(job: Job, files: list[Path], progress: Progress | None, uploads: Path | None,
                upload_job: Job | None) -> IngestReport:
    uploaded = [f for f in files if uploads is not None and upload_job is not None and f.is_relative_to(uploads)]
    own = [f for f in files if f not in uploaded]
    report = IngestReport()
    for group, group_job in ((own, job), (uploaded, upload_job)):
        if group and group_job is not None:
            r = ingest_paths(group_job, group, progress=progress)
            for name in ("added", "updated", "unchanged", "duplicates", "removed", "skipped"):
                getattr(report, name).extend(getattr(r, name))
            report.chunks_embedded += r.chunks_embedded
            report.chunks_total, report.seconds = r.chunks_total, report.seconds + r.seconds
    return report


def _names(paths: list[str]) -> str:
    shown = "、".join(Path(p).name or p for p in paths[:SHOWN])
    return shown + (f" 等 {len(paths)} 个" if len(paths) > SHOWN else "")
