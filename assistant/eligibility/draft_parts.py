"""Parts of a document every programme drafted from it shares: the 申报材料 list, the steps, the
deadline and the validity, each with its clause and a verbatim quote."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.eligibility.clauses import Sentence, strip_marker
from assistant.eligibility.conditions import quote_around

__all__ = ["MATERIALS", "STEPS", "find_deadline", "find_validity", "list_items"]

MATERIALS = re.compile(r"申报材料|以下材料|材料包括|提交.{0,6}材料")
STEPS = re.compile(r"程序|流程|申报和审核|申报和兑现|兑现方式|申报方式|申报时间和方式|申报和资金下达")
_DEADLINE = re.compile(
    r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:\s*(?P<t>\d{1,2}[:：]\d{2}))?前"
    r"|申报时间为(?P<y2>\d{4})年\d{1,2}月\d{1,2}日至(?:(?P<y3>\d{4})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
_TITLE_VALIDITY = re.compile(r"(?:称号|认定)?有效期(?:为)?(?P<n>[0-9一二三四五六七八九十]+)年")
_POLICY_VALIDITY = re.compile(r"有效期至\d{4}年\d{1,2}月\d{1,2}日|施行[^。]{0,12}有效期(?:为)?[0-9一二三四五]+年")


def list_items(sentences: Sequence[Sentence], pattern: re.Pattern[str]) -> tuple[list[str], str]:
    """Items of the first list whose lead (申报企业应提交以下材料：) or heading (四、申报材料) matches
    `pattern` — materials, steps; a section with no numbered items gives its sentences."""
    items: list[str] = []
    loose: list[str] = []
    clause = ""
    parent: tuple[str, ...] | None = None  # the section holding the numbered items
    for s in sentences:
        where = s.lead if s.lead else " ".join(s.path[-2:])
        if s.cells or not pattern.search(where):
            if items or loose:
                break
            continue
        if items and parent is not None and (s.path[: len(parent)] != parent or (not s.enumerated and not s.lead)):
            break  # the numbered list is over (a new article or paragraph follows)
        clause = clause or s.clause
        if s.heading or s.text.rstrip().endswith(("：", ":")):
            continue
        text = strip_marker(s.text).rstrip("；;。")
        if s.enumerated and parent is None:
            parent = s.path[:-1]
        (items if s.enumerated else loose).append(text)
    return [i for i in (items or loose) if len(i) >= 2], clause


def find_deadline(sentences: Sequence[Sentence]) -> dict[str, str] | None:
    found = []
    for s in sentences:
        for m in _DEADLINE.finditer(s.text):
            if m.group("y"):
                date = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
                if m.group("t"):
                    date += " " + m.group("t").replace("：", ":")
            else:
                year = m.group("y3") or m.group("y2")
                date = f"{int(year):04d}-{int(m.group('m2')):02d}-{int(m.group('d2')):02d}"
            by_enterprise = "企业" in s.text[: m.start() + 1] or "申报时间" in m.group(0)
            found.append((not by_enterprise, date, quote_around(s.text, m.start(), m.end()), s.clause))
    if not found:
        return None
    _, date, quote, clause = sorted(found, key=lambda f: f[0])[0]
    return {"date": date, "quote": quote, "clause": clause}


def find_validity(sentences: Sequence[Sentence]) -> dict[str, str] | None:
    for pattern in (_TITLE_VALIDITY, _POLICY_VALIDITY):
        for s in sentences:
            m = pattern.search(s.text)
            if m and (pattern is _POLICY_VALIDITY or re.search(r"称号|认定|有效期为", s.text)):
                return {"text": m.group(0), "quote": quote_around(s.text, m.start(), m.end()),
                        "clause": s.clause}
    return None
