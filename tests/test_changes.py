"""What a follower does with the change log's entries (pure)."""

from __future__ import annotations

import pytest

from assistant.index.changes import Change, Op, net_effect


@pytest.mark.parametrize(("ops", "changed", "removed"), [
    ([(Op.PUT, "a")], {"a"}, set()),
    ([(Op.PUT, "a"), (Op.DELETE, "a")], set(), {"a"}),
    ([(Op.DELETE, "a"), (Op.PUT, "a")], {"a"}, set()),
    ([(Op.PUT, "a"), (Op.AUTHORITY, "a"), (Op.DROP, "b")], {"a"}, set()),
    ([(Op.DELETE, "b"), (Op.PUT, "a"), (Op.RESET, "")], {"a"}, {"b"}),
])
def test_the_net_effect_of_changes_in_order(ops: list[tuple[Op, str]], changed: set[str], removed: set[str]) -> None:
    got = net_effect([Change(i + 1, op, doc) for i, (op, doc) in enumerate(ops)])
    assert got == (changed, removed)
