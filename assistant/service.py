"""The facade the edges (HTTP routes, the web UI) call for the knowledge base and the programmes:
documents, one document's full text, uploads, deletes, statistics, programmes.

Routes and the UI go through this instead of reaching into `assistant.kb`, so the knowledge base
can change shape without touching them. No web framework here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from assistant.chat import Assistant
from assistant.documents import DocumentText, page_png, rebuild
from assistant.domain import Progress
from assistant.eligibility import Programme
from assistant.eligibility.checklist import CHECKLIST_FORMATS, checklist_bytes
from assistant.eligibility.draft_output import to_programme_data
from assistant.eligibility.hook import EligibilityHook
from assistant.eligibility.indexed import drafts_of_document
from assistant.eligibility.loader import programme_from_data
from assistant.eligibility.reviewed import load_reviewed, save_reviewed
from assistant.errors import BadInput, ConfigError, NotFound
from assistant.settings import Settings
from assistant.uploads import UploadResult, ingest_upload, remove_uploaded

TEXT_CACHE = 32  # documents whose rebuilt text is kept (a viewer opens the same few again and again)


@dataclass(frozen=True)
class Deleted:
    """What a delete removed."""

    doc_id: str
    title: str
    sources: list[str]
    files_removed: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "title": self.title, "sources": [file_name(s) for s in self.sources],
                "files_removed": self.files_removed}


def file_name(source: str) -> str:
    """The last part of a path (server paths are not shown to callers)."""
    return source.replace("\\", "/").rsplit("/", 1)[-1]


class Service:
    """Documents, uploads, deletes, statistics and programmes for one assistant."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._texts: OrderedDict[str, tuple[int, DocumentText]] = OrderedDict()  # doc id → (generation, text)
        self._lock = threading.Lock()
        self._hook: EligibilityHook | None = None

    @property
    def settings(self) -> Settings:
        return self.assistant.kb.settings

    # ------------------------------------------------------------------ reading
    def stats(self) -> dict[str, Any]:
        """Documents, chunks, embedder and store of the index."""
        return self.assistant.kb.stats()

    def is_empty(self) -> bool:
        return self.assistant.kb.is_empty()

    def documents(self) -> list[dict[str, Any]]:
        """One row per document: metadata, chunk count and the paths holding it."""
        return self.assistant.kb.list_documents()

    def document_text(self, doc_id: str) -> DocumentText:
        """The document's full text and sections (raises NotFound); citation offsets index this text."""
        kb = self.assistant.kb
        snapshot = kb.snapshot
        chunks = kb.document(doc_id)
        with self._lock:
            cached = self._texts.get(doc_id)
            if cached is not None and cached[0] == snapshot.generation:
                self._texts.move_to_end(doc_id)
                return cached[1]
        text = rebuild(chunks)
        with self._lock:
            self._texts[doc_id] = (snapshot.generation, text)
            while len(self._texts) > TEXT_CACHE:
                self._texts.popitem(last=False)
        return text

    def document(self, doc_id: str) -> dict[str, Any]:
        """Metadata, full `text` and `sections` ({section, start, end, page}) of one document."""
        chunks = self.assistant.kb.document(doc_id)
        full = self.document_text(doc_id)
        meta = asdict(chunks[0].doc)
        sources = self.assistant.kb.registry.sources_of(doc_id) or [chunks[0].doc.source]
        return {**meta, "source": file_name(meta.get("source", "")), "sources": [file_name(s) for s in sources],
                "chunks": len(chunks), "pages": max((c.page for c in chunks), default=0),
                "text": full.text, "sections": [s.to_dict() for s in full.sections]}

    def has_pages(self, doc_id: str) -> bool:
        """Whether the document was read from a PDF that is still on disk (so its pages can be shown)."""
        return self._pdf(doc_id) is not None

    def page_image(self, doc_id: str, page: int) -> bytes:
        """Page `page` (1-based) of the PDF a document was read from, as PNG.

        Raises:
            NotFound: no such document, it is not a PDF (or its file is gone), or it has no such page.
        """
        pdf = self._pdf(doc_id)
        png = page_png(pdf, page) if pdf is not None else None
        if png is None:
            raise NotFound(f"document {doc_id!r} has no page {page} to show: it is not a PDF, or has fewer pages")
        return png

    def _pdf(self, doc_id: str) -> Path | None:
        chunks = self.assistant.kb.document(doc_id)
        sources = self.assistant.kb.registry.sources_of(doc_id) or [chunks[0].doc.source]
        return next((Path(s) for s in sources if s.lower().endswith(".pdf") and Path(s).is_file()), None)

    def title_of(self, doc_id: str) -> str:
        """The document's title (raises NotFound)."""
        return self.assistant.kb.document(doc_id)[0].doc.title

    # ------------------------------------------------------------------ writing
    def upload(self, filename: str, data: BinaryIO, progress: Progress | None = None,
               replace: bool = False) -> UploadResult:
        """Save an uploaded file under data_dir/uploads and ingest it (see assistant.uploads); a
        different file of the same name is replaced only with `replace`."""
        return ingest_upload(self.assistant.kb, filename, data, progress, replace)

    def delete(self, doc_id: str) -> Deleted:
        """Remove a document from the index, and the uploaded file that held it (raises NotFound)."""
        title = self.title_of(doc_id)
        sources = self.assistant.kb.delete_document(doc_id)
        return Deleted(doc_id, title, sources, remove_uploaded(self.settings, sources))

    def set_authority(self, doc_id: str, authority: str) -> dict[str, Any]:
        """An admin marks a document official / summary / unverified; returns its row (raises NotFound)."""
        self.assistant.kb.set_authority(doc_id, authority)
        return next(d for d in self.documents() if d["doc_id"] == doc_id)

    # ------------------------------------------------------------------ programmes
    def _eligibility(self) -> EligibilityHook:
        """The assistant's eligibility hook (its reviewed programmes and drafts are the chat's), else one
        of our own over the same index."""
        with self._lock:
            if self._hook is None:
                self._hook = next((h for h in self.assistant.hooks if isinstance(h, EligibilityHook)), None) \
                    or EligibilityHook(self.assistant.kb, load_reviewed(self.settings.programmes_dir,
                                                                        self.settings.data_dir))
            return self._hook

    def programmes(self) -> list[Programme]:
        """The reviewed programme files (settings.programmes_dir, else the built-in set and the saved
        reviews under data_dir/programmes), loaded once."""
        return list(self._eligibility().programmes)

    def all_programmes(self) -> list[Programme]:
        """The reviewed programmes and the unreviewed drafts of the indexed documents (`draft`, shown
        as 自动提取·未审核), as the chat answers with them."""
        return self._eligibility().all_programmes()

    def programme(self, programme_id: str) -> Programme:
        """One programme, reviewed or drafted (raises NotFound)."""
        found = next((p for p in self.all_programmes() if p.id == programme_id), None)
        if found is None:
            raise NotFound(f"没有 id 为 {programme_id!r} 的项目；GET /v1/programmes 列出可用的项目")
        return found

    def document_drafts(self, doc_id: str) -> dict[str, Any]:
        """The programmes drafted from one indexed document, as programme files (`draft: true`) a
        reviewer edits and saves; `reviewed` names the saved programmes of the same document.

        Raises:
            NotFound: no such document.
        """
        chunks = self.assistant.kb.document(doc_id)
        meta = chunks[0].doc
        drafts = [to_programme_data(d) for d in drafts_of_document(chunks, self.settings.max_file_bytes)]
        reviewed = [p.id for p in self.programmes()
                    if (meta.doc_no and p.doc_no == meta.doc_no) or (p.doc and p.doc in meta.title)]
        return {"doc_id": doc_id, "title": meta.title, "programmes": drafts, "reviewed": reviewed}

    def save_programme(self, data: dict[str, Any]) -> tuple[Programme, str]:
        """An admin's reviewed programme: saved without `draft` where the loader reads it (programmes_dir,
        else data_dir/programmes) and used at once by the chat, 申报自评 and the API.

        Returns:
            (the programme as loaded, the file's name).

        Raises:
            BadInput: not a mapping, or not a valid programme (the message names the item).
        """
        if not isinstance(data, dict) or not data.get("id"):
            raise BadInput("项目内容须为一个含 id 的映射（YAML 或 JSON 对象），可从草稿开始修改")
        try:
            path = save_reviewed(data, self.settings.programmes_dir, self.settings.data_dir)
        except ConfigError as e:  # the reviewer's input, not the server's configuration: a 422
            raise BadInput(f"项目内容有误，未保存：{e}") from e
        hook = self._eligibility()
        hook.reload(load_reviewed(self.settings.programmes_dir, self.settings.data_dir))
        return programme_from_data({k: v for k, v in data.items() if k != "draft"}), path.name

    def checklist(self, programme_id: str, fmt: str) -> tuple[bytes, str]:
        """A programme's 申报清单 as `md`, `docx` or `ics` (the deadline) → (content, file name).

        Raises:
            NotFound: no such programme; BadInput: another format, or `ics` for a text that states no deadline.
        """
        if fmt not in CHECKLIST_FORMATS:
            raise BadInput(f"format 须为 {'、'.join(CHECKLIST_FORMATS)} 之一")
        prog = self.programme(programme_id)
        return checklist_bytes(prog, fmt), f"{prog.id}-申报清单.{fmt}"
