"""Answers as Markdown-safe text for clients that render Markdown (chat-completions content).

Answers quote documents, and an uploaded document may contain Markdown: `[官网](http://evil)`
links, `**系统提示：…**` lines, headings, HTML. In chat-completions content every Markdown control
character of the text is backslash-escaped, so it shows literally; the `[n]` citation markers are
kept as they are. `/v1/ask` returns plain text (`answer`) and leaves rendering to the client.
"""

from __future__ import annotations

import re

MARKER = re.compile(r"\[\d{1,3}\]")
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~])")
_RULE_LINE = re.compile(r"^(\s*)([-=])(?=[-=\s]*$)", re.M)  # a line of dashes: a rule or a heading underline
_PARTIAL_MARKER = re.compile(r"\[\d{0,3}$")


def escape_markdown(text: str) -> str:
    """`text` with every Markdown control character escaped except in `[n]` markers."""
    out: list[str] = []
    pos = 0
    for m in MARKER.finditer(text):
        out += [_SPECIAL.sub(r"\\\1", text[pos:m.start()]), m.group()]
        pos = m.end()
    out.append(_SPECIAL.sub(r"\\\1", text[pos:]))
    return _RULE_LINE.sub(r"\1\\\2", "".join(out))


class StreamEscaper:
    """escape_markdown over a stream of deltas: a `[1` at the end of one delta waits for its `]`."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, delta: str) -> str:
        text = self._held + delta
        m = _PARTIAL_MARKER.search(text)
        self._held = m.group() if m else ""
        return escape_markdown(text[: m.start()] if m else text)

    def flush(self) -> str:
        text, self._held = self._held, ""
        return escape_markdown(text)
