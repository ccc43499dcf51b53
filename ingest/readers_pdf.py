"""PDF files: one cleaned page per page with text, running headers and footers removed."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.errors import CorruptFile, FileTooLarge
from assistant.settings import ReaderLimits
from ingest.bounds import over_limit
from ingest.cleaning import clean_text, looks_hard_wrapped, remove_running_lines
from ingest.loaded import LoadedFile, Page

__all__ = ["load_pdf"]

log = logging.getLogger(__name__)


def load_pdf(path: Path, limits: ReaderLimits | None = None) -> LoadedFile:
    """Read a PDF; encrypted, damaged or unopenable files raise `CorruptFile`, bad pages are skipped.

    The page count (read from the page tree, before any page is parsed) is checked against
    `limits.max_pages` first.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    limits = limits or ReaderLimits()
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorruptFile(
                f"{path.name} is encrypted with a password: save an unencrypted copy and ingest that."
            )
        count = len(reader.pages)
        if count > limits.max_pages:
            raise over_limit(path.name, "页数", count, limits.max_pages, "ZHICE_READERS__MAX_PAGES")
        pages = list(reader.pages)
    except (CorruptFile, FileTooLarge):
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
    return LoadedFile(path, "pdf", [p for p in cleaned if p.text], header)
