"""API keys, the admin key, per-client rate limits, back-off on wrong keys and request-size limits,
as one ASGI middleware.

It runs before FastAPI reads a body, so a caller without a key, over its rate or sending too much
is refused before anything is parsed or spooled to disk. Paths under /v1/ are guarded; of the UI
only its login, whose wrong passwords count towards the same back-off as wrong keys (the UI has
its own login when keys are set). Keys are compared as bytes, so a key in any script is a 401,
never an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from assistant.errors import ConfigError
from assistant.settings import MIN_KEY_CHARS, Settings

# Uploaded files are handled in assistant.uploads (no web framework there); these names stay
# importable from here for callers written before the move.
from assistant.uploads import (  # noqa: F401
    UploadResult,
    ingest_upload,
    remove_uploaded,
    sanitise_filename,
    uploads_dir,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

GUARDED_PREFIX = "/v1/"
UI_PREFIX = "/ui/"
UI_LOGIN_PATH = "/ui/login"
MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around an uploaded file
# A refused body is read (and dropped) up to this size before the 413 is sent, so a client still
# sending gets the message instead of a connection reset; beyond it the connection is cut.
DRAIN_LIMIT = 8 * 1024 * 1024
FAILURE_WINDOW_SECONDS = 60.0  # wrong keys are counted over this window
BACKOFF_FIRST_SECONDS = 1.0  # the wait after the first failure over the allowance; it doubles with each one
BACKOFF_MAX_SECONDS = 900.0  # 15 minutes: a mistyping person waits at most this; a guesser gets ~100 tries a day
# A page of the UI makes several POSTs per thing a person does (queue joins for the answer, the
# session panel, the exports…): its events get this many times the API's per-minute allowance.
UI_EVENTS_PER_REQUEST = 5
MAX_CLIENTS_TRACKED = 10_000  # per table: idle clients are forgotten so the tables cannot grow without bound


def is_admin_route(method: str, path: str) -> bool:
    """Uploads, deletes, marking a document official and saving a reviewed programme change what
    answers rest on: they need the admin key."""
    return path.rstrip("/") == "/v1/documents" and method == "POST" or (
        method in ("DELETE", "PATCH") and path.startswith("/v1/documents/")
    ) or (method in ("PUT", "POST", "DELETE", "PATCH") and path.startswith("/v1/programmes/"))


@dataclass(frozen=True)
class Denied:
    status: int
    type: str
    message: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


def _key_bytes(key: str | bytes) -> bytes:
    """Keys as bytes: header values arrive as latin-1 text of their raw bytes, settings as text."""
    return key if isinstance(key, bytes) else key.encode("utf-8", "surrogatepass")


class KeyRing:
    """Who may call what. Empty api_keys and admin_key: everything is open (loopback use)."""

    def __init__(self, settings: Settings) -> None:
        self.keys = [_key_bytes(k) for k in settings.key_list]
        self.admin = _key_bytes(settings.admin_key.strip())
        # settings built with model_copy skip their validators: the ring checks again
        if any(len(k.decode("utf-8", "replace")) < MIN_KEY_CHARS for k in [*self.keys, self.admin] if k):
            raise ConfigError(f"ZHICE_API_KEYS / ZHICE_ADMIN_KEY：密钥至少 {MIN_KEY_CHARS} 个字符；请换成更长的随机密钥")

    @property
    def open(self) -> bool:
        return not self.keys and not self.admin

    def known(self, key: str | bytes) -> bool:
        """A configured API key or the admin key."""
        b = _key_bytes(key)
        # every key is compared (no early exit), so the time taken says nothing about which matched
        return bool(b) and sum(hmac.compare_digest(b, k) for k in [*self.keys, self.admin] if k) > 0

    def _is_admin(self, key: str | bytes) -> bool:
        return bool(self.admin) and hmac.compare_digest(_key_bytes(key), self.admin)

    def check(self, key: str | bytes, admin_route: bool) -> Denied | None:
        """None when the caller may go on; otherwise why not (401 / 403)."""
        if self.open:
            return None
        if admin_route:
            if not self.admin:
                return Denied(403, "Forbidden", "上传和删除已关闭：设置了 API 密钥但没有管理员密钥；"
                              "请设置 ZHICE_ADMIN_KEY 并用它调用")
            if self._is_admin(key):
                return None
            if self.known(key):
                return Denied(403, "Forbidden", "这个密钥可以提问和检索，但不能修改知识库：请使用管理员密钥")
            return _unauthorised(key)
        if not self.keys or self.known(key):  # only an admin key set: reading stays open
            return None
        return _unauthorised(key)

    def login(self, username: str, password: str) -> bool:
        """For the UI login: any known key as the password; the admin logs in as `admin`."""
        if username == "admin":
            return self._is_admin(password)
        return self.known(password)


def _unauthorised(key: str | bytes) -> Denied:
    what = "API 密钥无效" if key else "需要 API 密钥"
    return Denied(401, "Unauthorized", f"{what}：请发送 `Authorization: Bearer <密钥>` 或 `X-API-Key: <密钥>`",
                  ((b"www-authenticate", b"Bearer"),))


class RateLimiter:
    """A token bucket per client: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(1, per_minute)
        self.rate = self.capacity / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client → (tokens, last time)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go on, otherwise the seconds until it may."""
        now = self._clock()
        with self._lock:
            if len(self._buckets) > MAX_CLIENTS_TRACKED:
                self._buckets = {c: v for c, v in self._buckets.items() if now - v[1] < 60}
            tokens, last = self._buckets.get(client, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate


class FailureLimiter:
    """Wrong keys and UI passwords per client: `allowed` go unpunished; after that each failure locks
    the client out for twice as long as the one before (1 s, 2 s, 4 s … 15 min). The count is
    forgotten after a quiet minute following the last lock-out, or on a success."""

    def __init__(self, allowed: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.allowed = max(1, allowed)
        self._clock = clock
        self._clients: dict[str, tuple[int, float]] = {}  # client → (failures, locked until)
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds the client must still wait before it may try again (0: it may)."""
        with self._lock:
            _, until = self._clients.get(client, (0, 0.0))
            return max(0.0, until - self._clock())

    def failed(self, client: str) -> float:
        """Record a failure; returns the lock-out it earned (0: none yet)."""
        now = self._clock()
        with self._lock:
            if len(self._clients) > MAX_CLIENTS_TRACKED:
                self._clients = {c: v for c, v in self._clients.items() if now - v[1] < FAILURE_WINDOW_SECONDS}
            count, until = self._clients.get(client, (0, now))
            if now - until > FAILURE_WINDOW_SECONDS:
                count = 0
            count += 1
            excess = count - self.allowed
            wait = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** (excess - 1)) if excess > 0 else 0.0
            self._clients[client] = (count, max(until, now + wait) if wait else max(until, now))
            return wait

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)


def backoff_denied(wait: float) -> Denied:
    seconds = max(1, math.ceil(wait))
    return Denied(429, "TooManyFailures", f"密钥或密码错误次数过多，请 {seconds} 秒后再试",
                  ((b"retry-after", str(seconds).encode()),))


def client_address(scope: Scope, headers: dict[str, str], trusted_proxies: frozenset[str]) -> str:
    """The client's address: the connecting one, unless that is a trusted proxy, whose
    X-Forwarded-For is then read from the right up to the first address that is not a proxy."""
    peer = str((scope.get("client") or ("?", 0))[0])
    if peer not in trusted_proxies:
        return peer
    hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted_proxies:
            return hop
    return peer


class BodyTooLarge(HTTPException):
    """Raised from inside `receive`: FastAPI re-raises HTTPExceptions from body parsing unchanged."""

    def __init__(self, denied: Denied) -> None:
        super().__init__(denied.status, denied.message)
        self.denied = denied


class GuardMiddleware:
    """Authentication, rate limiting, back-off on wrong keys and body-size limits for /v1/ routes;
    back-off on wrong passwords for the UI login."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.keys = KeyRing(settings)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.ui_limiter = RateLimiter(settings.rate_limit_per_minute * UI_EVENTS_PER_REQUEST)
        self.failures = FailureLimiter(settings.auth_failures_allowed)
        self.proxies = frozenset(settings.split_list(settings.trusted_proxies))
        self.max_json = settings.max_request_kb * 1024
        self.max_upload = settings.max_file_bytes + MULTIPART_SLACK
        self.max_file_mb = settings.max_file_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope.get("path", ""), scope.get("method", "")
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif path == UI_LOGIN_PATH and method == "POST":
            await self._ui_login(scope, receive, send)
        elif path.startswith(UI_PREFIX) and method not in ("GET", "HEAD", "OPTIONS"):
            await self._ui_event(scope, receive, send)
        elif path.startswith(GUARDED_PREFIX):
            await self._api(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = request_key(headers).encode("latin-1")  # the header's own bytes
        client = client_address(scope, headers, self.proxies)
        denied = None
        if key and not self.keys.open and (wait := self.failures.wait(client)):
            denied = backoff_denied(wait)  # locked out: not even a right key is looked at
        # Limited before authentication, per known key or else per client address: neither guessing
        # keys nor sending made-up keys in open mode escapes the limit.
        if denied is None:
            denied = self._rate(key if self.keys.known(key) else b"", client)
        if denied is None:
            denied = self.keys.check(key, is_admin_route(scope["method"], scope["path"]))
            if denied is not None and denied.status == 401 and key:
                self.failures.failed(client)
        limit = self._limit(headers)
        if denied is None:
            denied = self._size(headers, limit)
        if denied is not None:
            await _drain(receive, headers)
            await _send_error(send, denied)
            return
        await self._run_limited(scope, receive, send, limit)

    async def _ui_event(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The UI's events (answers, 👍/👎, exports, uploads) are limited per client like the API, so
        one client cannot fill the disk with votes and exports."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        denied = self._rate(b"", client_address(scope, headers, self.proxies), limiter=self.ui_limiter)
        if denied is not None:
            await _drain(receive, headers)
            await _send_error(send, denied)
            return
        await self.app(scope, receive, send)

    async def _ui_login(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Gradio answers a wrong password 400 and a right one 200: count the 400s per client."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = client_address(scope, headers, self.proxies)
        if wait := self.failures.wait(client):
            await _drain(receive, headers)
            await _send_error(send, backoff_denied(wait))
            return

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 400:
                    self.failures.failed(client)
                elif message["status"] < 400:
                    self.failures.succeeded(client)
            await send(message)

        await self.app(scope, receive, watching_send)

    def _rate(self, key: bytes, client: str, limiter: RateLimiter | None = None) -> Denied | None:
        limiter = limiter or self.limiter
        # the bucket of a key is named by its digest, so no key sits in the table in clear
        who = f"key:{hashlib.sha256(key).hexdigest()[:16]}" if key else f"ip:{client}"
        wait = limiter.take(who)
        if not wait:
            return None
        seconds = max(1, math.ceil(wait))
        return Denied(429, "RateLimited", f"每分钟请求超过 {limiter.capacity} 次，请 {seconds} 秒后再试",
                      ((b"retry-after", str(seconds).encode()),))

    def _limit(self, headers: dict[str, str]) -> int:
        return self.max_upload if headers.get("content-type", "").startswith("multipart/") else self.max_json

    def _size(self, headers: dict[str, str], limit: int) -> Denied | None:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            return Denied(400, "BadRequest", "Content-Length 不是数字")
        return self._too_large(limit) if length > limit else None

    def _too_large(self, limit: int) -> Denied:
        if limit == self.max_upload:
            return Denied(413, "FileTooLarge", f"上传的文件超过 {self.max_file_mb:g} MB 的上限："
                          "请拆分文件，或调高 ZHICE_MAX_FILE_MB")
        return Denied(413, "RequestTooLarge", f"请求体超过 {limit // 1024} kB：请少发一些，"
                      "或调高 ZHICE_MAX_REQUEST_KB")

    async def _run_limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Count the bytes of bodies sent without (or with a false) Content-Length."""
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(self._too_large(limit))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as e:  # raised outside FastAPI's body parsing
            if not started:
                await _drain_rest(receive, limit)
                await _send_error(send, e.denied)


def request_key(headers: dict[str, str]) -> str:
    """The key from `Authorization: Bearer <key>` or `X-API-Key`, or ''."""
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return headers.get("x-api-key", "").strip()


async def _drain(receive: Receive, headers: dict[str, str]) -> None:
    """Read and drop a refused request's body (up to DRAIN_LIMIT), so the client reads the refusal."""
    try:
        declared = int(headers.get("content-length", "0"))
    except ValueError:
        return
    if declared > DRAIN_LIMIT or (declared == 0 and "chunked" not in headers.get("transfer-encoding", "")):
        return
    seen = 0
    while seen <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _drain_rest(receive: Receive, seen: int) -> None:
    """Read and drop what is left of a body cut off at `seen` bytes (up to DRAIN_LIMIT in all)."""
    while seen <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        seen += len(message.get("body", b""))


async def _send_error(send: Send, denied: Denied) -> None:
    error = {"error": {"type": denied.type, "message": denied.message}}
    body = json.dumps(error, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               *denied.headers]
    await send({"type": "http.response.start", "status": denied.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

