"""Exports (Markdown, DOCX read back with python-docx: footnotes, tables), conversations kept
server-side, and snippets centred on what matched."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from assistant.domain import Answer, Citation
from assistant.eligibility import Profile, evaluate, load_programmes
from assistant.snippets import find_terms, snippet
from ui.export import Exchange, conversation_docx, conversation_markdown, eligibility_docx, footnote_text
from ui.sessions import MAX_TURNS, SessionStore, answer_of, turn_of

PLAN = Citation(n=1, doc_id="d1", title="智能制造试点示范行动实施方案",
                section="智能制造试点示范行动实施方案 > 四、重点工作 > （三）建设智能制造示范工厂", page=3,
                text="（三）建设智能制造示范工厂。示范工厂建设期为２年。", source="plan.md", authority="official",
                doc_no="工信厅联通装函〔2021〕227号", start=10, end=35)
HLJ = Citation(n=1, doc_id="d2", title="黑龙江省智能工厂奖补办法", section="第五条", page=0,
               text="对认定的智能工厂奖励100万元。", source="hlj.md", authority="official", region="黑龙江")
CQ = Citation(n=2, doc_id="d3", title="重庆市智能工厂办法", section="三、支持标准", page=0,
              text="基础级智能工厂奖励50万元。", source="cq.md", authority="summary", region="重庆")
COMPARE = Answer("各文件的相关规定对比如下：\n- 《黑龙江省智能工厂奖补办法》第五条（黑龙江）：奖励100万元[1]\n"
                 "- 《重庆市智能工厂办法》三（重庆）（摘要，请核对原文）：奖励50万元[2]", citations=(HLJ, CQ))
CONVERSATION = [Exchange("智能制造示范工厂的建设期是多长时间？", Answer("建设期为２年[1]。", citations=(PLAN,))),
                Exchange("各地对智能工厂的奖补标准有什么不同？", COMPARE)]


def footnotes_of(path: Path) -> list[str]:
    """The text of each real Word footnote (separators left out)."""
    d = docx.Document(str(path))
    part = next(p for p in d.part.package.iter_parts() if str(p.partname) == "/word/footnotes.xml")
    xml = part.blob.decode("utf-8")
    notes = re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', xml)
    return [re.sub(r"<[^>]+>", "", body).strip() for _, body in notes]


def test_footnote_names_title_doc_no_clause_and_quote() -> None:
    assert footnote_text(PLAN) == ("《智能制造试点示范行动实施方案》（工信厅联通装函〔2021〕227号）四（三） 第3页："
                                   "「（三）建设智能制造示范工厂。示范工厂建设期为２年。」")
    assert "（摘要，非官方原文）" in footnote_text(CQ)


def test_conversation_markdown_has_footnotes_numbered_across_turns_and_a_table() -> None:
    md = conversation_markdown("智策问答记录", CONVERSATION)
    assert md.startswith("# 智策问答记录")
    assert "## 问：智能制造示范工厂的建设期是多长时间？" in md and "建设期为２年[^1]。" in md
    assert "| 来源 | 规定 |" in md and "| 《黑龙江省智能工厂奖补办法》第五条（黑龙江） | 奖励100万元[^2] |" in md
    assert "[^1]: 《智能制造试点示范行动实施方案》（工信厅联通装函〔2021〕227号）四（三）" in md
    assert "[^3]: 《重庆市智能工厂办法》三、支持标准" in md or "[^3]: 《重庆市智能工厂办法》" in md


def test_conversation_docx_reads_back_with_footnotes_and_a_real_table(tmp_path: Path) -> None:
    path = conversation_docx("智策问答记录", CONVERSATION, tmp_path / "chat.docx")
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "问：智能制造示范工厂的建设期是多长时间？" in text and "建设期为２年" in text
    assert "[1]" not in text  # markers became footnote references
    [table] = d.tables
    assert [c.text for c in table.rows[0].cells] == ["来源", "规定"]
    assert [c.text for c in table.rows[2].cells] == ["《重庆市智能工厂办法》三（重庆）（摘要，请核对原文）", "奖励50万元"]
    notes = footnotes_of(path)
    assert len(notes) == 3 and "工信厅联通装函〔2021〕227号" in notes[0] and "示范工厂建设期为２年" in notes[0]
    assert "奖励100万元" in notes[1]
    assert "参考来源" in text  # and a list at the end for readers without footnote support


def test_eligibility_docx_has_the_checklist_as_tables_with_clause_footnotes(tmp_path: Path) -> None:
    verdicts = evaluate(Profile.from_dict({"province": "黑龙江", "legal_entity_years": 1, "above_scale": True}),
                        load_programmes(), only=["heilongjiang_digital_workshop_basic"])
    path = eligibility_docx(verdicts, tmp_path / "self.docx")
    d = docx.Document(str(path))
    assert "申报条件自查" in d.paragraphs[0].text
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert "具有2年以上独立法人资格" in cells and "❌" in cells
    assert any("「具有2年以上独立法人资格」" in n for n in footnotes_of(path))
    assert "manual" not in "\n".join(p.text for p in d.paragraphs)


# ---------------------------------------------------------------------- sessions
def test_sessions_are_kept_per_owner_renamed_deleted_and_bounded(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions", max_sessions=3)
    turn = turn_of("建设期多长？", Answer("２年[1]。", citations=(PLAN,)))
    sid = store.save_turns("browser:a", "", [turn])
    assert store.listed("browser:a")[0] == {"id": sid, "title": "建设期多长？", "updated": store.listed("browser:a")[0]["updated"],
                                          "turns": 1}
    assert store.listed("browser:b") == []  # another browser sees nothing
    again = answer_of(store.turns("browser:a", sid)[0])
    assert again.citations[0] == PLAN and again.answer == "２年[1]。"
    assert store.rename("browser:a", sid, "  示范工厂  ") and store.listed("browser:a")[0]["title"] == "示范工厂"
    for _ in range(4):
        store.create("browser:a")
    assert len(store.listed("browser:a")) == 3
    many = [turn] * (MAX_TURNS + 5)
    other = store.save_turns("browser:a", "", many)
    assert len(store.turns("browser:a", other)) == MAX_TURNS
    assert store.delete("browser:a", other) and not store.delete("browser:a", other)
    assert not any(p.name.startswith("browser") for p in (tmp_path / "sessions").iterdir())  # owners hashed


def test_a_session_id_from_outside_never_becomes_a_path(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    sid = store.save_turns("browser:a", "../../etc/passwd", [])
    assert re.fullmatch(r"[0-9a-f]{32}", sid)


# ---------------------------------------------------------------------- snippets
def test_the_snippet_is_centred_on_what_matched() -> None:
    text = "（三）建设智能制造示范工厂。" + "各地工业和信息化主管部门组织本地区企业揭榜。" * 8 + "智能制造示范工厂建设期为２年。"
    s = snippet(text, "示范工厂建设期", width=60)
    assert "建设期为２年" in s.text and s.text.startswith("……")
    assert [s.text[a:b] for a, b in s.marks][-1] == "示范工厂建设期"  # touching terms are one mark
    assert s.marked().endswith("【示范工厂建设期】为２年。")


@pytest.mark.parametrize(("text", "terms", "found"), [
    ("示范工厂建设期", ["示范工厂", "工厂"], [(0, 4)]),  # the longer term wins, no overlaps
    ("ABC abc", ["abc"], [(0, 3), (4, 7)]),
    ("具有独立法人资格", ["独立", "法人资格"], [(2, 8)]),
    ("无匹配", ["工厂"], []),
])
def test_find_terms(text: str, terms: list[str], found: list[tuple[int, int]]) -> None:
    assert find_terms(text, terms) == found


def test_with_api_keys_conversations_belong_to_the_key_a_name_logged_in_with() -> None:
    from ui.app import Logins, owner_of

    class Request:
        def __init__(self, username: str | None) -> None:
            self.username = username

    logins = Logins(lambda user, key: key in ("key-1", "key-2"))
    assert logins("ann", "key-1") and not logins("ann", "wrong")
    assert not logins("ann", "key-2")  # the name is taken by another key: no shared conversations
    assert logins("bob", "key-2")
    ann, bob = owner_of(Request("ann"), "b1", logins), owner_of(Request("bob"), "b1", logins)  # type: ignore[arg-type]
    assert ann != bob and "key-1" not in ann and "key-2" not in bob  # a fingerprint, never the key
    assert owner_of(Request(None), "b1", logins) == "browser:b1"  # type: ignore[arg-type]


def test_a_markdown_table_answer_becomes_a_word_table_with_a_footnote_per_row(tmp_path: Path) -> None:
    text = ("对比如下：\n\n| 地区 | 文件 | 相关规定 |\n|---|---|---|\n| 黑龙江 | 《黑龙江省智能工厂奖补办法》 | 奖励100万元。[1] |\n"
            "| 重庆 | 《重庆市智能工厂办法》 | 奖励50万元。[2] |")
    path = conversation_docx("记录", [Exchange("各地有什么不同？", Answer(text, citations=(HLJ, CQ)))], tmp_path / "t.docx")
    [table] = docx.Document(str(path)).tables
    assert [c.text for c in table.rows[0].cells] == ["地区", "文件", "相关规定"]
    assert [c.text for c in table.rows[1].cells] == ["黑龙江", "《黑龙江省智能工厂奖补办法》", "奖励100万元。"]
    notes = footnotes_of(path)
    assert len(notes) == 2 and "对认定的智能工厂奖励100万元" in notes[0]
    md = conversation_markdown("记录", [Exchange("各地有什么不同？", Answer(text, citations=(HLJ, CQ)))])
    assert "| 地区 | 文件 | 相关规定 |\n|---|---|---|\n| 黑龙江 | 《黑龙江省智能工厂奖补办法》 | 奖励100万元。[^1] |" in md


def test_the_number_of_visitors_kept_is_bounded(tmp_path: Path) -> None:
    import os
    import time

    store = SessionStore(tmp_path / "sessions", max_owners=3)
    turn = turn_of("问", Answer("答。"))
    for i in range(3):
        store.save_turns(f"browser:{i}", "", [turn])
        path = store._file(f"browser:{i}")
        os.utime(path, (time.time() - 100 + i, time.time() - 100 + i))  # browser:0 is the oldest
    store.save_turns("browser:new", "", [turn])
    assert store.listed("browser:0") == [] and store.listed("browser:2") and store.listed("browser:new")
    assert len(list((tmp_path / "sessions").glob("*.json"))) == 3


def test_the_browser_secret_is_made_once_and_kept(tmp_path: Path) -> None:
    from ui.app import browser_secret

    first = browser_secret(tmp_path / "data")
    assert len(first) >= 24 and browser_secret(tmp_path / "data") == first  # a restart reads it back
    assert (tmp_path / "data" / "ui-secret").stat().st_mode & 0o077 == 0  # readable by the service only
