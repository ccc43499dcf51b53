"""Registry ↔ store: the start-up check that reports a damaged index (what /healthz, `zhice check` and the
log say), and the report of a repair.

The store (chroma) holds the documents; the registry only says which file holds which. The check
compares the two without writing; `zhice reindex` (ingest.integrity.reindex) repairs what it finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.domain import IngestReport
from assistant.index.registry import Registry, RegistryState, StoredDoc

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
                       f"（{short_list(self.missing)}）")
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
            lines.append(f"  移除了 {len(self.dropped)} 条指向缺失文档的登记（{short_list(self.dropped)}）")
        if self.reingest is not None:
            r = self.reingest
            lines.append(f"  重新导入 {len(r.added) + len(r.updated) + len(r.duplicates)} 个文件，"
                         f"跳过 {len(r.skipped)} 个")
            lines += [f"    跳过 {Path(s.path).name}: {s.reason}" for s in r.skipped]
        return "\n".join(lines)


def short_list(paths: list[str]) -> str:
    """The first SHOWN file names, and how many there are in all."""
    shown = "、".join(Path(p).name or p for p in paths[:SHOWN])
    return shown + (f" 等 {len(paths)} 个" if len(paths) > SHOWN else "")
