"""Document metadata: from the header block when there is one, else read from the text by the grammar
of official documents (a 红头文件's title, 文号 line, signature and date), and places by the gazetteer.

- Title: "XX关于印发《Y》的通知" is the cover of Y: the document is titled Y.
- Issuer: the header's; else a labelled 发布机关; else the organs before 关于 in the title; else the
  signature (a line of organ names right above the date line).
- Date of issue (成文/发布日期): a labelled 成文日期; else the signature date; else a date line of its
  own; else "…印发" or a labelled 发布日期. Never a date inside a sentence: 施行 and 有效期至 dates,
  dates of cited documents and standard numbers (GB/T 39116-2020) are not the date of issue.
- Level and region: the first place the issuer names, else the title (whole names from
  `assistant.core.gazetteer`); national only when the issuer (or the organ opening the title) is a
  national body — never because "工信部" occurs somewhere in the text ("县（市）区工信部门").
- Validity: `assistant.core.validity` (施行, 有效期, the documents it repeals).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from assistant.core import gazetteer, grammar
from assistant.core.dates import find_dates, parse_date
from assistant.core.gazetteer import NATIONAL, Place, covers, mentions, places_in
from assistant.core.validity import find_validity
from assistant.domain import UNVERIFIED

__all__ = [
    "CITIES", "DOC_NO", "PROVINCES", "clean_title", "describe", "find_date", "find_doc_no", "find_region",
    "find_regions", "guess_authority", "guess_kind", "issue_date", "normalise_region", "place_of", "title_from_text",
]

DOC_NO = grammar.DOC_NO
YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)(?!\d)")
_STANDARD_NO = re.compile(r"\b(?:GB|GB/T|GB/Z|[A-Z]{2}/T|T/[A-Z]{2,10})\s*[\d.]+\s*[-—－]\s*((?:19|20)\d{2})\b")
# National bodies, by the names they sign with; matched only in an issuer, and not as the start of 部门.
_NATIONAL_BODIES = (
    "中共中央", "国务院", "全国人民代表大会", "工业和信息化部", "工信部", "国家发展改革委", "国家发展和改革委员会",
    "财政部", "科技部", "科学技术部", "商务部", "人力资源社会保障部", "生态环境部", "市场监管总局",
    "国家市场监督管理总局", "国务院国资委", "国家数据局", "国家标准化管理委员会", "国家标准委", "中国人民银行",
    "国家税务总局", "海关总署", "国家能源局", "国家知识产权局",
)
_NATIONAL = re.compile("(?:" + "|".join(map(re.escape, _NATIONAL_BODIES)) + ")(?!门)")
# A title that names its scope as the nation's (国家级名单, 国家层面文件, 全国…): for texts no issuer signs
# (opening with 国家级: "关于组织申报国家级…的通知" is as often a province's notice about a national programme)
_NATIONAL_SCOPE = re.compile(r"^(?:国家级|全国)|国家层面|国家文件|全国性|国家标准")
_SUMMARY_MARKS = ("意译", "概括", "非官方", "不是官方措辞", "用自己的话", "非标准原文", "未复制正文", "本助手")
# An organ's name ends with one of these (the grammar of Chinese institution names).
# (matched one name at a time: a pattern of repeated names backtracks exponentially on long lines)
_ORGAN = re.compile(r"[\u4e00-\u9fa5（）()]{1,38}(?:厅|局|委|委员会|部|院|政府|办公室|办公厅|中心|管委会|管理委员会|领导小组|小组|"
                    r"协会|联合会|研究院|研究所)")
_ORGAN_SEPARATORS = re.compile(r"[\s　、，,]+")
# Who speaks for a government: the endings of its organs' names (国务院, 工业和信息化部, 财政厅, 经信委,
# 管委会, 人民政府, 办公厅); the non-governmental organs `_ORGAN` also knows are told apart by their words.
_GOVERNMENT_ORGAN = re.compile(r"国务院|[\u4e00-\u9fa5]{2}(?:部|厅|局|委员会|委|政府|办公室|管委会|管理委员会|领导小组|总署)")
_NON_GOVERNMENT = re.compile(r"协会|学会|联合会|商会|研究院|研究所|研究会|大学|学院|学校|公司|集团|中心|联盟|报社|网站|平台")
_ISSUER_SEPARATORS = re.compile(r"[\s　、，,；;/／①-⑩]+")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_MAX_ISSUER = 200  # an issuer line of several organs is under 120 characters
_MAX_ORGAN_LINE = 80  # a signature or a title's list of organs is shorter than this
_COVER_TITLE = re.compile(r"^(?P<issuer>.*?)关于(?:印发|发布|公布|颁布|印送)《(?P<inner>[^《》]+)》的(?:通知|公告|决定|通告)\s*$")
_LABELLED_ISSUER = re.compile(r"(?:发布单位|发布机关|发文机关|印发机关|制发机关)[：:]\s*(?P<v>[^\n|　]+?)(?=\s{2,}|　|$|\n)")
_SIGNED_DATE = re.compile(r"(?:成文日期|印发日期|签发日期)[：:]\s*(?P<v>[^\n　]{6,20})")
_PUBLISHED_DATE = re.compile(r"(?:发布日期|发布时间|公布日期|发文日期|日期)[：:]\s*(?P<v>[^\n　]{6,20})")
_DATE_LINE = re.compile(r"^[（(]?\s*(?P<d>[^\s（）()]{6,16}?)\s*[）)]?$")
_ISSUED_LINE = re.compile(r"(?P<d>\S{6,16}?)\s*(?:印发|发布|签发)$")
_OPENING_LINES = 20  # a 红头文件's 文号 line sits under its title, within the first lines

# header "类别" words → kind
_KIND_WORDS = [
    ("目录", "catalogue"),
    ("线索", "catalogue"),
    ("登记表", "catalogue"),
    ("案例", "case_list"),
    ("名单", "case_list"),
    ("标准", "standard"),
    ("地方", "local_policy"),
    ("政策", "policy"),
]


@cache
def _gazetteer_shorts() -> tuple[list[str], list[str]]:
    rows = resources.files("assistant.core").joinpath("data/gazetteer.tsv").read_text(encoding="utf-8").splitlines()
    cells = [r.split("\t") for r in rows if r.strip() and not r.startswith("#")]
    return [c[2] for c in cells if c[0] == "province"], [c[2] for c in cells if c[0] == "city"]


# Short names of every province and prefecture city (from the gazetteer), for callers that match names.
PROVINCES, CITIES = _gazetteer_shorts()


def find_doc_no(text: str) -> str:
    """The first 文号 in `text` (e.g. 工信厅联通装函〔2021〕263号), or ""."""
    m = DOC_NO.search(text)
    return m.group(0).replace(" ", "") if m else ""


def find_date(text: str) -> str:
    """The first date in `text` as YYYY-MM-DD (day 01 when missing), or ""."""
    return parse_date(text)


def find_regions(text: str) -> list[str]:
    """Every province or city named in `text`, in order of first mention (a county counts as its city)."""
    return list(dict.fromkeys(p.region for p in places_in(text)))


def find_region(text: str) -> tuple[str, str]:
    """(region, level) of the place named first in `text`; ("", "") when none."""
    places = places_in(text)
    if not places:
        return "", ""
    return places[0].region, places[0].level  # 直辖市 are province-level in the gazetteer


normalise_region = gazetteer.normalise

def is_national_issuer(issuer: str) -> bool:
    """Does the issuer name a national body (工业和信息化部办公厅, 工信部等六部门)? Never true of 工信部门."""
    return bool(_NATIONAL.search(issuer))


def _first_place(text: str) -> Place | None:
    """The place a text names first, made as specific as the text makes it: 佛山市顺德区 is 顺德."""
    found = mentions(text)
    if not found:
        return None
    first = found[0]
    for nxt in found[1:]:
        if nxt.start != first.end or not covers(first.place.short, nxt.place.short):
            break
        first = nxt
    return first.place


def place_of(issuer: str, title: str) -> tuple[str, str]:
    """(region, level) of a document: the issuer's place, else a national issuer, else the title's place,
    else the national body opening the title; ("", "") when neither says."""
    if place := _first_place(issuer):
        return place.region, place.level
    if is_national_issuer(issuer):
        return NATIONAL, "national"
    if place := _first_place(title):
        return place.region, place.level
    if is_national_issuer(_title_issuer(title)) or _NATIONAL_SCOPE.search(title):
        return NATIONAL, "national"
    return "", ""


_TITLE_NOTE = re.compile(r"[（(][^（）()]*(?:汇编|节选|涉及|附件|Maturity|[A-Za-z]{6,})[^（）()]*[）)]")


def clean_title(title: str) -> str:
    """The document's own title: the Y of "关于印发《Y》的通知", compilers' notes dropped
    (（汇编标题，…节选）, （附件1《…》…）, an English gloss in brackets)."""
    title = re.sub(r"\s+", " ", title).strip()
    if m := _COVER_TITLE.match(re.sub(r"[（(][^（）()]*〔\d{4}〕[^（）()]*[）)]\s*$", "", title)):
        title = m.group("inner").strip()
    cleaned = _TITLE_NOTE.sub("", title).strip()
    return cleaned if len(cleaned) >= 4 else title.strip()


# A title ends with the name of its kind of document (or a closing bracket of its 试行/修订 note).
_TITLE_END = re.compile(
    r"(?:通知|办法|细则|意见|方案|规定|决定|公告|通告|标准|指南|指引|政策|措施|名单|目录|批复|函|规划|计划|要点|解读|条例|"
    r"规则|制度|报告|》|）|\))$"
)
_TITLE_LINES = 3  # a long title wraps over at most three lines of a 红头文件 (or of a PDF page)


def title_from_text(body: str, path: Path) -> str:
    """A title when no header gives one: the first short line that reads like a title, joined with the
    lines it wraps onto (a PDF breaks "…示" / "范工厂…的通知") until it ends as titles end."""
    lines = [ln.strip().strip("#").strip() for ln in body.splitlines()[:12]]
    lines = [ln for ln in lines if ln and not re.match(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*$", ln)]
    if not lines or not (4 <= len(lines[0]) <= 80) or lines[0].endswith(("。", "，", "；")):
        return path.stem
    title = lines[0]
    for nxt in lines[1:_TITLE_LINES]:
        if _TITLE_END.search(title) or _ends_title_block(nxt) or len(title + nxt) > 80:
            break
        title += nxt
    return title if _TITLE_END.search(title) else lines[0]


def _ends_title_block(line: str) -> bool:
    """Lines that follow a title and are no part of it: 文号, a bracketed note, the addressee, a date."""
    return bool(DOC_NO.fullmatch(line.replace(" ", "")) or line.startswith(("（", "(")) or line.endswith(("：", ":"))
                or (len(line) <= 16 and find_dates(line)))


def _organ_line(line: str) -> bool:
    """Is the line a list of organ names (江苏省工业和信息化厅　江苏省财政厅), and nothing else?"""
    parts = [p for p in _ORGAN_SEPARATORS.split(line.strip()) if p]
    return bool(parts) and len(line) <= _MAX_ORGAN_LINE and all(_ORGAN.fullmatch(p) for p in parts)


def _title_issuer(title: str) -> str:
    """The organs a title opens with ("江苏省工业和信息化厅 江苏省财政厅关于…" → those two)."""
    head = title.strip().partition("关于")[0]
    return re.sub(r"[\s　]+", " ", head).strip() if "关于" in title and _organ_line(head) else ""


def _lines(body: str) -> list[str]:
    return [ln.strip().strip("#").strip() for ln in body.splitlines()]


def _signature(lines: list[str]) -> tuple[str, str]:
    """(organs, ISO date) of the first signature: a line of organ names right above a date line."""
    previous = ""
    for line in lines:
        if not line:
            continue
        m = _DATE_LINE.match(line)
        dates = find_dates(m.group("d")) if m else []
        if dates and dates[0].has_day and _organ_line(previous):
            return re.sub(r"[\s　]+", " ", previous).strip(), dates[0].iso
        previous = line
    return "", ""


def issue_date(body: str) -> str:
    """The date of issue the text states (成文/发布日期), or "" (see the module docstring for the order)."""
    if m := _SIGNED_DATE.search(body):
        if d := parse_date(m.group("v")):
            return d
    lines = _lines(body)
    _, signed = _signature(lines)
    if signed:
        return signed
    for line in lines:
        m = _DATE_LINE.match(line) or _ISSUED_LINE.search(line)
        dates = find_dates(m.group("d")) if m else []
        if dates and dates[0].has_day:
            return dates[0].iso
    if m := _PUBLISHED_DATE.search(body):
        return parse_date(m.group("v"))
    return ""


def issuer_from_text(body: str, title: str) -> str:
    """The issuer the text states: a labelled 发布机关, the organs opening the title, or the signature."""
    if m := _LABELLED_ISSUER.search(body[:3000]):
        return m.group("v").strip()
    return _title_issuer(title) or _signature(_lines(body))[0]


def doc_no_of(header: dict[str, str], body: str, title: str) -> str:
    """The document's own 文号: the header's, a 文号 line of its own under the title, or the title's."""
    given = header.get("doc_no", "").strip()
    if found := find_doc_no(given):
        return found
    if given and not re.search(r"未找到|未载|不适用|无|—", given):
        return given
    for line in _lines(body)[:_OPENING_LINES]:
        if line and DOC_NO.fullmatch(line.replace(" ", "")):
            return line.replace(" ", "")
    # without a header, only the title and the opening lines name the document's own 文号
    return find_doc_no(title) or ("" if header else find_doc_no(body[:300]))


def guess_kind(header: dict[str, str], has_records: bool, level: str) -> str:
    category = header.get("category", "")
    for word, kind in _KIND_WORDS:
        if word in category:
            if kind == "policy" and level not in ("", "national"):
                return "local_policy"
            return kind
    if has_records:
        return "case_list"
    return "local_policy" if level not in ("", "national") else "policy"


def guess_authority(header: dict[str, str], issuer: str = "", doc_no: str = "") -> str:
    """Whose word a file is, by what it says of itself (its header block, else its own masthead).

    "summary" when the header says the text is someone's summary or paraphrase; "official" when it
    names a government issuer or a 文号 (`issuer` and `doc_no` as `describe` found them: the header's,
    else the title's organs, a 文号 line under the title, the signature); else UNVERIFIED — a file that
    says nothing of who issued it is nobody's official text, whatever folder it came from.
    """
    said = " ".join(header.get(k, "") for k in ("completeness", "nature", "category", "source_note"))
    if any(w in said for w in _SUMMARY_MARKS):
        return "summary"
    return "official" if doc_no.strip() or is_government_issuer(issuer) else UNVERIFIED


def is_government_issuer(issuer: str) -> bool:
    """Does `issuer` name a government organ (…厅, …局, …部, …人民政府, 国务院…), not an association,
    institute, school or company (协会, 研究院, 大学, 公司 are organs of `_ORGAN` but speak for nobody's
    government)? Notes in brackets ("（汇编所载）", "（据报道…）") are left out."""
    plain = _BRACKETED.sub(" ", issuer[:_MAX_ISSUER])
    for part in _ISSUER_SEPARATORS.split(plain):
        if _NON_GOVERNMENT.search(part):
            continue
        if _GOVERNMENT_ORGAN.search(part):
            return True
    return False


def _year(date: str, doc_no: str, title: str, stem: str) -> int:
    if date:
        return int(date[:4])
    for text in (doc_no, title):
        if m := re.search(r"[〔\[【(（]((?:19|20)\d{2})[〕\]】)）]", text):
            return int(m.group(1))
        if m := _STANDARD_NO.search(text):
            return int(m.group(1))
    for text in (doc_no, title, stem):
        if m := YEAR.search(text):
            return int(m.group(1))
    return 0


_VALIDITY_PHRASE = re.compile(r"(?:有效期|执行期|试行期|自)[^；;，,（）()]*(?:\d+\s*日|\d+\s*年|施行|实施)")
_MAX_TITLE = 300  # the longest real titles (汇编 of several documents) are under 200 characters
_HEAD_CHARS = 1500  # the opening of a text, where a document without a header names who speaks


def _split_validity(value: str) -> tuple[str, list[str]]:
    """A header date value without its validity phrases ("有效期至…", "自…起施行"), and those phrases."""
    notes = [m.group(0) for m in _VALIDITY_PHRASE.finditer(value)]
    return _VALIDITY_PHRASE.sub("", value), notes


def describe(header: dict[str, str], body: str, path: Path, has_records: bool) -> dict[str, str | int]:
    """Every metadata field of DocumentMeta except doc_id, source, status and superseded_by."""
    raw_title = (header.get("title") or title_from_text(body, path))[:_MAX_TITLE]
    title = clean_title(raw_title)
    issuer = header.get("issuer") or issuer_from_text(body, raw_title)
    doc_no = doc_no_of(header, body, raw_title)
    # a header "日期" may carry validity instead ("汇编未载；有效期截至2027年12月31日"): that is no date of issue
    dated, validity_notes = _split_validity(header.get("date", ""))
    date = find_date(dated) or issue_date(body)
    region, level = place_of(issuer, raw_title)
    if not region and is_national_issuer(body[:_HEAD_CHARS]) and not places_in(body[:_HEAD_CHARS]):
        region, level = NATIONAL, "national"  # nothing names the issuer; national bodies, and no place, open the text
    validity = find_validity(body + "".join(f"。{n}。" for n in validity_notes), date)
    return {
        "title": title.strip(),
        "issuer": issuer.strip()[:120],
        "doc_no": doc_no[:80],
        "date": date,
        "year": _year(date, doc_no, title, path.stem),
        "level": level,
        "region": region,
        "kind": guess_kind(header, has_records, level),
        "authority": guess_authority(header, issuer, doc_no),
        "completeness": header.get("completeness", "")[:200],
        "url": header.get("url", "")[:300],
        "valid_from": validity.valid_from,
        "valid_until": validity.valid_until,
        "repeals": validity.repeals_text()[:1000],
    }
