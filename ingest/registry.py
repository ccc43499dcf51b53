"""Which source file holds which document: path → content hash, kept in one JSON file written atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    doc_id: str
    size: int
    mtime: float


class Registry:
    """A path → Entry map persisted after every change, so a killed ingest loses at most one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, Entry] = {}
        if path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self._entries = {k: Entry(**v) for k, v in raw.items()}
            except (ValueError, TypeError) as e:
                # a damaged registry only costs re-hashing: every file is looked up again by content
                bad = path.with_suffix(".damaged")
                os.replace(path, bad)
                log.warning("registry %s was damaged (%s); moved to %s", path, e, bad)

    def get(self, source: str) -> Entry | None:
        return self._entries.get(source)

    def items(self) -> list[tuple[str, Entry]]:
        return sorted(self._entries.items())

    def sources_of(self, doc_id: str) -> list[str]:
        return sorted(s for s, e in self._entries.items() if e.doc_id == doc_id)

    def doc_ids(self) -> set[str]:
        return {e.doc_id for e in self._entries.values()}

    def put(self, source: str, entry: Entry) -> None:
        self._entries[source] = entry
        self._save()

    def drop(self, source: str) -> None:
        if self._entries.pop(source, None) is not None:
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".registry-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({k: asdict(v) for k, v in self._entries.items()}, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
