"""`zhice eval`: score gold sets against the plain langchain recipe."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.settings import PROJECT_ROOT, Settings

DEFAULT_GOLD = PROJECT_ROOT.parent / "shared" / "evals" / "dev.jsonl"
DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


def register(sub: Any) -> None:
    s = sub.add_parser("eval", help="score the gold set (pass rate, citation hit, hit@k, latency) against a baseline")
    s.add_argument("--gold", default=str(DEFAULT_GOLD))
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder the gold set is about")
    s.add_argument("--no-ingest", dest="ingest", action="store_false", help="use the index as it is")
    s.add_argument("--no-baseline", action="store_true")
    s.add_argument("--out", default="reports")
    s.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.backends import build_embedder
    from assistant.wiring import build_assistant
    from evals.baseline import Baseline
    from evals.run import load_gold, run, to_markdown

    gold_path = Path(args.gold)
    if not gold_path.is_file():
        raise BadInput(f"gold file {gold_path} not found; pass --gold FILE")
    assistant = build_assistant(settings)
    corpus = Path(args.corpus)
    if args.ingest:
        assistant.kb.ingest([corpus])
    baseline = None if args.no_baseline else Baseline.build([corpus], build_embedder(settings), settings.max_file_bytes)
    res = run(assistant, load_gold(gold_path), baseline)
    md = to_markdown(res, gold_path)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval.md").write_text(md, encoding="utf-8")
    (out / "eval.json").write_text(json.dumps({"zhice": res.zhice, "baseline": res.baseline, "rows": res.rows},
                                              ensure_ascii=False, indent=1), encoding="utf-8")
    print(md)
    print(f"written: {out / 'eval.md'}, {out / 'eval.json'}")
    return 0
