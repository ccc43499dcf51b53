"""Bounds on what a request may ask the server to read: every text field, before any retrieval runs.

The question had a limit, but `history` and OpenAI `messages` did not (58 kB of history cost 18 s of
CPU). And a lone surrogate (`"\\ud800"` in JSON) or a control character reached code that cannot
encode it (500 on five routes): both are refused here with 422 and a message saying where.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from fastapi import Request

from assistant.errors import BadInput
from assistant.settings import Settings

# C0 and C1 controls but tab and newlines, DEL, and UTF-16 surrogates (a lone one cannot be encoded)
_UNPROCESSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
SHOWN_PATH_PARTS = 6  # of a nested field's location in a message
MAX_DEPTH = 32  # JSON nesting a request may use (a profile or filters need 3)


def text_problem(text: str) -> str:
    """Why `text` cannot be processed ('' when it can): a lone surrogate or a control character."""
    m = _UNPROCESSABLE.search(text)
    if m is None:
        return ""
    code = ord(m.group())
    return f"不成对的代理项 U+{code:04X}（文本编码有误）" if code >= 0xD800 else f"控制字符 U+{code:04X}"


def check_value(value: Any, max_chars: int, where: str = "body", depth: int = 0) -> None:
    """Every string (keys too) of a parsed JSON value is processable and at most `max_chars` long
    (no field needs more than a history turn). Raises BadInput (422)."""
    if depth > MAX_DEPTH:
        raise BadInput(f"{where}：嵌套超过 {MAX_DEPTH} 层，请简化请求")
    if isinstance(value, str):
        if problem := text_problem(value):
            raise BadInput(f"{where} 含有{problem}，无法处理：请删除后重试")
        if len(value) > max_chars:
            raise BadInput(f"{where} 有 {len(value)} 个字符，单个字段上限是 {max_chars}（ZHICE_MAX_TURN_CHARS）：请缩短")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_value(k, max_chars, where, depth + 1)
            check_value(v, max_chars, _join(where, str(k)), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_value(v, max_chars, _join(where, str(i)), depth + 1)


def _join(where: str, part: str) -> str:
    parts = [*where.split("."), part[:40]]
    return ".".join(parts if len(parts) <= SHOWN_PATH_PARTS else [*parts[:2], "…", *parts[-3:]])


async def refuse_unprocessable_text(request: Request) -> None:
    """App-wide dependency: the path and every string of a JSON body are processable.

    FastAPI has read and parsed the body before dependencies run; this re-reads its cached bytes.
    """
    if problem := text_problem(request.url.path):
        raise BadInput(f"路径含有{problem}，无法处理")
    if request.method in ("POST", "PUT", "PATCH") and "json" in request.headers.get("content-type", ""):
        try:
            body = json.loads(await request.body())
        except ValueError:
            return  # FastAPI answers malformed JSON with its own 422
        settings: Settings = request.app.state.settings
        check_value(body, max(settings.max_turn_chars, settings.max_question_chars))


def check_conversation(settings: Settings, question: str, history: Sequence[tuple[str, str]],
                       messages: int = 0) -> None:
    """The question, each history turn, the number of turns and their total are within the limits.

    Args:
        settings: the limits (max_question_chars, max_history_turns, max_turn_chars, max_history_chars).
        question: the question being asked.
        history: earlier (user, assistant) turns.
        messages: for chat completions, how many messages were sent (system and tool ones included).
    Raises:
        BadInput (422) naming the limit and the setting that raises it.
    """
    if len(question) > settings.max_question_chars:
        raise BadInput(f"问题有 {len(question)} 个字符，上限是 {settings.max_question_chars}（ZHICE_MAX_QUESTION_CHARS）："
                       "请缩短问题")
    max_messages = 2 * settings.max_history_turns + 2  # the turns, a system message and the question
    if len(history) > settings.max_history_turns or messages > max_messages:
        raise BadInput(f"对话历史有 {len(history)} 轮（{messages or 2 * len(history)} 条消息），上限是 "
                       f"{settings.max_history_turns} 轮（ZHICE_MAX_HISTORY_TURNS）：只需发送最近几轮")
    total = 0
    for i, (user, assistant) in enumerate(history, start=1):
        longest = max(len(user), len(assistant))
        if longest > settings.max_turn_chars:
            raise BadInput(f"对话历史第 {i} 轮有 {longest} 个字符，每轮上限是 {settings.max_turn_chars}"
                           "（ZHICE_MAX_TURN_CHARS）：请截短或不发送这一轮")
        total += len(user) + len(assistant)
    if total > settings.max_history_chars:
        raise BadInput(f"对话历史共 {total} 个字符，上限是 {settings.max_history_chars}（ZHICE_MAX_HISTORY_CHARS）："
                       "只需发送最近几轮")


def check_messages(settings: Settings, texts: Sequence[str]) -> None:
    """Each chat-completions message (system ones too, which history_pairs drops) is within the turn limit."""
    for i, text in enumerate(texts, start=1):
        if len(text) > settings.max_turn_chars:
            raise BadInput(f"messages 第 {i} 条有 {len(text)} 个字符，上限是 {settings.max_turn_chars}"
                           "（ZHICE_MAX_TURN_CHARS）：请截短")
