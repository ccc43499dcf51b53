"""A loaded file → its chunks: body text along the section tree, every table row a record of its own.

`build_chunks` is re-exported by `ingest.pipeline`, which embeds and stores what it returns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from assistant.core.structure import parse_units
from assistant.domain import Chunk, DocumentMeta
from assistant.settings import Settings
from ingest.bounds import over_limit
from ingest.chunking import chunk_units
from ingest.loaded import LoadedFile, Table
from ingest.metadata import describe

__all__ = ["build_chunks", "row_text"]

_CELL_META_CHARS = 200  # a cell's text kept in chunk metadata (the full row is in the chunk text)


def build_chunks(loaded: LoadedFile, doc_id: str, source: str, settings: Settings) -> list[Chunk]:
    """The chunks of one loaded file, each knowing its document, section and (for tables) sheet.

    Raises:
        FileTooLarge: The file gives more chunks than `settings.readers.max_chunks`.
    """
    body = "\n".join(p.text for p in loaded.pages)
    # one sheet's title row may name the file; with several sheets each names only its own sheet
    notes = "\n".join(loaded.tables[0].notes) if len(loaded.tables) == 1 else ""
    meta = describe(loaded.header, body or notes, loaded.path, bool(loaded.records))
    ocr_pages = sorted({p.number for p in loaded.pages if p.ocr})
    if ocr_pages:
        meta["ocr_pages"] = ",".join(str(n) for n in ocr_pages)
    doc = DocumentMeta(doc_id=doc_id, source=source, **meta)  # type: ignore[arg-type]
    texts: list[tuple[str, str, int, dict[str, str], str]] = []
    for piece in chunk_units(parse_units([(p.number, p.text) for p in loaded.pages]), settings.chunking):
        texts.append((piece.section, piece.text, piece.page, _meta_cells(piece.record), ""))
    several = len(loaded.tables) > 1
    for table in loaded.tables:
        texts.extend(_table_chunks(table, several))
    cap = settings.readers.max_chunks
    if len(texts) > cap:
        raise over_limit(loaded.path.name, "切分出的段落数", len(texts), cap, "ZHICE_READERS__MAX_CHUNKS")
    n = len(texts)
    return [
        Chunk(chunk_id=f"{doc_id}:{i}", doc=doc, text=text, section=section, page=page, ord=i,
              n_chunks=n, record=record, sheet=sheet)
        for i, (section, text, page, record, sheet) in enumerate(texts)
    ]


def _table_chunks(table: Table, several: bool) -> list[tuple[str, str, int, dict[str, str], str]]:
    """A table's notes (title, 注：…) as one passage, then one passage per row; with several sheets the
    sheet name opens each section, so "安徽 > 第3行" tells the sheets apart in citations."""
    prefix = f"{table.name} > " if several and table.name else ""
    out: list[tuple[str, str, int, dict[str, str], str]] = []
    if table.notes:
        out.append((table.name or "说明", "\n".join(table.notes), 0, {}, table.name))
    for i, rec in enumerate(table.records, start=1):
        row = row_text(rec)
        if row:
            out.append((f"{prefix}第{i}行", row, 0, _meta_cells(rec.items()), table.name))
    return out


def _meta_cells(cells: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {k: v[:_CELL_META_CHARS] for k, v in cells if v}


def row_text(record: dict[str, str]) -> str:
    """A table row as the source writes it (comma-separated, so a quote of the file still matches),
    then its cells named by column; "" for an empty row."""
    if not any(record.values()):
        return ""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(list(record.values()))
    labelled = "；".join(f"{k}：{v}" for k, v in record.items() if v)
    return f"{buf.getvalue()}\n{labelled}"
