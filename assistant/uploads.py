"""Uploaded files: an untrusted file gets a safe name inside <shared_dir or data_dir>/uploads, a size and type check,
and is then ingested; a file that cannot be indexed does not stay behind.

Shared by the API and the UI through `assistant.service`; no web framework here.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from assistant.domain import IngestReport, Progress
from assistant.errors import BadInput, FileTooLarge, IndexBusy, NameTaken, UnsupportedFile
from assistant.knowledge import KnowledgeBase
from assistant.settings import Settings

_UNSAFE = re.compile(r"[^\w.\-()（）【】〔〕《》+]+")
_CHUNK = 1024 * 1024
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                              *(f"LPT{i}" for i in range(1, 10))})
_upload_locks: dict[Path, threading.Lock] = {}  # one upload at a time per uploads folder
_locks_guard = threading.Lock()


def sanitise_filename(name: str) -> str:
    """A plain basename: no directories, no leading dots, no control or shell characters."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip("._- ")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem.strip("._- ")[:100] or "upload"
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem += "_"  # CON, NUL, COM1 … cannot be opened as files on Windows (a copied data directory)
    return f"{stem}.{suffix.lower()[:10]}" if suffix else stem


def uploads_dir(settings: Settings) -> Path:
    return (settings.files_dir / "uploads").resolve()


@dataclass(frozen=True)
class UploadResult:
    filename: str
    doc_id: str | None
    status: str  # added | updated | unchanged | duplicate
    report: IngestReport

    def to_dict(self) -> dict[str, Any]:
        return {"filename": self.filename, "doc_id": self.doc_id, "status": self.status,
                "report": self.report.to_dict()}


def ingest_upload(kb: KnowledgeBase, filename: str, data: BinaryIO,
                  progress: Progress | None = None, replace: bool = False) -> UploadResult:
    """Save `data` as uploads/<safe name> and ingest it.

    A file of the same name with other content is replaced only with `replace` (a new version of
    it); otherwise NameTaken (409): `x.txt` and `sub/x.txt` share a safe name, and one must not
    silently take the other's place.

    Raises:
        UnsupportedFile: the suffix is not one the loaders read (415).
        FileTooLarge: over settings.max_file_bytes (413).
        BadInput: the file could not be indexed (422); IndexBusy when another ingest runs (409).
    """
    from ingest.loaders import SUPPORTED_SUFFIXES

    settings = kb.settings
    safe = sanitise_filename(filename)
    suffix = Path(safe).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFile(f"{safe}: files of type {suffix or '(none)'} cannot be read; "
                              f"upload one of {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    with _locks_guard:
        lock = _upload_locks.setdefault(folder, threading.Lock())
    # Refuse rather than wait, like the knowledge base does: two uploads of one name must not
    # swap files under each other while one of them is being read.
    if not lock.acquire(blocking=False):
        raise IndexBusy("another upload is being ingested; try again when it finishes")
    try:
        return _save_and_ingest(kb, safe, data, folder, progress, replace)
    finally:
        lock.release()


def _save_and_ingest(kb: KnowledgeBase, safe: str, data: BinaryIO, folder: Path,
                     progress: Progress | None, replace: bool = False) -> UploadResult:
    target = folder / safe
    tmp = _copy_limited(data, folder, kb.settings)
    if target.exists() and not replace and not _same_bytes(tmp, target):
        tmp.unlink()
        raise NameTaken(f"已有同名文件 {safe}，内容不同：如果这是它的新版本，请先删除旧文档（或在 API 中加 "
                        "?replace=true）；如果是另一份文件，请改名后再上传")
    backup = folder / f".{safe}.previous"
    if target.exists():
        os.replace(target, backup)
    os.replace(tmp, target)
    try:
        report = kb.ingest([target], progress=progress, uploaded=True)  # parsed in a worker; unverified
        skipped = [s.reason for s in report.skipped]
        if skipped:
            raise BadInput(skipped[0])
    except BaseException:
        target.unlink(missing_ok=True)
        if backup.exists():
            os.replace(backup, target)
        raise
    backup.unlink(missing_ok=True)
    source = str(target)
    status = "unchanged"
    outcomes = (("added", report.added), ("updated", report.updated), ("duplicate", report.duplicates))
    for name, sources in outcomes:
        if source in sources:
            status = name
            break
    entry = kb.registry.get(source)
    return UploadResult(safe, entry.doc_id if entry else None, status, report)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while (block := fa.read(_CHUNK)) == fb.read(_CHUNK):
            if not block:
                return True
    return False


def _copy_limited(data: BinaryIO, folder: Path, settings: Settings) -> Path:
    fd, name = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while block := data.read(_CHUNK):
                size += len(block)
                if size > settings.max_file_bytes:
                    raise FileTooLarge(f"the file is over the {settings.max_file_mb:g} MB limit; "
                                       "split it or raise ZHICE_MAX_FILE_MB")
                out.write(block)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def remove_uploaded(settings: Settings, sources: list[str]) -> list[str]:
    """Delete those of `sources` that are files inside uploads/ (the ones we saved); returns their names."""
    folder = uploads_dir(settings)
    removed = []
    for s in sources:
        p = Path(s).resolve()
        if p.is_relative_to(folder) and p.is_file():
            p.unlink()
            removed.append(p.name)
    return removed
