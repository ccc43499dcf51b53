"""`zhice` — subcommands that each delegate in a few lines."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.domain import Answer, IngestReport
from assistant.errors import ZhiceError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.chat import Assistant
    from assistant.knowledge import KnowledgeBase

log = logging.getLogger("zhice")


def _kb(settings: Settings) -> KnowledgeBase:
    from assistant.wiring import build_knowledge_base  # the heavy imports only for commands that need them

    return build_knowledge_base(settings)


def _assistant(settings: Settings) -> Assistant:
    from assistant.wiring import build_assistant

    return build_assistant(settings)


# ---------------------------------------------------------------------- ingest / sources / search
def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    paths = [Path(p) for p in args.paths] or [settings.sample_corpus]
    kb = _kb(settings)
    bar = tqdm(total=0, unit="file", disable=args.quiet or not sys.stderr.isatty(), desc="ingest")

    def progress(name: str, done: int, total: int) -> None:
        bar.total = total
        bar.set_postfix_str(name[:30])
        bar.update(done - bar.n)

    report = kb.ingest(paths, sync=args.sync, progress=progress)
    bar.close()
    print(format_report(report))
    return 0 if not report.skipped or args.allow_skips else 3


def format_report(r: IngestReport) -> str:
    lines = [
        f"新增 added {len(r.added)} · 更新 updated {len(r.updated)} · 未变 unchanged {len(r.unchanged)} · "
        f"重复 duplicates {len(r.duplicates)} · 移除 removed {len(r.removed)} · 跳过 skipped {len(r.skipped)}",
        f"chunks embedded {r.chunks_embedded} · chunks in index {r.chunks_total} · {r.seconds:.1f} s",
    ]
    lines += [f"  跳过 {Path(s.path).name}: {s.reason}" for s in r.skipped]
    return "\n".join(lines)


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    rows = _kb(settings).list_documents()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        badge = "摘要" if r["authority"] == "summary" else "原文"
        print(f"{r['doc_id']}  [{r['kind']}/{badge}] {r['region'] or '-'}  {r['title']}  {r['doc_no']}  ({r['chunks']} chunks)")
    print(f"{len(rows)} documents")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    filters = {k: v for k, v in (("kind", args.kind), ("region", args.region), ("year", args.year)) if v}
    hits = _assistant(settings).search(args.query, k=args.k, filters=filters)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return 0
    for i, h in enumerate(hits, start=1):
        c = h.chunk
        print(f"{i}. [{h.score:.4f}] 《{c.doc.title}》 {c.section}" + (f" 第{c.page}页" if c.page else ""))
        print("   " + c.text.replace("\n", " ")[:160])
    return 0


# ---------------------------------------------------------------------- ask / chat
def print_answer(a: Answer) -> None:
    print(a.answer)
    for c in a.citations:
        badge = "（摘要，非官方原文）" if c.authority == "summary" else ""
        page = f" 第{c.page}页" if c.page else ""
        print(f"  [{c.n}] 《{c.title}》{badge} {c.section}{page}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    a = _assistant(settings).answer(args.question, filters={"region": args.region} if args.region else None)
    if args.json:
        print(json.dumps(a.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_answer(a)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(settings)
    history: list[tuple[str, str]] = []
    print("智策 Zhice — 输入问题，空行或 Ctrl-D 退出。")
    while True:
        try:
            q = input("你> ").strip()
        except EOFError:
            break
        if not q:
            break
        try:
            a = assistant.answer(q, history=history)
        except ZhiceError as e:
            print(f"错误：{e}")
            continue
        print_answer(a)
        history.append((q, a.answer))
    return 0


# ---------------------------------------------------------------------- parser
COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhice", description="智策 Zhice — 智能制造政策问答（带条款引用）")
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="index files and folders (default: the built-in sample corpus)")
    s.add_argument("paths", nargs="*")
    s.add_argument("--sync", action="store_true", help="also remove documents whose files are gone")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument("--allow-skips", action="store_true", help="exit 0 even when some files were skipped")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("sources", help="list indexed documents")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sources)

    s = sub.add_parser("search", help="top chunks for a query")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--kind")
    s.add_argument("--region")
    s.add_argument("--year", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("ask", help="answer one question with citations")
    s.add_argument("question")
    s.add_argument("--region")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="multi-turn chat in the terminal")
    s.set_defaults(func=cmd_chat)

    for register in EXTRA_COMMANDS:
        register(sub)
    return p


# Subcommands defined in other modules register themselves here: (subparsers) -> None.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _load_extras() -> None:
    import importlib

    importlib.import_module("assistant.cli_more")


def main(argv: list[str] | None = None) -> int:
    _load_extras()
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
        print("zhice: interrupted; re-run the same command to finish (nothing is lost)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
