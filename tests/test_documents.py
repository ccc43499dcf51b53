"""A document's full text rebuilt from its chunks, citation offsets into it, and GET /v1/documents/{id}."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_settings
from fastapi.testclient import TestClient

from assistant.citations import passage_span, verify
from assistant.documents import overlap, place, rebuild
from assistant.domain import Chunk, DocumentMeta

DOC = DocumentMeta(doc_id="d1", title="实施方案", source="/srv/plan.md")


def chunk(i: int, text: str, section: str = "实施方案 > 四、重点工作", record: bool = False) -> Chunk:
    return Chunk(f"d1:{i}", DOC, text, section=section, ord=i, record={"序号": str(i)} if record else {})


# Pieces as the chunker makes them: 0 and 1 are two pieces of one clause repeating "建设期为２年。",
# 2 is the next section, 3 and 4 two table rows.
PIECES = [
    chunk(0, "（三）建设示范工厂。示范工厂建设期为２年。"),
    chunk(1, "建设期为２年。各地组织揭榜。"),
    chunk(2, "（四）遴选优秀场景。", section="实施方案 > 五、保障措施"),
    chunk(3, "1 甲公司 显示面板", section="第1行", record=True),
    chunk(4, "2 乙公司 汽车", section="第2行", record=True),
]


def test_rebuilt_text_drops_the_overlap_and_separates_sections() -> None:
    doc = rebuild(list(reversed(PIECES)))  # any order in, ord order out
    assert doc.text == ("（三）建设示范工厂。示范工厂建设期为２年。各地组织揭榜。\n（四）遴选优秀场景。\n"
                        "1 甲公司 显示面板\n2 乙公司 汽车")
    assert [s.path for s in doc.sections] == ["实施方案 > 四、重点工作", "实施方案 > 五、保障措施", "第1行", "第2行"]
    first = doc.sections[0]
    assert doc.text[first.start:first.end] == "（三）建设示范工厂。示范工厂建设期为２年。各地组织揭榜。"


def test_every_placed_chunk_is_a_slice_of_the_text() -> None:
    placed = place(PIECES)
    text = rebuild(placed).text
    assert all(text[c.start:c.end] == c.text for c in placed)
    assert [c.ord for c in place(list(reversed(PIECES)))] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("text", "piece", "expected"), [
    ("甲乙丙丁", "丙丁戊", 2),
    ("甲乙丙丁", "戊己", 0),
    ("", "甲", 0),
    ("甲乙", "甲乙", 2),
])
def test_overlap(text: str, piece: str, expected: int) -> None:
    assert overlap(text, piece) == expected


def test_overlap_is_the_longest_suffix_prefix_match_as_retrieval_merges_them() -> None:
    import random

    def every_size(text: str, piece: str) -> int:  # the rule retrieval's merge applies
        return next((n for n in range(min(len(text), len(piece)), 0, -1) if text.endswith(piece[:n])), 0)

    rng = random.Random(7)
    for _ in range(3000):
        a, b = ("".join(rng.choice("甲乙丙") for _ in range(rng.randint(0, 10))) for _ in range(2))
        assert overlap(a, b) == every_size(a, b), (a, b)


def test_citation_offsets_point_at_the_passage_for_pieces_merged_by_retrieval_and_for_rows() -> None:
    from assistant.answer.retrieve import merge_neighbours
    from assistant.domain import SearchHit

    placed = place(PIECES)
    text = rebuild(placed).text
    hits = merge_neighbours([SearchHit(placed[1], 1.0), SearchHit(placed[0], 0.9), SearchHit(placed[4], 0.8),
                             SearchHit(placed[3], 0.7)])
    evidence = [h.chunk for h in hits]
    assert len(evidence) == 2  # one clause, one table excerpt
    _, cites = verify("见[1]，另见[2]。", evidence)
    clause, rows = cites
    assert text[clause.start:clause.end] == clause.text == "（三）建设示范工厂。示范工厂建设期为２年。各地组织揭榜。"
    assert text[rows.start:rows.end] == "2 乙公司 汽车"  # a table excerpt points at its best row
    assert passage_span(PIECES[0]) == (-1, -1)  # not placed by an index: no offsets


# ---------------------------------------------------------------------- through the API, real index
LONG_PLAN = "# 智能制造试点示范行动实施方案\n\n## 四、重点工作\n\n（三）建设智能制造示范工厂。" + "".join(
    f"第{i}项要求是示范工厂应当完成第{i}批智能化改造任务并接受评估。" for i in range(1, 13)
) + "智能制造示范工厂建设期为２年。\n\n## 五、保障措施\n\n（一）加强组织领导。各地建立工作机制。\n"


@pytest.mark.slow
def test_every_citation_of_an_answer_slices_the_document_text(tmp_path: Path) -> None:
    from assistant.api.app import create_app
    from assistant.wiring import build_assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.md").write_text(LONG_PLAN, encoding="utf-8")
    settings = make_settings(tmp_path / "data", chunking={"max_tokens": 120, "overlap_tokens": 20, "min_tokens": 10})
    assistant = build_assistant(settings)
    assistant.kb.ingest([docs])
    assert len(assistant.kb.snapshot.chunks) > 2  # the long clause was split into overlapping pieces
    client = TestClient(create_app(settings, assistant), base_url="http://127.0.0.1")  # an allowed Host

    answer = client.post("/v1/ask", json={"question": "智能制造示范工厂的建设期是多长时间？"}).json()
    assert answer["citations"]
    for c in answer["citations"]:
        doc = client.get(f"/v1/documents/{c['doc_id']}").json()
        assert doc["text"][c["start"]:c["end"]] == c["text"]
    doc = client.get(f"/v1/documents/{answer['citations'][0]['doc_id']}").json()
    assert doc["title"] == "智能制造试点示范行动实施方案" and doc["source"] == "plan.md"
    assert "建设期为２年" in doc["text"] and doc["text"].count("第3项要求") == 1  # no repeated overlap
    paths = [s["section"] for s in doc["sections"]]
    assert any("五、保障措施" in p for p in paths)
    for s in doc["sections"]:
        assert 0 <= s["start"] < s["end"] <= len(doc["text"])

    missing = client.get("/v1/documents/nope")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFound"


@pytest.mark.slow
def test_a_pdf_document_shows_its_pages_as_images(tmp_path: Path) -> None:
    from files import make_chinese_pdf

    from assistant.api.app import create_app
    from assistant.service import Service
    from assistant.wiring import build_assistant
    from ui import render

    docs = tmp_path / "docs"
    docs.mkdir()
    filler = "申报企业应当具备完善的数字化基础和管理制度，并按要求提交材料。" * 8
    make_chinese_pdf(docs / "办法.pdf", ["示例省智能工厂认定办法\n第一条 为规范智能工厂认定，制定本办法。" + filler,
                                        "第二条 对认定的智能工厂给予一次性奖励100万元。" + filler])
    (docs / "note.md").write_text("# 说明\n\n这是一份说明，不是PDF。\n", encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    assistant = build_assistant(settings)
    assistant.kb.ingest([docs])
    service = Service(assistant)
    by_title = {d["title"]: d["doc_id"] for d in service.documents()}
    pdf_id = next(v for k, v in by_title.items() if "办法" in k)
    note_id = next(v for k, v in by_title.items() if "说明" in k)
    client = TestClient(create_app(settings, assistant), base_url="http://127.0.0.1")

    page = client.get(f"/v1/documents/{pdf_id}/pages/2.png")
    assert page.status_code == 200 and page.headers["content-type"] == "image/png"
    assert page.content.startswith(b"\x89PNG") and len(page.content) > 2000
    assert client.get(f"/v1/documents/{pdf_id}/pages/9.png").status_code == 404
    assert client.get(f"/v1/documents/{note_id}/pages/1.png").status_code == 404
    assert service.has_pages(pdf_id) and not service.has_pages(note_id)

    doc = service.document(pdf_id)
    start = doc["text"].index("第二条")
    paged = next(s for s in doc["sections"] if s["start"] <= start < s["end"])
    assert paged["page"] == 2
    html = render.document_viewer(doc, start, start + 10, 1, "data:image/png;base64,AAAA")
    assert "查看原版式（第2页）" in html and 'src="data:image/png;base64,AAAA"' in html


@pytest.mark.slow
def test_search_hits_carry_a_snippet_of_what_matched_and_their_place_in_the_document(tmp_path: Path) -> None:
    from assistant.api.app import create_app
    from assistant.wiring import build_assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.md").write_text(LONG_PLAN, encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    assistant = build_assistant(settings)
    assistant.kb.ingest([docs])
    client = TestClient(create_app(settings, assistant), base_url="http://127.0.0.1")
    [hit, *_] = client.post("/v1/search", json={"query": "示范工厂建设期", "k": 3}).json()["hits"]
    assert "建设期为２年" in hit["snippet"] and len(hit["snippet"]) < len(hit["text"])
    assert "建设期" in [hit["snippet"][a:b] for a, b in hit["marks"]][-1]
    doc = client.get(f"/v1/documents/{hit['doc_id']}").json()
    assert doc["text"][hit["start"]:hit["end"]] == hit["text"]
