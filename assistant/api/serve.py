"""`zhice serve`: the API with the UI at /ui on uvicorn; and a background server for tests and benchmarks."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from assistant.api.app import create_app
from assistant.api.security import KeyRing
from assistant.chat import Assistant
from assistant.errors import IndexBusy
from assistant.settings import Settings

log = logging.getLogger(__name__)
UI_PATH = "/ui"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANY_INTERFACE = ("0.0.0.0", "::", "")
BACKLOG = 256  # connections waiting to be accepted; beyond max_connections they get 503 quickly anyway


def build_server(settings: Settings, assistant: Assistant | None = None, ui: bool = True) -> FastAPI:
    """The whole server: the API, the UI at /ui (login required when API keys are set), / → /ui/."""
    app = create_app(settings, assistant)
    if not ui:
        return app
    from ui.app import mount_ui

    keys = KeyRing(settings)
    login, can_write = None, None
    if not keys.open:
        login = keys.login
        # gradio keeps the logged-in name on the request: only `admin` (who needed the admin key) writes
        can_write = lambda request: bool(keys.admin) and getattr(request, "username", None) == "admin"  # noqa: E731

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{UI_PATH}/")

    return mount_ui(app, app.state.assistant, UI_PATH, login=login, can_write=can_write)


def prepare_index(assistant: Assistant) -> None:
    """On first start (nothing stored, nothing registered) ingest the built-in sample corpus, before
    any request is served; an index whose registry and store disagree is reported with its repair
    instead (a store that lost its documents is not a first start)."""
    kb = assistant.kb
    corpus = kb.settings.sample_corpus
    if not kb.health.ok:
        log.error("%s", kb.health.message())
        print(f"智策 Zhice: {kb.health.message()}", flush=True)
        return
    if kb.is_empty() and not kb.registry.items() and corpus.exists():
        log.warning("the index is empty: ingesting the sample corpus %s (first start only)", corpus)
        try:
            report = kb.ingest([corpus])
        except IndexBusy as e:  # another replica started at the same time and is ingesting it
            log.warning("not ingesting the sample corpus: %s", e)
            return
        log.warning("indexed %d files, %d chunks in %.1f s",
                    len(report.added), report.chunks_total, report.seconds)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Build the index if needed, then run the server until interrupted."""
    import uvicorn

    from assistant.wiring import build_assistant

    if host not in LOOPBACK and KeyRing(settings).open:
        log.warning("serving on %s with no ZHICE_API_KEYS / ZHICE_ADMIN_KEY: anyone who can reach it may "
                    "upload and delete documents", host)
    if host not in LOOPBACK and host not in ANY_INTERFACE and "*" not in settings.allowed_hosts:
        # served on one address: that address is a name clients use
        settings = settings.model_copy(update={"allowed_hosts": f"{settings.allowed_hosts},{host}"})
    elif host in ANY_INTERFACE:
        log.warning("serving on every interface: clients must use a name listed in ZHICE_ALLOWED_HOSTS (%s)",
                    settings.allowed_hosts)
    from assistant.backends import probe_store
    from assistant.errors import ConfigError

    probe = probe_store(settings)
    if probe.crashed:  # opening it here would take the server down with no message
        raise ConfigError(f"{probe.problem}：运行 `zhice reindex --rebuild` 按登记表从原文件重建，再启动")
    assistant = build_assistant(settings)
    prepare_index(assistant)
    from ingest.sandbox import warm_up

    warm_up()  # uploads are parsed in its workers
    print(f"智策 Zhice: UI http://{host}:{port}{UI_PATH}/  API docs http://{host}:{port}/docs", flush=True)
    uvicorn.run(build_server(settings, assistant), host=host, port=port, log_level="info",
                **uvicorn_limits(settings))


def uvicorn_limits(settings: Settings) -> dict[str, Any]:
    """Connection limits, and no X-Forwarded-For rewriting by uvicorn (its default trusts it from
    127.0.0.1, which let a client pick its own rate-limit bucket): the guard reads it, and only
    from ZHICE_TRUSTED_PROXIES."""
    return {"proxy_headers": False, "limit_concurrency": settings.max_connections,
            "timeout_keep_alive": settings.keep_alive_seconds, "backlog": BACKLOG, "http": idle_closing_protocol()}


def idle_closing_protocol() -> type:
    """uvicorn's HTTP protocol, with the keep-alive deadline also on a new connection's first request:
    uvicorn only times out idle connections after a response, so sockets that never send anything
    would hold the connection limit (and answer everyone else 503) for ever."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    class IdleClosingProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: object) -> None:
            super().connection_made(transport)
            # the first bytes cancel it, as they cancel the keep-alive timer between requests
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive,
                                                                self.timeout_keep_alive_handler)

    return IdleClosingProtocol


@contextmanager
def background_server(app: FastAPI, host: str = "127.0.0.1", timeout: float = 30.0) -> Iterator[str]:
    """Run `app` on uvicorn in a thread on a free loopback port; yields its base URL.

    The socket is bound here and handed to uvicorn, so there is no race for the port.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    settings: Settings = app.state.settings
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5,
                                           **uvicorn_limits(settings)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="zhice-server")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start; see the log above")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
