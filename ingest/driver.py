"""The ingester the knowledge base drives (assistant.ingester.Ingester): ingest.pipeline for files in and
documents out, ingest.integrity for the repair, ingest.sandbox for uploads parsed under limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.backends import ChromaStore
from assistant.domain import UNVERIFIED, IngestReport, Progress
from assistant.index.health import ReindexReport
from assistant.index.registry import Registry
from assistant.ingester import WriteJob
from assistant.settings import Settings
from ingest.integrity import reindex
from ingest.pipeline import Job, forget_document, ingest_paths, prepare_registry
from ingest.sandbox import WorkerLimits, load_isolated


class Pipeline:
    """Files read, chunked, embedded and stored by ingest.pipeline (uploads in a worker process)."""

    def job(self, settings: Settings, store: ChromaStore, embedder: Embeddings, registry: Registry,
            before_write: Callable[[], None], uploaded: bool = False) -> Job:
        if not uploaded:
            return Job(settings, store, embedder, registry, before_write=before_write)
        worker = WorkerLimits(settings.upload_parse_seconds, settings.upload_parse_memory_mb * 2**20)
        return Job(settings, store, embedder, registry,
                   load=lambda path, max_bytes, limits: load_isolated(path, max_bytes, limits, worker),
                   authority=UNVERIFIED, before_write=before_write)

    def prepare(self, job: WriteJob) -> list[str]:
        return prepare_registry(_job(job))

    def ingest(self, job: WriteJob, paths: Iterable[Path], sync: bool = False,
               progress: Progress | None = None) -> IngestReport:
        return ingest_paths(_job(job), paths, sync=sync, progress=progress)

    def forget(self, job: WriteJob, doc_id: str) -> list[str]:
        return forget_document(_job(job), doc_id)

    def reindex(self, job: WriteJob, progress: Progress | None = None, rebuild: bool = False,
                uploads: Path | None = None, upload_job: WriteJob | None = None) -> ReindexReport:
        return reindex(_job(job), progress=progress, rebuild=rebuild, uploads=uploads,
                       upload_job=None if upload_job is None else _job(upload_job))


def _job(job: WriteJob) -> Job:
    """The job this ingester made (the knowledge base hands back what `Pipeline.job` gave it)."""
    if not isinstance(job, Job):
        raise TypeError(f"ingest.driver.Pipeline works with the jobs it makes, not {type(job).__name__}")
    return job
