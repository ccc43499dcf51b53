"""POST /v1/eligibility and GET /v1/programmes through a real uvicorn server on loopback.

No index is built: eligibility reads the programme files, not the vector store.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import make_settings
from test_api import ADMIN, OTHER, USER, error_of

from assistant.api.serve import background_server, build_server
from assistant.eligibility import PROFILE_FIELDS, PROGRAMMES_DIR, load_programmes
from assistant.settings import Settings

HLJ_BASIC = "heilongjiang_digital_workshop_basic"
HLJ_ONE_YEAR = {"province": "黑龙江", "legal_entity_years": 1, "above_scale": True}


def serve(settings: Settings) -> Any:
    from assistant.wiring import build_assistant

    return background_server(build_server(settings, build_assistant(settings), ui=False))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("elig") / "data", api_keys=f"{USER},{OTHER}",
                         admin_key=ADMIN, rate_limit_per_minute=10_000)


@pytest.fixture(scope="module")
def url(settings: Settings) -> Iterator[str]:
    with serve(settings) as base:
        yield base


@pytest.fixture()
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {USER}"}) as c:
        yield c


def check(client: httpx.Client, profile: dict[str, Any], programmes: list[str] | None = None
          ) -> dict[str, Any]:
    body: dict[str, Any] = {"profile": profile}
    if programmes is not None:
        body["programmes"] = programmes
    r = client.post("/v1/eligibility", json=body)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def row(verdict: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(r for r in verdict["results"] if r["criterion_id"] == criterion_id)


# ---------------------------------------------------------------------- verdicts
def test_heilongjiang_one_year_is_not_eligible_citing_article_6_1(client: httpx.Client) -> None:
    body = check(client, HLJ_ONE_YEAR, [HLJ_BASIC])
    [v] = body["verdicts"]
    assert v["programme_id"] == HLJ_BASIC and v["status"] == "not_eligible" and v["status_label"] == "不符合"
    years = row(v, "hlj_dwb_legal_years")
    assert years["status"] == "not_met" and "1年" in years["reason"]
    assert years["source"]["clause"] == "附件1 第六条（一）"
    assert years["source"]["doc_no"] == "黑工信规规〔2025〕7号"
    assert years["source"]["quote"] == "具有2年以上独立法人资格"
    assert [r["criterion_id"] for r in v["results"] if r["status"] == "not_met"] == ["hlj_dwb_legal_years"]
    assert row(v, "hlj_dwb_scale")["status"] == "met" and row(v, "hlj_dwb_province")["status"] == "met"
    # the Markdown export is the same checklist, the failing row citing the clause and 文号
    md = body["markdown"]
    assert md.startswith("# 申报条件自查") and "## ❌ 黑龙江省基础级数字化车间" in md
    failing = next(ln for ln in md.splitlines() if ln.startswith("| ❌ |"))
    assert "具有2年以上独立法人资格" in failing and "附件1 第六条（一）" in failing
    assert "黑工信规规〔2025〕7号" in failing


def test_missing_facts_need_information_and_say_what_to_provide(client: httpx.Client) -> None:
    [v] = check(client, {**HLJ_ONE_YEAR, "legal_entity_years": 2}, [HLJ_BASIC])["verdicts"]
    assert v["status"] == "needs_info" and not any(r["status"] == "not_met" for r in v["results"])
    sme = row(v, "hlj_dwb_sme_digital")
    assert sme["status"] == "unknown" and "数字化水平" in sme["provide"]
    assert sme["source"]["clause"] == "附件1 第六条（六）"
    manual = [r for r in v["results"] if r["manual"]]
    assert manual and all(r["status"] == "unknown" and r["provide"] for r in manual)


def test_an_eligible_profile_gets_the_reward_estimate(client: httpx.Client) -> None:
    profile = {"province": "重庆", "titles": ["先进级智能工厂"], "investment_wan": 2000}
    body = check(client, profile, ["chongqing_smart_factory_award"])
    [v] = body["verdicts"]
    assert v["status"] == "eligible" and all(r["status"] == "met" for r in v["results"])
    applies = [e for e in v["estimates"] if e["status"] == "applies"]
    assert [(e["id"], e["amount_wan"]) for e in applies] == [("cq_advanced", 200.0)]
    assert applies[0]["source"]["quote"].startswith("按照不超过项目实际投资额的10%")
    assert "## ✅ 重庆市智能工厂奖补" in body["markdown"]


@pytest.mark.parametrize("programmes", [None, []])
def test_without_programmes_every_one_is_checked_the_applicants_own_first(
        client: httpx.Client, programmes: list[str] | None) -> None:
    verdicts = check(client, {"province": "黑龙江"}, programmes)["verdicts"]
    assert {v["programme_id"] for v in verdicts} == {p.id for p in load_programmes()}
    regions = [v["region"] for v in verdicts]
    assert regions[:3] == ["黑龙江"] * 3 and regions[3] == "全国"
    chongqing = next(v for v in verdicts if v["programme_id"] == "chongqing_smart_factory_award")
    assert chongqing["status"] == "not_eligible"


def test_values_are_read_as_the_engine_reads_them(client: httpx.Client) -> None:
    # 是/否 for booleans, numeric strings, long province names, a known city filling in its province
    profile = {"city": "哈尔滨", "legal_entity_years": "3", "above_scale": "是"}
    [v] = check(client, profile, [HLJ_BASIC])["verdicts"]
    assert row(v, "hlj_dwb_province")["status"] == "met"
    assert row(v, "hlj_dwb_legal_years")["status"] == "met" and row(v, "hlj_dwb_scale")["status"] == "met"
    [v] = check(client, {"province": "黑龙江省", "above_scale": None}, [HLJ_BASIC])["verdicts"]
    assert row(v, "hlj_dwb_province")["status"] == "met" and row(v, "hlj_dwb_scale")["status"] == "unknown"


# ---------------------------------------------------------------------- refusals
@pytest.mark.parametrize(("profile", "words"), [
    ({"colour": "red"}, ["colour", "province"]),  # unknown field: the message lists the real ones
    ({"province": "火星"}, ["province", "火星", "黑龙江"]),
    ({"maturity_level": 9}, ["maturity_level", "0–5"]),
    ({"maturity_level": 1.5}, ["maturity_level", "整数"]),
    ({"legal_entity_years": "一年"}, ["legal_entity_years", "数字"]),
    ({"above_scale": "maybe"}, ["above_scale", "是/否"]),
    ({"titles": "省级智能工厂"}, ["titles", "列表"]),
    ({"titles": [""]}, ["titles", "称号名称"]),  # titles are open, but not nameless
    ({"city": "大连", "province": "黑龙江"}, ["大连", "辽宁", "不一致"]),
])
def test_bad_profile_is_422_with_the_engines_message(client: httpx.Client, profile: dict[str, Any],
                                                    words: list[str]) -> None:
    r = client.post("/v1/eligibility", json={"profile": profile})
    assert r.status_code == 422
    err = error_of(r)
    assert err["type"] == "BadInput"
    assert all(w in err["message"] for w in words), err["message"]


def test_unknown_programme_id_is_422_listing_the_known_ones(client: httpx.Client) -> None:
    body = {"profile": HLJ_ONE_YEAR, "programmes": [HLJ_BASIC, "mars_factory"]}
    r = client.post("/v1/eligibility", json=body)
    assert r.status_code == 422
    message = error_of(r)["message"]
    assert "mars_factory" in message and HLJ_BASIC in message


@pytest.mark.parametrize("body", [
    {"programmes": [HLJ_BASIC]},                      # no profile
    {"profile": "黑龙江，注册一年"},                  # free text belongs to /v1/ask
    {"profile": {}, "programme": [HLJ_BASIC]},        # a misspelt key is not ignored
])
def test_malformed_body_is_a_readable_422(client: httpx.Client, body: dict[str, Any]) -> None:
    r = client.post("/v1/eligibility", json=body)
    assert r.status_code == 422 and error_of(r)["type"] == "BadInput"


@pytest.mark.parametrize("path", ["/v1/eligibility", "/v1/programmes"])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}])
def test_missing_or_wrong_key_is_401(url: str, path: str, headers: dict[str, str]) -> None:
    r = httpx.request("POST" if path == "/v1/eligibility" else "GET", f"{url}{path}",
                      json={"profile": HLJ_ONE_YEAR}, headers=headers)
    assert r.status_code == 401 and error_of(r)["type"] == "Unauthorized"


def test_eligibility_is_rate_limited_like_the_other_routes(tmp_path: Path) -> None:
    with serve(make_settings(tmp_path / "data", rate_limit_per_minute=2)) as base:
        codes = [httpx.post(f"{base}/v1/eligibility", json={"profile": {}}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# ---------------------------------------------------------------------- programmes and fields
def test_programmes_lists_ids_names_regions_and_the_profile_fields(client: httpx.Client) -> None:
    r = client.get("/v1/programmes")
    assert r.status_code == 200, r.text
    body = r.json()
    listed = {p["id"]: p for p in body["programmes"]}
    assert set(listed) == {p.id for p in load_programmes()}
    assert listed[HLJ_BASIC]["name"] == "黑龙江省基础级数字化车间" and listed[HLJ_BASIC]["region"] == "黑龙江"
    assert listed[HLJ_BASIC]["doc_no"] == "黑工信规规〔2025〕7号"
    assert listed["national_demo_factory"]["region"] == "全国"

    fields = {f["name"]: f for f in body["fields"]}
    assert list(fields) == list(PROFILE_FIELDS)
    assert fields["province"]["type"] == "choice" and "黑龙江" in fields["province"]["allowed"]
    assert fields["province"]["label"] == "注册地（省级）"
    assert fields["above_scale"]["type"] == "bool" and fields["above_scale"]["allowed"] == []
    maturity = fields["maturity_level"]
    assert (maturity["type"], maturity["min"], maturity["max"]) == ("int", 0, 5)
    assert fields["investment_wan"]["unit"] == "万元"
    assert fields["titles"]["type"] == "titles" and "省级智能工厂" in fields["titles"]["allowed"]
    assert fields["city"]["type"] == "text" and "大连" in fields["city"]["suggestions"]
    assert all(f["label"] and f["ask"] for f in body["fields"])


def test_openapi_documents_both_routes(url: str) -> None:
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]
    assert "post" in paths["/v1/eligibility"] and "get" in paths["/v1/programmes"]


def test_programmes_come_from_settings_and_are_loaded_once(tmp_path: Path) -> None:
    folder = tmp_path / "programmes"
    folder.mkdir()
    shutil.copy(PROGRAMMES_DIR / f"{HLJ_BASIC}.yaml", folder)
    settings = make_settings(tmp_path / "data", programmes_dir=folder)
    with serve(settings) as base:
        assert [p["id"] for p in httpx.get(f"{base}/v1/programmes").json()["programmes"]] == [HLJ_BASIC]
        other = {"profile": {}, "programmes": ["national_demo_factory"]}
        r = httpx.post(f"{base}/v1/eligibility", json=other)
        assert r.status_code == 422
        (folder / f"{HLJ_BASIC}.yaml").unlink()  # already loaded: the running app keeps its programmes
        [v] = httpx.post(f"{base}/v1/eligibility", json={"profile": HLJ_ONE_YEAR}).json()["verdicts"]
        assert v["programme_id"] == HLJ_BASIC and v["status"] == "not_eligible"
