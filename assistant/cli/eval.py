"""`zhice eval`: gold sets over an eval index of their own, beside the plain recipe (see evals/cli.py)."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.settings import Settings


def register(sub: Any) -> None:
    from evals.cli import add_arguments  # argument definitions only; the run's imports stay inside it

    s = sub.add_parser("eval", help="score gold sets (pass, citation hit, refusals, hit@k, latency) against "
                                    "the plain recipe → reports/eval.{md,json}")
    add_arguments(s)
    s.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.cli import run_eval

    return run_eval(args, settings)
