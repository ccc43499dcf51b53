"""Programme sources resolve against the text that is (or will be) indexed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus_paths import CORPUS

from assistant.eligibility import Programme, Route, Source, load_programmes
from assistant.eligibility.criteria_check import check_sources, iter_sources

_TITLE = re.compile(r"^- 标题[:：]\s*(.*)$", re.M)
_DOC_NO = re.compile(r"^- 文号[:：]\s*(.*)$", re.M)
_HEADING = re.compile(r"^#\s+(.*)$", re.M)


def _corpus_chunks() -> list[tuple[str, str, str]]:
    """One "chunk" per corpus file: title from its header lines (or file name), 文号, whole text."""
    chunks = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix not in (".md", ".txt", ".csv") or path.name == "MANIFEST.md":
            continue
        text = path.read_text(encoding="utf-8")
        titles = [m.group(1) for m in (_TITLE.search(text), _HEADING.search(text)) if m] + [path.stem]
        doc_no = m.group(1) if (m := _DOC_NO.search(text)) else ""
        chunks.append((" / ".join(titles), doc_no, text))
    return chunks


def _programme(*sources: Source) -> Programme:
    return Programme(id="p", name="p", region="全国", level="national", kind="recognition", doc="d",
                     criteria=(), route=Route(("a",), sources[0]) if sources else Route(()))


def test_every_packaged_source_resolves_in_the_corpus_files() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is missing")
    programmes = load_programmes()
    assert sum(1 for p in programmes for _ in iter_sources(p)) > 100
    problems = check_sources(programmes, _corpus_chunks())
    assert [p.message for p in problems] == []


def test_every_packaged_source_resolves_in_the_ingested_chunks() -> None:
    """The same check over the chunks ingest would index (titles, 文号 and chunk boundaries as indexed)."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is missing")
    from assistant.settings import Settings
    from ingest.loaders import load_file
    from ingest.pipeline import build_chunks

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    chunks = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt", ".csv"):
            for c in build_chunks(load_file(path, settings.max_file_bytes), "doc", str(path), settings):
                chunks.append((c.doc.title, c.doc.doc_no, c.text))
    problems = check_sources(load_programmes(), chunks)
    assert [p.message for p in problems] == []


CHUNKS = [
    ("黑龙江省数字化车间认定管理办法", "黑工信规规〔2025〕7号",
     "第六条……（一）企业须在黑龙江省行政区域内注册，具有2年以上\n独立法人资格。"),
    ("智能制造试点示范行动实施方案", "", "智能制造示范工厂建设期为２年。"),
    ("另一份文件", "", "引文只在这里：每个场景描述控制在3000字以内"),
]


@pytest.mark.parametrize(("source", "kind"), [
    # spans a line break in the text
    (Source(doc="黑龙江省数字化车间认定管理办法", clause="附件1 第六条（一）", region="黑龙江",
            quote="具有2年以上独立法人资格", doc_no="黑工信规规〔2025〕7号"), None),
    # matched by 文号 alone, half-width digit against a full-width one
    (Source(doc="改了名字的文件", clause="x", region="黑龙江", quote="企业须在黑龙江省行政区域内注册",
            doc_no="黑工信规规〔2025〕7号"), None),
    (Source(doc="智能制造试点示范行动实施方案", clause="四（三）", region="全国",
            quote="智能制造示范工厂建设期为2年"), None),
    # a summary quote lives in the document named by quoted_in
    (Source(doc="某年度通知", clause="x", region="全国", quote="每个场景描述控制在3000字以内",
            authority="summary", quoted_in="另一份文件"), None),
    (Source(doc="不存在的文件", clause="x", region="全国", quote="具有2年以上独立法人资格"), "not_indexed"),
    (Source(doc="黑龙江省数字化车间认定管理办法", clause="x", region="黑龙江",
            quote="具有3年以上独立法人资格"),
     "quote_not_found"),
])
def test_check_sources(source: Source, kind: str | None) -> None:
    problems = check_sources([_programme(source)], CHUNKS)
    assert [p.kind for p in problems] == ([kind] if kind else [])
    if kind:
        assert problems[0].programme_id == "p" and problems[0].item == "route"
        assert "请" in problems[0].message  # says what to do next
        assert problems[0].failure is (kind != "not_indexed")  # a document not indexed is a notice, not an error


def test_problem_points_at_the_document_that_has_the_quote() -> None:
    src = Source(doc="智能制造试点示范行动实施方案", clause="x", region="全国",
                 quote="每个场景描述控制在3000字以内")
    (problem,) = check_sources([_programme(src)], CHUNKS)
    assert problem.kind == "quote_not_found" and "另一份文件" in problem.message


def test_short_titles_never_match_by_containment() -> None:
    src = Source(doc="附件1", clause="x", region="全国", quote="具有2年以上独立法人资格")
    assert [p.kind for p in check_sources([_programme(src)], CHUNKS)] == ["not_indexed"]


def test_chunks_are_read_once() -> None:
    src = Source(doc="黑龙江省数字化车间认定管理办法", clause="x", region="黑龙江",
                 quote="具有2年以上独立法人资格")
    assert check_sources([_programme(src), _programme(src)], iter(CHUNKS)) == []


def test_docs_worked_example_loads_and_resolves(tmp_path: Path) -> None:
    """The YAML example in docs/eligibility.md is a valid programme whose quotes are in the corpus."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is missing")
    docs = (Path(__file__).resolve().parent.parent / "docs" / "eligibility.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n# assistant/programmes/(\w+)\.yaml\n(.*?)```", docs, re.S)
    (tmp_path / f"{block[0]}.yaml").write_text(block[1], encoding="utf-8")
    programmes = load_programmes(tmp_path)
    assert [p.id for p in programmes] == ["jiangsu_advanced_smart_factory"]
    assert check_sources(programmes, _corpus_chunks()) == []
