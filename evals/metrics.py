"""Pure scoring functions, following ../shared/evals/README.md."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ingest.cleaning import normalize_for_match

NOT_SPECIFIED = ("未明确", "未规定", "没有提及", "未提及", "没有规定", "未作规定", "未载明", "未找到", "not specify")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|万|%)")


def norm(s: str) -> str:
    """NFKC, then every whitespace character removed (the gold set's comparison rule)."""
    return normalize_for_match(s or "")


def evidence_groups(item: dict[str, Any]) -> list[list[str]]:
    """`evidence_all` groups, or the single group `evidence`; [] when none is expected."""
    if item.get("evidence_all"):
        return [list(g) for g in item["evidence_all"]]
    return [list(item["evidence"])] if item.get("evidence") else []


def groups_hit(texts: Sequence[str], groups: list[list[str]]) -> bool:
    """Every group has a string contained in some text."""
    normed = [norm(t) for t in texts]
    return all(any(norm(e) in t for e in g for t in normed) for g in groups)


def expect_rate(answer: str, expect_all: list[list[str]]) -> float:
    """Share of `expect_all` groups with an alternative present in the answer (1.0 when none)."""
    if not expect_all:
        return 1.0
    a = norm(answer)
    return sum(1 for g in expect_all if any(norm(x) in a for x in g)) / len(expect_all)


def says_not_specified(answer: str) -> bool:
    a = norm(answer).lower()
    return any(norm(w).lower() in a for w in NOT_SPECIFIED)


def invents_figure(answer: str) -> bool:
    """An amount or percentage in the answer text."""
    return bool(_FIGURE.search(norm(answer)))


def judge(item: dict[str, Any], answer: dict[str, Any], retrieved_texts: Sequence[str]) -> dict[str, Any]:
    """Score one answer object against one gold item."""
    kind = item["kind"]
    cites = [c.get("text", "") for c in answer.get("citations", [])]
    groups = evidence_groups(item)
    out: dict[str, Any] = {"id": item["id"], "kind": kind}
    if kind == "out_of_domain":
        out["pass"] = bool(answer.get("refused"))
    elif kind == "unanswerable":
        out["pass"] = bool(answer.get("refused")) or (
            says_not_specified(answer.get("answer", "")) and not invents_figure(answer.get("answer", "")))
    else:
        out["citation_hit"] = groups_hit(cites, groups) if groups else True
        out["fact_rate"] = expect_rate(answer.get("answer", ""), item.get("expect_all", []))
        out["pass"] = (not answer.get("refused")) and out["citation_hit"] and out["fact_rate"] == 1.0
        for k in (1, 3, 5):
            out[f"hit@{k}"] = groups_hit(retrieved_texts[:k], groups) if groups else True
    return out


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return float(s[k])


def summarise(rows: list[dict[str, Any]], latencies_ms: Sequence[float]) -> dict[str, Any]:
    """Per kind and overall: pass rate, citation hit, fact rate, hit@1/3/5; latency p50/p95."""
    def agg(rs: list[dict[str, Any]]) -> dict[str, Any]:
        def mean(key: str) -> float | None:
            vals = [float(r[key]) for r in rs if key in r]
            return round(sum(vals) / len(vals), 3) if vals else None

        return {"n": len(rs), "pass": mean("pass"), "citation_hit": mean("citation_hit"),
                "fact_rate": mean("fact_rate"), "hit@1": mean("hit@1"), "hit@3": mean("hit@3"),
                "hit@5": mean("hit@5")}

    kinds = sorted({r["kind"] for r in rows})
    return {
        "overall": agg(rows),
        "by_kind": {k: agg([r for r in rows if r["kind"] == k]) for k in kinds},
        "latency_ms": {"p50": round(percentile(latencies_ms, 50), 1), "p95": round(percentile(latencies_ms, 95), 1)},
    }
