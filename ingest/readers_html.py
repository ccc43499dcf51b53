"""Web pages (.html, .htm): navigation and boilerplate dropped, the main content block kept."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.cleaning import clean_text
from ingest.loaded import LoadedFile, Page
from ingest.markdown_table import table_lines
from ingest.readers_text import decode_text

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

__all__ = ["load_html"]

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


def load_html(path: Path) -> LoadedFile:
    """Read a web page (its declared charset tried first); its <title> becomes the header title."""
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
    return LoadedFile(path, "html", [Page(0, clean_text(text, reflow=False))], header)


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
        if line.startswith(_KEEP):  # a Markdown table row written by _data_table: kept as it is
            lines.append(line[len(_KEEP):])
            continue
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
            elif child.name == "table" and (rows := _data_table(child)) is not None:
                parts.append("\n" + "\n".join(_KEEP + line for line in table_lines(rows)) + "\n")
            elif child.name in ("td", "th"):
                parts.append(" | ")
                _walk(child, parts)
            elif child.name in _BLOCK_TAGS:
                parts.append("\n")
                _walk(child, parts)
                parts.append("\n")
            else:
                _walk(child, parts)


_KEEP = "\x00"  # marks the lines of a Markdown table so the cell-separator tidying leaves them alone
# A cell holding more than this, or a nested table, makes a table a page-layout grid, not data.
_LAYOUT_CELL_CHARS = 300


def _data_table(table: Tag) -> list[list[str]] | None:
    """The rows of a data table as cell texts; None for a layout table (nested tables, long cells)."""
    if table.find("table") is not None:
        return None
    rows: list[list[str]] = []
    for tr in table.find_all("tr"):
        cells = []
        for cell in tr.find_all(("td", "th"), recursive=False):
            parts: list[str] = []
            _walk(cell, parts)
            text = " ".join("".join(parts).split())
            if len(text) > _LAYOUT_CELL_CHARS:
                return None
            span = cell.get("colspan")
            copies = int(span) if isinstance(span, str) and span.isdigit() and 0 < int(span) <= 50 else 1
            cells.extend([text] * copies)  # a merged cell repeats its text in every column it spans
        rows.append(cells)
    return rows if any(len(r) >= 2 for r in rows) else None


def _inline(s: str) -> str:
    # A source line break inside Chinese text is formatting, not a space.
    s = re.sub(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])", "", s)
    return re.sub(r"\s+", " ", s)
