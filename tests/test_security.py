"""Issue 9's findings, reproduced against a real server on loopback over a real (one-file) index:
cross-site writes, Host names, oversized history and messages, unprocessable text, non-ASCII keys,
brute force on keys and on the UI login, X-Forwarded-For, short keys, what /healthz shows."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import make_settings
from test_api import ADMIN, PLAN, QUESTION, USER, error_of

from assistant.api.app import create_app
from assistant.api.limits import check_conversation, text_problem
from assistant.api.security import FailureLimiter, client_address
from assistant.api.serve import background_server, build_server
from assistant.api.site import host_name, origin_host
from assistant.chat import Assistant
from assistant.errors import BadInput, ConfigError
from assistant.settings import Settings

slow = pytest.mark.slow
EVIL = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}


# ---------------------------------------------------------------------- pure tables
@pytest.mark.parametrize(("text", "refused"), [
    ("智能工厂\n\t奖补\r\n", False), ("零宽\u200b空格和\ufeffBOM", False), ("a\x00b", True), ("\x1b[31m", True),
    ("\x85", True), ("\ud800", True), ("ok\udfff", True), ("😀", False),
])
def test_text_problem(text: str, refused: bool) -> None:
    assert bool(text_problem(text)) is refused


def test_conversation_limits(tmp_path: Path) -> None:
    s = make_settings(tmp_path, max_history_turns=2, max_turn_chars=10, max_history_chars=25)
    check_conversation(s, "问", [("一" * 10, "二" * 10)])
    for history in ([("a", "b")] * 3, [("一" * 11, "")], [("一" * 10, "二" * 10), ("三" * 6, "")]):
        with pytest.raises(BadInput, match="ZHICE_MAX_"):
            check_conversation(s, "问", history)
    with pytest.raises(BadInput, match="对话历史"):
        check_conversation(s, "问", [], messages=7)


def test_failures_back_off_doubling_and_a_success_clears_them() -> None:
    now = [0.0]
    f = FailureLimiter(allowed=3, clock=lambda: now[0])
    assert [f.failed("a") for _ in range(3)] == [0, 0, 0]
    assert f.failed("a") == 1 and f.failed("a") == 2 and f.failed("a") == 4
    assert f.wait("a") == 4 and f.wait("b") == 0
    now[0] = 4.0
    assert f.wait("a") == 0 and f.failed("a") == 8  # waiting out a lock does not reset the count
    f.succeeded("a")
    assert f.failed("a") == 0
    now[0] = 1000.0
    assert f.failed("a") == 0  # and a quiet minute does


@pytest.mark.parametrize(("peer", "xff", "trusted", "client"), [
    ("127.0.0.1", "1.2.3.4", "", "127.0.0.1"),  # no proxy configured: XFF is a client's claim
    ("127.0.0.1", "1.2.3.4", "127.0.0.1", "1.2.3.4"),
    ("127.0.0.1", "6.6.6.6, 1.2.3.4", "127.0.0.1", "1.2.3.4"),  # the left part is the client's own claim
    ("10.0.0.9", "1.2.3.4", "127.0.0.1", "10.0.0.9"),  # not from the proxy
])
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
        peer: str, xff: str, trusted: str, client: str) -> None:
    got = client_address({"client": (peer, 1)}, {"x-forwarded-for": xff}, frozenset(filter(None, [trusted])))
    assert got == client


@pytest.mark.parametrize(("header", "name"), [
    ("127.0.0.1:8000", "127.0.0.1"), ("[::1]:8000", "::1"), ("LocalHost", "localhost"), ("evil.example:80", "evil.example"),
])
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


def test_origin_host() -> None:
    assert origin_host("https://Portal.example:8443") == "portal.example:8443"
    assert origin_host("null") == "" and origin_host("file://x") == ""


@pytest.mark.parametrize("kw", [{"api_keys": "short"}, {"api_keys": f"{USER},abc"}, {"admin_key": "admin"}])
def test_short_keys_are_refused_at_start_up(tmp_path: Path, kw: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="至少 16 个字符"):
        make_settings(tmp_path, **kw)


def test_short_keys_are_refused_even_in_copied_settings(tmp_path: Path) -> None:
    settings = make_settings(tmp_path).model_copy(update={"api_keys": "short"})  # copies skip validators
    with pytest.raises(ConfigError, match="至少 16 个字符"):
        create_app(settings, assistant=object())  # type: ignore[arg-type]  # refused before it is used


# ---------------------------------------------------------------------- a real server
@pytest.fixture(scope="module")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("sec") / "data", rate_limit_per_minute=10_000)


@pytest.fixture(scope="module")
def assistant(base_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from assistant.wiring import build_assistant

    docs = tmp_path_factory.mktemp("sec-docs")
    (docs / "plan.md").write_text(PLAN, encoding="utf-8")
    a = build_assistant(base_settings)
    assert a.kb.ingest([docs]).added
    return a


@pytest.fixture(scope="module")
def open_url(base_settings: Settings, assistant: Assistant) -> Iterator[str]:
    """No keys (the loopback default): where cross-site writes hurt most."""
    with background_server(build_server(base_settings, assistant)) as base:
        yield base


@pytest.fixture()
def keyed_url(base_settings: Settings, assistant: Assistant) -> Iterator[str]:
    """Keys set, and a server of the test's own (failure counts are per server)."""
    settings = base_settings.model_copy(update={"api_keys": USER, "admin_key": ADMIN, "auth_failures_allowed": 3})
    with background_server(build_server(settings, assistant, ui=True)) as base:
        yield base


@slow
def test_cross_site_upload_is_refused_on_the_api_and_under_ui(open_url: str, base_settings: Settings) -> None:
    files = {"file": ("planted.md", "智能工厂奖补。".encode())}
    r = httpx.post(f"{open_url}/v1/documents", files=files, headers=EVIL)
    assert r.status_code == 403 and error_of(r)["type"] == "CrossSiteRequest" and "其他网站" in error_of(r)["message"]
    r = httpx.post(f"{open_url}/v1/documents", files=files, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403  # an older browser: Origin alone
    for path in ("/ui/gradio_api/upload", "/ui/gradio_api/queue/join", "/ui/login"):
        assert httpx.post(f"{open_url}{path}", files=files, headers=EVIL).status_code == 403, path
    assert not (base_settings.data_dir / "uploads" / "planted.md").exists()
    # a same-site page on another port is another application too
    r = httpx.post(f"{open_url}/v1/ask", json={"question": QUESTION}, headers={"Sec-Fetch-Site": "same-site"})
    assert r.status_code == 403


@slow
def test_the_apps_own_page_and_non_browser_clients_still_write(open_url: str) -> None:
    page = httpx.get(f"{open_url}/ui/", headers={"Sec-Fetch-Site": "none"})
    assert page.status_code == 200
    own = {"Origin": open_url, "Sec-Fetch-Site": "same-origin"}
    r = httpx.post(f"{open_url}/ui/gradio_api/upload", files={"files": ("a.md", b"x")}, headers=own)
    assert r.status_code == 200, r.text  # gradio's own upload from its page
    assert httpx.post(f"{open_url}/v1/ask", json={"question": QUESTION}, headers=own).status_code == 200
    assert httpx.post(f"{open_url}/v1/ask", json={"question": QUESTION}).status_code == 200  # curl


@slow
def test_unknown_host_names_are_refused(open_url: str) -> None:
    r = httpx.get(f"{open_url}/healthz", headers={"Host": "attacker.example"})  # DNS rebinding
    assert r.status_code == 400 and "ZHICE_ALLOWED_HOSTS" in error_of(r)["message"]
    assert httpx.get(f"{open_url}/ui/", headers={"Host": "attacker.example"}).status_code == 400
    assert httpx.get(f"{open_url}/healthz", headers={"Host": "localhost"}).status_code == 200


@slow
def test_security_headers_on_api_ui_and_refusals(open_url: str) -> None:
    for r in (httpx.get(f"{open_url}/healthz"), httpx.get(f"{open_url}/ui/"),
              httpx.post(f"{open_url}/v1/documents", headers=EVIL)):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["referrer-policy"] == "no-referrer" and r.headers["x-frame-options"] == "DENY"


@slow
def test_healthz_shows_no_paths(open_url: str, base_settings: Settings) -> None:
    r = httpx.get(f"{open_url}/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["index"]["documents"] == 1
    assert str(base_settings.data_dir) not in r.text and "/tmp" not in r.text


@slow
def test_documents_answers_and_hits_name_files_not_server_paths(open_url: str) -> None:
    docs = httpx.get(f"{open_url}/v1/documents").json()["documents"]
    answer = httpx.post(f"{open_url}/v1/ask", json={"question": QUESTION}).json()
    hits = httpx.post(f"{open_url}/v1/search", json={"query": QUESTION}).json()["hits"]
    chat = httpx.post(f"{open_url}/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]})
    assert docs[0]["sources"] == ["plan.md"] and answer["citations"][0]["source"] == "plan.md"
    assert hits[0]["source"] == "plan.md" and chat.json()["citations"][0]["source"] == "plan.md"
    assert "/tmp" not in str((docs, answer, hits, chat.text))


@slow
@pytest.mark.parametrize("body", [
    {"question": QUESTION, "history": [["问" * 100_000, "答"]]},  # one 300 kB turn
    {"question": QUESTION, "history": [["问" * 4000, "答" * 4000]] * 12},  # many long turns
    {"question": QUESTION, "history": [["问", "答"]] * 500},  # many short turns
    {"question": QUESTION, "history": [{"role": "user", "content": "问" * 9000}]},
])
def test_oversized_history_is_refused_before_any_retrieval(open_url: str, body: dict[str, object]) -> None:
    started = time.monotonic()
    r = httpx.post(f"{open_url}/v1/ask", json=body, timeout=60)
    assert r.status_code in (413, 422), r.text
    assert "ZHICE_MAX_" in error_of(r)["message"] and time.monotonic() - started < 2


@slow
@pytest.mark.parametrize("messages", [
    [{"role": "system", "content": "忽略" * 9000}, {"role": "user", "content": QUESTION}],
    [{"role": "user", "content": "问"}, {"role": "assistant", "content": "答"}] * 30 + [{"role": "user", "content": QUESTION}],
    [{"role": "user", "content": "问" * 100_000}],
])
def test_oversized_messages_are_refused(open_url: str, messages: list[dict[str, str]]) -> None:
    r = httpx.post(f"{open_url}/v1/chat/completions", json={"messages": messages}, timeout=60)
    assert r.status_code in (413, 422), r.text


@slow
@pytest.mark.parametrize(("path", "body"), [
    ("/v1/ask", '{"question": "智能工厂\\ud800"}'),
    ("/v1/ask", '{"question": "智能工厂", "history": [["\\udc00", "答"]]}'),
    ("/v1/ask", '{"question": "智能工厂\\u0000奖补"}'),
    ("/v1/search", '{"query": "\\ud83d奖补"}'),
    ("/v1/search", '{"query": "奖补", "filters": {"region\\ud800": "x"}}'),
    ("/v1/chat/completions", '{"messages": [{"role": "user", "content": "\\ud800"}]}'),
    ("/v1/eligibility", '{"profile": {"province": "\\ud800"}}'),
])
def test_lone_surrogates_and_control_characters_are_422(open_url: str, path: str, body: str) -> None:
    r = httpx.post(f"{open_url}{path}", content=body.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert "代理项" in error_of(r)["message"] or "控制字符" in error_of(r)["message"]


@slow
def test_a_non_ascii_key_is_401_not_500(keyed_url: str) -> None:
    for header in ({"X-API-Key": "密钥".encode()}, {"Authorization": "Bearer ключ-ключ-ключ".encode()}):
        r = httpx.post(f"{keyed_url}/v1/ask", json={"question": QUESTION}, headers=header)
        assert r.status_code in (401, 429), r.text
    r = httpx.post(f"{keyed_url}/ui/login", data={"username": "admin", "password": "管理员密码"})
    assert r.status_code in (400, 429)


@slow
def test_wrong_keys_back_off_and_then_even_the_right_key_waits(keyed_url: str) -> None:
    codes = [httpx.get(f"{keyed_url}/v1/documents", headers={"X-API-Key": f"guess-{i:012d}"}).status_code
             for i in range(6)]
    assert codes[:3] == [401, 401, 401] and 429 in codes[3:]
    r = httpx.get(f"{keyed_url}/v1/documents", headers={"X-API-Key": USER})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "秒后再试" in error_of(r)["message"]
    time.sleep(int(r.headers["retry-after"]) + 0.1)
    assert httpx.get(f"{keyed_url}/v1/documents", headers={"X-API-Key": USER}).status_code == 200


@slow
def test_ui_login_guesses_back_off(base_settings: Settings, assistant: Assistant) -> None:
    settings = base_settings.model_copy(update={"api_keys": USER, "admin_key": ADMIN, "auth_failures_allowed": 5})
    with background_server(build_server(settings, assistant)) as base, httpx.Client(base_url=base) as c:
        started = time.monotonic()
        codes = [c.post("/ui/login", data={"username": "admin", "password": f"guess{i}"}).status_code
                 for i in range(40)]
        assert codes[:5] == [400] * 5 and codes.count(400) <= 8, codes  # not 300 guesses in 0.6 s
        assert time.monotonic() - started < 10


@slow
def test_forwarded_for_does_not_escape_the_rate_limit(base_settings: Settings, assistant: Assistant) -> None:
    settings = base_settings.model_copy(update={"rate_limit_per_minute": 3})
    with background_server(build_server(settings, assistant, ui=False)) as base:
        codes = [httpx.get(f"{base}/v1/documents", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
                 for i in range(5)]
        assert codes[-1] == 429
    trusted = settings.model_copy(update={"trusted_proxies": "127.0.0.1"})
    with background_server(build_server(trusted, assistant, ui=False)) as base:
        codes = [httpx.get(f"{base}/v1/documents", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
                 for i in range(5)]
        assert codes == [200] * 5  # behind a configured proxy, each forwarded client has its own bucket


@slow
def test_docs_are_served_from_local_assets(open_url: str) -> None:
    page = httpx.get(f"{open_url}/docs")
    assert page.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "jsdelivr" not in page.text
    assert httpx.get(f"{open_url}/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert httpx.get(f"{open_url}/docs/assets/swagger-ui.css").status_code == 200


def test_disk_full_and_store_failures_become_errors_that_say_what_to_do(tmp_path: Path) -> None:
    import errno

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.backends import ChromaStore, store_failure
    from assistant.errors import DiskFull, StoreError

    assert isinstance(store_failure(OSError(errno.ENOSPC, "No space left on device"), "写入"), DiskFull)
    assert isinstance(store_failure(RuntimeError("database or disk is full"), "写入"), DiskFull)
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    store = ChromaStore(client, "zhice-test", "e")
    client.delete_collection("zhice-test")  # the collection vanished under the server
    with pytest.raises(StoreError, match="zhice reindex"):
        store.count()


@slow
def test_ui_events_are_rate_limited_per_client(base_settings: Settings, assistant: Assistant) -> None:
    from assistant.api.security import UI_EVENTS_PER_REQUEST

    settings = base_settings.model_copy(update={"rate_limit_per_minute": 2})
    allowed = 2 * UI_EVENTS_PER_REQUEST  # a page makes several POSTs per thing a person does
    with background_server(build_server(settings, assistant)) as base:
        codes = [httpx.post(f"{base}/ui/gradio_api/upload", files={"files": ("v.md", b"x")}).status_code
                 for _ in range(allowed + 1)]
        assert codes[:allowed] == [200] * allowed and codes[allowed] == 429, codes  # votes cannot fill the disk
        assert httpx.get(f"{base}/ui/").status_code == 200  # reading the page is not limited


@pytest.mark.parametrize(("name", "safe"), [
    ("CON.txt", "CON_.txt"), ("nul.md", "nul_.md"), ("com1.tar.csv", "com1.tar_.csv"), ("console.md", "console.md"),
])
def test_windows_reserved_upload_names_are_changed(name: str, safe: str) -> None:
    from assistant.uploads import sanitise_filename

    assert sanitise_filename(name) == safe


@slow
def test_idle_connections_are_bounded_and_closed(base_settings: Settings, assistant: Assistant) -> None:
    import socket

    settings = base_settings.model_copy(update={"max_connections": 4, "keep_alive_seconds": 1})
    with background_server(build_server(settings, assistant, ui=False)) as base:
        host, port = base.rsplit("/", 1)[1].split(":")
        idle = [socket.create_connection((host, int(port))) for _ in range(4)]  # never send a byte
        time.sleep(0.3)
        assert httpx.get(f"{base}/healthz").status_code == 503  # over the limit: refused, not queued
        time.sleep(1.5)  # the idle ones are closed after the keep-alive time
        assert all(s.recv(1) == b"" for s in idle)
        assert httpx.get(f"{base}/healthz").status_code == 200
        for s in idle:
            s.close()


@slow
def test_every_json_string_is_bounded(open_url: str) -> None:
    r = httpx.post(f"{open_url}/v1/eligibility", json={"profile": {"industry": "制" * 50_000}})
    assert r.status_code == 422 and "单个字段上限" in error_of(r)["message"]
    r = httpx.post(f"{open_url}/v1/search", json={"query": "奖补", "filters": {"region": "省" * 20_000}})
    assert r.status_code == 422


def test_framing_is_allowed_only_to_the_configured_portals() -> None:
    from assistant.api.site import security_headers

    closed = dict(security_headers([]))
    assert closed[b"content-security-policy"] == b"frame-ancestors 'none'" and closed[b"x-frame-options"] == b"DENY"
    portal = dict(security_headers(["https://portal.example"]))
    assert portal[b"content-security-policy"] == b"frame-ancestors 'self' https://portal.example"
    assert b"x-frame-options" not in portal and portal[b"x-content-type-options"] == b"nosniff"
