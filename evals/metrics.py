"""Pure scoring functions, following ../shared/evals/README.md and the definitions of issue 8.

Nothing here touches an index or a model: a gold item, an answer as a dict, and lists of passage
texts go in; rows and summaries (plain dicts, ready for JSON) come out.

- An answerable question passes when it is not refused, a citation holds its evidence, and every
  `expect_all` group is in the answer; `unanswerable` passes when refused or plainly "not specified"
  with no invented amount; `out_of_domain` passes when refused.
- hit@1 is counted over questions whose evidence is one passage (a single group); hit@k (k ≥ 3)
  needs every evidence group in the top k; questions without evidence are left out.
- A false refusal is a refused answerable question; a true refusal a refused out_of_domain one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

ANSWERABLE = ("fact", "eligibility", "case", "drafting", "multi_hop")
HIT_KS = (1, 3, 5, 10)
NOT_SPECIFIED = ("未明确", "未规定", "没有提及", "未提及", "没有规定", "未作规定", "未载明", "未找到", "not specify")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|万|%)")
_WHITESPACE = re.compile(r"\s+")
# the shared checker's rule for an English question: a run of five words and no Chinese character
_ENGLISH_RUN = re.compile(r"[A-Za-z]{3,}(\s+[A-Za-z']+){4,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")

Row = dict[str, Any]


def norm(s: str) -> str:
    """NFKC, then every whitespace character removed (the gold set's comparison rule).

    Kept here rather than imported from the product, so that a change to the product's own
    normalisation cannot move the yardstick.
    """
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", s or ""))


def evidence_groups(item: Mapping[str, Any]) -> list[list[str]]:
    """`evidence_all` groups, or the single group `evidence`; [] when none is expected."""
    if item.get("evidence_all"):
        return [list(g) for g in item["evidence_all"]]
    return [list(item["evidence"])] if item.get("evidence") else []


def groups_hit(texts: Sequence[str], groups: Sequence[Sequence[str]]) -> bool:
    """Every group has an alternative contained in some text."""
    normed = [norm(t) for t in texts]
    return all(any(norm(e) in t for e in g for t in normed) for g in groups)


def hit_at(ranked: Sequence[str], groups: Sequence[Sequence[str]], k: int) -> bool | None:
    """Retrieval hit@k of one question; None when the question is left out of hit@k.

    Args:
        ranked: Retrieved passage texts, best first.
        groups: The question's evidence groups (see `evidence_groups`).
        k: Cut-off. For k = 1 only one-group questions count; for larger k every group must be hit.
    """
    if not groups or (k == 1 and len(groups) > 1):
        return None
    return groups_hit(ranked[:k], groups)


def expect_rate(answer: str, expect_all: Sequence[Sequence[str]]) -> float:
    """Share of `expect_all` groups with an alternative present in the answer (1.0 when none)."""
    if not expect_all:
        return 1.0
    a = norm(answer)
    return sum(1 for g in expect_all if any(norm(x) in a for x in g)) / len(expect_all)


def says_not_specified(answer: str) -> bool:
    """The answer says plainly that the documents do not state it."""
    a = norm(answer).lower()
    return any(norm(w).lower() in a for w in NOT_SPECIFIED)


def invents_figure(answer: str) -> bool:
    """An amount or percentage in the answer text."""
    return bool(_FIGURE.search(norm(answer)))


def is_english(question: str) -> bool:
    """An English question (five words in a row, no Chinese character), as the shared checker counts them."""
    return bool(_ENGLISH_RUN.search(question)) and not _CJK.search(question)


def judge(item: Mapping[str, Any], answer: Mapping[str, Any], ranked: Sequence[str] = (),
          evidence: Sequence[str] = ()) -> Row:
    """Score one answer against one gold item.

    Args:
        item: The gold item (id, kind, question, evidence / evidence_all, expect_all).
        answer: `{"answer", "refused", "citations": [{"text", ...}]}` (Answer.to_dict()).
        ranked: Retrieved passage texts, best first, for hit@k.
        evidence: The passages the answer step was given (Answer.evidence), for evidence_hit.

    Returns:
        A row: id, kind, english, pass, refused, false_refusal, true_refusal, and for answerable
        kinds citation_hit, fact_rate, evidence_hit, evidence_n; hit@k where the question counts for it.
    """
    kind = item["kind"]
    text = str(answer.get("answer", ""))
    refused = bool(answer.get("refused"))
    groups = evidence_groups(item)
    row: Row = {"id": item["id"], "kind": kind, "english": is_english(str(item.get("question", ""))),
                "refused": refused, "false_refusal": kind in ANSWERABLE and refused,
                "true_refusal": kind == "out_of_domain" and refused}
    if kind == "out_of_domain":
        row["pass"] = refused
    elif kind == "unanswerable":
        row["pass"] = refused or (says_not_specified(text) and not invents_figure(text))
    else:
        cites = [str(c.get("text", "")) for c in answer.get("citations", [])]
        row["citation_hit"] = groups_hit(cites, groups) if groups else True
        row["fact_rate"] = expect_rate(text, item.get("expect_all", []))
        row["evidence_hit"] = groups_hit(evidence, groups) if groups else True
        row["evidence_n"] = len(evidence)
        row["pass"] = not refused and row["citation_hit"] and row["fact_rate"] == 1.0
    row.update(retrieval_row(ranked, groups))
    return row


def retrieval_row(ranked: Sequence[str], groups: Sequence[Sequence[str]], prefix: str = "") -> Row:
    """{"<prefix>hit@k": bool} for each k the question counts for (nothing for a question without evidence)."""
    return {f"{prefix}hit@{k}": h for k in HIT_KS if (h := hit_at(ranked, groups, k)) is not None}


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return float(s[k])


def _mean(rows: Sequence[Row], key: str) -> float | None:
    vals = [float(r[key]) for r in rows if key in r]
    return round(sum(vals) / len(vals), 3) if vals else None


def aggregate(rows: Sequence[Row]) -> Row:
    """n, pass, citation_hit, fact_rate, evidence_hit, hit@k and search_hit@k (with the questions each counts)."""
    out: Row = {"n": len(rows)}
    for key in ("pass", "citation_hit", "fact_rate", "evidence_hit", *(f"hit@{k}" for k in HIT_KS),
                *(f"search_hit@{k}" for k in HIT_KS), "evidence_n"):
        out[key] = _mean(rows, key)
    out["hit@1_n"] = sum(1 for r in rows if "hit@1" in r)
    out["hit@k_n"] = sum(1 for r in rows if f"hit@{HIT_KS[-1]}" in r)
    return out


def summarise(rows: Sequence[Row], latencies_ms: Sequence[float] = (), cpu_ms: Sequence[float] = ()) -> Row:
    """Per kind and overall; false refusals (ids), true refusals, English questions passed; wall and CPU p50/p95."""
    kinds = sorted({r["kind"] for r in rows})
    english = [r for r in rows if r.get("english")]
    ood = [r for r in rows if r["kind"] == "out_of_domain"]
    rest = [r for r in rows if r["kind"] != "eligibility"]
    return {
        "overall": aggregate(rows),
        # issue 8 sets its pass targets without eligibility questions (they belong to another issue)
        "without_eligibility": {"n": len(rest), "pass": _mean(rest, "pass")},
        "by_kind": {k: aggregate([r for r in rows if r["kind"] == k]) for k in kinds},
        "false_refusals": [r["id"] for r in rows if r.get("false_refusal")],
        "answerable": sum(1 for r in rows if r["kind"] in ANSWERABLE),
        "true_refusals": {"refused": sum(1 for r in ood if r.get("true_refusal")), "n": len(ood)},
        "english": {"pass": sum(1 for r in english if r.get("pass")), "n": len(english)},
        "latency_ms": {"p50": round(percentile(latencies_ms, 50), 1), "p95": round(percentile(latencies_ms, 95), 1),
                       "n": len(latencies_ms)},
        "cpu_ms": {"p50": round(percentile(cpu_ms, 50), 1), "p95": round(percentile(cpu_ms, 95), 1)},
    }


def summarise_conversations(rows: Sequence[Row]) -> Row:
    """Conversation-level figures from turn rows carrying `conversation` and `turn` (1-based).

    A conversation passes when every judged turn passes; follow-ups are the turns after the first.
    """
    by_conv: dict[str, list[Row]] = {}
    for r in rows:
        by_conv.setdefault(str(r["conversation"]), []).append(r)
    follow = [r for r in rows if int(r["turn"]) > 1]
    return {
        "conversations": len(by_conv),
        "pass": round(sum(all(r["pass"] for r in rs) for rs in by_conv.values()) / len(by_conv), 3) if by_conv else None,
        "failed": sorted(c for c, rs in by_conv.items() if not all(r["pass"] for r in rs)),
        "turns": len(rows),
        "turn_pass": _mean(rows, "pass"),
        "follow_ups": len(follow),
        "follow_up_pass": _mean(follow, "pass"),
    }
