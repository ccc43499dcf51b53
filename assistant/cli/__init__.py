"""`zhice` — one module per subcommand; this module only builds the parser and runs the chosen one.

Each subcommand module exposes `register(subparsers)` and keeps its heavy imports (the index, the
embedder, FastAPI) inside the function that runs, so `zhice search` never imports FastAPI and no
subcommand imports another.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from assistant.errors import ZhiceError
from assistant.settings import Settings

# the subcommand modules of this package, in the order `zhice --help` lists them
SUBCOMMANDS = ("ingest", "reindex", "search", "ask", "check", "programmes", "eval", "bench", "serve")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhice", description="智策 Zhice — 智能制造政策问答（带条款引用）")
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO")
    sub = p.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"assistant.cli.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
        return int(args.func(args, settings))
    except ZhiceError as e:
        print(f"zhice: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("zhice: 已中断；再次运行同一命令即可继续（已完成的部分不会丢失）", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
