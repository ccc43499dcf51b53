"""Drafted programmes at the edges, through a real server over a small real index: a document's drafts
with their quotes, saved by an admin after review; 申报自评 over reviewed programmes and drafts (summary,
package); chat facts reaching the profile; answers for the asker's place only; the 申报清单 as Markdown,
DOCX and an .ics entry from the API and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
import yaml
from conftest import make_settings
from test_api import ADMIN, USER, error_of
from test_eligibility_package import NOTICE
from test_eligibility_places import KUNMING

from assistant.api.serve import background_server, build_server
from assistant.cli import main
from assistant.core.text import normalize_for_match
from assistant.eligibility.draft import draft_file
from assistant.eligibility.draft_output import to_programme_data
from assistant.eligibility.free_text import ASK_PLACE
from assistant.eligibility.indexed import save_programme
from assistant.settings import Settings
from ui.eligibility_tab import NO_TITLES, chat_values, form_values

# provinces and cities with programmes in the built-in set or this index: never in another place's answer
OTHER_PLACES = ("重庆", "大连", "黑龙江", "吉林", "辽宁")
STATED = "我们是唐山的规上企业，营收8000万，研发占比3.5%。"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("review") / "data", api_keys=USER, admin_key=ADMIN,
                         rate_limit_per_minute=10_000)


@pytest.fixture(scope="module")
def url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from assistant.wiring import build_assistant

    docs = tmp_path_factory.mktemp("review-docs")
    (docs / "唐山通知.txt").write_text(NOTICE, encoding="utf-8")
    (docs / "昆明办法.txt").write_text(KUNMING, encoding="utf-8")
    assistant = build_assistant(settings)
    assistant.kb.ingest([docs])
    with background_server(build_server(settings, assistant, ui=False)) as base:
        yield base


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, headers={"X-API-Key": USER}, timeout=120) as c:
        yield c


def doc_id_of(client: httpx.Client, word: str) -> str:
    return next(d["doc_id"] for d in client.get("/v1/documents").json()["documents"] if word in d["title"])


def tangshan_factory(client: httpx.Client) -> dict[str, Any]:
    programmes = client.get(f"/v1/documents/{doc_id_of(client, '唐山')}/programmes").json()["programmes"]
    return next(p for p in programmes if p["name"].endswith("智能工厂"))


# ---------------------------------------------------------------------- drafts, reviewed
def test_a_documents_drafts_quote_it_verbatim_and_stay_marked_unreviewed(client: httpx.Client) -> None:
    doc_id = doc_id_of(client, "唐山")
    body = client.get(f"/v1/documents/{doc_id}/programmes").json()
    assert body["reviewed"] == [] and len(body["programmes"]) == 2
    text = normalize_for_match(client.get(f"/v1/documents/{doc_id}").json()["text"])
    for p in body["programmes"]:
        assert p["draft"] is True and p["criteria"]
        assert all(normalize_for_match(c["source"]["quote"]) in text for c in p["criteria"])
    listed = {p["id"]: p for p in client.get("/v1/programmes").json()["programmes"]}
    assert all(listed[p["id"]]["draft"] for p in body["programmes"])
    assert client.get("/v1/documents/nope/programmes").status_code == 404


def test_self_assessment_uses_the_drafts_summary_first_and_the_package_with_its_exclusion(
        client: httpx.Client) -> None:
    holder = {"city": "唐山", "above_scale": True, "titles": ["市级智能工厂", "市级数字化车间"]}
    body = client.post("/v1/eligibility", json={"profile": holder}).json()
    local = [s for s in body["summary"] if s["region"] == "唐山"]
    assert len(local) == 2 and all(s["draft"] and s["word"] == "可申报" for s in local)
    assert all("《唐山市工业和信息化局" in s["clause"] and s["quote"] for s in local)
    assert not any(s["region"] in (*OTHER_PLACES, "昆明") for s in body["summary"])
    pkg = body["package"]
    assert pkg["total_wan"] == 80 and [x["amount_wan"] for x in pkg["excluded"]] == [20]
    assert "不重复享受" in pkg["excluded"][0]["note"] and pkg["excluded"][0]["clause"]
    assert all(v["draft"] for v in body["verdicts"] if v["region"] == "唐山")


# ---------------------------------------------------------------------- chat → profile
def test_what_the_chat_was_told_is_the_profile_and_fills_the_eligibility_check(client: httpx.Client) -> None:
    answer = client.post("/v1/ask", json={"question": STATED}).json()
    want = {"city": "唐山", "province": "河北", "above_scale": True, "revenue_wan": 8000, "rd_ratio_pct": 3.5}
    assert want.items() <= answer["profile"].items()
    assert STATED in answer["state"]["facts"]
    follow = client.post("/v1/ask", json={"question": "营收改成9000万，我们能申请智能工厂吗？",
                                          "state": answer["state"]}).json()
    assert follow["profile"]["revenue_wan"] == 9000 and follow["profile"]["city"] == "唐山"
    body = client.post("/v1/eligibility", json={"profile": {"revenue_wan": 100}, "state": answer["state"]}).json()
    assert body["profile"]["city"] == "唐山" and body["profile"]["revenue_wan"] == 100  # the form's value wins
    assert any(s["region"] == "唐山" for s in body["summary"])


def test_chat_turns_fill_the_form_and_leave_unstated_fields_alone() -> None:
    names = ["province", "city", "above_scale", "revenue_wan", "rd_ratio_pct", "titles", "legal_entity_years"]
    turns = [{"question": "唐山有哪些奖励政策？"}, {"question": STATED}, {"question": "我们没有任何称号，能申请吗？"}]
    values = dict(zip(names, chat_values(turns, names), strict=True))
    assert {k: values[k] for k in names[:6]} == {"province": "河北", "city": "唐山", "above_scale": "是",
                                                  "revenue_wan": "8000", "rd_ratio_pct": "3.5", "titles": [NO_TITLES]}
    skipped = values["legal_entity_years"]
    assert skipped == form_values({}, ["legal_entity_years"])[0]  # not stated: the form keeps what it has


# ---------------------------------------------------------------------- the asker's place only
def test_a_kunming_company_asking_in_the_chat_gets_kunmings_programmes(client: httpx.Client) -> None:
    answer = client.post("/v1/ask", json={"question": "我们是昆明的规上企业，营收2500万，能申请数字化车间吗？"}).json()
    assert "昆明" in answer["answer"] and "3000万" in answer["answer"] and "自动提取·未审核" in answer["answer"]
    assert not any(place in answer["answer"] for place in (*OTHER_PLACES, "唐山"))
    assert answer["citations"] and all(c["region"] in ("昆明", "全国", "") for c in answer["citations"])


def test_a_hebei_company_gets_hebeis_programmes_and_no_place_gets_a_question(client: httpx.Client) -> None:
    hebei = client.post("/v1/ask", json={"question": "我们是河北唐山的规上企业，能申请智能工厂吗？"}).json()["answer"]
    assert "唐山" in hebei and not any(place in hebei for place in (*OTHER_PLACES, "昆明"))
    nowhere = client.post("/v1/ask", json={"question": "我们是规上企业，注册三年，能申请数字化车间吗？"}).json()["answer"]
    assert ASK_PLACE in nowhere and not any(place in nowhere for place in (*OTHER_PLACES, "昆明", "唐山"))


# ---------------------------------------------------------------------- the checklist
def test_the_checklist_downloads_as_markdown_word_and_a_calendar_entry(client: httpx.Client,
                                                                      tmp_path: Path) -> None:
    pid = tangshan_factory(client)["id"]
    md = client.get(f"/v1/programmes/{pid}/checklist", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert "☐ 营业执照复印件" in md.text and "自动提取·未审核" in md.text and "三、" in md.text
    word = client.get(f"/v1/programmes/{pid}/checklist", params={"format": "docx"})
    (tmp_path / "c.docx").write_bytes(word.content)
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "c.docx")).paragraphs]
    assert any("营业执照复印件" in p for p in paragraphs) and any("截止时间：2026-06-30 17:00" in p for p in paragraphs)
    ics = client.get(f"/v1/programmes/{pid}/checklist", params={"format": "ics"})
    assert ics.headers["content-type"].startswith("text/calendar")
    lines = ics.text.split("\r\n")
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-2:] == ["END:VCALENDAR", ""]
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")
    assert "DTSTART:20260630T170000" in lines  # the clause's 2026年6月30日17:00
    assert "attachment" in ics.headers["content-disposition"]
    none = client.get("/v1/programmes/heilongjiang_smart_factory/checklist", params={"format": "ics"})
    assert none.status_code == 404 and "截止时间" in error_of(none)["message"]
    assert client.get(f"/v1/programmes/{pid}/checklist", params={"format": "pdf"}).status_code == 422


def test_the_cli_exports_a_checklist_and_says_when_there_is_no_deadline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "notice.txt"
    src.write_text(NOTICE, encoding="utf-8")
    folder = tmp_path / "programmes"
    draft = next(p for p in draft_file(src) if p.name.endswith("智能工厂"))
    save_programme(to_programme_data(draft), folder)
    monkeypatch.setenv("ZHICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ZHICE_PROGRAMMES_DIR", str(folder))
    out = tmp_path / "deadline.ics"
    assert main(["programmes", "checklist", draft.id, "--format", "ics", "--out", str(out)]) == 0
    assert "DTSTART:20260630T170000" in out.read_text(encoding="utf-8")
    assert main(["programmes", "checklist", draft.id, "--format", "docx", "--out", str(tmp_path / "c.docx")]) == 0
    assert any("申报材料" in p.text for p in docx.Document(str(tmp_path / "c.docx")).paragraphs)
    capsys.readouterr()
    assert main(["programmes", "checklist", draft.id]) == 0
    assert capsys.readouterr().out.startswith("# 唐山·市级智能工厂 申报清单")
    assert main(["programmes", "checklist", "no_such_programme"]) == 2
    assert "没有 id 为 'no_such_programme' 的项目" in capsys.readouterr().err
    assert main(["programmes", "checklist", draft.id, "--format", "docx"]) == 2  # Word needs --out


# ---------------------------------------------------------------------- saving a review
REVIEWED_QUOTE = (10, 40)  # a reviewed file's quotes: the loader's bounds (drafts may quote less)


def widened(data: Any, text: str) -> Any:
    """What a reviewer does to a draft's short quotes: quote the whole line of the text around them, or
    drop the source of a list (materials) whose items are all short."""
    if isinstance(data, dict):
        out = {k: widened(v, text) for k, v in data.items()}
        quote = out.get("quote")
        if isinstance(quote, str) and len(quote) < REVIEWED_QUOTE[0]:
            line = next(x for x in text.splitlines() if quote in x)
            out["quote"] = line.split("）", 1)[-1].rstrip("。；")[: REVIEWED_QUOTE[1]]
        if "items" in out and len(out.get("source", {}).get("quote", "x" * 10)) < REVIEWED_QUOTE[0]:
            out.pop("source")
        return out
    return [widened(x, text) for x in data] if isinstance(data, list) else data


def test_a_reviewed_draft_is_saved_by_the_admin_only_and_used_at_once(
        client: httpx.Client, url: str, settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "邯郸通知.txt"  # a text that is not indexed: saving it covers no indexed document
    src.write_text(NOTICE.replace("唐山", "邯郸"), encoding="utf-8")
    data = widened(to_programme_data(next(p for p in draft_file(src) if p.name.endswith("智能工厂"))),
                   src.read_text(encoding="utf-8"))
    data["name"] = "邯郸市智能工厂（已核对）"
    pid = data["id"]
    denied = client.put(f"/v1/programmes/{pid}", json={"programme": data})
    assert denied.status_code in (401, 403)
    admin = {"X-API-Key": ADMIN}
    wrong = httpx.put(f"{url}/v1/programmes/other", json={"programme": data}, headers=admin)
    assert wrong.status_code == 422 and "不一致" in error_of(wrong)["message"]
    bad = httpx.put(f"{url}/v1/programmes/{pid}", json={"programme": {**data, "criteria": []}}, headers=admin)
    assert bad.status_code == 422 and "criteria" in error_of(bad)["message"]
    assert not (settings.data_dir / "programmes" / f"{pid}.yaml").exists()  # nothing half-saved
    ok = httpx.put(f"{url}/v1/programmes/{pid}", json={"programme": data}, headers=admin)
    assert ok.status_code == 200 and ok.json() == {"id": pid, "name": data["name"], "file": f"{pid}.yaml",
                                                   "draft": False}
    saved = yaml.safe_load((settings.data_dir / "programmes" / f"{pid}.yaml").read_text(encoding="utf-8"))
    assert "draft" not in saved and saved["criteria"] == data["criteria"]
    listed = {p["id"]: p for p in client.get("/v1/programmes").json()["programmes"]}
    assert listed[pid]["draft"] is False and listed[pid]["name"] == data["name"]
    body = client.post("/v1/eligibility", json={"profile": {"city": "邯郸", "above_scale": True,
                                                             "titles": ["市级智能工厂"]}}).json()
    mine = next(s for s in body["summary"] if s["programme_id"] == pid)
    assert mine["draft"] is False and mine["word"] == "可申报"
    assert json.dumps(body["summary"], ensure_ascii=False).count("唐山") == 0
