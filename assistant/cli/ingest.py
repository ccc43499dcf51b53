"""`zhice ingest` and `zhice sources`: put files into the index, list what is there."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.domain import UNVERIFIED, IngestReport
from assistant.settings import Settings


def register(sub: Any) -> None:
    s = sub.add_parser("ingest", help="index files and folders (default: the built-in sample corpus)")
    s.add_argument("paths", nargs="*")
    s.add_argument("--sync", action="store_true", help="also remove documents whose files are gone")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument("--allow-skips", action="store_true", help="exit 0 even when some files were skipped")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("sources", help="list indexed documents")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sources)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from assistant.wiring import build_knowledge_base

    paths = [Path(p) for p in args.paths] or [settings.sample_corpus]
    kb = build_knowledge_base(settings)
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


_BADGES = {"summary": "摘要", UNVERIFIED: "未核验"}  # else 原文


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.wiring import build_knowledge_base

    rows = build_knowledge_base(settings).list_documents()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    titles = {r["doc_id"]: r["title"] for r in rows}
    for r in rows:
        badge = _BADGES.get(r["authority"], "原文")
        print(f"{r['doc_id']}  [{r['kind']}/{badge}] {r['region'] or '-'}  {r['title']}  {r['doc_no']}  ({r['chunks']} chunks)"
              f"{_status_note(r, titles)}")
    print(f"{len(rows)} documents")
    return 0


def _status_note(row: dict[str, Any], titles: dict[str, str]) -> str:
    """"" for a current document; else what it is now: 已废止（现行：《…》）, 已失效（有效期至…）, 尚未施行（…起施行）."""
    status = row.get("status", "current")
    if status == "superseded":
        return f"  已废止（现行：《{titles.get(row.get('superseded_by', ''), '?')}》）"
    if status == "expired":
        return f"  已失效（有效期至{row.get('valid_until', '')}）"
    if status == "not_yet_in_force":
        return f"  尚未施行（{row.get('valid_from', '')}起施行）"
    return ""
