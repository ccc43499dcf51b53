"""`zhice reindex`: repair an index the start-up check reports as damaged.

The registry (which file holds which document) is rebuilt from the store, registered files the
store lost are read again, and the lexical index is rebuilt. Safe to run at any time: on a healthy
index it changes nothing.
"""

from __future__ import annotations

import argparse
from typing import Any

from assistant.settings import Settings

EXIT_STILL_DAMAGED = 4  # the repair ran but could not make registry and store agree (files gone)


def register(sub: Any) -> None:
    s = sub.add_parser("reindex", help="repair the index: registry rebuilt from the store, lost files read again")
    s.add_argument("--rebuild", action="store_true",
                   help="empty the vector store first and read every registered file again (its files are damaged)")
    s.set_defaults(func=cmd_reindex)


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.backends import probe_store, quarantine_store
    from assistant.wiring import build_knowledge_base

    probe = probe_store(settings)
    if probe.crashed:  # the store cannot even be opened: a new one is built from the files
        if not args.rebuild:
            print(f"{probe.problem}：运行 `zhice reindex --rebuild` 按登记表从原文件重建")
            return EXIT_STILL_DAMAGED
        print(f"{probe.problem}；已移到 {quarantine_store(settings).name}，从原文件重建")
    kb = build_knowledge_base(settings)
    report = kb.reindex(rebuild=args.rebuild)
    print(report.summary())
    if kb.health.ok:
        print(f"索引一致：{kb.health.stored} 份文档")
        return 0
    print(kb.health.message())
    return EXIT_STILL_DAMAGED
