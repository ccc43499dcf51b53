"""Citation markers: parsing, verification, clause references."""

from __future__ import annotations

import pytest

from assistant.citations import clause_ref, format_evidence, markers, source_label, verify
from assistant.domain import Chunk, DocumentMeta

DOC = DocumentMeta(doc_id="d1", title="智能制造试点示范行动实施方案", source="x.txt")
EVIDENCE = [Chunk(f"d1:{i}", DOC, f"第{i}段。", section="四、重点工作 > （三）建设", ord=i) for i in range(3)]


@pytest.mark.parametrize(
    ("answer", "expected_text", "cited"),
    [
        ("建设期为2年[1]。", "建设期为2年[1]。", [0]),
        ("甲[1][3]。", "甲[1][2]。", [0, 2]),
        ("甲[3]乙[1]。", "甲[1]乙[2]。", [2, 0]),
        ("编造[9]。", "编造。", []),
        ("无标注。", "无标注。", []),
        ("重复[2][2]。", "重复[1]。", [1]),
        ("零[0]。", "零。", []),
    ],
)
def test_verify(answer: str, expected_text: str, cited: list[int]) -> None:
    text, cites = verify(answer, EVIDENCE)
    assert text == expected_text
    assert [c.text for c in cites] == [EVIDENCE[i].text for i in cited]
    assert [c.n for c in cites] == list(range(1, len(cited) + 1))


def test_markers() -> None:
    assert markers("a[1] b[12] c[x] d[3]") == [1, 12, 3]


@pytest.mark.parametrize(
    ("section", "ref"),
    [
        ("四、重点工作 > （三）建设智能制造示范工厂", "四（三）"),
        ("一、黑龙江省数字化车间认定管理办法 > 附件1 黑龙江省数字化车间认定管理办法 > 第二章 认定条件 > 第六条", "附件1 第六条"),
        ("第二章 认定条件 > 第六条 > （一）", "第六条（一）"),
        ("第20行", "第20行"),
        ("", ""),
    ],
)
def test_clause_ref(section: str, ref: str) -> None:
    assert clause_ref(section) == ref


def test_source_label_names_the_text_inside_a_compilation() -> None:
    label = source_label("①甲；②乙", "二、吉林省智改数转项目奖补实施细则(吉工信办联规〔2025〕59号) > (三)事后奖补")
    assert label == "《吉林省智改数转项目奖补实施细则(吉工信办联规〔2025〕59号)》(三)"


def test_evidence_format_snapshot() -> None:
    summary = Chunk("d2:0", DocumentMeta(doc_id="d2", title="登记表", source="y.md", authority="summary",
                                         doc_no="工信厅联通装函〔2021〕263号"), "要点。", section="N1", page=2)
    assert format_evidence([EVIDENCE[0], summary]) == (
        "[1] 《智能制造试点示范行动实施方案》 四、重点工作 > （三）建设\n第0段。\n\n"
        "[2] 《登记表》（摘要，非官方原文） 工信厅联通装函〔2021〕263号 N1 第2页\n要点。"
    )
