"""Run gold sets through Zhice (and the plain recipe's retrieval) and build the report.

The runner only uses `Assistant.answer`, `Assistant.search` and the domain types they return
(`Answer` with `citations` and `evidence`, `SearchHit.chunk.text`), so it keeps working while the
answer path behind them changes.

- Every question is asked once first (warm-up, its times reported apart), then judged and timed.
- hit@k is measured on the passages the answer path retrieved, in rank order, before composing
  (`Answer.evidence`: with question analysis, place scoping and rerank, as many as it retrieves, so
  hit@10 is capped there); single questions also get search_hit@k on `Assistant.search(question,
  k=10)` (retrieval alone, the /v1/search ranking).
- Conversations: each turn is asked with the earlier turns as (user, assistant) history, and with
  the compact state the previous Answer returned when the Assistant has one; a turn with a `kind`
  is judged like a single question (a follow-up such as "那辽宁呢？" is not a search query on its own,
  so there is no search_hit@k for turns).
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from evals.metrics import (
    HIT_KS,
    evidence_groups,
    judge,
    percentile,
    retrieval_row,
    summarise,
    summarise_conversations,
)

Item = dict[str, Any]
Row = dict[str, Any]
SEARCH_K = max(HIT_KS)


class AssistantLike(Protocol):
    """What the runner needs of `assistant.chat.Assistant`."""

    def answer(self, question: str, history: Any = None, filters: Any = None) -> Any: ...

    def search(self, query: str, k: int = 8, filters: Any = None) -> list[Any]: ...


Retriever = Callable[[str, int], list[str]]  # the plain recipe: question, k → passage texts


@dataclass(frozen=True)
class GoldSet:
    """One gold file, possibly cut to one half of a split."""

    name: str
    path: Path
    items: list[Item]
    multiturn: bool
    halves: dict[str, set[str]] = field(default_factory=dict)  # split name → ids, when the file is split


@dataclass
class SetResult:
    gold: GoldSet
    rows: list[Row]
    latencies_ms: list[float]
    baseline_rows: list[Row] | None = None
    first_pass_ms: dict[str, float] = field(default_factory=dict)  # item id → wall ms of the warm-up pass

    def summary(self, ids: set[str] | None = None) -> dict[str, Any]:
        """Zhice's and the plain recipe's summaries, over every row or the rows of `ids`."""
        def keep(rows: list[Row]) -> list[Row]:
            return [r for r in rows if ids is None or _item_id(r) in ids]

        rows = keep(self.rows)
        lat = [r["latency_ms"] for r in rows if "latency_ms" in r]
        out: dict[str, Any] = {"zhice": summarise(rows, lat, [r["cpu_ms"] for r in rows if "cpu_ms" in r])}
        out["zhice"]["errors"] = [r["id"] for r in rows if "error" in r]
        first = [ms for i, ms in self.first_pass_ms.items() if ids is None or i in ids]
        out["zhice"]["first_pass_ms"] = {"p50": round(percentile(first, 50), 1), "p95": round(percentile(first, 95), 1)}
        if self.gold.multiturn:
            out["conversations"] = summarise_conversations(rows)
        if self.baseline_rows is not None:
            out["baseline"] = summarise(keep(self.baseline_rows))
        return out


def _item_id(row: Row) -> str:
    return str(row.get("conversation", row["id"]))


# ------------------------------------------------------------------ gold files
def load_jsonl(path: Path) -> list[Item]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_split(path: Path) -> dict[str, set[str]]:
    """{"build": ids, "check": ids} from evals/dev2_split.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"build": set(data["build"]), "check": set(data["check"])}


def load_gold(path: Path, split: dict[str, set[str]] | None = None, half: str | None = None) -> GoldSet:
    """A gold file; a file whose ids are in `split` is cut to `half`, or keeps both halves for the report.

    Items that name their own `half` (the conversations) are split by it, whenever a split is given.
    """
    items = load_jsonl(path)
    multiturn = bool(items) and all("turns" in it for it in items)
    ids = {str(it["id"]) for it in items}
    if split and items and all("half" in it for it in items):  # conversations carry their half (check_multiturn)
        split = {h: {str(it["id"]) for it in items if it["half"] == h} for h in split}
    in_split = bool(split) and bool(ids) and ids <= set().union(*(split or {}).values())
    name, halves = path.stem, {}
    if in_split and half:
        items = [it for it in items if it["id"] in (split or {})[half]]
        name = f"{path.stem} · {half} half"
    elif in_split:
        halves = {h: ids & members for h, members in (split or {}).items()}
    return GoldSet(name, path, items, multiturn, halves)


def only(gold: GoldSet, ids: set[str]) -> GoldSet:
    """The items of `gold` whose id is in `ids` (halves cut to match)."""
    items = [it for it in gold.items if str(it["id"]) in ids]
    kept = {str(it["id"]) for it in items}
    return replace(gold, items=items, halves={h: m & kept for h, m in gold.halves.items()})


# ------------------------------------------------------------------ running
def _texts(hits: Sequence[Any]) -> list[str]:
    return [h.chunk.text for h in hits]


def _answer_dict(answer: Any) -> dict[str, Any]:
    return {"answer": answer.answer, "refused": answer.refused, "citations": [c.to_dict() for c in answer.citations]}


@dataclass(frozen=True)
class FailedAnswer:
    """Stands in for an Answer when `Assistant.answer` raised: the item fails and the error is reported."""

    error: str
    refused: bool = False
    citations: tuple[Any, ...] = ()
    evidence: tuple[Any, ...] = ()
    state: Any = None

    @property
    def answer(self) -> str:
        return f"[error] {self.error}"


def _timed(fn: Callable[[], Any]) -> tuple[Any, tuple[float, float]]:
    """fn()'s result and its (wall, CPU) time in ms; an exception becomes a FailedAnswer (the run goes on).

    CPU time is this process's (all its threads): on a shared machine it moves much less than wall time.
    """
    t, c = time.perf_counter(), time.process_time()
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 - one broken answer must not hide the figures of the others
        out = FailedAnswer(f"{type(e).__name__}: {e}")
    return out, (round((time.perf_counter() - t) * 1000, 1), round((time.process_time() - c) * 1000, 1))


def _finish(row: Row, answer: Any, ms: tuple[float, float]) -> Row:
    row["answer"] = answer.answer
    if isinstance(answer, FailedAnswer):
        row["error"] = answer.error  # no latency: a failure's time says nothing about answering
    else:
        row["latency_ms"], row["cpu_ms"] = ms
    return row


def warm_up(assistant: AssistantLike, gold: GoldSet) -> dict[str, float]:
    """Ask every question of `gold` once (conversation turns without history) before the judged pass.

    So the judged pass is warm: the index loaded, jieba and the embedder ready, and whatever the
    answer path computes once per document already done. Returns this first pass's wall times by
    item id (what a first user pays), reported beside the warm figures.
    """
    times: dict[str, float] = {}
    for it in gold.items:
        for q in [t["question"] for t in it["turns"]] if gold.multiturn else [it["question"]]:
            _, (ms, _) = _timed(partial(assistant.answer, q))
            times[str(it["id"])] = times.get(str(it["id"]), 0.0) + ms
    return times


def run_questions(assistant: AssistantLike, items: Sequence[Item]) -> list[Row]:
    """One row per question (see metrics.judge), with the answer text and its latency."""
    rows = []
    for item in items:
        answer, ms = _timed(partial(assistant.answer, item["question"]))
        hits, _ = _timed(partial(assistant.search, item["question"], k=SEARCH_K)) if evidence_groups(item) else ([], ())
        ranked = [] if isinstance(hits, FailedAnswer) else _texts(hits)
        evidence = [c.text for c in answer.evidence]
        row = judge(item, _answer_dict(answer), evidence, evidence)
        row.update(retrieval_row(ranked, evidence_groups(item), prefix="search_"))
        rows.append(_finish(row, answer, ms))
    return rows


def _accepts_state(assistant: AssistantLike) -> bool:
    try:
        return "state" in inspect.signature(assistant.answer).parameters
    except (TypeError, ValueError):
        return False


CARRY = ("both", "history", "state")  # what a conversation turn is sent with (see run_conversation)


def run_conversation(assistant: AssistantLike, conv: Item, carry: str = "both") -> list[Row]:
    """The judged turns of one conversation, asked in order.

    Args:
        assistant: Anything with `answer(question, history=…, [state=…])`.
        conv: `{"id", "turns": [...]}`.
        carry: `both` — the (user, assistant) history and the previous Answer's state, as a client
            that keeps both would; `history` — history only; `state` — the state and no history (the
            state must carry the conversation alone, as when a client cuts history short).
    """
    history: list[tuple[str, str]] = []
    state: Any = None
    pass_state = _accepts_state(assistant) and carry in ("both", "state")
    rows = []
    for n, turn in enumerate(conv["turns"], 1):
        kwargs: dict[str, Any] = {"history": list(history) if carry != "state" else []}
        if pass_state and state is not None:
            kwargs["state"] = state
        answer, ms = _timed(partial(assistant.answer, turn["question"], **kwargs))
        state = getattr(answer, "state", None)
        history.append((turn["question"], answer.answer))
        if "kind" not in turn:
            continue  # context: asked, not judged
        item = {**turn, "id": f"{conv['id']}#{n}"}
        evidence = [c.text for c in answer.evidence]
        row = judge(item, _answer_dict(answer), evidence, evidence)
        row.update(conversation=conv["id"], turn=n)
        rows.append(_finish(row, answer, ms))
    return rows


def run_baseline(retrieve: Retriever, gold: GoldSet) -> list[Row]:
    """The plain recipe's retrieval rows (hit@k only); a conversation's query is its user turns so far."""
    rows = []
    if gold.multiturn:
        for conv in gold.items:
            asked: list[str] = []
            for n, turn in enumerate(conv["turns"], 1):
                asked.append(turn["question"])
                if "kind" in turn:
                    rows.append({"id": f"{conv['id']}#{n}", "conversation": conv["id"], "turn": n, "kind": turn["kind"],
                                 **_retrieval(retrieve, " ".join(asked), turn)})
    else:
        for item in gold.items:
            rows.append({"id": item["id"], "kind": item["kind"], **_retrieval(retrieve, item["question"], item)})
    return rows


def _retrieval(retrieve: Retriever, query: str, item: Item) -> Row:
    groups = evidence_groups(item)
    return retrieval_row(retrieve(query, SEARCH_K), groups) if groups else {}


def run_set(assistant: AssistantLike, gold: GoldSet, baseline: Retriever | None = None,
            carry: str = "both") -> SetResult:
    """Every item of one gold set through Zhice, and through the plain recipe's retrieval when given."""
    if gold.multiturn:
        rows = [r for conv in gold.items for r in run_conversation(assistant, conv, carry)]
    else:
        rows = run_questions(assistant, gold.items)
    return SetResult(gold, rows, [r["latency_ms"] for r in rows if "latency_ms" in r],
                     run_baseline(baseline, gold) if baseline is not None else None)


def run(assistant: AssistantLike, sets: Sequence[GoldSet], baseline: Retriever | None = None,
        carry: str = "both") -> list[SetResult]:
    """A first pass over every gold set (warm-up, timed apart), then each set judged in order."""
    first = [warm_up(assistant, g) for g in sets]
    results = [run_set(assistant, g, baseline, carry) for g in sets]
    for r, f in zip(results, first, strict=True):
        r.first_pass_ms = f
    return results


# ------------------------------------------------------------------ report
def report_json(results: Sequence[SetResult], about: dict[str, Any]) -> dict[str, Any]:
    """The JSON report: what was run, then per gold set its summaries (and halves) and rows."""
    sets = []
    for r in results:
        entry: dict[str, Any] = {"name": r.gold.name, "path": str(r.gold.path), **r.summary()}
        if r.gold.halves:
            entry["halves"] = {h: r.summary(ids) for h, ids in r.gold.halves.items()}
        entry["rows"] = r.rows
        if r.baseline_rows is not None:
            entry["baseline_rows"] = r.baseline_rows
        sets.append(entry)
    return {"about": about, "sets": sets}
