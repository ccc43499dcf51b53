"""File loaders: one file in, cleaned pages plus its header (and rows for tables) out.

`load_file` checks the file (suffix, size, emptiness) and hands it to the reader for its format
(`ingest.readers_*`). Every vendor error is translated, here or in the reader, into the Zhice error
tree (`UnsupportedFile`, `FileTooLarge`, `CorruptFile`) with a message that names the file and says
what to do next. This module is the public entry: import `Page`, `LoadedFile`,
`SUPPORTED_SUFFIXES`, `load_file` and `decode_text` from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from assistant.errors import BadInput, CorruptFile, FileTooLarge, UnsupportedFile
from assistant.settings import ReaderLimits
from ingest.bounds import over_limit
from ingest.loaded import LoadedFile, Page, Table
from ingest.readers_docx import load_docx
from ingest.readers_html import load_html
from ingest.readers_pdf import load_pdf
from ingest.readers_table import load_csv, load_xlsx
from ingest.readers_text import decode_text, load_plain

log = logging.getLogger(__name__)
__all__ = ["SUPPORTED_SUFFIXES", "LoadedFile", "Page", "Table", "decode_text", "load_file"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".csv", ".xlsx"}
)


def load_file(path: Path, max_bytes: int, limits: ReaderLimits | None = None) -> LoadedFile:
    """Read one policy file.

    Args:
        path: The file; its suffix picks the loader (see `SUPPORTED_SUFFIXES`).
        max_bytes: Larger files are refused before anything is read.
        limits: Caps on pages, rows, columns, cells and unzipped size (defaults: `ReaderLimits()`).

    Returns:
        The cleaned pages, the header block and, for tables, columns and records.

    Raises:
        UnsupportedFile: The suffix is not one we read.
        FileTooLarge: The file is larger than `max_bytes` or over one of `limits`.
        CorruptFile: The file is empty, damaged, encrypted, not decodable or has no text.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFile(
            f"{path.name}：无法读取“{suffix or '无扩展名'}”类型的文件，请转换为以下格式之一后再导入：{supported}。"
        )
    limits = limits or ReaderLimits()
    _check_size(path, suffix, max_bytes, limits)
    try:
        loaded = loader(path, limits)
    except OSError as e:
        raise CorruptFile(f"{path.name} 无法读取（{e.strerror or e}）：请检查文件权限。") from e
    except RecursionError as e:  # a vendor parser recursing on a pathologically nested file
        raise CorruptFile(f"{path.name} 的结构嵌套过深，无法读取：请用原软件另存一份后再导入。") from e
    except BadInput:
        raise
    except Exception as e:  # a reader or vendor failure we did not foresee costs this file, not the run
        log.exception("%s: unexpected error while reading", path.name)
        raise CorruptFile(
            f"{path.name} 读取失败（{type(e).__name__}）：请用原软件另存一份后再导入；若反复出现，请把该文件附在问题报告里。"
        ) from e
    chars = sum(len(page.text) for page in loaded.pages) + sum(len(v) for r in loaded.records for v in r.values())
    if chars > limits.max_chars:
        raise over_limit(path.name, "文字数", chars, limits.max_chars, "ZHICE_READERS__MAX_CHARS")
    if not loaded.records and not any(page.text for page in loaded.pages):
        hint = (
            "（可能是扫描件）：请开启 OCR（ZHICE_READERS__OCR，需安装 rapidocr-onnxruntime）或先做文字识别"
            if loaded.fmt == "pdf"
            else "：请检查文件内容"
        )
        raise CorruptFile(f"{path.name} 没有可提取的文字{hint}。")
    return loaded


def _check_size(path: Path, suffix: str, max_bytes: int, limits: ReaderLimits) -> None:
    """Refuse a file that is missing, not a file, empty or too large before anything reads it."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise CorruptFile(f"{path.name} 无法读取（{e.strerror}）：请检查文件是否存在。") from e
    if not path.is_file():
        raise CorruptFile(f"{path.name} 不是普通文件：请导入其中的文件。")
    if size > max_bytes:
        raise FileTooLarge(
            f"{path.name} 大小为 {_size(size)}，超过 {_size(max_bytes)} 的上限：请拆分成较小的文件，或调高 ZHICE_MAX_FILE_MB。"
        )
    if size == 0:
        raise CorruptFile(f"{path.name} 是空文件：请检查导出结果，导入有内容的副本。")
    if suffix in (".html", ".htm") and size > limits.max_html_bytes:
        raise over_limit(path.name, "网页文件大小", _size(size), _size(limits.max_html_bytes), "ZHICE_READERS__MAX_HTML_MB")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n / (1024 * 1024):.1f} MB"


def _text_only(read: Callable[[Path], LoadedFile]) -> Callable[[Path, ReaderLimits], LoadedFile]:
    """Text formats are bounded by the file size alone (and the chunk cap downstream)."""
    return lambda path, _limits: read(path)


_LOADERS: dict[str, Callable[[Path, ReaderLimits], LoadedFile]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".txt": _text_only(load_plain),
    ".md": _text_only(load_plain),
    ".html": _text_only(load_html),
    ".htm": _text_only(load_html),
    ".csv": load_csv,
    ".xlsx": load_xlsx,
}
