"""File loaders: one file in, cleaned pages plus its header (and rows for tables) out.

Every vendor error is translated here into the Zhice error tree (`UnsupportedFile`,
`FileTooLarge`, `CorruptFile`) with a message that names the file and says what to do next.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import CorruptFile, FileTooLarge, UnsupportedFile
from ingest.cleaning import clean_text, looks_hard_wrapped, remove_running_lines
from ingest.header import parse_header, parse_header_lines

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from docx.table import Table

__all__ = ["SUPPORTED_SUFFIXES", "LoadedFile", "Page", "decode_text", "load_file"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".csv", ".xlsx"}
)


@dataclass(frozen=True)
class Page:
    """A page of body text."""

    number: int  # 1-based page number for PDFs; 0 when the format has no pages
    text: str  # CLEANED text (see cleaning.clean_text), original wording kept


@dataclass(frozen=True)
class LoadedFile:
    """What a loader read from one file.

    Text formats give one `Page` (number 0) of body text; PDFs one `Page` per page that has text.
    Tables (csv, xlsx) give `pages == []` and their rows in `columns` / `records`.
    """

    path: Path
    fmt: str  # "pdf" | "docx" | "txt" | "md" | "html" | "csv" | "xlsx"
    pages: list[Page]  # body text (header block removed); one Page for non-PDF text
    header: dict[str, str]  # normalised header keys (see ingest.header); {} when none
    columns: list[str]  # for csv/xlsx: column names; [] otherwise
    records: list[dict[str, str]]  # for csv/xlsx: one dict per row (col -> cell text); [] otherwise


def load_file(path: Path, max_bytes: int) -> LoadedFile:
    """Read one policy file.

    Args:
        path: The file; its suffix picks the loader (see `SUPPORTED_SUFFIXES`).
        max_bytes: Larger files are refused before anything is read.

    Returns:
        The cleaned pages, the header block and, for tables, columns and records.

    Raises:
        UnsupportedFile: The suffix is not one we read.
        FileTooLarge: The file is larger than `max_bytes`.
        CorruptFile: The file is empty, damaged, encrypted, not decodable or has no text.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFile(
            f"{path.name}: files of type '{suffix or '(no suffix)'}' cannot be read; "
            f"convert it to one of {supported}."
        )
    try:
        size = path.stat().st_size
    except OSError as e:
        raise CorruptFile(f"{path.name} cannot be read ({e.strerror}): check that the file exists.") from e
    if not path.is_file():
        raise CorruptFile(f"{path.name} is not a regular file: pass the files inside it instead.")
    if size > max_bytes:
        raise FileTooLarge(
            f"{path.name} is {_size(size)}, over the {_size(max_bytes)} limit: split it into smaller files "
            "or raise ZHICE_MAX_FILE_MB."
        )
    if size == 0:
        raise CorruptFile(f"{path.name} is empty: check the export and ingest a copy that has content.")
    try:
        loaded = loader(path)
    except OSError as e:
        raise CorruptFile(f"{path.name} cannot be read ({e.strerror or e}): check its permissions.") from e
    if not loaded.records and not any(page.text for page in loaded.pages):
        hint = (
            " (it may be a scanned image): run OCR on it first"
            if loaded.fmt == "pdf"
            else ": check its content"
        )
        raise CorruptFile(f"{path.name} contains no extractable text{hint}.")
    return loaded


# ---------------------------------------------------------------- text formats


def decode_text(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode the bytes of a text file: UTF-8 (BOM or not), else GB18030, else a detected charset.

    Args:
        data: The raw bytes.
        name: The file name, for error messages.
        declared: An encoding the file declares (e.g. an HTML meta charset), tried first.

    Returns:
        The text.

    Raises:
        CorruptFile: The bytes are binary or decode to no plausible text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: list[str] = ["utf-16"]
    else:
        if b"\x00" in data:
            raise CorruptFile(f"{name} looks like a binary file, not text: export it as UTF-8 text.")
        candidates = ["utf-8-sig", "gb18030"]
    if declared:
        candidates.insert(0, _canonical_encoding(declared))
    for encoding in dict.fromkeys(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text
    from charset_normalizer import from_bytes  # only for the rare file that is neither UTF-8 nor GB

    best = from_bytes(data).best()
    if best is not None and _plausible(str(best)):
        log.info("%s decoded as %s", name, best.encoding)
        return str(best)
    raise CorruptFile(f"{name} is not readable text in a known encoding: save it as UTF-8 and ingest again.")


def _canonical_encoding(declared: str) -> str:
    enc = declared.strip().lower()
    # GB2312/GBK pages routinely use characters outside their declared set; GB18030 covers both.
    return "gb18030" if enc in {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936"} else enc


def _plausible(text: str) -> bool:
    if not text.strip():
        return True  # whitespace only: "no extractable text" is reported later
    bad = sum(
        1
        for c in text
        if (unicodedata.category(c) in {"Cc", "Co", "Cn", "Cs"} and c not in "\t\n\r\f\v") or c == "\ufffd"
    )
    return bad <= max(2, len(text) // 200)


def _load_plain(path: Path) -> LoadedFile:
    fmt = path.suffix.lower().lstrip(".")
    raw = decode_text(path.read_bytes(), path.name)
    header, body = parse_header(raw)
    return LoadedFile(path, fmt, [Page(0, clean_text(body))], header, [], [])


# ---------------------------------------------------------------- PDF


def _load_pdf(path: Path) -> LoadedFile:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorruptFile(
                f"{path.name} is encrypted with a password: save an unencrypted copy and ingest that."
            )
        pages = list(reader.pages)
    except CorruptFile:
        raise
    except DependencyError as e:  # e.g. AES encryption without the cryptography package
        raise CorruptFile(
            f"{path.name} is encrypted in a way we cannot open ({e}): "
            "save an unencrypted copy and ingest that."
        ) from e
    except Exception as e:  # pypdf raises PdfReadError but also plain Key/Value/AttributeErrors on damage
        raise CorruptFile(
            f"{path.name} is not a readable PDF ({type(e).__name__}: {e}): re-export or re-download it."
        ) from e

    texts = []
    for number, page in enumerate(pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except Exception as e:  # one damaged page must not cost the whole document
            log.warning("%s: page %d is unreadable (%s: %s)", path.name, number, type(e).__name__, e)
            texts.append("")
    texts = remove_running_lines(texts)
    reflow = looks_hard_wrapped("\n".join(texts))
    cleaned = [Page(n, clean_text(t, reflow=reflow)) for n, t in enumerate(texts, start=1)]
    header: dict[str, str] = {}
    try:
        title = reader.metadata.title if reader.metadata is not None else None
    except Exception as e:  # damaged metadata costs the title, not the document
        log.warning("%s: unreadable PDF metadata (%s: %s)", path.name, type(e).__name__, e)
        title = None
    if isinstance(title, str) and title.strip():
        header["title"] = title.strip()
    return LoadedFile(path, "pdf", [p for p in cleaned if p.text], header, [], [])


# ---------------------------------------------------------------- DOCX


def _load_docx(path: Path) -> LoadedFile:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises zip, XML and key errors for a broken package
        raise CorruptFile(
            f"{path.name} is not a readable Word .docx file ({type(e).__name__}): open and re-save it "
            "as .docx (an old .doc renamed to .docx does not work)."
        ) from e
    lines: list[str] = []

    def read_blocks(parent: Any) -> None:
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                lines.extend(_table_lines(Table(child, document)))
            elif tag in ("sdt", "sdtContent"):  # content controls wrap ordinary paragraphs
                read_blocks(child)

    read_blocks(document.element.body)
    header, text = parse_header("\n".join(lines))
    title = (document.core_properties.title or "").strip()
    if title and "title" not in header:
        header["title"] = title
    return LoadedFile(path, "docx", [Page(0, clean_text(text, reflow=False))], header, [], [])


def _table_lines(table: Table) -> list[str]:
    """One line per table row, cells joined by " | " (merged cells once), so a row stays together."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):  # a merged cell is repeated for every column it spans
                continue
            seen.append(cell._tc)
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


# ---------------------------------------------------------------- HTML

_DROP_TAGS = tuple(
    "script style noscript template nav header footer aside form iframe svg button select input "
    "textarea".split()
)
_NOISE_NAME = re.compile(
    r"(?<![a-z])(?:nav|menu|footer|breadcrumb|sidebar|crumb)|(?:nav|menu|footer|breadcrumbs?|sidebar)(?![a-z])",
    re.IGNORECASE,
)
_KEEP_TAGS = {"html", "body", "main", "article"}
_BLOCK_TAGS = set(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol table tbody thead tfoot tr pre blockquote "
    "dd dt dl figure figcaption address hr center caption".split()
)
_TEXT_TAGS = tuple("p h1 h2 h3 h4 h5 h6 li table pre blockquote".split())
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"


def _load_html(path: Path) -> LoadedFile:
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    m = _META_CHARSET.search(data[:4096])
    html = decode_text(data, path.name, declared=m.group(1).decode("ascii") if m else None)
    soup = BeautifulSoup(html, "html.parser")
    header: dict[str, str] = {}
    if soup.title is not None:
        if soup.title.get_text(strip=True):
            header["title"] = " ".join(soup.title.get_text().split())
        soup.title.decompose()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    total = len(soup.get_text(strip=True))
    for tag in soup.find_all(True):
        if getattr(tag, "decomposed", False) or tag.name in _KEEP_TAGS or tag.attrs is None:
            continue
        names = " ".join(tag.get_attribute_list("class") + tag.get_attribute_list("id"))
        # a "noise" element holding most of the page is a badly named content wrapper: keep it
        if names and _NOISE_NAME.search(names) and len(tag.get_text(strip=True)) < 0.5 * total:
            tag.decompose()
    root = _content_root(soup)
    text = _html_text(root)
    return LoadedFile(path, "html", [Page(0, clean_text(text, reflow=False))], header, [], [])


def _content_root(soup: BeautifulSoup) -> Tag:
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text(strip=True)))
    main = soup.find("main") or soup.find(role="main")
    if main is not None:
        return main
    body = soup.find("body") or soup
    # The largest text block: the element whose direct paragraphs hold the most text.
    best, best_score = body, 0
    for el in body.find_all(("div", "section", "td")):
        score = sum(len(child.get_text(strip=True)) for child in el.find_all(_TEXT_TAGS, recursive=False))
        if score > best_score:
            best, best_score = el, score
    total = len(body.get_text(strip=True))
    return best if best_score >= 0.3 * total else body


def _html_text(root: Tag) -> str:
    parts: list[str] = []
    _walk(root, parts)
    lines = []
    for line in "".join(parts).split("\n"):
        line = line.strip().strip("|").strip()
        if line:  # block boundaries, not blank lines, separate paragraphs on a web page
            lines.append(re.sub(r"\s*\|\s*(?:\|\s*)*", " | ", line))
    return "\n".join(lines)


def _walk(el: Tag, parts: list[str]) -> None:
    """Text of `el` with a line break around every block element; table cells joined by " | "."""
    from bs4 import NavigableString, Tag

    for child in el.children:
        if type(child) is NavigableString:  # not a Comment, Doctype or CData
            parts.append(_inline(str(child)))
        elif isinstance(child, Tag):
            if child.name == "br":
                parts.append("\n")
            elif child.name in ("td", "th"):
                parts.append(" | ")
                _walk(child, parts)
            elif child.name in _BLOCK_TAGS:
                parts.append("\n")
                _walk(child, parts)
                parts.append("\n")
            else:
                _walk(child, parts)


def _inline(s: str) -> str:
    # A source line break inside Chinese text is formatting, not a space.
    s = re.sub(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])", "", s)
    return re.sub(r"\s+", " ", s)


# ---------------------------------------------------------------- tables


def _load_csv(path: Path) -> LoadedFile:
    text = decode_text(path.read_bytes(), path.name)
    lines = text.splitlines()
    i = 0
    header_lines = []
    while i < len(lines) and (_is_header_line(lines[i]) or not lines[i].strip()):
        if lines[i].strip():
            header_lines.append(lines[i])
        i += 1
    rest = "\n".join(lines[i:])
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    if i < len(lines):
        try:
            dialect = csv.Sniffer().sniff(lines[i], delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel  # one-column files and the like: plain commas
    try:
        rows = list(csv.reader(io.StringIO(rest), dialect))
    except csv.Error as e:
        raise CorruptFile(
            f"{path.name} is not a well-formed CSV ({e}): re-export it from the spreadsheet."
        ) from e
    return _table(path, "csv", parse_header_lines(header_lines), rows)


def _load_xlsx(path: Path) -> LoadedFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zip, XML and key errors for a broken workbook
        raise CorruptFile(
            f"{path.name} is not a readable Excel .xlsx workbook ({type(e).__name__}): open and re-save it "
            "as .xlsx without a password."
        ) from e
    try:
        sheets = [
            [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise CorruptFile(f"{path.name} has an unreadable worksheet ({e}): re-save it in Excel.") from e
    finally:
        workbook.close()
    filled = [rows for rows in sheets if any(any(c.strip() for c in row) for row in rows)]
    if not filled:
        raise CorruptFile(f"{path.name} contains no data: check that the workbook is not empty.")
    if len(filled) > 1:
        log.warning("%s: %d sheets hold data; only the first is read", path.name, len(filled))
    rows = filled[0]
    header_lines = []
    i = 0
    while i < len(rows) and (
        not any(c.strip() for c in rows[i]) or _is_header_line("\t".join(c for c in rows[i] if c.strip()))
    ):
        if any(c.strip() for c in rows[i]):
            header_lines.append(" ".join(c.strip() for c in rows[i] if c.strip()))
        i += 1
    return _table(path, "xlsx", parse_header_lines(header_lines), rows[i:])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _is_header_line(line: str) -> bool:
    # "# 标题: …" (or a bare "#") is a header line; "#,企业,奖励" is a column row whose first column is "#".
    stripped = line.strip()
    return stripped.startswith("#") and not re.match(r"#\s*[,\t;|]", stripped)


def _table(path: Path, fmt: str, header: dict[str, str], rows: Iterable[list[str]]) -> LoadedFile:
    cleaned = [[unicodedata.normalize("NFC", c).strip() for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        raise CorruptFile(
            f"{path.name} has no column row: add a line of column names after the # header lines."
        )
    if len(cleaned) == 1:
        raise CorruptFile(f"{path.name} has column names but no data rows: check the export.")
    # Trailing empty cells (spreadsheet padding) are not columns; cells past the column row are.
    width = max(max(j for j, c in enumerate(row) if c) + 1 for row in cleaned)
    columns = _column_names((cleaned[0] + [""] * width)[:width])
    records = [{col: row[j] if j < len(row) else "" for j, col in enumerate(columns)} for row in cleaned[1:]]
    return LoadedFile(path, fmt, [], header, columns, records)


def _column_names(row: list[str]) -> list[str]:
    names: list[str] = []
    for j, cell in enumerate(row, start=1):
        name = cell or f"column_{j}"
        while name in names:
            name = f"{name}_{j}"
        names.append(name)
    return names


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n / (1024 * 1024):.1f} MB"


_LOADERS: dict[str, Callable[[Path], LoadedFile]] = {
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    ".txt": _load_plain,
    ".md": _load_plain,
    ".html": _load_html,
    ".htm": _load_html,
    ".csv": _load_csv,
    ".xlsx": _load_xlsx,
}
