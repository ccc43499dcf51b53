"""Two `zhice serve` replicas on one real `chroma run` server: what one writes, the other serves.

Each replica is its own process with its own data directory; they share only the chroma server
(ZHICE_CHROMA_URL: chunks, registry, change log, writer lease) and ZHICE_SHARED_DIR (uploaded
originals). One server fixture, one test: it starts three processes and loads the embedder twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from files import make_md
from test_chroma_server import CHROMA, _free_port

pytestmark = pytest.mark.slow
FOLLOW_SECONDS = 5.0  # the done-when: a write through one replica is served by the other within this
START_SECONDS = 180.0  # a replica loads the embedder and the sandbox workers on 2 busy cores


def _wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds:g} s")


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    if not CHROMA.exists():
        pytest.skip("the chroma CLI (installed with chromadb) is missing")
    root = tmp_path_factory.mktemp("replicas")
    procs: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        port = _free_port()
        procs.append(subprocess.Popen([str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port),
                                       "--path", str(root / "chroma-server")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", procs[0], 60)
        (root / "no-sample").mkdir()
        base = {k: v for k, v in os.environ.items() if not k.startswith("ZHICE_")}
        urls = []
        for name in ("a", "b"):
            web = _free_port()
            env = {**base, "ZHICE_CHROMA_URL": f"http://127.0.0.1:{port}", "ZHICE_DATA_DIR": str(root / name),
                   "ZHICE_SHARED_DIR": str(root / "shared"), "ZHICE_SAMPLE_CORPUS": str(root / "no-sample"),
                   "ZHICE_RATE_LIMIT_PER_MINUTE": "10000"}
            log = open(root / f"{name}.log", "wb")  # noqa: SIM115 - closed below, after the process
            logs.append(log)
            procs.append(subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(web)],
                                          env=env, stdout=log, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{web}")
        for url, proc in zip(urls, procs[1:], strict=True):
            _wait_for(f"{url}/healthz", proc, START_SECONDS)
        yield urls[0], urls[1]
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def _within(seconds: float, probe: Callable[[], Any]) -> tuple[Any, float]:
    """Call `probe` until it returns something truthy; (that, seconds it took). Fails after `seconds`."""
    started = time.monotonic()
    while True:
        got = probe()
        took = time.monotonic() - started
        if got or took > seconds:
            assert got, f"not seen within {seconds:g} s"
            return got, took
        time.sleep(0.1)


def _documents(url: str) -> list[tuple[str, str]]:
    body = httpx.get(f"{url}/v1/documents", timeout=30).json()
    return sorted((d["doc_id"], d["title"]) for d in body["documents"])


def test_upload_through_one_replica_answer_and_delete_through_the_other(
        replicas: tuple[str, str], tmp_path: Path) -> None:
    a, b = replicas
    title = "示例市数字孪生车间专项奖励办法"
    doc = make_md(tmp_path / "孪生办法.md", {"标题": title, "发布机关": "示例市工业和信息化局"},
                  "第一条 对新认定的数字孪生车间给予一次性奖励75万元。\n第二条 本办法自印发之日起施行。\n")
    up = httpx.post(f"{a}/v1/documents", files={"file": (doc.name, doc.read_bytes())}, timeout=300)
    assert up.status_code == 200, up.text
    doc_id = up.json()["doc_id"]

    def answered_by_b() -> bool:
        r = httpx.post(f"{b}/v1/ask", json={"question": "数字孪生车间奖励多少万元？"}, timeout=60)
        assert r.status_code == 200, r.text
        body = r.json()
        return "75万元" in body["answer"] and any(c["doc_id"] == doc_id for c in body["citations"])

    _, took = _within(FOLLOW_SECONDS, answered_by_b)
    print(f"answered through the other replica {took:.2f} s after the upload returned")
    assert _documents(a) == _documents(b) == [(doc_id, title)]
    # the original file went to the shared folder, so either replica can show and re-read it
    page = httpx.get(f"{b}/v1/documents/{doc_id}", timeout=30).json()
    assert "75万元" in page["text"]

    gone = httpx.delete(f"{b}/v1/documents/{doc_id}", timeout=120)
    assert gone.status_code == 200, gone.text
    assert _documents(b) == []
    _, took = _within(FOLLOW_SECONDS, lambda: _documents(a) == [])
    print(f"the delete was seen by the first replica after {took:.2f} s")
    assert httpx.get(f"{a}/v1/documents/{doc_id}", timeout=30).status_code == 404
