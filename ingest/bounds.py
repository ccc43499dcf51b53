"""Caps on what reading one file may cost (pages, rows, columns, cells, unzipped size, chunks).

A file over a cap raises `FileTooLarge` with a Chinese message naming the cap, the file's figure and
the setting that raises it; ingest skips that file and goes on with the rest. The zip checks read
only the package's central directory (the declared sizes, which is what `zipfile` inflates to at
most), so a compressed bomb is refused before a byte of it is inflated.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from assistant.errors import FileTooLarge
from assistant.settings import ReaderLimits

__all__ = ["check_zip_package", "over_limit"]

# The end-of-central-directory record: signature, then (at offset 10) the total number of entries.
_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_SIZE = 22
_EOCD_SEARCH = _EOCD_SIZE + 0xFFFF  # the record sits within the last 22 bytes + the longest zip comment
_ZIP64_COUNT = 0xFFFF  # a count of 0xFFFF means "see the zip64 record": no DOCX/XLSX needs that many members


def over_limit(name: str, what: str, found: int | str, cap: int | str, setting: str) -> FileTooLarge:
    """The error for a file over a reader cap, in the words the person ingesting it reads.

    Args:
        name: The file name.
        what: What was counted, e.g. "工作表“浙江”的行数".
        found: The file's figure (the count when reading stopped, one past the cap, for streamed counts).
        cap: The cap.
        setting: The setting's environment variable, e.g. ZHICE_READERS__MAX_ROWS.
    """
    return FileTooLarge(
        f"{name}：{what}达到 {found}，超过上限 {cap}，已跳过该文件（其余文件照常入库）。"
        f"请拆分该文件后重新导入；确属正常文件时可调高 {setting}。"
    )


def check_zip_package(path: Path, limits: ReaderLimits) -> None:
    """Refuse a DOCX/XLSX whose package has too many members or inflates past `limits.max_unzipped_mb`.

    A file that is not a zip package passes: the reader then says what is wrong with it.

    Raises:
        FileTooLarge: Over a cap.
    """
    members = _declared_member_count(path)
    if members is not None and members > limits.max_zip_members:
        raise over_limit(path.name, "压缩包内的文件数", members if members != _ZIP64_COUNT else "65535 以上",
                         limits.max_zip_members, "ZHICE_READERS__MAX_ZIP_MEMBERS")
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip package: the format's reader reports that in its own words
    if len(infos) > limits.max_zip_members:  # no end record found above, or it lied
        raise over_limit(path.name, "压缩包内的文件数", len(infos), limits.max_zip_members,
                         "ZHICE_READERS__MAX_ZIP_MEMBERS")
    total = sum(max(0, info.file_size) for info in infos)
    if total > limits.max_unzipped_bytes:
        biggest = max(infos, key=lambda i: i.file_size)
        raise over_limit(
            path.name, f"解压后的大小（最大的部件 {biggest.filename} 为 {_mb(biggest.file_size)}）",
            _mb(total), _mb(limits.max_unzipped_bytes), "ZHICE_READERS__MAX_UNZIPPED_MB",
        )


def _declared_member_count(path: Path) -> int | None:
    """The member count the end record declares, read without parsing the directory; None if not found."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - _EOCD_SEARCH))
            tail = fh.read()
    except OSError:
        return None
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or at + _EOCD_SIZE > len(tail):
        return None
    (count,) = struct.unpack_from("<H", tail, at + 10)
    return int(count)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
