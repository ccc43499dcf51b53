"""Document metadata: from the header block when there is one, else extracted from the text itself."""

from __future__ import annotations

import re
from pathlib import Path

PROVINCES = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
    "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾"
).split()
# cities that issue their own 认定/奖补 rules (extend freely; a city wins over its province)
CITIES = (
    "大连 沈阳 长春 哈尔滨 深圳 广州 东莞 佛山 苏州 无锡 南京 杭州 宁波 温州 合肥 芜湖 马鞍山 厦门 福州 青岛 济南 "
    "郑州 武汉 长沙 浏阳 成都 西安 兰州 呼和浩特 长乐 烟台 常州 南通"
).split()

DOC_NO = re.compile(
    r"[\u4e00-\u9fa5]{1,16}[〔\[【(（]\d{4}[〕\]】)）]\s*(?:\d+(?:/\d+)*)号|\d{4}年第\d+号公告"
)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?|(\d{4})-(\d{2})-(\d{2})")
YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)(?!\d)")
_NATIONAL_ISSUERS = ("工业和信息化部", "工信部", "国务院", "国家发展改革委", "市场监管总局", "财政部")
_SUMMARY_MARKS = ("意译", "概括", "非官方", "不是官方措辞", "用自己的话", "非标准原文", "未复制正文", "本助手")

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


def find_doc_no(text: str) -> str:
    """The first 文号 in `text` (e.g. 工信厅联通装函〔2021〕263号), or ""."""
    m = DOC_NO.search(text)
    return m.group(0).replace(" ", "") if m else ""


def find_date(text: str) -> str:
    """The first date in `text` as YYYY-MM-DD (day 01 when missing), or ""."""
    m = DATE.search(text)
    if not m:
        return ""
    if m.group(1):
        day = m.group(3) or "1"
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(day):02d}"
    return f"{m.group(4)}-{m.group(5)}-{m.group(6)}"


def find_regions(text: str) -> list[str]:
    """Every province or city named in `text`, in order of first mention."""
    found = sorted((text.find(n), -len(n), n) for n in CITIES + PROVINCES if n in text)
    out: list[str] = []
    for pos, neg_len, name in found:
        if not any(pos >= text.find(o) and pos + -neg_len <= text.find(o) + len(o) and o != name and name in o
                   for o in out):
            out.append(name)
    return out


def find_region(text: str) -> tuple[str, str]:
    """(region, level) of the place named first in `text`; ("", "") when none."""
    found = [(text.find(n), -len(n), n) for n in CITIES + PROVINCES if n in text]
    if not found:
        return "", ""
    _, _, name = min(found)  # the place named first is the issuer's; a longer name wins a tie
    return name, ("city" if name in CITIES else "province")  # 直辖市 are province-level


def normalise_region(name: str) -> str:
    """黑龙江省 → 黑龙江, 大连市 → 大连; unknown names pass through stripped."""
    name = name.strip()
    for known in CITIES + PROVINCES:
        if name.startswith(known):
            return known
    return re.sub(r"(省|市|自治区|特别行政区)$", "", name)


_TITLE_NOTE = re.compile(r"[（(][^（）()]*(?:汇编|节选|涉及|附件|Maturity|[A-Za-z]{6,})[^（）()]*[）)]")


def clean_title(title: str) -> str:
    """Drop compilers' notes from a title: （汇编标题，…节选）, （附件1《…》…）, an English gloss in brackets."""
    cleaned = _TITLE_NOTE.sub("", title).strip()
    return cleaned if len(cleaned) >= 4 else title.strip()


def title_from_text(body: str, path: Path) -> str:
    """A title when no header gives one: the first short line that reads like a title."""
    for line in body.splitlines()[:12]:
        s = line.strip().strip("#").strip()
        if not s or re.match(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*$", s):
            continue
        if 4 <= len(s) <= 60 and not s.endswith(("。", "，", "；")):
            return s
        break
    return path.stem


def guess_kind(header: dict[str, str], has_records: bool, level: str) -> str:
    category = header.get("category", "")
    for word, kind in _KIND_WORDS:
        if word in category:
            if kind == "policy" and level in ("province", "city"):
                return "local_policy"
            return kind
    if has_records:
        return "case_list"
    return "local_policy" if level in ("province", "city") else "policy"


def guess_authority(header: dict[str, str]) -> str:
    """"summary" when the header says the text is someone's summary or paraphrase, else "official"."""
    said = " ".join(header.get(k, "") for k in ("completeness", "nature", "category", "source_note"))
    return "summary" if any(w in said for w in _SUMMARY_MARKS) else "official"


def describe(header: dict[str, str], body: str, path: Path, has_records: bool) -> dict[str, str | int]:
    """Every metadata field of DocumentMeta except doc_id and source."""
    head = body[:1500]
    title = clean_title(header.get("title") or title_from_text(body, path))
    issuer = header.get("issuer") or _issuer_from_text(head)
    # without a header, only the title and the opening lines name the document's own 文号
    doc_no = find_doc_no(header.get("doc_no", "")) or header.get("doc_no", "").strip() or (
        "" if header else find_doc_no(title + "\n" + body[:300]))
    if not DOC_NO.search(doc_no) and re.search(r"未找到|未载|不适用|无|—", doc_no):
        doc_no = ""
    date = find_date(header.get("date", "")) or find_date(head)
    year_src = date or " ".join([title, doc_no, path.stem])
    ym = YEAR.search(year_src)
    region, level = find_region(" ".join([issuer, title, doc_no]))
    if not region and (any(w in issuer for w in _NATIONAL_ISSUERS) or any(w in head for w in _NATIONAL_ISSUERS)):
        region, level = "全国", "national"
    return {
        "title": title.strip(),
        "issuer": issuer.strip()[:120],
        "doc_no": doc_no[:80],
        "date": date,
        "year": int(ym.group(1)) if ym else 0,
        "level": level,
        "region": region,
        "kind": guess_kind(header, has_records, level),
        "authority": guess_authority(header),
        "completeness": header.get("completeness", "")[:200],
        "url": header.get("url", "")[:300],
    }


def _issuer_from_text(head: str) -> str:
    m = re.search(r"(?:发布单位|发布机关|发文机关|印发机关)[：:]\s*([^\n|]+)", head)
    return m.group(1).strip() if m else ""
