"""PDF files: one cleaned page per page with text, running headers and footers removed; pages without a
text layer (scans) recognised by OCR (`ingest.ocr`) and marked as such."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from assistant.errors import CorruptFile, FileTooLarge
from assistant.settings import ReaderLimits
from ingest.bounds import over_limit
from ingest.cleaning import clean_text, looks_hard_wrapped, remove_running_lines
from ingest.loaded import LoadedFile, Page
from ingest.ocr import OcrUnavailable, needs_ocr, recognise_pages
from ingest.pdf_tables import MIN_ROWS, mark_tables

__all__ = ["load_pdf"]

log = logging.getLogger(__name__)


def load_pdf(path: Path, limits: ReaderLimits | None = None) -> LoadedFile:
    """Read a PDF; encrypted, damaged or unopenable files raise `CorruptFile`, bad pages are skipped.

    The page count (the page tree's declared count, then the pages themselves) is checked against
    `limits.max_pages` before any page is parsed.
    """
    limits = limits or ReaderLimits()
    reader, pages = _open(path, limits)
    texts = []
    for number, page in enumerate(pages, start=1):
        try:
            texts.append(_with_tables(page.extract_text() or "", page))
        except Exception as e:  # one damaged page must not cost the whole document
            log.warning("%s: page %d is unreadable (%s: %s)", path.name, number, type(e).__name__, e)
            texts.append("")
    recognised = _ocr(path, texts, limits)
    texts = [recognised.get(n, t) for n, t in enumerate(texts, start=1)]
    texts = remove_running_lines(texts)
    reflow = looks_hard_wrapped("\n".join(texts))
    cleaned = [Page(n, clean_text(t, reflow=reflow), ocr=n in recognised) for n, t in enumerate(texts, start=1)]
    header: dict[str, str] = {}
    if title := _title(path, reader):
        header["title"] = title
    return LoadedFile(path, "pdf", [p for p in cleaned if p.text], header)


def _open(path: Path, limits: ReaderLimits) -> tuple[Any, list[Any]]:
    """The reader and its pages, refusing encrypted and damaged files and files over the page cap."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorruptFile(f"{path.name} 有打开密码（已加密）：请另存一份未加密的副本再导入。")
        # the page tree's declared count first: counting the pages themselves walks the whole tree
        # (8 s and 400 MB for 100,000 pages); a count that lies is caught after the walk
        declared = _declared_pages(reader)
        if declared > limits.max_pages:
            raise over_limit(path.name, "页数", declared, limits.max_pages, "ZHICE_READERS__MAX_PAGES")
        pages = list(reader.pages)
        if len(pages) > limits.max_pages:
            raise over_limit(path.name, "页数", len(pages), limits.max_pages, "ZHICE_READERS__MAX_PAGES")
    except (CorruptFile, FileTooLarge):
        raise
    except DependencyError as e:  # e.g. AES encryption without the cryptography package
        raise CorruptFile(f"{path.name} 的加密方式无法打开（{e}）：请另存一份未加密的副本再导入。") from e
    except Exception as e:  # pypdf raises PdfReadError but also plain Key/Value/AttributeErrors on damage
        raise CorruptFile(f"{path.name} 不是可读取的 PDF（{type(e).__name__}: {e}）：请重新导出或重新下载。") from e
    return reader, pages


def _title(path: Path, reader: Any) -> str:
    """The document-information /Title, "" when missing or unreadable."""
    try:
        title = reader.metadata.title if reader.metadata is not None else None
    except Exception as e:  # damaged metadata costs the title, not the document
        log.warning("%s: unreadable PDF metadata (%s: %s)", path.name, type(e).__name__, e)
        return ""
    return title.strip() if isinstance(title, str) else ""


def _ocr(path: Path, texts: list[str], limits: ReaderLimits) -> dict[int, str]:
    """Recognised text of the pages without a text layer (1-based page → text); {} when OCR is off or
    not installed (the file is then reported as having no extractable text)."""
    numbers = [n for n, t in enumerate(texts, start=1) if needs_ocr(t)]
    if not numbers or not limits.ocr:
        return {}
    if len(numbers) > limits.max_ocr_pages:
        raise over_limit(path.name, "需要识别的扫描页数", len(numbers), limits.max_ocr_pages,
                         "ZHICE_READERS__MAX_OCR_PAGES")
    try:
        recognised = recognise_pages(path, numbers)
    except OcrUnavailable as e:
        log.warning("%s: %d pages have no text layer and OCR is not installed (%s)", path.name, len(numbers), e)
        return {}
    except Exception as e:  # pdfium or the OCR model failing on one file must not stop the ingest
        log.warning("%s: OCR failed (%s: %s)", path.name, type(e).__name__, e)
        return {}
    return {n: t for n, t in recognised.items() if t.strip()}


def _with_tables(plain: str, page: object) -> str:
    """The page's text with its tables as Markdown rows; the layout pass runs only on pages where at
    least MIN_ROWS lines hold a space (plain extraction joins a row's cells with spaces; 公文 prose has none)."""
    if sum(1 for line in plain.split("\n") if " " in line.strip()) < MIN_ROWS:
        return plain
    return mark_tables(plain, page)


def _declared_pages(reader: Any) -> int:
    """The /Count of the PDF's page tree (0 when it is missing or not a number)."""
    try:
        return int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except Exception:  # a damaged tree: the walk that follows reports it
        return 0
