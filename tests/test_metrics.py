"""The eval metrics as unit tables: no index, no model."""

from __future__ import annotations

from typing import Any

import pytest

from evals.metrics import (
    aggregate,
    evidence_groups,
    expect_rate,
    groups_hit,
    hit_at,
    invents_figure,
    is_english,
    judge,
    norm,
    percentile,
    says_not_specified,
    summarise,
    summarise_conversations,
)

ONE = [["公示期为7个工作日", "公示期为七个工作日"]]
TWO = [["最高不超过100万元"], ["按投资额的8%给予奖补"]]


def cite(*texts: str) -> list[dict[str, Any]]:
    return [{"n": i, "text": t} for i, t in enumerate(texts, 1)]


@pytest.mark.parametrize(("raw", "normed"), [
    ("智\n能 制造", "智能制造"),
    ("１００万元（试行）", "100万元(试行)"),
    ("\u3000公示期为 7 个工作日", "公示期为7个工作日"),
    ("", ""),
])
def test_norm(raw: str, normed: str) -> None:
    assert norm(raw) == normed


@pytest.mark.parametrize(("item", "groups"), [
    ({"evidence": ["a", "b"]}, [["a", "b"]]),
    ({"evidence_all": [["a"], ["b", "c"]], "evidence": ["x"]}, [["a"], ["b", "c"]]),
    ({"evidence": []}, []),
    ({}, []),
])
def test_evidence_groups(item: dict[str, Any], groups: list[list[str]]) -> None:
    assert evidence_groups(item) == groups


@pytest.mark.parametrize(("texts", "groups", "hit"), [
    (["……公示期为7个工作日。"], ONE, True),
    (["公示期为七个\n工作日"], ONE, True),  # line-wrapped passage still matches
    (["公示期为5个工作日"], ONE, False),
    (["最高不超过100万元", "按投资额的8%给予奖补"], TWO, True),
    (["最高不超过100万元"], TWO, False),  # every group needed
    ([], TWO, False),
])
def test_groups_hit(texts: list[str], groups: list[list[str]], hit: bool) -> None:
    assert groups_hit(texts, groups) is hit


RANKED = ["无关", "最高不超过100万元", "无关", "按投资额的8%给予奖补", "公示期为7个工作日", *["无关"] * 6]


@pytest.mark.parametrize(("groups", "k", "hit"), [
    (ONE, 1, False),
    (ONE, 3, False),
    (ONE, 5, True),
    (ONE, 10, True),
    ([["最高不超过100万元"]], 1, False),
    ([["无关"]], 1, True),
    (TWO, 1, None),  # hit@1 only counts one-passage questions
    (TWO, 3, False),  # the second group is at rank 4
    (TWO, 5, True),
    ([], 1, None),  # no evidence: left out
    ([], 10, None),
])
def test_hit_at(groups: list[list[str]], k: int, hit: bool | None) -> None:
    assert hit_at(RANKED, groups, k) is hit


@pytest.mark.parametrize(("answer", "expect", "rate"), [
    ("公示期为7个工作日[1]", [["7个工作日", "七个工作日"]], 1.0),
    ("奖励８％，最高２００万元", [["8%"], ["200万"]], 1.0),
    ("奖励8%", [["8%"], ["200万"]], 0.5),
    ("任何回答", [], 1.0),
])
def test_expect_rate(answer: str, expect: list[list[str]], rate: float) -> None:
    assert expect_rate(answer, expect) == rate


@pytest.mark.parametrize(("answer", "not_specified", "figure"), [
    ("文件未明确规定公示期。", True, False),
    ("The documents do not specify it.", True, False),
    ("公示期为5个工作日", False, False),
    ("最高奖励100万元", False, True),
    ("比例为 8 %", False, True),
])
def test_not_specified_and_figures(answer: str, not_specified: bool, figure: bool) -> None:
    assert says_not_specified(answer) is not_specified
    assert invents_figure(answer) is figure


@pytest.mark.parametrize(("question", "english"), [
    ("How long is the public notice period for Anhui's list?", True),
    ("And for a basic one?", True),
    ("And a basic one?", False),  # fewer than five words: not counted, as the shared checker counts
    ("What is the 5G工厂 reward in Guangdong province today?", False),
    ("浙江数字化车间的门槛是多少？", False),
])
def test_is_english(question: str, english: bool) -> None:
    assert is_english(question) is english


FACT = {"id": "f1", "kind": "fact", "question": "公示多久？", "evidence": ONE[0], "expect_all": [["7个工作日"]]}
TWO_DOCS = {"id": "f2", "kind": "drafting", "question": "对比", "evidence_all": TWO, "expect_all": [["100万"], ["8%"]]}
UNANSWERABLE = {"id": "u1", "kind": "unanswerable", "question": "公示几天？", "evidence": [], "expect_all": []}
OOD = {"id": "o1", "kind": "out_of_domain", "question": "写首诗", "evidence": [], "expect_all": []}


@pytest.mark.parametrize(("item", "answer", "expected"), [
    (FACT, {"answer": "公示期为7个工作日[1]", "refused": False, "citations": cite("公示期为7个工作日")},
     {"pass": True, "citation_hit": True, "fact_rate": 1.0, "false_refusal": False}),
    (FACT, {"answer": "公示期为7个工作日[1]", "refused": False, "citations": cite("别的条款")},
     {"pass": False, "citation_hit": False, "fact_rate": 1.0}),
    (FACT, {"answer": "公示期为5个工作日[1]", "refused": False, "citations": cite("公示期为7个工作日")},
     {"pass": False, "citation_hit": True, "fact_rate": 0.0}),
    (FACT, {"answer": "这个问题不在范围内", "refused": True, "citations": []},
     {"pass": False, "false_refusal": True}),
    (TWO_DOCS, {"answer": "100万；8%", "citations": cite("最高不超过100万元")},
     {"pass": False, "citation_hit": False, "fact_rate": 1.0}),
    (UNANSWERABLE, {"answer": "文件未明确规定公示天数。", "refused": False}, {"pass": True, "false_refusal": False}),
    (UNANSWERABLE, {"answer": "文件未明确规定，参考其他地方为5个工作日，奖励10万元。"}, {"pass": False}),
    (UNANSWERABLE, {"answer": "", "refused": True}, {"pass": True}),
    (OOD, {"answer": "", "refused": True}, {"pass": True, "true_refusal": True}),
    (OOD, {"answer": "春眠不觉晓", "refused": False}, {"pass": False, "true_refusal": False}),
])
def test_judge(item: dict[str, Any], answer: dict[str, Any], expected: dict[str, Any]) -> None:
    row = judge(item, answer)
    assert {k: row[k] for k in expected} == expected


def test_judge_retrieval_fields() -> None:
    row = judge(FACT, {"answer": "7个工作日", "citations": cite("公示期为7个工作日")}, ranked=RANKED,
                evidence=["公示期为7个工作日"])
    assert (row["hit@1"], row["hit@3"], row["hit@5"], row["hit@10"], row["evidence_hit"]) == (False, False, True, True, True)
    assert "hit@1" not in judge(TWO_DOCS, {"answer": ""}, ranked=RANKED)
    assert not any(k.startswith("hit@") for k in judge(OOD, {"refused": True}, ranked=RANKED))


@pytest.mark.parametrize(("values", "p", "value"), [
    ([], 50, 0.0),
    ([7.0], 95, 7.0),
    ([1, 2, 3, 4], 50, 2.0),
    (list(range(1, 101)), 95, 95.0),
    (list(range(1, 21)), 95, 19.0),
])
def test_percentile(values: list[float], p: float, value: float) -> None:
    assert percentile(values, p) == value


def rows() -> list[dict[str, Any]]:
    return [
        {"id": "a", "kind": "fact", "pass": True, "hit@1": True, "hit@3": True, "hit@5": True, "hit@10": True,
         "english": True, "false_refusal": False},
        {"id": "b", "kind": "fact", "pass": False, "hit@1": False, "hit@3": False, "hit@5": True, "hit@10": True,
         "english": True, "false_refusal": True},
        {"id": "c", "kind": "drafting", "pass": True, "hit@3": False, "hit@5": False, "hit@10": True},
        {"id": "d", "kind": "out_of_domain", "pass": True, "true_refusal": True},
        {"id": "e", "kind": "out_of_domain", "pass": False, "true_refusal": False},
    ]


def test_aggregate_counts_each_hit_over_its_own_questions() -> None:
    agg = aggregate(rows())
    assert agg["n"] == 5 and agg["pass"] == 0.6
    assert (agg["hit@1"], agg["hit@1_n"]) == (0.5, 2)
    assert (agg["hit@3"], agg["hit@5"], agg["hit@10"], agg["hit@k_n"]) == (0.333, 0.667, 1.0, 3)
    assert agg["citation_hit"] is None


def test_summarise() -> None:
    s = summarise(rows(), [100.0, 200.0, 300.0])
    assert s["false_refusals"] == ["b"] and s["answerable"] == 3
    assert s["true_refusals"] == {"refused": 1, "n": 2}
    assert s["english"] == {"pass": 1, "n": 2}
    assert s["by_kind"]["fact"]["pass"] == 0.5 and set(s["by_kind"]) == {"fact", "drafting", "out_of_domain"}
    assert s["latency_ms"] == {"p50": 200.0, "p95": 300.0, "n": 3}
    assert s["without_eligibility"] == {"n": 5, "pass": 0.6}
    s = summarise([*rows(), {"id": "f", "kind": "eligibility", "pass": False}])
    assert s["without_eligibility"] == {"n": 5, "pass": 0.6} and s["overall"]["pass"] == 0.5


def test_summarise_conversations() -> None:
    turns = [
        {"conversation": "mt-1", "turn": 1, "pass": True},
        {"conversation": "mt-1", "turn": 2, "pass": True},
        {"conversation": "mt-2", "turn": 1, "pass": True},
        {"conversation": "mt-2", "turn": 2, "pass": False},
        {"conversation": "mt-3", "turn": 2, "pass": True},  # its first turn is context only
    ]
    s = summarise_conversations(turns)
    assert (s["conversations"], s["pass"], s["failed"]) == (3, 0.667, ["mt-2"])
    assert (s["turns"], s["follow_ups"], s["follow_up_pass"]) == (5, 3, 0.667)
