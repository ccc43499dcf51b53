"""The eval runner and report over a scripted assistant (no index, no model): what it asks, what it scores."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.domain import Answer, Chunk, Citation, DocumentMeta, SearchHit
from evals.check_multiturn import check
from evals.metrics import norm
from evals.report import to_markdown
from evals.run import GoldSet, load_gold, load_split, report_json, run, run_conversation

DOC = DocumentMeta(doc_id="d1", title="某省认定办法", source="x.md")
PASSAGES = {
    "公示": "拟认定名单在网站公示，公示期为7个工作日。",
    "奖励": "对新认定的数字化车间，给予一次性奖励50万元。",
    "材料": "申报材料包括申请书、营业执照复印件和承诺书。",
}


def chunk(key: str) -> Chunk:
    return Chunk(chunk_id=key, doc=DOC, text=PASSAGES[key], ord=0)


@dataclass
class ScriptedAssistant:
    """Answers by keyword, records every call; `with_state` makes it return and accept a state."""

    with_state: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)

    def _reply(self, question: str, history: list[tuple[str, str]]) -> Answer:
        if "诗" in question:
            return Answer("抱歉，只回答政策问题。", refused=True)
        # the question's own subject first, else the last user turn's (a follow-up)
        key = next((k for text in (question, *(u for u, _ in history[-1:])) for k in PASSAGES if k in text), None)
        if key is None:
            return Answer("文件未明确规定。")
        c = chunk(key)
        return Answer(f"{PASSAGES[key]}[1]", citations=(Citation.from_chunk(1, c),), evidence=(c,))

    def answer(self, question: str, history: Any = None, filters: Any = None) -> Answer:
        self.calls.append({"question": question, "history": list(history or [])})
        return self._reply(question, list(history or []))

    def search(self, query: str, k: int = 8, filters: Any = None) -> list[SearchHit]:
        keys = [k_ for k_ in PASSAGES if k_ in query] + [k_ for k_ in PASSAGES if k_ not in query]
        return [SearchHit(chunk(k_), 1.0) for k_ in keys[:k]]


@dataclass
class StateAnswer:
    answer: str
    refused: bool = False
    citations: tuple[Citation, ...] = ()
    evidence: tuple[Chunk, ...] = ()
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class StatefulAssistant(ScriptedAssistant):
    """Its answer() takes `state`; each Answer carries the turn count so far."""

    states: list[Any] = field(default_factory=list)

    def answer(self, question: str, history: Any = None, filters: Any = None,  # type: ignore[override]
               state: dict[str, Any] | None = None) -> Any:
        self.states.append(state)
        a = super().answer(question, history, filters)
        return StateAnswer(a.answer, a.refused, a.citations, a.evidence, {"turns": (state or {}).get("turns", 0) + 1})


QUESTIONS = [
    {"id": "q1", "kind": "fact", "question": "公示期多长？", "evidence": ["公示期为7个工作日"], "expect_all": [["7个工作日"]]},
    {"id": "q2", "kind": "fact", "question": "奖励多少？", "evidence": ["一次性奖励50万元"], "expect_all": [["50万"]]},
    {"id": "q3", "kind": "fact", "question": "How much is the reward for a digital workshop here?",
     "evidence": ["一次性奖励50万元"], "expect_all": [["50万"]]},
    {"id": "q4", "kind": "unanswerable", "question": "有效期几年？", "evidence": [], "expect_all": []},
    {"id": "q5", "kind": "out_of_domain", "question": "写首诗", "evidence": [], "expect_all": []},
]
CONVERSATION = {"id": "mt-1", "turns": [
    {"question": "奖励多少？"},  # context, not judged
    {"question": "这个要交什么材料？", "kind": "fact", "evidence": ["营业执照复印件"], "expect_all": [["营业执照"], ["承诺书"]]},
    {"question": "那写首诗吧", "kind": "out_of_domain"},
]}


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


def test_questions_are_scored_on_the_answer_evidence_and_on_search(tmp_path: Path) -> None:
    gold = load_gold(write_jsonl(tmp_path / "g.jsonl", QUESTIONS))
    a = ScriptedAssistant()
    [res] = run(a, [gold], baseline=lambda q, k: [PASSAGES["材料"]] * k)
    assert [c["question"] for c in a.calls] == [q["question"] for q in QUESTIONS] * 2  # warm-up pass, then judged
    assert set(res.first_pass_ms) == {"q1", "q2", "q3", "q4", "q5"}
    rows = {r["id"]: r for r in res.rows}
    assert [rows[i]["pass"] for i in ("q1", "q2", "q3", "q4", "q5")] == [True, True, False, True, True]
    assert rows["q1"]["hit@1"] and rows["q2"]["hit@1"] and not rows["q3"]["hit@1"] and not rows["q3"]["hit@10"]
    assert rows["q1"]["search_hit@1"] and not rows["q3"]["search_hit@1"] and rows["q3"]["search_hit@3"]
    assert rows["q1"]["evidence_n"] == 1 and rows["q3"]["evidence_n"] == 0
    s = res.summary()
    assert s["zhice"]["english"] == {"pass": 0, "n": 1}
    assert s["zhice"]["true_refusals"] == {"refused": 1, "n": 1} and s["zhice"]["false_refusals"] == []
    assert s["baseline"]["overall"]["hit@10"] == 0.0 and s["baseline"]["overall"]["hit@1_n"] == 3
    assert len(s["zhice"]["latency_ms"]) == 3 and s["zhice"]["latency_ms"]["n"] == 5


def test_conversation_gets_history_and_only_judged_turns_count() -> None:
    a = ScriptedAssistant()
    rows = run_conversation(a, CONVERSATION)
    assert [c["question"] for c in a.calls] == ["奖励多少？", "这个要交什么材料？", "那写首诗吧"]
    assert a.calls[2]["history"][0][0] == "奖励多少？" and len(a.calls[2]["history"]) == 2
    assert a.calls[1]["history"][0][1].startswith(PASSAGES["奖励"])  # the assistant's own answer is passed back
    assert [(r["id"], r["turn"], r["pass"]) for r in rows] == [("mt-1#2", 2, True), ("mt-1#3", 3, True)]


def test_state_is_passed_back_when_the_assistant_takes_it() -> None:
    a = StatefulAssistant()
    run_conversation(a, CONVERSATION)
    assert a.states == [None, {"turns": 1}, {"turns": 2}]


def test_split_halves_and_report(tmp_path: Path) -> None:
    split_file = tmp_path / "split.json"
    split_file.write_text(json.dumps({"build": ["q1", "q2", "q5"], "check": ["q3", "q4"]}), encoding="utf-8")
    split = load_split(split_file)
    path = write_jsonl(tmp_path / "dev2.jsonl", QUESTIONS)
    assert [i["id"] for i in load_gold(path, split, "check").items] == ["q3", "q4"]
    both = load_gold(path, split)
    assert both.halves == {"build": {"q1", "q2", "q5"}, "check": {"q3", "q4"}}
    other = load_gold(write_jsonl(tmp_path / "other.jsonl", [{**QUESTIONS[0], "id": "x"}]), split, "build")
    assert len(other.items) == 1 and not other.halves  # a file the split does not cover is left whole
    conv = load_gold(write_jsonl(tmp_path / "mt.jsonl", [CONVERSATION]))
    assert conv.multiturn

    results = run(ScriptedAssistant(), [both, conv], baseline=lambda q, k: [])
    report = report_json(results, {"corpus": "tmp"})
    assert report["sets"][0]["halves"]["check"]["zhice"]["overall"]["pass"] == 0.5
    assert report["sets"][1]["conversations"]["pass"] == 1.0
    md = to_markdown(report)
    assert "dev2 · build half" in md and "dev2 · check half" in md and "1.00 of 1 conversations" in md
    assert "- q3 (fact; no citation hit, facts 0.00)" in md
    json.dumps(report, ensure_ascii=False)  # the report is plain JSON


def test_gold_checker_finds_missing_and_misfiled_evidence() -> None:
    texts = {"a.md": norm(PASSAGES["公示"]), "b.md": norm(PASSAGES["公示"] + PASSAGES["奖励"])}
    convs = [{"id": f"c{i}", "turns": [{"question": "公示期？"}, {"question": "那奖励呢？", "kind": "fact",
                                                                 "evidence": ["一次性奖励50万元"], "expect_all": [["50万"]]}]}
             for i in range(20)]
    fails, notes = check(convs, texts, norm)
    assert fails == [] and notes == []
    bad = [*convs[:19], {"id": "c0", "turns": [
        {"question": "公示期？", "kind": "fact", "evidence": ["公示期为7个工作日"], "expect_all": [["7个"]]},
        {"question": "那奖励呢？", "kind": "fact", "evidence": ["一次性奖励60万元"], "expect_all": []},
        {"question": "写诗", "kind": "out_of_domain", "evidence": ["一次性奖励50万元"]}]}]
    fails, notes = check(bad, texts, norm)
    assert any("repeated" in f for f in fails)
    assert any("not in any document: 一次性奖励60万元" in f for f in fails)
    assert any("turn 2: fact needs evidence" in f for f in fails)
    assert any("turn 3: out_of_domain has evidence" in f for f in fails)
    assert any("occurs in 2 documents" in n for n in notes)


@pytest.mark.parametrize("path", [Path(__file__).parent.parent / "evals" / "multiturn.jsonl"])
def test_multiturn_file_shape(path: Path) -> None:
    gold = load_gold(path)
    assert gold.multiturn and len(gold.items) >= 20
    fails, _ = check(gold.items, {"all": norm("".join(
        e for c in gold.items for t in c["turns"] for g in (t.get("evidence_all") or [t.get("evidence") or []])
        for e in g))}, norm)
    assert fails == []  # shape only here; `python -m evals.check_multiturn` checks against the documents


def test_gold_set_is_frozen_dataclass() -> None:
    g = GoldSet("x", Path("x"), [], False)
    with pytest.raises(AttributeError):
        g.name = "y"  # type: ignore[misc]


def test_compare_lists_items_that_changed() -> None:
    from evals.compare import compare

    def report(passed: dict[str, bool]) -> dict[str, Any]:
        return {"sets": [{"name": "dev2", "rows": [{"id": i, "pass": p} for i, p in passed.items()]},
                         {"name": "only-here", "rows": []}]}

    lines = compare(report({"a": True, "b": False, "c": True}), report({"a": True, "b": True, "c": False, "d": True}))
    assert lines == ["dev2: 2 → 2 of 3 passed", "  now pass: b", "  now fail: c", "only-here: 0 → 0 of 0 passed"]


@dataclass
class BrokenOnReward(ScriptedAssistant):
    def answer(self, question: str, history: Any = None, filters: Any = None) -> Answer:
        if "奖励" in question:
            raise KeyError("lost")
        return super().answer(question, history, filters)


def test_an_answer_that_raises_fails_its_item_and_the_run_goes_on(tmp_path: Path) -> None:
    gold = load_gold(write_jsonl(tmp_path / "g.jsonl", QUESTIONS[:2]))
    [res] = run(BrokenOnReward(), [gold])
    rows = {r["id"]: r for r in res.rows}
    assert rows["q1"]["pass"] and "error" not in rows["q1"]
    assert not rows["q2"]["pass"] and rows["q2"]["error"] == "KeyError: 'lost'" and "latency_ms" not in rows["q2"]
    s = res.summary()["zhice"]
    assert s["errors"] == ["q2"] and s["latency_ms"]["n"] == 1
    assert "answers that raised" in to_markdown(report_json([res], {}))


def test_conversations_are_split_by_their_own_half(tmp_path: Path) -> None:
    texts = {"corpus-dev2/build.md": norm(PASSAGES["公示"]), "corpus-dev2/check.md": norm(PASSAGES["奖励"])}
    convs = [{"id": f"c{i}", "half": "check" if i % 2 else "build", "turns": [
        {"question": "公示期？", "kind": "fact", "evidence": ["公示期为7个工作日"], "expect_all": [["7个"]]},
        {"question": "那奖励呢？", "kind": "fact", "evidence": ["一次性奖励50万元"] if i % 2 else ["公示期为7个工作日"],
         "expect_all": [["50万"]]}]} for i in range(20)]
    assert check(convs, texts, norm, {"check.md"})[0] == []
    convs[0]["half"] = "check"
    assert check(convs, texts, norm, {"check.md"})[0] == ["c0: half is 'check'; its documents put it in 'build'"]

    split = {"build": {"dev2-01"}, "check": {"dev2-02"}}
    path = write_jsonl(tmp_path / "mt.jsonl", convs)
    assert [c["id"] for c in load_gold(path, split, "build").items] == ["c2", "c4", "c6", "c8", "c10", "c12", "c14",
                                                                         "c16", "c18"]
    assert load_gold(path, split).halves["check"] == {f"c{i}" for i in range(0, 20) if i % 2 or i == 0}
    assert not load_gold(path).halves  # no split given: one set


def test_only_keeps_the_named_items(tmp_path: Path) -> None:
    from evals.run import only

    split = {"build": {"q1", "q2", "q5"}, "check": {"q3", "q4"}}
    gold = only(load_gold(write_jsonl(tmp_path / "dev2.jsonl", QUESTIONS), split), {"q2", "q3", "nope"})
    assert [i["id"] for i in gold.items] == ["q2", "q3"] and gold.halves == {"build": {"q2"}, "check": {"q3"}}


@pytest.mark.parametrize(("carry", "states", "history_lengths"), [
    ("both", [None, {"turns": 1}, {"turns": 2}], [0, 1, 2]),
    ("history", [None, None, None], [0, 1, 2]),
    ("state", [None, {"turns": 1}, {"turns": 2}], [0, 0, 0]),
])
def test_what_a_turn_is_sent_with(carry: str, states: list[Any], history_lengths: list[int]) -> None:
    a = StatefulAssistant()
    run_conversation(a, CONVERSATION, carry)
    assert a.states == states and [len(c["history"]) for c in a.calls] == history_lengths
