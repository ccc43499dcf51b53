"""`zhice bench ingest|load|scale|overhead`: the benchmarks in benchmarks/, with their own options."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.settings import Settings


def register(sub: Any) -> None:
    s = sub.add_parser("bench", help="benchmarks: ingest (documents/s, chunks/s, memory), load (16 clients on /v1/ask) "
                       "scale (--chunks N: open, upload, answer latency and memory as the index grows) or overhead "
                       "(--docs N: ingest time against the embedder alone on the same passages)")
    s.add_argument("what", choices=["ingest", "load", "scale", "overhead"])
    s.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the benchmark (see --help there)")
    s.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.what == "ingest":
        from benchmarks.ingest_bench import main as bench_main
    elif args.what == "scale":
        from benchmarks.scale_bench import main as bench_main
    elif args.what == "overhead":
        from benchmarks.overhead_bench import main as bench_main
    else:
        from benchmarks.load_bench import main as bench_main
    return int(bench_main(args.rest) or 0)
