"""Load benchmark: N concurrent clients asking real questions against a real `zhice serve` server.

    python -m benchmarks.load_bench [--seconds 60] [--clients 16]

The server runs in its own process (the same app `zhice serve` runs: API + UI), over an index of
../shared/corpus built in a temporary data directory (or in ZHICE_DATA_DIR when set), with the
rate limit raised so it does not distort the figures. Writers upload and delete documents meanwhile,
and every UPLOAD_QUESTION_EVERY-th question asks about them. Reports requests/s, p50/p95 latency,
errors (must be 0), answers citing a document whose delete had returned before the question was sent
(must be 0) and the server's peak RSS, and writes them to reports/load-bench.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from assistant import resources

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
# the shared corpus beside a checkout; installed (no checkout), the built-in sample
CORPUS = SHARED / "corpus" if (SHARED / "corpus").is_dir() else resources.sample_corpus()
GOLD = SHARED / "evals" / "dev.jsonl"  # questions; the built-in FALLBACK_QUESTIONS without it
REPORT = Path("reports") / "load-bench.json"  # under the folder it runs from
NO_LIMIT = 100_000_000  # requests per minute: the limiter stays in the path but never refuses
FALLBACK_QUESTIONS = [
    "智能制造示范工厂的建设期是多长时间？",
    "我们是黑龙江注册一年的规上企业，能申请数字化车间吗？",
    "各地对智能工厂的奖补标准有什么不同？",
    "2022年度智能制造示范工厂揭榜单位中有哪些显示面板企业？",
    "智能制造能力成熟度分为哪几个等级？",
    "吉林省智改数转项目的奖补标准是什么？",
]


@dataclass
class Tally:
    """What the clients saw; appended to from several threads under one lock."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # (when the question was sent, the doc ids its answer cites) and (doc id → when its delete returned)
    cited: list[tuple[float, frozenset[str]]] = field(default_factory=list)
    deleted: dict[str, float] = field(default_factory=dict)

    def cites(self, sent: float, doc_ids: frozenset[str]) -> None:
        with self.lock:
            self.cited.append((sent, doc_ids))

    def gone(self, doc_id: str) -> None:
        with self.lock:
            self.deleted[doc_id] = time.monotonic()

    def citing_deleted(self) -> int:
        """Answers to questions sent after a document they cite was deleted (must be 0)."""
        return sum(any(d in self.deleted and self.deleted[d] < sent for d in docs) for sent, docs in self.cited)

    def citing_uploads(self) -> int:
        """Answers citing a document the writers put in (so the count above had something to catch)."""
        return sum(bool(docs & self.deleted.keys()) for _, docs in self.cited)

    def add(self, ms: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies_ms.append(ms)
            else:
                self.errors.append(error)


def questions() -> list[str]:
    """The gold set's questions (real user questions), else a built-in rotation."""
    if GOLD.exists():
        rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
        qs = [r["question"] for r in rows if r.get("question")]
        if qs:
            return qs
    return FALLBACK_QUESTIONS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_process(proc: subprocess.Popen[bytes], seconds: float = 15) -> None:
    """Ask a server the bench started to stop; kill it when it has not after `seconds`."""
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_server(data_dir: Path, corpus: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ZHICE_DATA_DIR": str(data_dir), "ZHICE_RATE_LIMIT_PER_MINUTE": str(NO_LIMIT)}
    cmd = [sys.executable, "-m", "benchmarks.load_bench", "--serve", "--port", str(port),
           "--corpus", str(corpus)]
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"the server exited with {proc.returncode}:\n{tail}")
        try:
            r = httpx.get(f"{base}/healthz", timeout=2)
            if r.status_code == 200:
                return r.json()  # type: ignore[no-any-return]
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server was not ready after {timeout:.0f} s; see {log}")


# Every this many questions a client asks about what the writers upload, so answers can meet their
# documents, and any that cites one after its delete returned is counted.
UPLOAD_QUESTION_EVERY = 4
UPLOAD_QUESTION = "示例市智能化改造支持办法对数字化车间改造的单个项目最高补助多少？"


def client_loop(base: str, qs: list[str], offset: int, deadline: float, tally: Tally) -> None:
    with httpx.Client(base_url=base, timeout=60) as c:
        n = offset
        while time.monotonic() < deadline:
            q = UPLOAD_QUESTION if n % UPLOAD_QUESTION_EVERY == 0 else qs[n % len(qs)]
            n += 1
            t0, sent = time.perf_counter(), time.monotonic()
            try:
                r = c.post("/v1/ask", json={"question": q})
                ok = r.status_code == 200 and "answer" in r.json()
                error = None if ok else f"{r.status_code}: {r.text[:200]}"
                if ok:
                    tally.cites(sent, frozenset(str(x.get("doc_id", "")) for x in r.json().get("citations", [])))
            except (httpx.HTTPError, ValueError) as e:
                error = f"{type(e).__name__}: {e}"
            tally.add((time.perf_counter() - t0) * 1000, error)


UPLOAD_TEXT = ("示例市第{n}号智能化改造支持办法（负载测试）\n\n第一条 对实施数字化车间改造的企业按设备投资额给予补助，"
               "单个项目最高不超过{n}0万元。\n第二条 本办法自印发之日起施行。\n")


WRITER_NUMBERS = 100_000  # document numbers per writer


def writer_loop(base: str, deadline: float, tally: Tally, writes: list[int], who: int = 0) -> None:
    """Uploads and deletes beside the askers: each round a new document goes in and comes out again.
    A 409 (another ingest is running) is the documented answer to a concurrent write, not an error."""
    with httpx.Client(base_url=base, timeout=120) as c:
        n = who * WRITER_NUMBERS  # each writer's documents differ from the others' (doc ids are content hashes)
        while time.monotonic() < deadline:
            n += 1
            body = UPLOAD_TEXT.format(n=n).encode()
            try:
                r = c.post("/v1/documents", files={"file": (f"load-{n}.md", body)})
                if r.status_code == 409:
                    continue
                if r.status_code != 200:
                    tally.add(0, f"upload {r.status_code}: {r.text[:200]}")
                    continue
                doc_id = r.json()["doc_id"]
                d = c.delete(f"/v1/documents/{doc_id}")
                if d.status_code == 200:
                    tally.gone(doc_id)
                elif d.status_code != 409:
                    tally.add(0, f"delete {d.status_code}: {d.text[:200]}")
                writes[0] += 2
            except (httpx.HTTPError, ValueError, KeyError) as e:
                tally.add(0, f"write {type(e).__name__}: {e}")


def sample_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    proc = psutil.Process(pid)
    while not stop.is_set():
        try:
            rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
        except psutil.Error:
            break
        peak[0] = max(peak[0], rss)
        stop.wait(0.2)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def run(args: argparse.Namespace) -> dict[str, Any]:
    env_dir = os.environ.get("ZHICE_DATA_DIR")
    tmp = None if env_dir else Path(tempfile.mkdtemp(prefix="zhice-load-"))
    data_dir = Path(env_dir) if env_dir else tmp / "data"  # type: ignore[operator]
    log = (tmp or Path(tempfile.gettempdir())) / "zhice-load-server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(data_dir, Path(args.corpus), port, log)
    try:
        health = wait_ready(base, proc, log, timeout=args.ready_timeout)
        qs = questions()
        for q in qs:  # warm-up, and every question must answer before the clock starts
            r = httpx.post(f"{base}/v1/ask", json={"question": q}, timeout=60)
            if r.status_code != 200:
                raise SystemExit(f"warm-up question failed ({r.status_code}): {q}\n{r.text[:300]}")
        rss_before = psutil.Process(proc.pid).memory_info().rss
        peak = [rss_before]
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        tally = Tally()
        started = time.monotonic()
        deadline = started + args.seconds
        clients = [threading.Thread(target=client_loop, args=(base, qs, i * 3, deadline, tally))
                   for i in range(args.clients)]
        writes = [0]
        clients += [threading.Thread(target=writer_loop, args=(base, deadline, tally, writes, w))
                    for w in range(args.writers)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
    finally:
        stop_process(proc)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    lat = sorted(tally.latencies_ms)
    return {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": len(lat) + len(tally.errors),
        "requests_per_s": round((len(lat) + len(tally.errors)) / elapsed, 2),
        "latency_ms": {"p50": round(percentile(lat, 50), 1), "p95": round(percentile(lat, 95), 1),
                       "p99": round(percentile(lat, 99), 1), "max": round(lat[-1], 1) if lat else 0.0,
                       "mean": round(statistics.fmean(lat), 1) if lat else 0.0},
        "writers": args.writers,
        "uploads_and_deletes": writes[0],
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "answers_citing_uploads": tally.citing_uploads(),
        "answers_citing_deleted_documents": tally.citing_deleted(),
        "server_rss_mb": {"before_load": round(rss_before / 2**20, 1), "peak": round(peak[0] / 2**20, 1)},
        "questions": len(qs),
        "index": health.get("index", {}),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "endpoint": "POST /v1/ask (and POST + DELETE /v1/documents by the writers)",
        "llm_configured": any(os.environ.get(k) for k in ("ZHICE_LLM_BASE_URL", "ZHICE_LLM__BASE_URL")),
    }


def serve_for_bench(args: argparse.Namespace) -> None:
    """The server process: index the corpus (unchanged files are skipped), then serve like `zhice serve`."""
    import uvicorn

    from assistant.api.serve import build_server, uvicorn_limits
    from assistant.settings import Settings
    from assistant.wiring import build_assistant

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    assistant = build_assistant(settings)
    report = assistant.kb.ingest([Path(args.corpus)])
    print(f"indexed: {report.chunks_total} chunks, {len(report.skipped)} skipped", flush=True)
    # access logs off: 16 clients would print thousands of lines the benchmark does not read
    uvicorn.run(build_server(settings, assistant), host="127.0.0.1", port=args.port, log_level="warning",
                access_log=False, **uvicorn_limits(settings))  # as `zhice serve` runs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.load_bench", description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=60.0, help="how long the clients run (default 60)")
    p.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    p.add_argument("--writers", type=int, default=1, help="clients uploading and deleting meanwhile (default 1)")
    p.add_argument("--corpus", default=str(CORPUS), help="folder to index (default: ../shared/corpus beside a checkout, else the built-in sample)")
    p.add_argument("--out", default=str(REPORT), help="where the JSON figures go")
    p.add_argument("--ready-timeout", type=float, default=900.0, help="seconds to wait for indexing + start")
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the server child process
    p.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        serve_for_bench(args)
        return 0
    result = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lat = result["latency_ms"]
    print(f"{result['clients']} clients × {result['seconds']} s: {result['requests']} requests, "
          f"{result['requests_per_s']} req/s, p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
          f"errors {result['errors']}, {result['uploads_and_deletes']} uploads and deletes, answers citing an "
          f"upload {result['answers_citing_uploads']}, citing a deleted document "
          f"{result['answers_citing_deleted_documents']}, server peak RSS {result['server_rss_mb']['peak']} MB → {out}")
    return 1 if result["errors"] or result["answers_citing_deleted_documents"] else 0


if __name__ == "__main__":
    sys.exit(main())
