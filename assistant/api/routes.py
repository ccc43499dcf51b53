"""HTTP routes: each validates its body, delegates to the assistant or knowledge base, and shapes the reply.

Domain conditions (empty question, unknown filter, missing document, busy index) are raised by the
core as ZhiceError and turned into JSON errors by the one handler in `app.py`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from itertools import chain
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from assistant import tokens
from assistant.api.limits import check_conversation, check_messages
from assistant.api.markdown import StreamEscaper, escape_markdown
from assistant.api.schemas import (
    AnswerOut,
    AskRequest,
    ChatCompletionRequest,
    DeleteOut,
    DocumentOut,
    DocumentPatch,
    DocumentsOut,
    EligibilityOut,
    EligibilityRequest,
    ErrorOut,
    HealthOut,
    ProgrammeDraftsOut,
    ProgrammeSave,
    ProgrammeSaved,
    ProgrammesOut,
    SearchOut,
    SearchRequest,
    UploadOut,
    field_specs,
    history_pairs,
    programme_summary,
    split_conversation,
)
from assistant.chat import Assistant
from assistant.citations import passage_span, source_label
from assistant.domain import AUTHORITY_NOTES, STATUSES, Answer, Citation, SearchHit
from assistant.eligibility import Profile, Programme, evaluate, to_dict, to_markdown
from assistant.eligibility.checklist import MEDIA_TYPES
from assistant.eligibility.conversation import conversation_profile
from assistant.eligibility.export import summary_rows
from assistant.eligibility.package import package
from assistant.errors import BadInput, ZhiceError
from assistant.service import Service, file_name
from assistant.settings import Settings
from assistant.snippets import snippet

MODEL_ID = "zhice"
REPORT_PATH_LISTS = ("added", "updated", "unchanged", "duplicates", "removed", "skipped")
PUBLIC_STATS = ("documents", "chunks", "embedder")  # what /healthz shows without a key
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (401, 403, 413, 422, 429)
}


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant  # type: ignore[no-any-return]


def get_programmes(request: Request) -> list[Programme]:
    """The reviewed programme files (loaded once by the service) and the unreviewed drafts of the
    indexed documents (`draft`), as the chat answers with them."""
    return get_service(request).all_programmes()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ProgrammesDep = Annotated[list[Programme], Depends(get_programmes)]
router = APIRouter()


# ---------------------------------------------------------------------- health
@router.get("/healthz", response_model=HealthOut, tags=["service"])
def healthz(assistant: AssistantDep) -> dict[str, Any]:
    """Liveness and index statistics (no key needed, so no paths or settings in it).

    `damaged`: the registry and the store disagree; `problem` says how and names the repair.
    """
    kb = assistant.kb
    stats = kb.stats()
    status = "damaged" if not kb.health.ok else "empty" if kb.is_empty() else "ok"
    return {"status": status, "index": {k: stats[k] for k in PUBLIC_STATS if k in stats},
            "problem": kb.health.message()}


# ---------------------------------------------------------------------- ask / search
@router.post("/v1/ask", response_model=AnswerOut, tags=["answers"], responses={
    **ERRORS, 200: {"content": {"text/event-stream": {}},
                    "description": "The answer; with stream=true, `token` events then one `answer` event."}})
async def ask(body: AskRequest, assistant: AssistantDep, settings: SettingsDep) -> Any:
    """Answer a question with numbered citations."""
    history = history_pairs(body.history)
    check_conversation(settings, body.question, history)
    events = assistant.stream(body.question, history, body.filters, body.state)
    # The first step validates the question and filters: errors become a proper 422, not a broken stream.
    first = await run_in_threadpool(next, events)
    if not body.stream:
        final = await run_in_threadpool(_last, chain([first], events))
        return with_profile(public(final.to_dict()), body.question)
    return StreamingResponse(_ask_events(chain([first], events), body.question), media_type="text/event-stream",
                             headers=SSE_HEADERS)


def with_profile(answer: dict[str, Any], question: str) -> dict[str, Any]:
    """An answer with `profile`: what the asker stated about their enterprise so far (the state's facts
    and this question), ready for POST /v1/eligibility."""
    facts = list((answer.get("state") or {}).get("facts") or ())
    return {**answer, "profile": conversation_profile([*facts, *([] if question in facts else [question])])}


async def _ask_events(events: Iterator[str | Answer], question: str) -> AsyncIterator[str]:
    streamed = ""
    try:
        async for ev in iterate_in_threadpool(events):
            if isinstance(ev, Answer):
                if rest := unstreamed(streamed, ev):
                    yield _sse({"delta": rest}, "token")
                yield _sse(with_profile(public(ev.to_dict()), question), "answer")
            else:
                streamed += ev
                yield _sse({"delta": ev}, "token")
    except ZhiceError as e:  # after the first event the status is sent: report in-band
        yield _sse({"error": {"type": type(e).__name__, "message": str(e)}}, "error")


@router.post("/v1/search", response_model=SearchOut, tags=["answers"], responses=ERRORS)
def search(body: SearchRequest, assistant: AssistantDep, settings: SettingsDep) -> dict[str, Any]:
    """Ranked chunks for a query (no answer composed)."""
    check_conversation(settings, body.query, [])
    hits = assistant.search(body.query, k=body.k, filters=body.filters)
    return {"query": body.query, "hits": [public(_with_snippet(h, body.query)) for h in hits]}


def _with_snippet(hit: SearchHit, query: str) -> dict[str, Any]:
    """A hit with the part of its passage that matched (`snippet`, terms at `marks`) and where the
    passage sits in its document's text (`start`/`end`, as citations)."""
    s = snippet(hit.chunk.text, query)
    start, end = passage_span(hit.chunk)
    return {**hit.to_dict(), "snippet": s.text, "marks": [list(m) for m in s.marks], "start": start, "end": end}


# ---------------------------------------------------------------------- documents
_service_lock = threading.Lock()


def get_service(request: Request) -> Service:
    """The documents / uploads / programmes facade of the app's assistant, made on first use."""
    state = request.app.state
    with _service_lock:
        service = getattr(state, "service", None)
        if service is None or service.assistant is not state.assistant:
            service = state.service = Service(state.assistant)
    return service  # type: ignore[no-any-return]


ServiceDep = Annotated[Service, Depends(get_service)]


@router.get("/v1/documents", response_model=DocumentsOut, tags=["documents"], responses=ERRORS)
def list_documents(service: ServiceDep, status: str = "") -> dict[str, Any]:
    """Every indexed document with its metadata, chunk count and validity: `status` (current, expired,
    superseded, not_yet_in_force), `valid_from`, `valid_until`, `superseded_by`; `?status=` filters on it."""
    rows = service.documents()
    if status:
        if status not in STATUSES:
            raise BadInput(f"status={status!r} is not one of {list(STATUSES)}")
        rows = [r for r in rows if r.get("status") == status]
    return {"documents": [public(r) for r in rows]}


@router.get("/v1/documents/{doc_id}", response_model=DocumentOut, tags=["documents"],
            responses={**ERRORS, 404: {"model": ErrorOut}})
def get_document(doc_id: str, service: ServiceDep) -> dict[str, Any]:
    """One document: its metadata, full `text` and `sections`.

    Every citation's `start`/`end` index this `text`: `text[start:end]` is the cited passage.
    """
    return service.document(doc_id)


@router.get("/v1/documents/{doc_id}/pages/{page}.png", tags=["documents"], response_class=Response,
            responses={**ERRORS, 404: {"model": ErrorOut}, 200: {"content": {"image/png": {}}}})
def get_page_image(doc_id: str, page: int, service: ServiceDep) -> Response:
    """Page `page` (1-based, as citations' `page`) of a document read from a PDF, as a PNG image."""
    return Response(service.page_image(doc_id, page), media_type="image/png")


@router.post("/v1/documents", response_model=UploadOut, tags=["documents"],
             responses={**ERRORS, 409: {"model": ErrorOut}, 415: {"model": ErrorOut}})
async def upload_document(
    file: Annotated[UploadFile, File(description="pdf, docx, txt, md, html, csv or xlsx")],
    service: ServiceDep,
    replace: bool = False,
) -> dict[str, Any]:
    """Upload one file (admin key): saved under data_dir/uploads, then ingested.

    Questions keep being answered while it is ingested (the index is swapped in when done). A file
    of the same name with other content is refused (409) unless `replace=true` (a new version of it).
    """
    result = await run_in_threadpool(service.upload, file.filename or "", file.file, None, replace)
    return public(result.to_dict())


@router.patch("/v1/documents/{doc_id}", tags=["documents"],
              responses={**ERRORS, 404: {"model": ErrorOut}, 409: {"model": ErrorOut}})
def patch_document(doc_id: str, body: DocumentPatch, service: ServiceDep) -> dict[str, Any]:
    """Mark a document official (admin key) once its text has been checked against the official one.

    Files uploaded through the API or the UI start as `unverified` whatever their header claims;
    files the operator ingests with `zhice ingest` take their authority from their own header.
    """
    return public(service.set_authority(doc_id, body.authority))


@router.delete("/v1/documents/{doc_id}", response_model=DeleteOut, tags=["documents"],
               responses={**ERRORS, 404: {"model": ErrorOut}, 409: {"model": ErrorOut}})
def delete_document(doc_id: str, service: ServiceDep) -> dict[str, Any]:
    """Remove a document from the index (admin key), and the uploaded file that held it."""
    return service.delete(doc_id).to_dict()


# ---------------------------------------------------------------------- eligibility
@router.post("/v1/eligibility", response_model=EligibilityOut, tags=["eligibility"], responses=ERRORS)
def eligibility(body: EligibilityRequest, programmes: ProgrammesDep) -> dict[str, Any]:
    """申报自评: check a profile against the reviewed programmes and the drafts of indexed documents.

    `summary` first: 可申报 / 需补充 / 不符合 per programme of the asker's place, with the clause that
    decides it; `package` the total across them (不重复享受 / 就高 and caps applied). Each programme is
    eligible / not_eligible / needs_info; each criterion met / not_met / unknown, citing the clause and
    文号 that set it; `draft` marks unreviewed drafts (自动提取·未审核). `markdown` is the checklist, ready
    to export. `state` (a chat answer's) fills the fields `profile` leaves out. Unknown profile fields,
    values outside a field's vocabulary and unknown programme ids → 422.
    """
    facts = [str(f) for f in (body.state or {}).get("facts") or ()]
    profile = {**conversation_profile(facts), **body.profile}
    verdicts = evaluate(Profile.from_dict(profile), programmes, only=body.programmes or None)
    return {"profile": profile, "summary": summary_rows(verdicts), "package": package(verdicts).to_dict(),
            **to_dict(verdicts), "markdown": to_markdown(verdicts)}


@router.get("/v1/programmes", response_model=ProgrammesOut, tags=["eligibility"], responses=ERRORS)
def list_programmes(programmes: ProgrammesDep) -> dict[str, Any]:
    """The programmes one can check, and the profile fields (labels, types, allowed values) for a form."""
    return {"programmes": [programme_summary(p) for p in programmes], "fields": field_specs()}


@router.get("/v1/programmes/{programme_id}/checklist", tags=["eligibility"], response_class=Response,
            responses={**ERRORS, 404: {"model": ErrorOut}, 200: {"content": {t: {} for t in MEDIA_TYPES.values()}}})
def programme_checklist(programme_id: str, service: ServiceDep, format: str = "md") -> Response:
    """A programme's 申报清单 (materials, steps, deadline, conditions, each with its clause): `format=md`,
    `docx`, or `ics` for a calendar entry of the deadline (404 when the text states none)."""
    data, name = service.checklist(programme_id, format)
    return Response(data, media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.put("/v1/programmes/{programme_id}", response_model=ProgrammeSaved, tags=["eligibility"],
            responses={**ERRORS, 404: {"model": ErrorOut}})
def save_programme(programme_id: str, body: ProgrammeSave, service: ServiceDep) -> dict[str, Any]:
    """Save a reviewed programme (admin key): the draft of GET /v1/documents/{doc_id}/programmes after a
    reviewer checked every condition against its quote. Written without `draft` where the programmes
    are loaded from, and used at once; an invalid programme → 422 naming the item."""
    if body.programme.get("id") != programme_id:
        raise BadInput(f"路径中的 id {programme_id!r} 与项目内容的 id {body.programme.get('id')!r} 不一致")
    prog, name = service.save_programme(body.programme)
    return {"id": prog.id, "name": prog.name, "file": name, "draft": prog.draft}


@router.get("/v1/documents/{doc_id}/programmes", response_model=ProgrammeDraftsOut, tags=["eligibility"],
            responses={**ERRORS, 404: {"model": ErrorOut}})
def document_programmes(doc_id: str, service: ServiceDep) -> dict[str, Any]:
    """The programmes drafted from one indexed document (criteria with verbatim quotes, rewards,
    materials, steps, deadline), as programme files to review and save with PUT /v1/programmes/{id}."""
    return service.document_drafts(doc_id)


# ---------------------------------------------------------------------- OpenAI-compatible
@router.get("/v1/models", tags=["openai"])
def models() -> dict[str, Any]:
    """The one model, for clients that list models before chatting."""
    return {"object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "zhice"}]}


@router.post("/v1/chat/completions", tags=["openai"], responses=ERRORS)
async def chat_completions(body: ChatCompletionRequest, assistant: AssistantDep, settings: SettingsDep) -> Any:
    """OpenAI chat completions: the last user message is answered; citations are appended as 参考 and
    returned in an extra `citations` field."""
    check_messages(settings, [m.text() for m in body.messages])
    question, history = split_conversation(body.messages)
    check_conversation(settings, question, history, messages=len(body.messages))
    events = assistant.stream(question, history, body.filters)
    first = await run_in_threadpool(next, events)
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    if body.stream:
        return StreamingResponse(_completion_chunks(chain([first], events), cid, created),
                                 media_type="text/event-stream", headers=SSE_HEADERS)
    final = await run_in_threadpool(_last, chain([first], events))
    content = escape_markdown(final.answer + references(final.citations))  # clients render it as Markdown
    prompt_tokens = sum(tokens.count(m.text()) for m in body.messages)
    completion_tokens = tokens.count(content)
    return {
        "id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
        "citations": [public(c.to_dict()) for c in final.citations],
    }


async def _completion_chunks(events: Iterator[str | Answer], cid: str, created: int) -> AsyncIterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return _sse(body)

    yield chunk({"role": "assistant", "content": ""})
    streamed = ""
    md = StreamEscaper()  # clients render the content as Markdown: document text must stay literal
    try:
        async for ev in iterate_in_threadpool(events):
            if isinstance(ev, Answer):
                tail = md.feed(unstreamed(streamed, ev) + references(ev.citations)) + md.flush()
                if tail:
                    yield chunk({"content": tail})
                yield chunk({}, "stop", citations=[public(c.to_dict()) for c in ev.citations])
            else:
                streamed += ev
                if text := md.feed(ev):
                    yield chunk({"content": text})
    except ZhiceError as e:
        yield _sse({"error": {"type": type(e).__name__, "message": str(e)}})
    yield "data: [DONE]\n\n"


def references(citations: Sequence[Citation]) -> str:
    """The 参考 list appended to chat-completion content: one line per cited clause."""
    if not citations:
        return ""
    lines = []
    for c in citations:
        extra = " ".join(x for x in (c.doc_no, f"第{c.page}页" if c.page else "") if x)
        note = AUTHORITY_NOTES.get(c.authority, "")
        lines.append(f"[{c.n}] {source_label(c.title, c.section)}{note} {extra}".rstrip())
    return "\n\n参考：\n" + "\n".join(lines)


# ---------------------------------------------------------------------- helpers
def public(row: dict[str, Any]) -> dict[str, Any]:
    """A response object with the server's file paths cut to file names (`source`, `sources`, and
    the citations inside an answer): where the server keeps its files is nobody's business."""
    out = dict(row)
    if isinstance(out.get("source"), str):
        out["source"] = file_name(out["source"])
    if isinstance(out.get("sources"), list):
        out["sources"] = [file_name(str(s)) for s in out["sources"]]
    if isinstance(out.get("citations"), list):
        out["citations"] = [public(c) if isinstance(c, dict) else c for c in out["citations"]]
    if isinstance(report := out.get("report"), dict):  # an ingest report: lists of paths
        out["report"] = {k: [public(x) if isinstance(x, dict) else file_name(str(x)) for x in v]
                         if k in REPORT_PATH_LISTS and isinstance(v, list) else v for k, v in report.items()}
    if isinstance(out.get("path"), str):
        out["path"] = file_name(out["path"])
    return out


def unstreamed(streamed: str, final: Answer) -> str:
    """Text of the final answer that the deltas did not carry (refusals and hooks send none; a
    rejected LLM draft is followed by the extractive answer, which then ends the stream)."""
    text = final.answer.strip()
    if not text or streamed.rstrip().endswith(text):
        return ""
    return f"\n\n{text}" if streamed.strip() else text


def _last(events: Iterator[str | Answer]) -> Answer:
    final: Answer | None = None
    for ev in events:
        if isinstance(ev, Answer):
            final = ev
    if final is None:  # the core always ends with an Answer; this guards a broken hook
        raise ZhiceError("the assistant produced no answer; see the server log")
    return final


def _sse(data: dict[str, Any], event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"
