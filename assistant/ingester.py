"""The ingest interface the knowledge base owns: what it asks of whatever reads files into the store.

The knowledge base decides when a write happens (one writer per store, under the writer lease), keeps
the registry and the change log (assistant.index) and publishes what was written; reading, chunking,
embedding and storing files is the ingester's. The implementation is ingest.driver.Pipeline, passed
in by the composition root (assistant.wiring), so the knowledge base — and the answer path that reads
through it — never imports ingest, and ingest never imports the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from langchain_core.embeddings import Embeddings

from assistant.backends import ChromaStore
from assistant.domain import IngestReport, Progress
from assistant.index.health import ReindexReport
from assistant.index.registry import Registry
from assistant.settings import Settings


class WriteJob(Protocol):
    """The parts one write works with (opaque to the knowledge base: made and read by the ingester)."""

    @property
    def registry(self) -> Registry: ...


class Ingester(Protocol):
    """Files into the store, documents out of it, and the repair of both, for the knowledge base."""

    def job(self, settings: Settings, store: ChromaStore, embedder: Embeddings, registry: Registry,
            before_write: Callable[[], None], uploaded: bool = False) -> WriteJob:
        """A write's parts. `uploaded`: the files came from the API or the UI (parsed in a worker under
        limits, new documents unverified); `before_write` is called before every store write (the lease check)."""
        ...

    def prepare(self, job: WriteJob) -> list[str]:
        """Make the registry safe to write through (writes interrupted earlier settled); what was repaired."""
        ...

    def ingest(self, job: WriteJob, paths: Iterable[Path], sync: bool = False,
               progress: Progress | None = None) -> IngestReport:
        """Bring the store in line with the files under `paths` (with `sync`, files gone from them are removed)."""
        ...

    def forget(self, job: WriteJob, doc_id: str) -> list[str]:
        """Remove a document and every path that pointed at it; returns those paths."""
        ...

    def reindex(self, job: WriteJob, progress: Progress | None = None, rebuild: bool = False,
                uploads: Path | None = None, upload_job: WriteJob | None = None) -> ReindexReport:
        """Rebuild the registry from the store and read again the registered files it lost (with
        `rebuild`, empty the store first); files under `uploads` are read with `upload_job`."""
        ...
