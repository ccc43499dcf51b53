"""The audit `make bench-llm` runs on accepted LLM answers: every figure in the text its sentence cites,
every shown calculation recomputed. Purpose-made strings; the bench itself needs the real model."""

from __future__ import annotations

import pytest

from assistant.citations import arithmetic
from benchmarks.llm_bench import reason_kind, unsupported_figures

CITED = {1: "《示例市智能工厂奖励办法》 第三条 对认定的智能工厂，按设备投入的10%给予奖励，最高不超过300万元。",
         2: "《示例市智能工厂奖励办法》 第五条 公示期为7个工作日。"}
QUESTION = "我们投入了2000万元，能拿多少？"


@pytest.mark.parametrize(("answer", "flagged"), [
    ("按设备投入的10%给予奖励，最高300万元[1]。", []),
    ("公示期为7个工作日[2]。", []),
    ("按2000×10%=200万元计算，未超过300万元的上限[1]。", []),  # the asker's figure, a true calculation
    ("公示期为10个工作日[2]。", ["10"]),  # a figure its passage does not state
    ("最高不超过300万元[2]。", ["300"]),  # true, but not in the passage this sentence cites
    ("按2000×10%=250万元计算[1]。", ["calculation"]),  # the result is not what the terms give
    ("按3000×10%=300万元计算[1]。", ["3000"]),  # a term nobody gave
    ("另有补贴50万元。", ["50"]),  # no marker: held to everything the answer cites
])
def test_unsupported_figures(answer: str, flagged: list[str]) -> None:
    got = unsupported_figures(answer, CITED, QUESTION)
    assert len(got) == len(flagged) and all(f in g for f, g in zip(flagged, got, strict=True)), got


@pytest.mark.parametrize(("expr", "value"), [("2000×10%", 200.0), ("100 + 50 × 2", 200.0), ("（300-100）÷2", 100.0),
                                             ("2000万元×10%", 200.0), ("abc", None), ("1/0", None), ("2;import os", None)])
def test_arithmetic(expr: str, value: float | None) -> None:
    assert arithmetic(expr) == value


def test_reasons_are_counted_without_their_particulars() -> None:
    assert reason_kind("the figure 3 is not in the cited text: 示范工厂建设期为3年") == "the figure is not in the cited text"
    assert reason_kind("a sentence is not supported by its cited passage (12%): 贵公司") == \
        "a sentence is not supported by its cited passage"
