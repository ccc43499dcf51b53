"""Plain text files (.txt, .md) and the byte decoding every text-based format shares."""

from __future__ import annotations

import codecs
import logging
import unicodedata
from pathlib import Path

from assistant.errors import CorruptFile
from ingest.cleaning import clean_text
from ingest.header import parse_header
from ingest.loaded import LoadedFile, Page

__all__ = ["decode_text", "load_plain"]

log = logging.getLogger(__name__)


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
            raise CorruptFile(f"{name} 像是二进制文件，不是文本：请导出为 UTF-8 文本。")
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
    raise CorruptFile(f"{name} 不是可识别编码的文本：请另存为 UTF-8 后再导入。")


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


def load_plain(path: Path) -> LoadedFile:
    """Read a .txt or .md file: decoded, header block split off, body cleaned."""
    fmt = path.suffix.lower().lstrip(".")
    raw = decode_text(path.read_bytes(), path.name)
    header, body = parse_header(raw)
    return LoadedFile(path, fmt, [Page(0, clean_text(body))], header)
