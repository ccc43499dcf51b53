"""Questions that ask two things: splitting, reference resolution, joining the part answers."""

from __future__ import annotations

import pytest

from assistant.answer.compose import Composition, join_compositions
from assistant.chat import resolve_reference, sub_questions
from assistant.domain import Chunk, DocumentMeta

DOC = DocumentMeta(doc_id="d", title="t", source="s")
A, B, C = (Chunk(f"d:{i}", DOC, f"passage {i}") for i in range(3))


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("示范工厂建设期多久？", ["示范工厂建设期多久？"]),
        ("辽宁要求通过哪个平台自评估？这个平台是哪家单位的？", ["辽宁要求通过哪个平台自评估", "辽宁 这个平台是哪家单位的"]),
        ("吉林奖补比例？长春新区呢？", ["吉林奖补比例", "长春新区奖补比例"]),
    ],
)
def test_sub_questions(question: str, parts: list[str]) -> None:
    assert sub_questions(question) == parts


def test_reference_resolved_from_the_previous_passage() -> None:
    passage = "通过智能制造评估评价公共服务平台(www.c3mep.cn)开展自评估工作"
    resolved = resolve_reference("这个平台是哪家单位的", passage)
    assert "智能制造评估评价公共服务平台(www.c3mep.cn)" in resolved and resolved.endswith("这个平台是哪家单位的")
    assert resolve_reference("示范工厂建设期多久", passage) == "示范工厂建设期多久"
    assert resolve_reference("这个平台是哪家单位的", "") == "这个平台是哪家单位的"


def test_join_renumbers_and_drops_repeats() -> None:
    joined = join_compositions([
        Composition("甲[1]乙[2]", [A, B]),
        Composition("丙[1]丁[2]", [C, A]),   # C is new, A keeps its number
        Composition("甲[1]", [A]),            # only repeats what an earlier part quoted: dropped
    ])
    assert joined.text == "甲[1]乙[2]\n丙[3]丁[1]"
    assert [c.chunk_id for c in joined.chunks] == ["d:0", "d:1", "d:2"]


def test_a_part_quoting_another_sentence_of_a_passage_already_cited_is_kept() -> None:
    # "要自己去申请吗？钱是谁出的？": both answered by one clause, each by its own sentence
    first = Composition("根据《细则》五，奖励资金实行“免申即享”，经公示后拨付。[1]", [A])
    second = Composition("根据《细则》五，奖励资金由市级财政和区财政按1:1比例分担。[1]", [A])
    again = Composition("另据《细则》五，奖励资金实行“免申即享”，经公示后拨付。[1]", [A])
    joined = join_compositions([first, second, again])
    assert joined.text.count("免申即享") == 1 and "1:1比例分担" in joined.text
    assert [c.chunk_id for c in joined.chunks] == ["d:0"]
