"""The scale-out path: the same code against a real chroma server (`chroma run`) via ZHICE_CHROMA_URL."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import make_settings
from files import SAMPLE_MD_BODY, SAMPLE_MD_HEADER, make_md

from assistant.answer.retrieve import retrieve
from assistant.wiring import build_knowledge_base

pytestmark = pytest.mark.slow
CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma CLI (installed with chromadb) is missing")
    port = _free_port()
    proc = subprocess.Popen([str(CHROMA if CHROMA.exists() else "chroma"), "run", "--host", "127.0.0.1",
                             "--port", str(port), "--path", str(tmp_path / "server")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_and_search_through_a_chroma_server(tmp_path: Path, chroma_url: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    make_md(docs / "办法.md", SAMPLE_MD_HEADER, SAMPLE_MD_BODY)
    settings = make_settings(tmp_path / "data", chroma_url=chroma_url)
    kb = build_knowledge_base(settings)
    report = kb.ingest([docs])
    assert report.added and report.chunks_embedded > 0
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store
    hits = retrieve(kb, "申报企业注册地和法人资格要求", 3)
    assert any("独立法人" in h.chunk.text for h in hits)
    again = build_knowledge_base(settings).ingest([docs])  # a second process sees the server's index
    assert again.chunks_embedded == 0 and again.unchanged
