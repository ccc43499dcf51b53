"""Disk quotas for what visitors make the server write (feedback lines, exports): bounded files and
folders, so no client can fill the disk (the red team measured ≈2.4 GB/h of votes, ≈6 GB/h of exports).

No web framework here: the UI and the API call these where they write.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

ROTATED_SUFFIX = ".1"  # the one older generation a capped log keeps
_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path.resolve(), threading.Lock())


def append_line_capped(path: Path, line: str, max_bytes: int) -> None:
    """Append `line` to `path`; past `max_bytes` the file becomes `<name>.1` (replacing the older one),
    so at most about twice `max_bytes` is ever on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    with _lock_for(path):
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > max_bytes:
            os.replace(path, path.with_name(path.name + ROTATED_SUFFIX))
        with open(path, "ab") as f:
            f.write(data)


def prune_folder(folder: Path, max_bytes: int, keep_seconds: float, now: float | None = None) -> int:
    """Remove files older than `keep_seconds`, then the oldest until the folder holds under
    `max_bytes`; returns how many went. Files removed by someone else meanwhile are skipped."""
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    files: list[tuple[float, int, Path]] = []
    for p in folder.iterdir():
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        if p.is_file():
            files.append((st.st_mtime, st.st_size, p))
    files.sort()
    total, removed = sum(size for _, size, _ in files), 0
    for mtime, size, p in files:
        if now - mtime <= keep_seconds and total <= max_bytes:
            break
        try:
            p.unlink()
        except FileNotFoundError:
            continue
        total, removed = total - size, removed + 1
    return removed
