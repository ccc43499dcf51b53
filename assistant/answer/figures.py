"""Figures a question asks for (amount, ratio, period, count, level, date, 文号) and whether a passage states one."""

from __future__ import annotations

import re

from assistant.core.grammar import DOC_NO
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk

FIGURES: dict[str, re.Pattern[str]] = {
    "amount": re.compile(r"\d+(?:\.\d+)?(?:\s*[-－~～至]\s*\d+(?:\.\d+)?)?\s*(?:万元|亿元|元|万)"),
    "ratio": re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之[一二三四五六七八九十百]+"),
    # a span of time, not a date's parts: "3年", "30日内", "7个工作日", never "2025年" or "10月15日"
    "duration": re.compile(r"(?<![\d月])(?:\d{1,3}|[一二两三四五六七八九十]+)\s*(?:年|个月|个工作日|个自然日|天|日)(?![度\d])"
                           r"|每年|每季度|每月|每半年"),
    "count": re.compile(r"[0-9一二两三四五六七八九十百千万]+\s*(?:余|多)?\s*(?:个|家|项|条|批|所|座)"),
    # a numbered level, or a grade of the national 智能工厂梯度培育 scheme that provinces and cities take over
    "level": re.compile(r"[一二三四五1-5]\s*级|(?:基础|先进|卓越|领航)级"),
    "doc_no": DOC_NO,
    "date": re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*\d{1,2}\s*日"),
}
KIND_WORDS = {"amount": "金额", "ratio": "比例", "duration": "期限", "count": "数量", "level": "等级", "date": "日期",
               "doc_no": "文号"}
ASKS: list[tuple[str, re.Pattern[str]]] = [
    # 多少 of something measured in per cent (数控化率, 研发投入占比): a rate, even when called a 门槛
    ("ratio", re.compile(r"率[^，。？?]{0,14}多少|比重[^，。？?]{0,8}多少|占比[^，。？?]{0,8}多少|多少%")),
    ("amount", re.compile(r"多少(?:万元|万|元|钱|资金|奖励|补助|补贴|奖金)|金额|给多少|拿到多少|获得多少|(?:奖|补)[^，。？?]{0,8}多少"
                          r"|(?:门槛|投入|投资)[^，。？?]{0,8}(?:多少|多大)|到账[^，。？?]{0,4}多少|(?:第[一二三]|首)笔[^，。？?]{0,8}多少"
                          r"|多少.{0,4}(?:奖|补)|(?:奖补|奖励|补助|支持)(?:标准|力度)|(?:能|可以|一共|总共|合计|共)(?:拿|领|得|获得?)多少"
                          r"|\bhow much\b|\bamount")),
    ("ratio", re.compile(r"比例|百分之|几成|\bpercent|\brate\b|\bratio\b")),
    # "分几级" asks for the grades themselves (分为基础级和先进级), not one level
    ("level", re.compile(r"(?<!分)几级|哪一?级|什么级别|多少级|\bwhat level\b|\bwhich level\b")),
    ("doc_no", re.compile(r"文号|发文字号|发文号|\bdocument number\b")),
    ("date", re.compile(r"哪一?年|哪一?天|何时|什么时候|截止|日期|\bwhich year\b|\bwhen\b|\bdeadline\b")),
    ("duration", re.compile(r"多长|几年|多久|期限|多少年|多少天|几天|几个月|几个工作日|多少个工作日|\bhow long\b|\bhow often\b|\bperiod\b"
                            r"|\bhow many (?:years|months|days)\b")),
    # "这几个申报通知" points at things, it does not ask how many
    # a bare "有多少" left after money, rates and periods asks how many things ("示范工厂和优秀场景分别有多少")
    ("count", re.compile(r"多少个|(?<![哪这那])几个|多少家|(?<![这那])几家|多少项|(?<![这那])几项|多少批|(?<![得要需])有多少"
                         r"|\bhow many\b|\bnumber of\b")),
]
_VALID_UNTIL = re.compile(r"有效期|截至|截止|期满|届满|有效至")
_NUMERIC_CELL = re.compile(r"约?[0-9][0-9.,，]*\s*(?:万|亿)?\s*(?:余|多)?\s*(?:个|家|项|元|万元|%)?")
_ROW_FIGURE_SKIP = re.compile(r"year|date|序号|年份|日期|url|note|备注", re.IGNORECASE)


COUNT_NEIGHBOURHOOD = 12  # characters either side of a count where the thing counted is named


def counts_asked(sentence: str, words: frozenset[str]) -> bool:
    """Does a count in the sentence count one of the question's words ("212 家示范工厂", "优秀场景605个"),
    not something else ("（2 条见附件）")?"""
    t = normalize_for_match(sentence)
    for m in FIGURES["count"].finditer(t):
        near = t[max(0, m.start() - COUNT_NEIGHBOURHOOD):m.end() + COUNT_NEIGHBOURHOOD]
        if any(w in near for w in words):
            return True
    return False


def asked_figure(question: str) -> str | None:
    """Which kind of figure the question asks for, if any."""
    q = question.lower()
    return next((kind for kind, pat in ASKS if pat.search(q)), None)


def has_figure(kind: str, sentence: str, chunk: Chunk, counted: frozenset[str] | None = None) -> bool:
    """Does the sentence (or, for a table row, one of its numeric cells) state a figure of this kind?
    With `counted` (the question's words), a count in running text must count one of them."""
    if FIGURES[kind].search(normalize_for_match(sentence)) and (
            kind != "count" or counted is None or counts_asked(sentence, counted)):
        return True
    if kind == "duration" and FIGURES["date"].search(normalize_for_match(sentence)) and _VALID_UNTIL.search(sentence):
        return True  # "how long is it valid" is answered by "有效期截至2027年12月31日" (not by "10月15日前完成初审")
    if chunk.record and kind in ("count", "amount", "ratio", "duration"):
        # in a table the number and its unit sit in different columns (count：110；unit：家)
        return any(_NUMERIC_CELL.fullmatch(v.strip()) for k, v in chunk.record.items()
                   if not _ROW_FIGURE_SKIP.search(k) and v in sentence)
    return False
