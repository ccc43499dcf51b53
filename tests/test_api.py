"""The HTTP API through a real uvicorn server on loopback, over a real index of two tiny files."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import make_settings
from files import make_md

from assistant.api.routes import references, unstreamed
from assistant.api.schemas import Message, history_pairs, split_conversation
from assistant.api.security import KeyRing, RateLimiter, is_admin_route, request_key, sanitise_filename
from assistant.api.serve import background_server, build_server
from assistant.chat import Assistant
from assistant.domain import Answer, Citation
from assistant.errors import BadInput
from assistant.settings import Settings

slow = pytest.mark.slow  # these start a real server over a real index

USER, ADMIN = "user-key-1-abcdefghij", "admin-key-1-abcdefghij"  # keys need 16+ characters
OTHER = "other-key-abcdefghij"
QUESTION = "智能制造示范工厂的建设期是多长时间？"
PLAN = """# 智能制造试点示范行动实施方案

## 四、重点工作

（三）建设智能制造示范工厂。智能制造示范工厂建设期为２年。各地工业和信息化主管部门组织本地区企业揭榜，\
择优推荐揭榜单位，示范工厂应当在建设期内完成智能化改造并通过验收。

（四）遴选智能制造优秀场景。围绕设计、生产、管理、服务等环节，遴选一批智能制造优秀场景。
"""
LOCAL_HEADER = {"标题": "黑龙江省智能工厂奖补办法（测试用）", "发布机关": "黑龙江省工业和信息化厅",
                "日期": "2030年1月2日", "文号": "黑工信规〔2030〕9号", "完整性": "全文"}
LOCAL_BODY = ("第一条 对新认定的省级智能工厂，给予一次性奖励100万元。\n"
              "第二条 对新认定的数字化车间，给予一次性奖励50万元。\n")


# ---------------------------------------------------------------------- pure tables (no server)
@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\system.ini.md", "system.ini.md"),
    ("/abs/.hidden.txt", "hidden.txt"),
    ("黑工信规规〔2025〕7号 认定办法.PDF", "黑工信规规〔2025〕7号_认定办法.pdf"),
    ("a;rm -rf $HOME|x.md", "a_rm_-rf_HOME_x.md"),
    ("....", "upload"),
    ("", "upload"),
    ("name\x00.txt", "name.txt"),
    ("x" * 300 + ".md", "x" * 100 + ".md"),
])
def test_sanitise_filename(name: str, safe: str) -> None:
    assert sanitise_filename(name) == safe


@pytest.mark.parametrize(("history", "pairs"), [
    (None, []),
    ([("问1", "答1"), ("问2", "答2")], [("问1", "答1"), ("问2", "答2")]),
    ([Message(role="system", content="s"), Message(role="user", content="问1"),
      Message(role="assistant", content="答1")], [("问1", "答1")]),
    ([Message(role="user", content="问1"), Message(role="user", content="问2")], [("问1", ""), ("问2", "")]),
    ([Message(role="user", content=[{"type": "text", "text": "问"}, {"type": "image_url"}])], [("问", "")]),
])
def test_history_pairs_accepts_both_shapes(history: Any, pairs: list[tuple[str, str]]) -> None:
    assert history_pairs(history) == pairs


def test_split_conversation_asks_the_last_user_turn() -> None:
    msgs = [Message(role="user", content="问1"), Message(role="assistant", content="答1"),
            Message(role="user", content="问2")]
    assert split_conversation(msgs) == ("问2", [("问1", "答1")])
    with pytest.raises(BadInput):
        split_conversation([Message(role="system", content="s")])


K1, K2, ADM = "k1-0123456789abcdef", "k2-0123456789abcdef", "adm-0123456789abcdef"


@pytest.mark.parametrize(("keys", "admin", "key", "admin_route", "status"), [
    ("", "", "", True, None),            # nothing configured: open for loopback use
    (f"{K1},{K2}", ADM, K2, False, None),
    (f"{K1},{K2}", ADM, ADM, False, None),  # the admin key also reads
    (f"{K1},{K2}", ADM, "", False, 401),
    (f"{K1},{K2}", ADM, "nope", False, 401),
    (f"{K1},{K2}", ADM, K1, True, 403),
    (f"{K1},{K2}", ADM, ADM, True, None),
    (f"{K1},{K2}", ADM, "nope", True, 401),
    (K1, "", K1, True, 403),          # keys but no admin key: nobody may write
    ("", ADM, "", False, None),         # only an admin key: reading stays open
    ("", ADM, "", True, 401),
    (K1, ADM, "密钥-0123456789abcdef", False, 401),  # a key in any script is compared as bytes
    (K1, ADM, "密钥".encode().decode("latin-1"), False, 401),  # as a header carries it
])
def test_keyring(tmp_path: Path, keys: str, admin: str, key: str, admin_route: bool,
                 status: int | None) -> None:
    ring = KeyRing(make_settings(tmp_path, api_keys=keys, admin_key=admin))
    denied = ring.check(key, admin_route)
    assert (denied.status if denied else None) == status


def test_ui_login_uses_the_same_keys(tmp_path: Path) -> None:
    ring = KeyRing(make_settings(tmp_path, api_keys=K1, admin_key=ADM))
    assert ring.login("anyone", K1) and ring.login("admin", ADM)
    assert not ring.login("admin", K1) and not ring.login("anyone", "bad") and not ring.login("admin", "管理员")


@pytest.mark.parametrize(("headers", "key"), [
    ({"authorization": "Bearer abc"}, "abc"), ({"authorization": "bearer  abc "}, "abc"),
    ({"x-api-key": "xyz"}, "xyz"), ({"authorization": "Basic Zm9v"}, ""), ({}, ""),
])
def test_request_key(headers: dict[str, str], key: str) -> None:
    assert request_key(headers) == key


@pytest.mark.parametrize(("method", "path", "admin"), [
    ("POST", "/v1/documents", True), ("POST", "/v1/documents/", True), ("DELETE", "/v1/documents/abc", True),
    ("GET", "/v1/documents", False), ("POST", "/v1/ask", False), ("DELETE", "/v1/ask", False),
])
def test_admin_routes(method: str, path: str, admin: bool) -> None:
    assert is_admin_route(method, path) is admin


def test_rate_limiter_refills_over_a_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=2, clock=lambda: now[0])
    assert limiter.take("a") == 0 and limiter.take("a") == 0
    assert limiter.take("a") == pytest.approx(30.0)  # one token comes back every 30 s
    assert limiter.take("b") == 0  # clients have their own buckets
    now[0] = 30.0
    assert limiter.take("a") == 0


CITE = Citation(n=1, doc_id="d", title="实施方案", section="实施方案 > 四、重点工作 > （三）建设", page=2,
                text="…", source="", authority="summary", doc_no="〔2021〕1号")


def test_references_list_names_clause_page_and_summary_status() -> None:
    assert references(()) == ""
    assert references([CITE]) == "\n\n参考：\n[1] 《实施方案》四（三）（摘要，非官方原文） 〔2021〕1号 第2页"


@pytest.mark.parametrize(("streamed", "final", "rest"), [
    ("答案。[1]", "答案。[1]", ""),
    ("", "抱歉，我只回答政策问题。", "抱歉，我只回答政策问题。"),
    ("草稿\n答案。[1]", "答案。[1]", ""),  # a rejected LLM draft followed by the extractive answer
    ("草稿", "答案。", "\n\n答案。"),
])
def test_unstreamed_text_is_sent_at_the_end(streamed: str, final: str, rest: str) -> None:
    assert unstreamed(streamed, Answer(final)) == rest


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def kb_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("api")
    return make_settings(root / "data", max_file_mb=0.05)  # 50 kB: the oversize test stays small


@pytest.fixture(scope="module")
def assistant(kb_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from assistant.wiring import build_assistant

    docs = tmp_path_factory.mktemp("docs")
    (docs / "plan.md").write_text(PLAN, encoding="utf-8")
    make_md(docs / "local.md", LOCAL_HEADER, LOCAL_BODY)
    a = build_assistant(kb_settings)
    report = a.kb.ingest([docs])
    assert len(report.added) == 2 and not report.skipped, report
    return a


@pytest.fixture(scope="module")
def url(kb_settings: Settings, assistant: Assistant) -> Iterator[str]:
    """The full server (API + UI) with API keys, an admin key and CORS for one origin."""
    settings = kb_settings.model_copy(update={"api_keys": f"{USER},{OTHER}", "admin_key": ADMIN,
                                              "rate_limit_per_minute": 10_000, "auth_failures_allowed": 1000,
                                              "cors_origins": "https://portal.example"})
    with background_server(build_server(settings, assistant)) as base:
        yield base


@pytest.fixture()
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {USER}"}) as c:
        yield c


@pytest.fixture()
def admin(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60, headers={"X-API-Key": ADMIN}) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, str]]:
    """(event name or '', data) for each server-sent event."""
    out = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        event, data = "", []
        for line in block.splitlines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        out.append((event, "\n".join(data)))
    return out


def error_of(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    assert set(body) >= {"error"} and body["error"]["message"], body
    return body["error"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- service
@slow
def test_healthz_is_open_and_reports_the_index(url: str) -> None:
    r = httpx.get(f"{url}/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["index"]["documents"] >= 2


@slow
def test_root_redirects_to_the_ui_and_openapi_is_served(url: str) -> None:
    r = httpx.get(f"{url}/", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"].endswith("/ui/")
    assert httpx.get(f"{url}/ui/").status_code == 200
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/search", "/v1/documents", "/v1/chat/completions", "/healthz"} <= set(paths)


@slow
def test_the_ui_needs_a_login_when_keys_are_set(url: str) -> None:
    with httpx.Client(base_url=url) as c:
        assert c.get("/ui/config").status_code == 401
        assert c.post("/ui/login", data={"username": "x", "password": "wrong"}).status_code == 400
        assert c.post("/ui/login", data={"username": "x", "password": USER}).status_code == 200
        assert c.get("/ui/config").status_code == 200


@slow
def test_cors_allows_only_the_configured_origin(url: str) -> None:
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    ok = httpx.options(f"{url}/v1/ask", headers={"Origin": "https://portal.example", **pre})
    assert ok.headers.get("access-control-allow-origin") == "https://portal.example"
    other = httpx.options(f"{url}/v1/ask", headers={"Origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in other.headers


# ---------------------------------------------------------------------- answers
@slow
def test_ask_returns_an_answer_whose_citations_carry_the_clause(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "２年" in body["answer"] and not body["refused"]
    cite = body["citations"][0]
    assert "建设期为２年" in cite["text"]
    assert cite["title"] == "智能制造试点示范行动实施方案" and "重点工作" in cite["section"]
    assert cite["authority"] == "unverified" and cite["n"] == 1  # the sample names no issuer nor 文号


@slow
@pytest.mark.parametrize("history", [
    [["智能制造示范工厂是什么？", "示范工厂是……"]],
    [{"role": "user", "content": "智能制造示范工厂是什么？"},
     {"role": "assistant", "content": "示范工厂是……"}],
])
def test_ask_accepts_history_as_pairs_or_messages(client: httpx.Client, history: list[Any]) -> None:
    r = client.post("/v1/ask", json={"question": "它的建设期是多长时间？", "history": history})
    assert r.status_code == 200, r.text
    assert "２年" in r.json()["answer"]


@slow
def test_ask_streams_tokens_then_the_final_answer(client: httpx.Client) -> None:
    with client.stream("POST", "/v1/ask", json={"question": QUESTION, "stream": True}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.read().decode())
    names = [e for e, _ in events]
    assert names[-1] == "answer" and set(names[:-1]) == {"token"}
    final = json.loads(events[-1][1])
    assert "".join(json.loads(d)["delta"] for e, d in events[:-1]) == final["answer"]
    assert final["citations"] and "建设期为２年" in final["citations"][0]["text"]


@slow
def test_search_returns_ranked_chunks(client: httpx.Client) -> None:
    r = client.post("/v1/search", json={"query": "智能工厂 一次性奖励", "k": 2})
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 2
    assert hits[0]["title"].startswith("黑龙江省智能工厂奖补办法")
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


@slow
def test_search_filters_by_region(client: httpx.Client) -> None:
    r = client.post("/v1/search", json={"query": "示范工厂建设期", "filters": {"region": "黑龙江"}})
    assert r.status_code == 200, r.text
    assert r.json()["hits"] and all(h["region"] == "黑龙江" for h in r.json()["hits"])


@slow
def test_chat_completions_appends_references(client: httpx.Client) -> None:
    r = client.post("/v1/chat/completions", json={"model": "zhice", "messages": [
        {"role": "system", "content": "你是助手"}, {"role": "user", "content": QUESTION}]})
    assert r.status_code == 200, r.text
    body = r.json()
    content = body["choices"][0]["message"]["content"]
    assert body["object"] == "chat.completion" and body["choices"][0]["finish_reason"] == "stop"
    assert "２年" in content and "参考：\n[1] 《智能制造试点示范行动实施方案》" in content
    assert "建设期为２年" in body["citations"][0]["text"]
    assert body["usage"]["total_tokens"] > 0


@slow
def test_chat_completions_streams_chunks_and_done(client: httpx.Client) -> None:
    parts = [{"type": "text", "text": QUESTION}]
    payload = {"stream": True, "messages": [{"role": "user", "content": parts}]}
    with client.stream("POST", "/v1/chat/completions", json=payload) as r:
        assert r.status_code == 200
        lines = [ln for ln in r.read().decode().splitlines() if ln.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(ln[6:]) for ln in lines[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "２年" in text and "参考：" in text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]


@slow
def test_refusals_reach_streaming_clients_as_text(client: httpx.Client) -> None:
    payload = {"stream": True, "messages": [{"role": "user", "content": "今天晚饭吃什么好？"}]}
    with client.stream("POST", "/v1/chat/completions", json=payload) as r:
        lines = [ln[6:] for ln in r.read().decode().splitlines() if ln.startswith("data: {")]
    text = "".join(json.loads(ln)["choices"][0]["delta"].get("content", "") for ln in lines)
    assert "抱歉" in text
    with client.stream("POST", "/v1/ask", json={"question": "今天晚饭吃什么好？", "stream": True}) as r:
        events = sse_events(r.read().decode())
    final = json.loads(events[-1][1])
    assert final["refused"] and "".join(json.loads(d)["delta"] for e, d in events[:-1]) == final["answer"]


# ---------------------------------------------------------------------- documents
@slow
def test_upload_list_and_delete_a_document(client: httpx.Client, admin: httpx.Client,
                                           kb_settings: Settings) -> None:
    text = "示例市智能工厂培育办法\n\n第一条 对认定的示例市智能工厂给予一次性奖励300万元。\n"
    r = admin.post("/v1/documents", files={"file": ("../../etc/示例市办法.md", text.encode())})
    assert r.status_code == 200, r.text
    up = r.json()
    assert up["filename"] == "示例市办法.md" and up["status"] == "added" and up["doc_id"]
    uploads = kb_settings.data_dir / "uploads"
    assert (uploads / "示例市办法.md").is_file()
    assert not (kb_settings.data_dir.parent / "etc").exists()

    ids = [d["doc_id"] for d in client.get("/v1/documents").json()["documents"]]
    assert up["doc_id"] in ids
    hit = client.post("/v1/search", json={"query": "示例市智能工厂奖励", "k": 1}).json()["hits"][0]
    assert hit["doc_id"] == up["doc_id"]

    denied = client.delete(f"/v1/documents/{up['doc_id']}")
    assert denied.status_code == 403 and "管理员密钥" in error_of(denied)["message"]
    r = admin.delete(f"/v1/documents/{up['doc_id']}")
    assert r.status_code == 200, r.text
    assert r.json()["files_removed"] == ["示例市办法.md"]
    assert not (uploads / "示例市办法.md").exists()
    assert up["doc_id"] not in [d["doc_id"] for d in client.get("/v1/documents").json()["documents"]]
    gone = admin.delete(f"/v1/documents/{up['doc_id']}")
    assert gone.status_code == 404 and error_of(gone)["type"] == "NotFound"


@slow
@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "..\\..\\windows\\evil.txt", "/abs/.hidden.txt"])
def test_upload_names_are_sanitised(admin: httpx.Client, kb_settings: Settings, name: str) -> None:
    body = f"智能制造奖补测试文件 {name}\n\n第一条 示例条款，奖励资金由专项资金列支。\n".encode()
    r = admin.post("/v1/documents", files={"file": (name, body)})
    assert r.status_code == 200, r.text
    saved = kb_settings.data_dir / "uploads" / r.json()["filename"]
    assert saved.is_file() and saved.parent == kb_settings.data_dir / "uploads"
    assert "/" not in r.json()["filename"] and "\\" not in r.json()["filename"]
    assert not r.json()["filename"].startswith(".")
    assert admin.delete(f"/v1/documents/{r.json()['doc_id']}").status_code == 200


# ---------------------------------------------------------------------- refusals
@slow
def test_malformed_json_is_a_readable_422(client: httpx.Client) -> None:
    r = client.post("/v1/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "不是合法的 JSON" in error_of(r)["message"]


@slow
def test_missing_field_is_a_readable_422(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"query": QUESTION})
    assert r.status_code == 422
    assert "question：缺少必填字段" in error_of(r)["message"] and "query：不是可用的字段" in error_of(r)["message"]


@slow
@pytest.mark.parametrize("question", ["", "   ", "问" * 100_000])
def test_empty_or_huge_questions_are_refused(client: httpx.Client, question: str) -> None:
    r = client.post("/v1/ask", json={"question": question})
    assert r.status_code == 422
    assert error_of(r)["type"] == "BadInput"


@slow
def test_unknown_filter_is_422(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"question": QUESTION, "filters": {"colour": "red"}})
    assert r.status_code == 422 and "colour" in error_of(r)["message"]


@slow
def test_json_body_over_the_limit_is_413(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"question": "问" * 200_000})  # 600 kB of UTF-8 > 512 kB
    assert r.status_code == 413 and error_of(r)["type"] == "RequestTooLarge"


@slow
def test_chunked_body_over_the_limit_is_413(client: httpx.Client) -> None:
    def body() -> Iterator[bytes]:  # no Content-Length: the server counts while reading
        yield b'{"question": "'
        for _ in range(30):
            yield "问".encode() * 10_000
        yield b'"}'

    r = client.post("/v1/ask", content=body(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


@slow
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}])
def test_missing_or_wrong_key_is_401(url: str, headers: dict[str, str]) -> None:
    r = httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, headers=headers)
    assert r.status_code == 401 and error_of(r)["type"] == "Unauthorized"


@slow
def test_non_admin_upload_is_403(client: httpx.Client) -> None:
    r = client.post("/v1/documents", files={"file": ("a.md", "智能工厂".encode())})
    assert r.status_code == 403


@slow
def test_oversize_upload_is_413(admin: httpx.Client, kb_settings: Settings) -> None:
    r = admin.post("/v1/documents", files={"file": ("big.txt", "智能工厂奖补。".encode() * 10_000)})
    assert r.status_code == 413 and error_of(r)["type"] == "FileTooLarge"
    assert not (kb_settings.data_dir / "uploads" / "big.txt").exists()


@slow
@pytest.mark.parametrize("name", ["tool.exe", "notes", "image.png"])
def test_unsupported_upload_is_415(admin: httpx.Client, name: str) -> None:
    r = admin.post("/v1/documents", files={"file": (name, b"\x00\x01binary")})
    assert r.status_code == 415 and error_of(r)["type"] == "UnsupportedFile"


@slow
def test_unreadable_upload_is_422_and_not_kept(admin: httpx.Client, kb_settings: Settings) -> None:
    r = admin.post("/v1/documents", files={"file": ("empty.md", b"")})
    assert r.status_code == 422
    assert not (kb_settings.data_dir / "uploads" / "empty.md").exists()


@slow
def test_rate_limit_answers_429_with_retry_after(kb_settings: Settings, assistant: Assistant) -> None:
    settings = kb_settings.model_copy(update={"rate_limit_per_minute": 3})  # no keys: open, limited per IP
    with background_server(build_server(settings, assistant, ui=False)) as base:
        codes = [httpx.get(f"{base}/v1/documents").status_code for _ in range(3)]
        assert codes == [200, 200, 200]  # open mode: no key needed
        r = httpx.get(f"{base}/v1/documents")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert error_of(r)["type"] == "RateLimited"
        # made-up keys do not open fresh buckets
        assert httpx.get(f"{base}/v1/documents", headers={"X-API-Key": "made-up"}).status_code == 429
        assert httpx.get(f"{base}/healthz").status_code == 200  # health is never limited


# ---------------------------------------------------------------------- concurrency
@slow
def test_questions_are_answered_while_an_upload_is_ingested(url: str, kb_settings: Settings) -> None:
    clauses = "\n".join(
        f"第{i}条 示例市第{i}项智能化改造支持措施：对实施数字化车间改造的企业按设备投资额给予补助，"
        f"具体比例为百分之{i % 9 + 1}，单个项目最高不超过{i * 10}万元；"
        f"项目须在两年内完成建设并通过第三方评估，"
        f"评估内容包括生产设备联网率、关键工序数控化率、数据采集覆盖率、能源管理与安全生产等指标。"
        for i in range(1, 41)
    )
    big = f"示例市智能化改造专项支持办法\n\n{clauses}\n".encode()
    headers_admin, headers_user = {"X-API-Key": ADMIN}, {"Authorization": f"Bearer {USER}"}
    upload: dict[str, Any] = {}

    def do_upload() -> None:
        r = httpx.post(f"{url}/v1/documents", files={"file": ("big-measure.md", big)}, headers=headers_admin,
                       timeout=300)
        upload["response"], upload["done"] = r, time.monotonic()

    answered: list[tuple[float, int, str]] = []

    def ask_repeatedly() -> None:
        with httpx.Client(base_url=url, headers=headers_user, timeout=60) as c:
            while "done" not in upload:
                r = c.post("/v1/ask", json={"question": QUESTION})
                answered.append((time.monotonic(), r.status_code, r.json().get("answer", "")))

    uploader = threading.Thread(target=do_upload)
    askers = [threading.Thread(target=ask_repeatedly) for _ in range(3)]
    started = time.monotonic()
    uploader.start()
    # While the first ingest runs, a second one is refused with 409 instead of waiting or corrupting.
    target = kb_settings.data_dir / "uploads" / "big-measure.md"
    while not target.exists() and uploader.is_alive():
        time.sleep(0.01)
    busy = httpx.post(f"{url}/v1/documents", files={"file": ("other.md", "智能工厂测试。".encode())},
                      headers=headers_admin)
    for t in askers:
        t.start()
    uploader.join(timeout=300)
    for t in askers:
        t.join(timeout=60)

    assert upload["response"].status_code == 200, upload["response"].text
    doc_id = upload["response"].json()["doc_id"]
    during = [a for a in answered if started < a[0] < upload["done"]]
    assert len(during) >= 3, f"only {len(during)} answers while ingesting"
    assert all(code == 200 and "２年" in text for _, code, text in answered)
    assert busy.status_code == 409 and error_of(busy)["type"] == "IndexBusy"
    assert not (kb_settings.data_dir / "uploads" / "other.md").exists()
    assert httpx.delete(f"{url}/v1/documents/{doc_id}", headers=headers_admin).status_code == 200

