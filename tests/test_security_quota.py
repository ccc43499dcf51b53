"""Disk quotas for what visitors make the server write."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.quota import append_line_capped, prune_folder


def test_a_capped_log_keeps_at_most_two_generations(tmp_path: Path) -> None:
    log = tmp_path / "feedback.jsonl"
    for i in range(1000):
        append_line_capped(log, f'{{"vote": "up", "n": {i}}}', max_bytes=2000)
    assert log.stat().st_size <= 2000 and (tmp_path / "feedback.jsonl.1").stat().st_size <= 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.jsonl", "feedback.jsonl.1"]
    assert log.read_text(encoding="utf-8").splitlines()[-1].endswith('"n": 999}')


def test_prune_removes_old_files_then_the_oldest_over_the_size(tmp_path: Path) -> None:
    for i in range(10):
        f = tmp_path / f"e{i}.md"
        f.write_bytes(b"x" * 100)
        os.utime(f, (1000 + i, 1000 + i))
    assert prune_folder(tmp_path, max_bytes=10_000, keep_seconds=5, now=1010) == 5  # older than 5 s
    assert prune_folder(tmp_path, max_bytes=250, keep_seconds=100, now=1010) == 3  # then by size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e8.md", "e9.md"]
    assert prune_folder(tmp_path / "missing", 1, 1) == 0


def test_the_uis_votes_and_exports_are_capped(tmp_path: Path) -> None:
    from ui.app import record_feedback
    from ui.eligibility_tab import export_path

    for i in range(500):
        record_feedback(tmp_path, f"问题{i}", "答案" * 20, "up", max_bytes=4000)
    sizes = [p.stat().st_size for p in tmp_path.glob("feedback.jsonl*")]
    assert len(sizes) == 2 and max(sizes) <= 4000
    exports = tmp_path / "exports"
    for _ in range(30):
        export_path(exports, "智策对话", ".md", max_bytes=1000).write_bytes(b"x" * 200)
    assert sum(p.stat().st_size for p in exports.iterdir()) <= 1000 + 200  # pruned before each new file
