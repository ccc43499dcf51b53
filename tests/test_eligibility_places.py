"""The chat's eligibility answers stay in the asker's place: drafts of indexed documents join the
reviewed programmes, a place without rules says so, and a question without a place asks for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.domain import Chunk, DocumentMeta
from assistant.eligibility import Programme, load_programmes
from assistant.eligibility.answer import DRAFT_MARK
from assistant.eligibility.free_text import ASK_PLACE, NO_LOCAL_RULES, answer_eligibility
from assistant.eligibility.indexed import abolished_doc_nos, draft_indexed

KUNMING = """昆明市工业和信息化局关于印发《昆明市数字化车间认定和奖励办法》的通知
昆工信发〔2026〕5号
一、申报条件
（一）在昆明市注册登记的规模以上工业企业，上一年度营业收入不低于3000万元；
（二）车间关键工序数控化率不低于50%。
二、支持政策
认定为市级数字化车间的，给予一次性奖励20万元。
"""
KUNMING_OLD = """昆明市工业和信息化局关于印发《昆明市数字化车间奖励办法（试行）》的通知
昆工信发〔2023〕9号
一、申报条件
（一）在昆明市注册登记的规模以上工业企业，上一年度营业收入不低于8000万元。
二、支持政策
认定为市级数字化车间的，给予一次性奖励10万元。
"""
REVISION = "三、附则\n本办法自发布之日起施行，《昆明市数字化车间奖励办法（试行）》（昆工信发〔2023〕9号）同时废止。"


def _doc(doc_id: str, text: str, kind: str = "local_policy", title: str = "", doc_no: str = "") -> list[Chunk]:
    first = text.splitlines()[0]
    meta = DocumentMeta(doc_id=doc_id, title=title or first, source=f"/nowhere/{doc_id}.txt", kind=kind,
                        doc_no=doc_no or text.splitlines()[1], region="昆明", level="city")
    return [Chunk(chunk_id=f"{doc_id}:{i}", doc=meta, text=part, section="", ord=i)
            for i, part in enumerate(text.split("\n二、"))]


@pytest.fixture(scope="module")
def reviewed() -> list[Programme]:
    return load_programmes()


@pytest.fixture(scope="module")
def indexed() -> dict[str, list[Chunk]]:
    return {"km": _doc("km", KUNMING + REVISION), "km_old": _doc("km_old", KUNMING_OLD),
            "names": _doc("names", "昆明市数字化车间名单\n名单〔2026〕1号\n甲公司", kind="case_list")}


def test_indexed_rules_are_drafted_superseded_and_lists_are_not(indexed: dict[str, list[Chunk]],
                                                               reviewed: list[Programme]) -> None:
    assert abolished_doc_nos(indexed) == {"昆工信发〔2023〕9号"}
    drafts = draft_indexed(indexed, reviewed)
    assert drafts and all(p.draft and p.region == "昆明" for p in drafts)
    assert {p.doc_no for p in drafts} == {"昆工信发〔2026〕5号"}


def test_a_kunming_company_gets_its_own_programmes_never_another_provinces(
        indexed: dict[str, list[Chunk]], reviewed: list[Programme]) -> None:
    programmes = reviewed + draft_indexed(indexed, reviewed)
    text, sources, verdicts = answer_eligibility("我们是昆明的规上企业，营收2500万，能申请数字化车间吗？", programmes)
    assert verdicts and {v.region for v in verdicts} <= {"昆明", "全国"}
    assert "3000万" in text and DRAFT_MARK in text
    assert not any(v.region in ("重庆", "大连", "黑龙江", "吉林", "辽宁") for v in verdicts)


def test_a_place_without_rules_says_so_and_a_question_without_a_place_asks(reviewed: list[Programme]) -> None:
    text, _, verdicts = answer_eligibility("我们是河北的规上企业，能申请数字化车间吗？", reviewed)
    assert text.startswith(NO_LOCAL_RULES.format(place="河北")) or NO_LOCAL_RULES.format(place="河北") in text
    assert all(v.region == "全国" for v in verdicts)
    text, _, verdicts = answer_eligibility("我们是规上企业，注册三年，能申请数字化车间吗？", reviewed)
    assert ASK_PLACE in text and all(v.region == "全国" for v in verdicts)


def test_drafts_with_an_unreadable_source_use_the_stored_pieces(tmp_path: Path,
                                                                 reviewed: list[Programme]) -> None:
    chunks = _doc("km2", KUNMING)
    drafts = draft_indexed({"km2": chunks}, reviewed)
    assert any(c.rule == "min" and c.fields == ("revenue_wan",) and c.args == (3000,)
               for p in drafts for c in p.criteria)


def test_drafts_are_kept_by_document_so_an_unchanged_one_is_not_read_again(
        indexed: dict[str, list[Chunk]], reviewed: list[Programme]) -> None:
    cache: dict[str, list[Programme]] = {}
    first = draft_indexed(indexed, reviewed, cache=cache)
    assert set(cache) == {"km"}  # the list and the superseded text are never drafted
    cache["km"] = cache["km"][:1]  # what the cache holds is what a second call gives, unread
    assert draft_indexed(indexed, reviewed, cache=cache) == first[:1]


def test_a_reviewed_draft_is_saved_as_a_programme_file(tmp_path: Path, reviewed: list[Programme]) -> None:
    from assistant.eligibility.draft_output import to_programme_data
    from assistant.eligibility.indexed import drafts_of_document, save_programme
    from assistant.errors import ConfigError

    draft = drafts_of_document(_doc("km3", KUNMING))[0]
    data = to_programme_data(draft)
    saved = save_programme(data, tmp_path, reviewed=True)
    (loaded,) = load_programmes(tmp_path)
    assert saved.stem == loaded.id and not loaded.draft
    with pytest.raises(ConfigError, match="criteria"):
        save_programme({**data, "criteria": []}, tmp_path)
