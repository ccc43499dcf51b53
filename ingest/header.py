"""The metadata block at the top of a corpus file: `# Title`, `- 标题: …` lines, then `---`.

Keys are matched tolerantly (full-/half-width colons and brackets, parenthetical notes such as
"官方原文链接（汇编所载）", combined keys such as "日期/文号") and normalised to:
title, issuer, date, doc_no, url, source_note, nature, completeness, category. Unknown keys are
kept under their original name. CSV files carry the same block as `# key: value` lines
(`parse_header_lines`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["CANONICAL_KEYS", "canonical_keys", "parse_header", "parse_header_lines"]

_ALIASES: dict[str, tuple[str, ...]] = {
    key: tuple(words.split())
    for key, words in {
        "title": "标题 题目 名称 文件名称 文件标题 政策名称 title",
        "issuer": "发布机关 发布单位 发布机构 发布部门 发文机关 发文单位 印发机关 制发机关 "
        "发布 归口 归口单位 issuer",
        "date": "日期 发布日期 发布时间 成文日期 印发日期 发文日期 date",
        "doc_no": "文号 发文字号 发文文号 文件编号 doc_no",
        "url": "官方原文链接 原文链接 官方链接 原文网址 链接 网址 来源链接 url link",
        "source_note": "采集来源 来源 出处 数据来源 source source_note",
        "nature": "来源性质 性质 文件性质 nature",
        "completeness": "完整性 completeness",
        "category": "类别 类型 分类 文件类型 category",
    }.items()
}
CANONICAL_KEYS: tuple[str, ...] = tuple(_ALIASES)
_KEY_OF = {alias.casefold(): key for key, aliases in _ALIASES.items() for alias in aliases}

# "- 标题: …" / "* 发布机关：…"; the key stops at the first colon and is short.
_ITEM = re.compile(r"\s{0,3}[-*+]\s+(?P<key>[^:：\n]{1,40}?)\s*[:：]\s*(?P<value>.*)")
_BARE = re.compile(r"(?P<key>[^:：\n#]{1,40}?)\s*[:：]\s*(?P<value>.*)")
_TITLE = re.compile(r"#\s+(?P<title>\S.*)")
_RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,})\s*")
_PARENS = re.compile(r"[(（][^()（）]*[)）]")
_SPLIT_KEY = re.compile(r"[/／、]")


def canonical_keys(raw_key: str) -> list[str]:
    """Map a header key as written to our normalised key names.

    Args:
        raw_key: The key as it appears in the file, e.g. "官方原文链接（汇编所载）" or "日期/文号".

    Returns:
        The normalised keys (two for combined keys such as "日期/文号"); [] when unknown.
    """
    base = _PARENS.sub("", unicodedata.normalize("NFKC", raw_key))
    base = re.sub(r"\s+", "", base).casefold()
    if base in _KEY_OF:
        return [_KEY_OF[base]]
    parts = [p for p in _SPLIT_KEY.split(base) if p]
    keys = [_KEY_OF.get(p) for p in parts]
    if len(parts) > 1 and all(keys):
        return list(dict.fromkeys(k for k in keys if k))
    return []


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a corpus file into its header block and its body.

    Recognised layout (blank lines between the parts are optional)::

        # Title line
        - 标题: …
        - 发布机关: …
        ---
        body…

    The closing `---` may be missing (the block then ends at the first line that is not a
    `- key: value` item). A YAML-style front matter (`---`, `key: value` lines, `---`) is read
    the same way. The `# Title` line fills "title" when there is no 标题 item and is kept under
    "heading" either way.

    Args:
        text: The whole file text.

    Returns:
        (header, body). Without a `- key: value` block: ({}, text), or ({"title": …}, text) when
        the text opens with a `# Title` line (the body is then the unchanged text).
    """
    lines = text.splitlines(keepends=True)
    i = _skip_blank(lines, 0)
    if i < len(lines) and _RULE.fullmatch(lines[i].strip()):
        front = _front_matter(lines, i)
        if front is not None:
            return front
    heading = ""
    if i < len(lines) and (m := _TITLE.fullmatch(lines[i].strip())):
        heading = m.group("title").strip()
        i = _skip_blank(lines, i + 1)
    items: list[tuple[str, str]] = []
    while i < len(lines):
        line = lines[i].rstrip("\r\n")
        if m := _ITEM.fullmatch(line):
            items.append((m.group("key"), m.group("value")))
        elif items and line[:1] in (" ", "\t") and line.strip():
            key, value = items[-1]  # an indented continuation line of the previous value
            items[-1] = (key, f"{value} {line.strip()}")
        else:
            break
        i += 1
    header = _to_header(items)
    if not any(k in CANONICAL_KEYS for k in header):
        return ({"title": heading} if heading else {}), text
    i = _skip_blank(lines, i)
    if i < len(lines) and _RULE.fullmatch(lines[i].strip()):
        i += 1
    if heading:
        header.setdefault("title", heading)
        header["heading"] = heading
    return header, "".join(lines[i:])


def parse_header_lines(lines: Iterable[str]) -> dict[str, str]:
    """Read `key: value` header lines such as the `# 标题: …` lines that open the corpus CSVs.

    Leading "#", "-" and spaces are ignored; lines without a colon are skipped.

    Args:
        lines: The header lines, one key each (a value may embed "；文号: …" for a second key).

    Returns:
        The normalised header.
    """
    items: list[tuple[str, str]] = []
    for line in lines:
        stripped = line.strip().lstrip("#").strip()
        stripped = re.sub(r"^[-*+]\s+", "", stripped)
        if m := _BARE.fullmatch(stripped):
            items.append((m.group("key"), m.group("value")))
    return _to_header(items)


def _to_header(items: list[tuple[str, str]]) -> dict[str, str]:
    header: dict[str, str] = {}
    for raw_key, raw_value in items:
        for key, value in _split_embedded(raw_key.strip(), raw_value.strip()):
            value = unicodedata.normalize("NFC", value)
            for name in canonical_keys(key) or [key]:
                header.setdefault(name, value)
    return header


def _split_embedded(key: str, value: str) -> list[tuple[str, str]]:
    """'2025年4月26日；文号: 未找到' → [(日期, 2025年4月26日), (文号, 未找到)] (known keys only)."""
    pairs = [(key, value)]
    while True:
        k, v = pairs[-1]
        for m in re.finditer(r"([；;。]\s*)([^:：；;。\s]{1,12})\s*[:：]\s*", v):
            if canonical_keys(m.group(2)):
                keep = v[: m.start()] + ("。" if m.group(1).startswith("。") else "")
                pairs[-1] = (k, keep.strip())
                pairs.append((m.group(2), v[m.end() :].strip()))
                break
        else:
            return pairs


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _front_matter(lines: list[str], start: int) -> tuple[dict[str, str], str] | None:
    items: list[tuple[str, str]] = []
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if _RULE.fullmatch(stripped):
            header = _to_header(items)
            return (header, "".join(lines[j + 1 :])) if header else None
        if not stripped:
            continue
        m = _BARE.fullmatch(stripped)
        if m is None:
            return None
        items.append((m.group("key"), m.group("value")))
    return None
