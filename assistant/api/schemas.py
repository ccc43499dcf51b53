"""Request and response bodies of the HTTP API (pydantic), and the conversions to domain inputs.

Responses are the domain objects' `to_dict()` wrapped in a few typed envelopes, so the API
contract stays the one `assistant.domain` defines.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    section: str
    page: int
    text: str
    source: str
    authority: Literal["official", "summary"] | str
    doc_no: str = ""
    region: str = ""


class AnswerOut(BaseModel):
    answer: str
    refused: bool
    mode: str
    citations: list[CitationOut]
    timings: dict[str, float]


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


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class HealthOut(BaseModel):
    status: Literal["ok", "empty"]
    index: dict[str, Any]


class DocumentsOut(BaseModel):
    documents: list[dict[str, Any]]


class UploadOut(BaseModel):
    filename: str = Field(description="The sanitised name the file was saved under (in data_dir/uploads).")
    doc_id: str | None
    status: Literal["added", "updated", "unchanged", "duplicate"]
    report: dict[str, Any]


class DeleteOut(BaseModel):
    doc_id: str
    sources: list[str]
    files_removed: list[str]


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
        raise BadInput("messages contain no user message: add {\"role\": \"user\", \"content\": \"…\"}")
    return messages[last].text(), history_pairs(messages[:last])
