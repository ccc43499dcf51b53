"""`zhice search`: the ranked passages for a query, without an answer."""

from __future__ import annotations

import argparse
import json
from typing import Any

from assistant.settings import Settings


def register(sub: Any) -> None:
    s = sub.add_parser("search", help="top chunks for a query")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--kind")
    s.add_argument("--region")
    s.add_argument("--year", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.wiring import build_assistant

    filters = {k: v for k, v in (("kind", args.kind), ("region", args.region), ("year", args.year)) if v}
    hits = build_assistant(settings).search(args.query, k=args.k, filters=filters)
    from assistant.snippets import snippet

    if args.json:
        out = [{**h.to_dict(), "snippet": (s := snippet(h.chunk.text, args.query)).text,
                "marks": [list(m) for m in s.marks]} for h in hits]
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for i, h in enumerate(hits, start=1):
        c = h.chunk
        print(f"{i}. [{h.score:.4f}] 《{c.doc.title}》 {c.section}" + (f" 第{c.page}页" if c.page else ""))
        # the part of the passage that matched, its terms in 【】, not the clause's first characters
        print("   " + snippet(c.text, args.query).marked())
    return 0
