"""`zhice serve`: the API with the UI at /ui (FastAPI is imported only here, when serving)."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.settings import Settings


def register(sub: Any) -> None:
    s = sub.add_parser("serve", help="run the API and the web UI (the index is built on first start)")
    s.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.api.serve import serve

    serve(settings, args.host, args.port)
    return 0
