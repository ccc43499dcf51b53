"""`zhice ask` (one question) and `zhice chat` (multi-turn in the terminal)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from assistant.domain import AUTHORITY_NOTES, Answer
from assistant.errors import ZhiceError
from assistant.settings import Settings


def register(sub: Any) -> None:
    s = sub.add_parser("ask", help="answer one question with citations")
    s.add_argument("question")
    s.add_argument("--region")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="multi-turn chat in the terminal")
    s.set_defaults(func=cmd_chat)


_STATUS_BADGE = {"superseded": "（已废止）", "expired": "（已失效）", "not_yet_in_force": "（尚未施行）"}


def print_answer(a: Answer) -> None:
    print(a.answer)
    for c in a.citations:
        badge = AUTHORITY_NOTES.get(c.authority, "")
        badge += _STATUS_BADGE.get(c.status, "") + ("（扫描件识别，请核对原件）" if c.ocr else "")
        page = f" 第{c.page}页" if c.page else ""
        print(f"  [{c.n}] 《{c.title}》{badge} {c.section}{page}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.wiring import build_assistant

    a = build_assistant(settings).answer(args.question, filters={"region": args.region} if args.region else None)
    if args.json:
        print(json.dumps(a.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_answer(a)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.wiring import build_assistant

    assistant = build_assistant(settings)
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
