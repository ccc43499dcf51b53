"""Request and response bodies of the HTTP API (pydantic), and the conversions to domain inputs.

Responses are the domain objects' `to_dict()` wrapped in a few typed envelopes, so the API
contract stays the one `assistant.domain` defines.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.domain import Citation
from assistant.eligibility import CITY_PROVINCE, PROFILE_FIELDS, FieldSpec, Programme
from assistant.errors import BadInput


class Message(BaseModel):
    """One chat message in the OpenAI shape; `content` may be a string or a list of text parts."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = ""

    def text(self) -> str:
        if isinstance(self.content, list):  # [{"type": "text", "text": "…"}, …]
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type", "text") == "text")
        return self.content or ""


Filters = dict[str, str | int] | None
History = list[tuple[str, str]] | list[Message] | None

FILTERS_DOC = "Metadata filters: kind, region, level, year, issuer, doc_id, authority (others → 422)."


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "智能制造示范工厂的建设期是多长时间？"},
        {"question": "那黑龙江呢？", "history": [["各地对智能工厂的奖补标准有什么不同？", "……"]],
         "filters": {"region": "黑龙江"}, "stream": False},
    ]})

    question: str = Field(description="The question, in Chinese or English.")
    history: History = Field(None, description="Earlier turns: [user, assistant] pairs or {role, content} "
                             "messages.")
    filters: Filters = Field(None, description=FILTERS_DOC)
    stream: bool = Field(False, description="Server-sent events: `token` events, then one `answer` event.")
    state: dict[str, Any] | None = Field(None, description="The previous answer's `state` (places, titles, levels, "
                                         "the last standalone question, the facts stated): follow-ups such as "
                                         "\"那辽宁呢？\" work from it without the whole history. Texts are bounded.")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(description="What to look for.")
    k: int = Field(8, ge=1, le=50, description="How many chunks to return.")
    filters: Filters = Field(None, description=FILTERS_DOC)


class ChatCompletionRequest(BaseModel):
    """The OpenAI chat-completions request; sampling fields are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field("zhice", description="Ignored: Zhice is the only model.")
    messages: list[Message] = Field(min_length=1, description="The chat; its last user turn is asked.")
    stream: bool = Field(False, description="`data: {chunk}` lines then `data: [DONE]`.")
    filters: Filters = Field(None, description="Zhice extension. " + FILTERS_DOC)


class EligibilityRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": {"province": "黑龙江", "legal_entity_years": 1, "above_scale": True},
         "programmes": ["heilongjiang_digital_workshop_basic"]},
        {"profile": {"city": "大连", "investment_wan": 800, "project_kind": "技术改造", "titles": []}},
    ]})

    profile: dict[str, Any] = Field(description="What is known about the applicant: field → value, as "
                                    "listed by GET /v1/programmes (`fields`). Leave out or send null what is "
                                    "unknown; unknown fields or values outside a field's vocabulary → 422.")
    programmes: list[str] | None = Field(None, description="Programme ids to check (GET /v1/programmes); "
                                         "omitted or empty: every programme, the most relevant first.")
    state: dict[str, Any] | None = Field(None, description="A chat answer's `state` (POST /v1/ask): the facts the "
                                         "asker stated there fill the fields `profile` leaves out.")


class AnswerOut(BaseModel):
    answer: str
    refused: bool
    mode: str
    citations: list[Citation]  # the domain type itself: one definition of a citation
    timings: dict[str, float]
    state: dict[str, Any] = {}  # send it back with the next question
    profile: dict[str, Any] = Field(default_factory=dict, description="The profile fields the asker stated so far "
                                    "(from `state`'s facts and this question), ready for POST /v1/eligibility.")


class HitOut(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    section: str
    page: int
    text: str
    source: str
    kind: str
    region: str
    authority: str
    score: float
    snippet: str = Field("", description="The part of `text` that matched the query (…… where cut).")
    marks: list[list[int]] = Field(default_factory=list, description="[start, end] of each matched term in "
                                   "`snippet`.")
    start: int = Field(-1, description="Where `text` sits in the document's text (GET /v1/documents/{doc_id}).")
    end: int = -1


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class HealthOut(BaseModel):
    status: Literal["ok", "empty", "damaged"]
    index: dict[str, Any]
    problem: str = Field("", description="When damaged: what disagrees and the command that repairs it.")


class DocumentsOut(BaseModel):
    documents: list[dict[str, Any]]


class SectionOut(BaseModel):
    section: str = Field(description="The section path (“title > 四、… > （三）…”).")
    start: int = Field(description="Offset of the section's first character in the document's `text`.")
    end: int
    page: int = Field(0, description="The page the section starts on (0: not paged).")


class DocumentOut(BaseModel):
    """One document: metadata, full text and sections. Citation `start`/`end` offsets index `text`."""

    model_config = ConfigDict(extra="allow")  # metadata fields added by ingest pass through

    doc_id: str
    title: str
    kind: str
    authority: str
    source: str = Field(description="The file name the document was read from.")
    sources: list[str] = Field(description="Every file name holding this content.")
    issuer: str = ""
    doc_no: str = ""
    date: str = ""
    region: str = ""
    level: str = ""
    url: str = ""
    chunks: int
    pages: int = 0
    text: str = Field(description="The full text, rebuilt from the indexed chunks in order.")
    sections: list[SectionOut]


class UploadOut(BaseModel):
    filename: str = Field(description="The sanitised name the file was saved under (in data_dir/uploads).")
    doc_id: str | None
    status: Literal["added", "updated", "unchanged", "duplicate"]
    report: dict[str, Any]


class DocumentPatch(BaseModel):
    """What an admin may change on a document after checking it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"authority": "official"}]})

    authority: Literal["official", "summary", "unverified"] = Field(
        description="official: checked against the official text; summary: someone's summary; unverified: "
        "not checked (what every upload starts as).")


class DeleteOut(BaseModel):
    doc_id: str
    title: str = ""
    sources: list[str]
    files_removed: list[str]


class SourceOut(BaseModel):
    """The clause that sets a rule, with a short verbatim quote."""

    doc: str
    clause: str
    region: str
    quote: str
    doc_no: str = Field("", description="文号 (empty when the corpus does not record one).")
    authority: Literal["official", "summary"] | str = Field(
        "official", description="summary: the rule comes from a catalogue or summary, not official wording.")
    quoted_in: str = ""
    url: str = ""


class CriterionOut(BaseModel):
    """One row of the checklist."""

    criterion_id: str
    statement: str = Field(description="The condition, reading after “申报须”.")
    status: Literal["met", "not_met", "unknown"]
    reason: str
    provide: str = Field(description="What to provide when the status is unknown.")
    source: SourceOut
    fields: list[str] = Field(description="The profile fields the condition reads (none for manual ones).")
    manual: bool = Field(description="Only documents can show it: always unknown.")


class EstimateOut(BaseModel):
    """A reward tier and what it gives this profile (万元)."""

    id: str
    label: str
    status: Literal["applies", "conditional", "not_applicable"]
    formula: str
    reason: str
    source: SourceOut
    amount_wan: float | None = None
    low_wan: float | None = None
    high_wan: float | None = None


class RouteOut(BaseModel):
    steps: list[str]
    source: SourceOut | None = None


class NoteOut(BaseModel):
    text: str
    source: SourceOut


class VerdictOut(BaseModel):
    """One programme: eligible / not eligible / needs information, with the checklist behind it."""

    programme_id: str
    name: str
    region: str
    status: Literal["eligible", "not_eligible", "needs_info"]
    status_label: str
    summary: str
    results: list[CriterionOut]
    estimates: list[EstimateOut]
    route: RouteOut
    notes: list[NoteOut]
    draft: bool = Field(False, description="Drafted from an indexed document, not reviewed (自动提取·未审核).")


class SummaryOut(BaseModel):
    """One programme in a line: 可申报 / 需补充 / 不符合 and the clause that decides it."""

    programme_id: str
    name: str
    region: str
    status: Literal["eligible", "not_eligible", "needs_info"]
    word: str = Field(description="可申报 · 需补充 · 不符合")
    draft: bool = Field(description="Drafted from an indexed document, not reviewed (自动提取·未审核).")
    reason: str
    clause: str
    quote: str


class PackageLineOut(BaseModel):
    programme: str
    amount_wan: float
    label: str
    note: str
    clause: str
    quote: str


class PackageOut(BaseModel):
    """The total the profile may receive across the programmes checked, exclusions (不重复享受, 就高) and
    per-enterprise caps applied; `missing` lists what is still to provide."""

    total_wan: float
    lines: list[PackageLineOut]
    excluded: list[PackageLineOut]
    capped: list[PackageLineOut]
    limits: list[PackageLineOut]
    missing: list[dict[str, str]]


class EligibilityOut(BaseModel):
    profile: dict[str, Any] = Field(description="The profile checked (with the facts read from `state`).")
    summary: list[SummaryOut] = Field(description="One line per programme of the asker's place, before the details.")
    package: PackageOut
    verdicts: list[VerdictOut] = Field(description="One per programme checked, the most relevant first.")
    markdown: str = Field(description="The same verdicts as an exportable ✅ / ❌ / ❔ Markdown checklist.")


class ProgrammeDraftsOut(BaseModel):
    doc_id: str
    title: str
    programmes: list[dict[str, Any]] = Field(description="Programme files drafted from the document (`draft: true`): "
                                             "edit one and PUT it to /v1/programmes/{id} once reviewed.")
    reviewed: list[str] = Field(description="Ids of the reviewed programmes already saved for this document.")


class ProgrammeSave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: dict[str, Any] = Field(description="The programme file's mapping (a draft from GET "
                                      "/v1/documents/{doc_id}/programmes, reviewed and edited); `id` must match the path.")


class ProgrammeSaved(BaseModel):
    id: str
    name: str
    file: str
    draft: bool


class ProgrammeOut(BaseModel):
    id: str
    name: str
    region: str = Field(description="全国, a province short name, or a city.")
    level: Literal["national", "province", "city"] | str
    kind: Literal["recommendation", "recognition", "reward"] | str
    doc: str
    doc_no: str
    url: str
    draft: bool = Field(False, description="Drafted from an indexed document, not reviewed (自动提取·未审核).")
    deadline: str = ""


class FieldOut(BaseModel):
    """One profile field, enough to build a form for it."""

    name: str
    label: str
    type: Literal["bool", "int", "number", "choice", "text", "titles"] | str = Field(
        description="bool (true/false, 是/否) · int · number · choice (one of `allowed`) · text · "
                    "titles (a list drawn from `allowed`; [] means none held).")
    meaning: str
    ask: str = Field(description="The question asked when the value is unknown.")
    allowed: list[str] = Field(description="The values a choice or titles field accepts (empty: any).")
    min: float | None = None
    max: float | None = None
    unit: str = ""
    suggestions: list[str] = Field(default_factory=list,
                                   description="Known values of a free-text field (city: these also fill in "
                                               "the province).")


class ProgrammesOut(BaseModel):
    programmes: list[ProgrammeOut]
    fields: list[FieldOut]


class ErrorBody(BaseModel):
    type: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


def history_pairs(history: History) -> list[tuple[str, str]]:
    """(user, assistant) turns from either accepted shape; system messages are dropped."""
    if not history:
        return []
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for item in history:
        if isinstance(item, tuple):
            pairs.append((str(item[0]), str(item[1])))
            continue
        if item.role == "user":
            if pending is not None:  # two user turns in a row: the first got no answer
                pairs.append((pending, ""))
            pending = item.text()
        elif item.role == "assistant":
            pairs.append((pending or "", item.text()))
            pending = None
    if pending is not None:
        pairs.append((pending, ""))
    return pairs


def split_conversation(messages: list[Message]) -> tuple[str, list[tuple[str, str]]]:
    """The question (last user message) and the turns before it, for chat completions."""
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last is None:
        raise BadInput("messages 中没有用户消息：请加入 {\"role\": \"user\", \"content\": \"…\"}")
    return messages[last].text(), history_pairs(messages[:last])


def programme_summary(p: Programme) -> dict[str, Any]:
    """A programme as GET /v1/programmes lists it (no criteria: POST /v1/eligibility shows those)."""
    return {"id": p.id, "name": p.name, "region": p.region, "level": p.level, "kind": p.kind,
            "doc": p.doc, "doc_no": p.doc_no, "url": p.url, "draft": p.draft, "deadline": p.deadline}


def field_spec(spec: FieldSpec) -> dict[str, Any]:
    """A profile field spec for portals that build their own form."""
    return {"name": spec.name, "label": spec.label, "type": spec.kind, "meaning": spec.meaning,
            "ask": spec.ask, "allowed": list(spec.allowed), "min": spec.lo, "max": spec.hi, "unit": spec.unit,
            "suggestions": list(CITY_PROVINCE) if spec.name == "city" else []}


def field_specs() -> list[dict[str, Any]]:
    """Every profile field, in PROFILE_FIELDS order."""
    return [field_spec(s) for s in PROFILE_FIELDS.values()]
