"""The load bench's count of answers citing deleted documents: only a question sent after the delete
returned counts (one in flight meanwhile may still see the snapshot it started on)."""

from __future__ import annotations

import time

from benchmarks.load_bench import Tally


def test_answers_citing_a_deleted_document_are_counted_from_the_delete_on() -> None:
    t = Tally()
    before = time.monotonic()
    t.gone("upload-1")
    after = time.monotonic() + 1
    t.cites(before, frozenset({"upload-1"}))  # sent while the delete ran: not counted
    t.cites(after, frozenset({"upload-1", "plan"}))  # sent after it: counted
    t.cites(after, frozenset({"plan"}))
    assert t.citing_deleted() == 1 and t.citing_uploads() == 2
