"""Frozen domain types shared by ingest, the answer chain, the API, the UI and the evals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

# how an ingest reports its progress: (file name, files done, files total)
Progress = Callable[[str, int, int], None]

# kinds of document (metadata "kind")
KINDS = ("policy", "local_policy", "case_list", "standard", "catalogue")
# where a document stands on the reference date (metadata "status", resolved by assistant.core.validity)
STATUSES = ("current", "expired", "superseded", "not_yet_in_force")
# how far a text can be trusted as wording (metadata "authority"): official wording, someone's
# summary, or not checked by anyone (an upload through the API or UI, until an admin marks it)
UNVERIFIED = "unverified"
AUTHORITIES = ("official", "summary", UNVERIFIED)
# what a reference says beside a text that is not official wording (an official one says nothing):
# an unverified text may be an upload or an operator's file whose header names no issuer nor 文号
AUTHORITY_NOTES = {"summary": "（摘要，非官方原文）", UNVERIFIED: "（未核验）"}


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about one source document (one content hash)."""

    doc_id: str
    title: str
    source: str
    kind: str = "policy"
    authority: str = "official"
    issuer: str = ""
    doc_no: str = ""
    date: str = ""
    year: int = 0
    level: str = ""  # national / province / city
    region: str = ""  # 全国 / 黑龙江 / 大连 …
    completeness: str = ""
    url: str = ""
    # Validity, read from the text at ingest (assistant.core.validity): ISO dates, "" when not stated.
    valid_from: str = ""  # 施行日期 (else the date of issue)
    valid_until: str = ""  # 有效期至 / 有效期N年
    repeals: str = ""  # 文号 and 《titles》 this document says it repeals, "；"-separated
    # current | expired | superseded | not_yet_in_force, and the doc_id of the repealing document:
    # computed across the whole index on every load (assistant.knowledge), as of settings.reference_date.
    status: str = "current"
    superseded_by: str = ""
    ocr_pages: str = ""  # pages whose text was recognised from the image ("3,4"); "" for none

    def to_metadata(self) -> dict[str, str | int]:
        """Flat scalars, as chroma metadata wants them."""
        return {k: v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Chunk:
    """A piece of a document that is embedded, searched and cited on its own."""

    chunk_id: str
    doc: DocumentMeta
    text: str
    section: str = ""
    page: int = 0
    ord: int = 0
    n_chunks: int = 1
    record: dict[str, str] = field(default_factory=dict)  # columns of a case-list row
    sheet: str = ""  # the worksheet a table row comes from ("" outside workbooks)
    # Where the chunk sits in its document's text (assistant.documents.rebuild); -1 until the
    # knowledge base's snapshot has placed it. Not stored: derived from the chunks on every load.
    start: int = -1
    end: int = -1

    @property
    def ocr(self) -> bool:
        """Was this chunk's page recognised from a scan (its wording machine-read)?"""
        return bool(self.page) and str(self.page) in self.doc.ocr_pages.split(",")

    def to_metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = dict(self.doc.to_metadata())
        meta.update(section=self.section, page=self.page, ord=self.ord, n_chunks=self.n_chunks, sheet=self.sheet)
        for key, value in self.record.items():
            meta[f"col:{key}"] = value
        return meta

    @staticmethod
    def from_metadata(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
        doc_fields = DocumentMeta.__dataclass_fields__
        doc = DocumentMeta(**{k: meta[k] for k in doc_fields if k in meta})
        record = {k[4:]: str(v) for k, v in meta.items() if k.startswith("col:")}
        return Chunk(
            chunk_id=chunk_id,
            doc=doc,
            text=text,
            section=str(meta.get("section", "")),
            page=int(meta.get("page", 0) or 0),
            ord=int(meta.get("ord", 0) or 0),
            n_chunks=int(meta.get("n_chunks", 1) or 1),
            record=record,
            sheet=str(meta.get("sheet", "")),
        )


@dataclass(frozen=True)
class SearchHit:
    """A retrieved chunk with its fused score and the ranks it got from each retriever."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "chunk_id": c.chunk_id,
            "doc_id": c.doc.doc_id,
            "title": c.doc.title,
            "section": c.section,
            "page": c.page,
            "text": c.text,
            "source": c.doc.source,
            "kind": c.doc.kind,
            "region": c.doc.region,
            "authority": c.doc.authority,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class Citation:
    """One numbered piece of evidence an answer points at with [n]."""

    n: int
    doc_id: str
    title: str
    section: str
    page: int
    text: str
    source: str
    authority: str
    doc_no: str = ""
    region: str = ""
    # Character offsets into the cited document's full text (GET /v1/documents/{doc_id} `text`):
    # text[start:end] is the passage; -1 when the passage is not from an indexed document.
    start: int = -1
    end: int = -1
    url: str = ""
    status: str = "current"  # the cited document's status (STATUSES) on the reference date
    ocr: bool = False  # the passage was recognised from a scanned page: 扫描件识别，请核对原件

    @staticmethod
    def from_chunk(n: int, chunk: Chunk, span: tuple[int, int] | None = None) -> Citation:
        """The citation of `chunk`; `span` defaults to where the chunk itself sits in its document."""
        d = chunk.doc
        start, end = span if span is not None else (chunk.start, chunk.end)
        return Citation(
            n=n,
            doc_id=d.doc_id,
            title=d.title,
            section=chunk.section,
            page=chunk.page,
            text=chunk.text,
            source=d.source,
            authority=d.authority,
            doc_no=d.doc_no,
            region=d.region,
            start=start,
            end=end,
            url=d.url,
            status=d.status,
            ocr=chunk.ocr,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """The contract the CLI, API, UI and evals share."""

    answer: str
    refused: bool = False
    mode: str = "extractive"  # extractive | llm
    citations: tuple[Citation, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    question: str = ""
    evidence: tuple[Chunk, ...] = ()  # what retrieval returned, in rank order, before composing (for evals)
    # the conversation state after this answer (assistant.answer.followup.State as a dict): a client sends
    # it back with the next question instead of, or beside, the history
    state: dict[str, Any] = field(default_factory=dict)
    # why an LLM's answer was not taken (citations.llm_answer_problem, a failed call, no citation) when this
    # extractive answer stands in for it; '' otherwise (for evals and logs, not sent to clients)
    llm_problem: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "refused": self.refused,
            "mode": self.mode,
            "citations": [c.to_dict() for c in self.citations],
            "timings": self.timings,
            "state": self.state,
        }


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass
class IngestReport:
    """What one ingest run did. Mutable while the run goes on."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
