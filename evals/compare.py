"""Compare two eval reports (JSON): which items started or stopped passing, per gold set.

Usage: python -m evals.compare reports/before.json reports/eval.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def passes(report: dict[str, Any]) -> dict[str, dict[str, bool]]:
    """{gold set name: {item id: passed}} (a conversation turn's id is conversation#turn)."""
    return {s["name"]: {str(r["id"]): bool(r["pass"]) for r in s["rows"]} for s in report["sets"]}


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Lines: per gold set in both reports, the pass count before → after, then the ids that changed."""
    old, new = passes(before), passes(after)
    lines = []
    for name in (n for n in new if n in old):
        a, b = old[name], new[name]
        common = a.keys() & b.keys()
        fixed = sorted(i for i in common if b[i] and not a[i])
        broken = sorted(i for i in common if a[i] and not b[i])
        lines.append(f"{name}: {sum(a[i] for i in common)} → {sum(b[i] for i in common)} of {len(common)} passed")
        if fixed:
            lines.append(f"  now pass: {', '.join(fixed)}")
        if broken:
            lines.append(f"  now fail: {', '.join(broken)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in args)
    print("\n".join(compare(before, after)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
