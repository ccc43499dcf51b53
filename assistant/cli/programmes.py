"""`zhice programmes draft FILE_OR_DOC_ID [--out DIR] [--json]`: programmes drafted from a 认定办法 /
奖补办法 / 申报通知, as programme files (`draft: true`) or a flat JSON view.

`zhice programmes checklist ID [--format md|docx|ics] [--out FILE]`: a programme's 申报清单 (materials,
steps, deadline, conditions, each with its clause), or its deadline as a calendar entry; ID is a reviewed
programme's or a draft's of an indexed document."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.settings import Settings


def register(sub: Any) -> None:
    from assistant.eligibility.checklist import CHECKLIST_FORMATS

    s = sub.add_parser("programmes", help="programme tools: draft programmes from a policy document, export a checklist")
    s.add_argument("action", choices=["draft", "checklist"],
                   help="draft: one programme per title or level the document names; checklist: a programme's 申报清单")
    s.add_argument("source", help="draft: a policy file (PDF, DOCX, TXT, MD, HTML) or the doc_id of an indexed "
                                  "document; checklist: a programme id")
    s.add_argument("--out", help="draft: write one programme YAML file per draft into this folder; "
                                 "checklist: the file to write (docx needs it; md and ics print without it)")
    s.add_argument("--json", action="store_true", help="print the flat JSON view instead of a summary")
    s.add_argument("--format", choices=CHECKLIST_FORMATS, default="md",
                   help="checklist: Markdown, Word, or an .ics calendar entry for the deadline")
    s.set_defaults(func=cmd_programmes)


def cmd_programmes(args: argparse.Namespace, settings: Settings) -> int:
    """Draft the programmes of one document, or export one programme's checklist."""
    if args.action == "checklist":
        return _checklist(args, settings)
    return _draft(args, settings)


def _checklist(args: argparse.Namespace, settings: Settings) -> int:
    """The checklist of a reviewed programme, else of a draft of the indexed documents."""
    from assistant.eligibility.checklist import checklist_bytes
    from assistant.eligibility.reviewed import load_reviewed

    reviewed = load_reviewed(settings.programmes_dir, settings.data_dir)
    prog = next((p for p in reviewed if p.id == args.source), None)
    if prog is None:
        from assistant.eligibility.indexed import draft_indexed
        from assistant.wiring import build_knowledge_base

        drafts = draft_indexed(build_knowledge_base(settings).snapshot.by_doc, reviewed, settings.max_file_bytes)
        prog = next((p for p in drafts if p.id == args.source), None)
        if prog is None:
            known = "、".join(p.id for p in [*reviewed, *drafts][:12])
            raise BadInput(f"没有 id 为 {args.source!r} 的项目（已审核的或知识库文档的草稿）；可用的有：{known} …")
    if args.format == "docx" and not args.out:
        raise BadInput("Word 格式须用 --out 指定要写入的文件，例如 --out 申报清单.docx")
    data = checklist_bytes(prog, args.format)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"已写入 {args.out}")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _draft(args: argparse.Namespace, settings: Settings) -> int:
    """Draft the programmes of one document; write them (--out), print them (--json) or summarise."""
    from assistant.eligibility.draft import draft_file
    from assistant.eligibility.draft_output import flat_view

    path = Path(args.source)
    if path.is_file():
        drafts = draft_file(path, settings.max_file_bytes)
    else:
        drafts = _draft_indexed(args.source, settings)
    if args.out:
        _write(drafts, Path(args.out))
    view = flat_view(drafts)
    if args.json:
        print(json.dumps(view, ensure_ascii=False, indent=1))
        return 0
    for p in view["programmes"]:
        typed = sum(1 for c in p["criteria"] if c["op"] != "qualitative")
        reward = p["reward"]
        money = "" if reward is None else (
            f"，奖励 {reward['amount_wan']:g} 万元" if reward["amount_wan"] is not None
            else f"，按 {reward['rate'] * 100:g}%" + (f" 最高 {reward['cap_wan']:g} 万元" if reward["cap_wan"] else ""))
        print(f"{p['id']}  {p['title']}：{len(p['criteria'])} 项条件（{typed} 项可核对）{money}")
    if not view["programmes"]:
        print("未从该文件中识别出认定或奖补条件")
    return 0


def _draft_indexed(doc_id: str, settings: Settings) -> list[Any]:
    """An indexed document: its source file when it is still there, else its stored chunks."""
    from assistant.eligibility.indexed import drafts_of_document
    from assistant.wiring import build_knowledge_base

    chunks = build_knowledge_base(settings).snapshot.by_doc.get(doc_id, [])
    if not chunks:
        raise BadInput(f"{doc_id} 既不是文件，也不是已入库文档的 doc_id；请用 `zhice sources` 查看 doc_id")
    return drafts_of_document(chunks, settings.max_file_bytes)


def _write(drafts: list[Any], out: Path) -> None:
    from assistant.eligibility.draft_output import to_programme_data
    from assistant.eligibility.indexed import save_programme

    for p in drafts:
        save_programme(to_programme_data(p), out)  # checked by the strict loader; draft: true until reviewed
