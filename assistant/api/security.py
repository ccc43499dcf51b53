"""API keys, the admin key, per-client rate limits and request-size limits, as one ASGI middleware.

It runs before FastAPI reads a body, so a caller without a key, over its rate or sending too much
is refused before anything is parsed or spooled to disk. Only paths under /v1/ are guarded:
/healthz, /docs and the UI are not (the UI has its own login when keys are set).
"""

from __future__ import annotations

import hmac
import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from assistant.settings import Settings

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
MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around an uploaded file


def is_admin_route(method: str, path: str) -> bool:
    """Uploads and deletes change the index: they need the admin key."""
    return path.rstrip("/") == "/v1/documents" and method == "POST" or (
        method == "DELETE" and path.startswith("/v1/documents/")
    )


@dataclass(frozen=True)
class Denied:
    status: int
    type: str
    message: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


class KeyRing:
    """Who may call what. Empty api_keys and admin_key: everything is open (loopback use)."""

    def __init__(self, settings: Settings) -> None:
        self.keys = settings.key_list
        self.admin = settings.admin_key.strip()

    @property
    def open(self) -> bool:
        return not self.keys and not self.admin

    def known(self, key: str) -> bool:
        """A configured API key or the admin key."""
        return bool(key) and any(hmac.compare_digest(key, k) for k in [*self.keys, self.admin] if k)

    def _is_admin(self, key: str) -> bool:
        return bool(self.admin) and hmac.compare_digest(key, self.admin)

    def check(self, key: str, admin_route: bool) -> Denied | None:
        """None when the caller may go on; otherwise why not (401 / 403)."""
        if self.open:
            return None
        if admin_route:
            if not self.admin:
                return Denied(403, "Forbidden", "uploads and deletes are disabled: API keys are set but no "
                              "admin key is; set ZHICE_ADMIN_KEY and send it as the key")
            if self._is_admin(key):
                return None
            if self.known(key):
                return Denied(403, "Forbidden", "this key may ask and search but not change the knowledge "
                              "base: send the admin key")
            return _unauthorised(key)
        if not self.keys or self.known(key):  # only an admin key set: reading stays open
            return None
        return _unauthorised(key)

    def login(self, username: str, password: str) -> bool:
        """For the UI login: any known key as the password; the admin logs in as `admin`."""
        if username == "admin":
            return self._is_admin(password)
        return self.known(password)


def _unauthorised(key: str) -> Denied:
    what = "the API key is not valid" if key else "an API key is required"
    return Denied(401, "Unauthorized", f"{what}: send `Authorization: Bearer <key>` or `X-API-Key: <key>`",
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
            if len(self._buckets) > 10_000:  # forget idle clients so the table cannot grow without bound
                self._buckets = {c: v for c, v in self._buckets.items() if now - v[1] < 60}
            tokens, last = self._buckets.get(client, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate


class BodyTooLarge(HTTPException):
    """Raised from inside `receive`: FastAPI re-raises HTTPExceptions from body parsing unchanged."""

    def __init__(self, denied: Denied) -> None:
        super().__init__(denied.status, denied.message)
        self.denied = denied


class GuardMiddleware:
    """Authentication, rate limiting and body-size limits for /v1/ routes."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.keys = KeyRing(settings)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.max_json = settings.max_request_kb * 1024
        self.max_upload = settings.max_file_bytes + MULTIPART_SLACK
        self.max_file_mb = settings.max_file_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(GUARDED_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = request_key(headers)
        # Limited before authentication, per known key or else per client address: neither guessing
        # keys nor sending made-up keys in open mode escapes the limit.
        denied = self._rate(key if self.keys.known(key) else "", scope)
        if denied is None:
            denied = self.keys.check(key, is_admin_route(scope["method"], scope["path"]))
        limit = self._limit(headers)
        if denied is None:
            denied = self._size(headers, limit)
        if denied is not None:
            await _send_error(send, denied)
            return
        await self._run_limited(scope, receive, send, limit)

    def _rate(self, key: str, scope: Scope) -> Denied | None:
        client = f"key:{key}" if key else f"ip:{(scope.get('client') or ('?', 0))[0]}"
        wait = self.limiter.take(client)
        if not wait:
            return None
        seconds = max(1, math.ceil(wait))
        return Denied(429, "RateLimited", f"more than {self.limiter.capacity} requests per minute; "
                      f"retry in {seconds} s", ((b"retry-after", str(seconds).encode()),))

    def _limit(self, headers: dict[str, str]) -> int:
        return self.max_upload if headers.get("content-type", "").startswith("multipart/") else self.max_json

    def _size(self, headers: dict[str, str], limit: int) -> Denied | None:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            return Denied(400, "BadRequest", "Content-Length is not a number")
        return self._too_large(limit) if length > limit else None

    def _too_large(self, limit: int) -> Denied:
        if limit == self.max_upload:
            return Denied(413, "FileTooLarge", f"the upload is over the {self.max_file_mb:g} MB limit; "
                          "split the file or raise ZHICE_MAX_FILE_MB")
        return Denied(413, "RequestTooLarge", f"the request body is over {limit // 1024} kB; "
                      "send less or raise ZHICE_MAX_REQUEST_KB")

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
                await _send_error(send, e.denied)


def request_key(headers: dict[str, str]) -> str:
    """The key from `Authorization: Bearer <key>` or `X-API-Key`, or ''."""
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return headers.get("x-api-key", "").strip()


async def _send_error(send: Send, denied: Denied) -> None:
    error = {"error": {"type": denied.type, "message": denied.message}}
    body = json.dumps(error, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               *denied.headers]
    await send({"type": "http.response.start", "status": denied.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

