"""Subcommands beyond ingest/search/ask: eval, serve, check, criteria, bench. Registered into cli.EXTRA_COMMANDS."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.cli import EXTRA_COMMANDS
from assistant.settings import PROJECT_ROOT, Settings

DEFAULT_GOLD = PROJECT_ROOT.parent / "shared" / "evals" / "dev.jsonl"
DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.backends import build_embedder
    from assistant.errors import BadInput
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


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """An enterprise profile (YAML or JSON) → programme verdicts, as Markdown or JSON."""
    import yaml

    from assistant.eligibility import Profile, evaluate, load_programmes, to_dict, to_markdown
    from assistant.errors import BadInput

    path = Path(args.profile)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BadInput(f"cannot read the profile {path}: {e.strerror}; check the path") from e
    except yaml.YAMLError as e:
        raise BadInput(f"{path} is not valid YAML/JSON ({e}); see docs/eligibility.md for the fields") from e
    if not isinstance(data, dict):
        raise BadInput(f"{path} must hold a mapping of profile fields; see docs/eligibility.md")
    programmes = load_programmes(settings.programmes_dir)
    verdicts = evaluate(Profile.from_dict(data.get("profile", data)), programmes, only=args.programme or None)
    if args.json:
        print(json.dumps(to_dict(verdicts), ensure_ascii=False, indent=1))
    else:
        print(to_markdown(verdicts))
    return 0


def cmd_criteria(args: argparse.Namespace, settings: Settings) -> int:
    """Every criterion's source must resolve to an indexed chunk that contains its quote."""
    from assistant.criteria_check import check_sources
    from assistant.eligibility import load_programmes
    from assistant.wiring import build_knowledge_base

    kb = build_knowledge_base(settings)
    if kb.is_empty():
        print("zhice: the index is empty; run `zhice ingest ../shared/corpus` first", file=sys.stderr)
        return 2
    programmes = load_programmes(settings.programmes_dir)
    chunks = [(c.doc.title, c.doc.doc_no, c.text) for c in kb.snapshot.chunks.values()]
    problems = check_sources(programmes, chunks)
    total = sum(len(p.criteria) for p in programmes)
    for p in problems:
        print(f"✗ {p.programme_id} {p.item}: {p.message}")
    print(f"{len(programmes)} programmes, {total} criteria: "
          + ("every source resolves to an indexed chunk" if not problems else f"{len(problems)} problem(s)"))
    return 0 if not problems else 1


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.what == "ingest":
        from benchmarks.ingest_bench import main as bench_main
    else:
        from benchmarks.load_bench import main as bench_main
    return int(bench_main(args.rest) or 0)


def _register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("eval", help="score the gold set (pass rate, citation hit, hit@k, latency) against a baseline")
    s.add_argument("--gold", default=str(DEFAULT_GOLD))
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder the gold set is about")
    s.add_argument("--no-ingest", dest="ingest", action="store_false", help="use the index as it is")
    s.add_argument("--no-baseline", action="store_true")
    s.add_argument("--out", default="reports")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("check", help="check an enterprise profile (YAML/JSON) against every programme")
    s.add_argument("profile", help="a YAML or JSON file of profile fields (docs/eligibility.md)")
    s.add_argument("--programme", action="append", help="only this programme id (repeatable)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("criteria", help="programme criteria tools")
    s.add_argument("action", choices=["check"], help="check: every criterion's source resolves to an indexed chunk")
    s.set_defaults(func=cmd_criteria)

    s = sub.add_parser("bench", help="benchmarks: ingest (documents/s, chunks/s, memory) or load (16 clients on /v1/ask)")
    s.add_argument("what", choices=["ingest", "load"])
    s.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the benchmark (see --help there)")
    s.set_defaults(func=cmd_bench)


def _register_serve(sub: argparse._SubParsersAction) -> None:
    from assistant.api.serve import register_serve

    register_serve(sub)


EXTRA_COMMANDS.extend([_register, _register_serve])
