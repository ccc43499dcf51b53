"""`zhice reindex`: the repair of what the start-up check (assistant.index.health) reports.

The store (chroma) holds the documents; the registry only says which file holds which. So the
repair trusts the store: every complete stored document is registered again, registered paths
whose document is gone are dropped, and those of them whose file is still on disk are read again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.domain import IngestReport
from assistant.index.health import ReindexReport, check_index
from assistant.index.registry import entries_from_store
from ingest.pipeline import Job, Progress, collect_orphans, ingest_paths, prepare_registry, stored_docs

log = logging.getLogger(__name__)


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


