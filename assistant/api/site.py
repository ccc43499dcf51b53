"""Requests only from the app itself: the Host check (against DNS rebinding), refusal of cross-site
writes, and the security headers on every response, as one ASGI middleware over the API and the UI.

A web page on another site can make the browser POST to 127.0.0.1 (a form or fetch needs no CORS
to *send*), so every state-changing request — the API's and the Gradio app's under /ui (upload,
queue, login) — is refused when the browser says it comes from another site: `Sec-Fetch-Site`
(sent by every current browser) or else `Origin`. Clients that are not browsers (curl, SDKs) send
neither and are unaffected; origins listed in ZHICE_CORS_ORIGINS are the configured exceptions.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from assistant.api.security import ASGIApp, Message, Receive, Scope, Send
from assistant.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sec-Fetch-Site values of a request the app's own page (or the user, typing a URL) made
SAME_SITE_FETCH = frozenset({"same-origin", "none"})
BASE_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def security_headers(portals: list[str]) -> tuple[tuple[bytes, bytes], ...]:
    """The headers on every response. Framing: nobody, or only the portals of ZHICE_CORS_ORIGINS.

    Only frame-ancestors in the CSP: a fuller policy would break Gradio's inline scripts and styles.
    """
    if not portals:
        return (*BASE_HEADERS, (b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'"))
    allowed = " ".join(["'self'", *portals]).encode("latin-1", "replace")
    return (*BASE_HEADERS, (b"content-security-policy", b"frame-ancestors " + allowed))


def host_name(host_header: str) -> str:
    """The name part of a Host header: `[::1]:8000` → `::1`, `Example.org:80` → `example.org`."""
    h = host_header.strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def origin_host(origin: str) -> str:
    """`https://Portal.example:8443` → `portal.example:8443`; '' for `null` or junk."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return ""
    return parts.netloc.lower() if parts.scheme in ("http", "https") else ""


class SiteGuardMiddleware:
    """Host allow-list, cross-site write refusal and security headers (every path)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        hosts = [host_name(h) if h != "*" else "*" for h in settings.split_list(settings.allowed_hosts)]
        self.any_host = "*" in hosts
        self.hosts = frozenset(hosts)
        portals = [o for o in settings.split_list(settings.cors_origins) if origin_host(o)]
        self.allowed_origins = frozenset(origin_host(o) for o in portals)
        self.headers = security_headers(portals)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _send_json(send, self.headers, *refusal)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in self.headers if k not in present)]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str] | None:
        host = headers.get("host", "")
        if not self.any_host and host_name(host) not in self.hosts:
            return (400, "HostNotAllowed",
                    f"主机名 {host_name(host)[:100] or '（空）'} 不在允许列表中：用 127.0.0.1 或 localhost 访问，"
                    "或把这个名字加入 ZHICE_ALLOWED_HOSTS")
        if scope["type"] == "http" and scope["method"] in SAFE_METHODS:
            return None
        if self._cross_site(headers):
            return (403, "CrossSiteRequest",
                    "拒绝来自其他网站的写请求：请在智策自己的页面上操作；其他网站的前端需先加入 ZHICE_CORS_ORIGINS")
        return None

    def _cross_site(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        if origin is not None and origin_host(origin) in self.allowed_origins - {""}:
            return False  # a portal the operator allowed
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None:
            return fetch_site.strip().lower() not in SAME_SITE_FETCH
        if origin is None:
            return False  # not a browser, or a browser too old to say: nothing to go on
        return origin_host(origin) != headers.get("host", "").strip().lower()


async def _send_json(send: Send, headers: tuple[tuple[bytes, bytes], ...], status: int, type_: str,
                     message: str) -> None:
    body = json.dumps({"error": {"type": type_, "message": message}}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})
