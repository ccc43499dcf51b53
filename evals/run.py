"""Run the gold set through Zhice (and the baseline) and write JSON + Markdown reports."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.chat import Assistant
from evals.baseline import Baseline
from evals.metrics import judge, summarise


@dataclass(frozen=True)
class EvalResult:
    zhice: dict[str, Any]
    baseline: dict[str, Any] | None
    rows: list[dict[str, Any]]


def load_gold(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(assistant: Assistant, gold: list[dict[str, Any]], baseline: Baseline | None = None) -> EvalResult:
    """Score every gold item; latency is measured warm (one untimed question first)."""
    assistant.answer("智能制造示范工厂的建设期是多长时间？")
    rows, lat = [], []
    for item in gold:
        t = time.perf_counter()
        a = assistant.answer(item["question"])
        lat.append((time.perf_counter() - t) * 1000)
        texts: list[str] = [c.text for c in a.evidence]
        row = judge(item, a.to_dict(), texts)
        row["answer"] = a.answer
        row["latency_ms"] = round(lat[-1], 1)
        rows.append(row)
    zhice = summarise(rows, lat)
    base = None
    if baseline is not None:
        brows, blat = [], []
        for item in gold:
            t = time.perf_counter()
            if item["kind"] == "out_of_domain":
                ans = {"answer": "", "refused": False, "citations": []}  # the plain recipe has no refusal
                texts = []
            else:
                b = baseline.answer(item["question"])
                ans = b.to_dict()
                texts = [c.text for c in b.evidence]
            blat.append((time.perf_counter() - t) * 1000)
            brows.append(judge(item, ans, texts))
        base = summarise(brows, blat)
    return EvalResult(zhice, base, rows)


def to_markdown(res: EvalResult, gold_path: Path) -> str:
    cols = ["n", "pass", "citation_hit", "fact_rate", "hit@1", "hit@3", "hit@5"]

    def table(summary: dict[str, Any]) -> list[str]:
        out = ["| kind | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
        for kind, agg in [*summary["by_kind"].items(), ("**overall**", summary["overall"])]:
            out.append(f"| {kind} | " + " | ".join("" if agg[c] is None else str(agg[c]) for c in cols) + " |")
        lat = summary["latency_ms"]
        out.append(f"\nlatency p50 {lat['p50']} ms · p95 {lat['p95']} ms")
        return out

    lines = [f"# Zhice eval — {gold_path.name}", "", "## Zhice", *table(res.zhice)]
    if res.baseline:
        lines += ["", "## Baseline (RecursiveCharacterTextSplitter 500 + same embedder + top-4 + same composer)",
                  *table(res.baseline), "", "## Zhice / baseline"]
        for key in ("pass", "hit@5"):
            z, b = res.zhice["overall"][key], res.baseline["overall"][key]
            lines.append(f"- {key}: {z} vs {b} → ×{(z / b) if b else float('inf'):.2f}")
    failed = [r for r in res.rows if not r["pass"]]
    if failed:
        lines += ["", "## Failed items"] + [f"- {r['id']} ({r['kind']}): {r['answer'][:120]}" for r in failed]
    return "\n".join(lines) + "\n"
