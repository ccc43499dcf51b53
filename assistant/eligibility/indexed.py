"""Programmes drafted from the documents in the index, so a user's own 认定办法 is checkable at once.

Every indexed document that reads as recognition or reward rules is drafted (from its file when it is
still there, else from its stored pieces) and loaded by the same strict loader, marked `draft`.
Skipped: documents a reviewed programme file already covers (same 文号 or title), documents another
indexed document declares 废止 (…（X〔2023〕58号）同时废止), and drafts the loader refuses (logged).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.domain import Chunk, DocumentMeta
from assistant.eligibility.draft import DraftProgramme, doc_info, draft_file, draft_sentences
from assistant.eligibility.draft_output import to_programme_data
from assistant.eligibility.loader import programme_from_data
from assistant.eligibility.model import Programme
from assistant.errors import ZhiceError

__all__ = ["ABOLISH_PHRASE", "abolished_doc_nos", "abolished_in", "draft_indexed", "drafts_of_document", "save_programme"]

log = logging.getLogger(__name__)
# kinds of document that never hold application rules (lists of names, standards, catalogues)
_NO_RULES_KINDS = {"case_list", "catalogue", "standard"}
# titles of documents that state rules one applies under (认定办法, 奖补细则, 申报通知, 若干政策 …)
_RULES_TITLE = re.compile(r"认定|奖|补|申报|资金|支持|培育|细则|办法|政策|标准|通知")
_SUPERSEDED = "superseded"  # DocumentMeta.status of a document another one repeals (assistant.core.validity)
ABOLISH_PHRASE = "同时废止"  # every repeal _ABOLISHED reads contains it (the index finds those texts by it)
_ABOLISHED = re.compile(r"[（(]([^（）()]{2,24}〔\d{4}〕\d+号)[）)][^。；]{0,6}" + ABOLISH_PHRASE)


def abolished_in(texts: Iterable[str]) -> set[str]:
    """文号 that these texts declare 废止 (a revision replacing its predecessor)."""
    return {m.group(1) for t in texts for m in _ABOLISHED.finditer(t)}


def abolished_doc_nos(by_doc: Mapping[str, Sequence[Chunk]]) -> set[str]:
    """文号 that indexed documents declare 废止."""
    return abolished_in(c.text for chunks in by_doc.values() for c in chunks)


def drafts_of_document(chunks: Sequence[Chunk], max_bytes: int = 50 << 20) -> list[DraftProgramme]:
    """The drafts of one indexed document: from its file while it is there (the section tree is
    exact), else from its stored pieces in order."""
    meta = chunks[0].doc
    source = Path(meta.source)
    if source.is_file() and source.stat().st_size <= max_bytes:
        return draft_file(source, max_bytes)
    ordered = sorted(chunks, key=lambda c: c.ord)
    return draft_sentences([(c.section, c.text) for c in ordered], doc_info(meta.title, meta.doc_no, meta.doc_id))


def save_programme(data: dict[str, Any], folder: Path, reviewed: bool = False) -> Path:
    """Write a (drafted) programme file into `folder` after checking it with the strict loader.

    Args:
        data: A programme mapping (`to_programme_data`, possibly edited by a reviewer).
        folder: Where the programme files live (settings.programmes_dir for the reviewed ones).
        reviewed: The reviewer has checked every condition against its quote: `draft` is dropped.

    Raises:
        ConfigError: the mapping is not a valid programme (the message names the item).
    """
    import yaml

    out = {k: v for k, v in data.items() if not (reviewed and k == "draft")}
    programme_from_data(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{out['id']}.yaml"
    path.write_text(yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return path


def draft_indexed(by_doc: Mapping[str, Sequence[Chunk]], reviewed: Sequence[Programme],
                  max_bytes: int = 50 << 20, cache: dict[str, list[Programme]] | None = None,
                  metas: Mapping[str, DocumentMeta] | None = None, gone: set[str] | None = None) -> list[Programme]:
    """Draft programmes of every indexed document that reads as rules and no reviewed file covers.

    Args:
        by_doc: The index's chunks by document, in order (`Snapshot.by_doc`).
        reviewed: The programme files already loaded (their documents are not drafted again).
        max_bytes: Larger source files are drafted from their stored pieces instead.
        cache: Drafts by doc_id from an earlier call: a document is named by its content, so an
            unchanged one is not read (nor OCR'd) again.
        metas: Each document's metadata, when the caller has it without reading the chunks (the
            snapshot): then only the documents drafted now are read from `by_doc`.
        gone: The 文号 declared 废止 (`abolished_in`), when the caller found them; else read from `by_doc`.
    """
    covered_nos = {p.doc_no for p in reviewed if p.doc_no}
    covered_titles = {p.doc for p in reviewed}
    gone = abolished_doc_nos(by_doc) if gone is None else gone
    metas = metas if metas is not None else {d: cs[0].doc for d, cs in by_doc.items()}
    out: list[Programme] = []
    for doc_id, meta in metas.items():
        if meta.kind in _NO_RULES_KINDS or not _RULES_TITLE.search(meta.title) or meta.status == _SUPERSEDED:
            continue
        if (meta.doc_no and (meta.doc_no in covered_nos or meta.doc_no in gone)) or any(
                t and t in meta.title for t in covered_titles):
            continue
        if cache is not None and doc_id in cache:
            out.extend(cache[doc_id])
            continue
        start = len(out)
        try:
            drafts = drafts_of_document(by_doc[doc_id], max_bytes)
        except (ZhiceError, OSError) as e:
            log.warning("cannot draft %s: %s", meta.title, e)
            continue
        for d in drafts:
            try:
                out.append(programme_from_data(to_programme_data(d)))
            except ZhiceError as e:
                log.warning("draft %s of %s refused: %s", d.id, meta.title, e)
        if cache is not None:
            cache[doc_id] = out[start:]
    return out
