"""The life of a policy: when it takes effect, when it lapses, what it repeals, and its status today.

Read from the grammar of official documents, never from per-document rules:

- 施行: "自2025年10月1日起施行" / "自印发之日起实施" (the date of issue) / "于…起执行/生效".
- 有效期: "有效期至2028年9月30日" / "有效期5年" / "有效期为三年" — only the document's own: the
  sentence must speak of 本办法/本细则/… or carry the 施行 clause, and 有效期 must not belong to a noun
  before it (称号有效期, 认定有效期 are the validity of a title, not of the document).
- Repeal: the 《titles》 and 文号 in a sentence that says 同时废止 / 予以废止 / 不再执行 / 停止执行 / 同时失效,
  or that names an earlier text and settles conflicts "以本办法为准".

`resolve` then decides each document's status across the whole index as of a reference date:
superseded (a document in force repeals it, matched by 文号 or title) > expired > not yet in force >
current.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from assistant.core.dates import add_years, find_dates
from assistant.domain import STATUSES, Chunk

__all__ = ["STATUSES", "DocFacts", "Validity", "find_validity", "normalise_doc_no", "normalise_title", "resolve",
           "with_status"]


# What an official document calls itself (本办法, 本细则 …): the subject of its own 施行/有效期 clause.
_SELF = r"本(?:办法|细则|实施细则|规定|通知|方案|实施方案|意见|措施|政策|若干政策|标准|指南|指引|规则|条例|制度|决定|公告|计划|规划|文件)"
_CN_NUM = "一二两三四五六七八九十"
_EFFECTIVE = re.compile(r"(?:自|于|从)\s*(?P<when>[^，,。；;自于从]{2,24}?)\s*起?\s*(?:正式)?(?:施行|实施|执行|生效)(?=[，,。；;）)、]|$)")
_ON_ISSUE = re.compile(r"(?:印发|发布|公布|颁布|下发|签发)之日")
_UNTIL = re.compile(r"(?:有效期|执行期|实施期|试行期)(?:限)?\s*(?:至|到|截至|截止(?:到|至)?)")
_YEARS = re.compile(rf"(?:有效期|执行期|实施期|试行期)(?:限)?\s*(?:为|是)?\s*(?P<n>\d+|[{_CN_NUM}]+)\s*年")
# 有效期 that starts its own phrase: after punctuation, a space, the start, or the document's name for itself
_OWN_PHRASE = re.compile(rf"(?:^|[，,。；;：:\s]|{_SELF}(?:的)?)$")
_REPEAL = re.compile(r"(?:同时|予以|即行|一并)?(?:废止|失效)|不再执行|停止执行|以本[\u4e00-\u9fa5]{1,4}为准")
_TITLE_QUOTE = re.compile(r"《([^《》]{2,80})》")
NAMES_CACHE = 1 << 18  # documents whose names are kept normalised (a few hundred bytes each)
_DOC_NO = re.compile(r"[\u4e00-\u9fa5]{1,16}[〔\[【(（]\d{4}[〕\]】)）]\s*\d+(?:/\d+)*\s*号")


@dataclass(frozen=True)
class Validity:
    """What a document says about its own validity; ISO dates, "" when it does not say."""

    valid_from: str = ""
    valid_until: str = ""
    repeals: tuple[str, ...] = ()  # normalised 文号 and titles of the documents it repeals

    def repeals_text(self) -> str:
        return "；".join(self.repeals)


def _cn_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    if "十" in s:
        tens, _, units = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(units, 0) if units else 0)
    return digits.get(s, 0)


def _flat(text: str) -> str:
    """One line per paragraph is not guaranteed (PDF lines break inside words): join the lines."""
    return unicodedata.normalize("NFKC", text).replace("\r", "").replace("\n", "")


def _sentences(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"[^。！？!?]+[。！？!?]?", _flat(text))]


def _own_validity_phrase(sentence: str, at: int) -> bool:
    """Does the 有效期 at `at` start a phrase of its own (not 称号有效期) in a sentence about the document?"""
    if not _OWN_PHRASE.search(sentence[max(0, at - 12):at]):
        return False
    return bool(re.search(_SELF, sentence) or _EFFECTIVE.search(sentence) or re.match(r"\s*有效期", sentence))


def _month_end(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (nxt - dt.timedelta(days=1)).isoformat()


def find_validity(body: str, issued: str = "") -> Validity:
    """The validity a document states about itself.

    Args:
        body: The document's text.
        issued: Its date of issue (ISO), for "自印发之日起施行" and "有效期N年" counted from it.
    """
    valid_from = valid_until = ""
    years = 0
    repeals: list[str] = []
    for sentence in _sentences(body):
        valid_from = _effective_date(sentence, issued, valid_from)
        valid_until = _until_date(sentence) or valid_until
        years = _period_years(sentence) or years
        if _REPEAL.search(sentence):
            repeals.extend(_named_documents(sentence))
    if not valid_until and years and (valid_from or issued):
        valid_until = add_years(valid_from or issued, years)
    return Validity(valid_from, valid_until, tuple(dict.fromkeys(r for r in repeals if r)))


def _effective_date(sentence: str, issued: str, known: str) -> str:
    """The 施行 date a sentence gives; a sentence that does not name the document itself only fills a gap."""
    m = _EFFECTIVE.search(sentence)
    if m is None:
        return known
    if known and not re.search(_SELF, sentence[: m.start()] + sentence[m.end():]):
        return known
    when = m.group("when")
    dates = find_dates(when)
    if dates:
        return dates[0].iso
    if _ON_ISSUE.search(when) and issued:
        return issued
    return known


def _until_date(sentence: str) -> str:
    for u in _UNTIL.finditer(sentence):
        dates = find_dates(sentence[u.end(): u.end() + 20])
        if dates and _own_validity_phrase(sentence, u.start()):
            return dates[0].iso if dates[0].has_day else _month_end(dates[0].iso)
    return ""


def _period_years(sentence: str) -> int:
    for y in _YEARS.finditer(sentence):
        if _own_validity_phrase(sentence, y.start()):
            return _cn_int(y.group("n"))
    return 0


def _named_documents(sentence: str) -> list[str]:
    """The 文号 and titles named in a repeal sentence (the document's own name for itself excluded)."""
    out = [normalise_doc_no(m.group(0)) for m in _DOC_NO.finditer(sentence)]
    out += [normalise_title(m.group(1)) for m in _TITLE_QUOTE.finditer(sentence) if not re.fullmatch(_SELF, m.group(1))]
    return out


def normalise_doc_no(doc_no: str) -> str:
    """佛工信[2023] 58号 → 佛工信〔2023〕58号 (brackets and spaces as the standard writes them)."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", doc_no))
    return re.sub(r"[\[【(（〔](\d{4})[\]】)）〕]", r"〔\1〕", s)


def normalise_title(title: str) -> str:
    """A title for comparison: NFKC, no spaces, no 《》, ASCII brackets as written in Chinese."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", title)).strip("《》")
    return s.replace("(", "（").replace(")", "）")


@dataclass(frozen=True)
class DocFacts:
    """What `resolve` needs of one document."""

    doc_id: str
    title: str
    doc_no: str
    valid_from: str
    valid_until: str
    repeals: str  # "；"-separated, as stored


def resolve(docs: Iterable[DocFacts], today: dt.date) -> dict[str, tuple[str, str]]:
    """doc_id → (status, superseded_by) for every document, as of `today`.

    A document is superseded when another document of the index that is in force (its valid_from,
    if stated, is not after `today`) names it in a repeal clause, by 文号 or by title.
    """
    docs = list(docs)
    iso = today.isoformat()
    superseded = _repealed(docs, iso)
    out: dict[str, tuple[str, str]] = {}
    for d in docs:
        if d.doc_id in superseded:
            out[d.doc_id] = ("superseded", superseded[d.doc_id])
        elif d.valid_until and d.valid_until < iso:
            out[d.doc_id] = ("expired", "")
        elif d.valid_from and d.valid_from > iso:
            out[d.doc_id] = ("not_yet_in_force", "")
        else:
            out[d.doc_id] = ("current", "")
    return out


def _repealed(docs: list[DocFacts], iso: str) -> dict[str, str]:
    """doc_id of each repealed document → doc_id of the latest document in force that repeals it."""
    by_key: dict[str, list[str]] = {}
    for d in docs:
        for key in _keys(d):
            by_key.setdefault(key, []).append(d.doc_id)
    superseded: dict[str, str] = {}
    in_force = [d for d in docs if not (d.valid_from and d.valid_from > iso)]
    for d in sorted(in_force, key=lambda d: d.valid_from or "0000"):  # the latest repeal wins
        for key in filter(None, d.repeals.split("；")):
            for old in by_key.get(key, []):
                if old != d.doc_id:
                    superseded[old] = d.doc_id
    return superseded


def _keys(d: DocFacts) -> tuple[str, ...]:
    """The names a repeal clause may use for `d`: its 文号, its title, the 《name》 inside a cover title."""
    return _names(d.doc_no, d.title)


@functools.lru_cache(maxsize=NAMES_CACHE)
def _names(doc_no: str, title: str) -> tuple[str, ...]:
    """_keys, kept: every write resolves the statuses of every document again, and normalising each
    one's names took most of that (2.8 of 3.8 s at 50k documents)."""
    keys = [normalise_doc_no(doc_no)] if doc_no else []
    if title:
        keys.append(normalise_title(title))
        keys += [normalise_title(m.group(1)) for m in _TITLE_QUOTE.finditer(title)]
    return tuple(k for k in keys if k)


def with_status(chunks: dict[str, Chunk], today: dt.date) -> dict[str, Chunk]:
    """The chunks with their documents' status and superseded_by resolved across all of them.

    Called on every snapshot load (after each ingest and at start-up), so a new revision marks the
    document it repeals, and a removed one lets it become current again.
    """
    docs = {c.doc.doc_id: c.doc for c in chunks.values()}
    facts = (DocFacts(d.doc_id, d.title, d.doc_no, d.valid_from, d.valid_until, d.repeals) for d in docs.values())
    metas = {doc_id: replace(docs[doc_id], status=status, superseded_by=by)
             for doc_id, (status, by) in resolve(facts, today).items()}
    return {cid: replace(c, doc=metas[c.doc.doc_id]) for cid, c in chunks.items()}
