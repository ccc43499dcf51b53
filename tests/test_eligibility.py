"""The eligibility engine: profiles × the packaged programmes, YAML validation, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.eligibility import (
    PROFILE_FIELDS,
    Profile,
    Programme,
    ProgrammeVerdict,
    evaluate,
    load_programmes,
    to_dict,
    to_markdown,
)
from assistant.errors import BadInput, ConfigError

CLEAN = {"abnormal_operation": False, "dishonest_debtor": False, "violation_record": False,
         "major_incident_3y": False}

# applicant profiles for the cases below (every criterion is also met, failed and left unknown by
# profiles made from its own rule: test_every_criterion_is_met_failed_and_unknown).
PROFILES: dict[str, dict[str, Any]] = {
    "empty": {},
    "hlj_one_year": {"province": "黑龙江", "legal_entity_years": 1, "above_scale": True},
    "hlj_dairy": {"province": "黑龙江", "city": "哈尔滨", "industry": "乳制品", "above_scale": True,
                  "legal_entity_years": 5, "maturity_level": 2, "sme_digital_level": 2,
                  "titles": ["黑龙江省先进级数字化车间"], **CLEAN},
    "hlj_auto_factory": {"province": "黑龙江", "industry": "汽车零部件", "legal_entity_years": 6,
                         "maturity_level": 3, "sme_digital_level": 2,
                         "titles": ["黑龙江省数字化（智能）示范车间"]},
    "hlj_textile_bad": {"province": "黑龙江省", "industry": "纺织", "above_scale": False,
                        "legal_entity_years": 3,
                        "maturity_level": 0, "sme_digital_level": 0, "titles": [],
                        "abnormal_operation": True, "dishonest_debtor": True, "violation_record": True},
    "hlj_branch": {"province": "黑龙江", "independent_legal_entity": False, "above_scale": True},
    "ln_shenyang": {"city": "沈阳", "above_scale": True, "maturity_level": 2, "titles": []},
    "ln_basic_factory": {"province": "辽宁", "above_scale": True, "maturity_level": 2,
                         "titles": ["基础级智能工厂"]},
    "ln_advanced_factory": {"province": "辽宁", "above_scale": True, "maturity_level": 3,
                            "titles": ["基础级智能工厂", "先进级智能工厂"]},
    "ln_low": {"province": "辽宁", "above_scale": False, "maturity_level": 1, "titles": ["基础级智能工厂"]},
    "dl_equipment": {"city": "大连", "investment_wan": 80, "project_kind": "设备更新",
                     "titles": ["先进级智能工厂"]},
    "dl_upgrade_big": {"city": "大连", "investment_wan": 1500, "project_kind": "技术改造"},
    "dl_upgrade_small": {"city": "大连", "investment_wan": 60, "project_kind": "技术改造", "titles": []},
    "jl_workshop": {"province": "吉林", "city": "长春", "investment_wan": 500, "project_kind": "数字化车间"},
    "jl_future_big": {"province": "吉林", "investment_wan": 30000, "project_kind": "未来工厂"},
    "jl_small": {"province": "吉林", "investment_wan": 80, "project_kind": "智能工厂"},
    "jl_no_kind": {"province": "吉林", "investment_wan": 500},
    "cq_advanced": {"province": "重庆", "titles": ["先进级智能工厂"], "investment_wan": 5000},
    "cq_none": {"province": "重庆", "titles": []},
    "cq_national": {"province": "重庆", "titles": ["领航级智能工厂", "卓越级智能工厂"]},
    "zj_auto": {"province": "浙江", "city": "宁波", "industry": "汽车零部件", "legal_entity_years": 10,
                "maturity_level": 3, "titles": [], **CLEAN},
    "js_repeat": {"province": "江苏", "sector": "电子信息", "legal_entity_years": 4, "maturity_level": 4,
                  "titles": ["国家级智能制造示范工厂"], **CLEAN},
    "gd_low": {"province": "广东", "sector": "其他", "legal_entity_years": 2, "maturity_level": 1},
    "abroad": {"province": "境外", "applicant_kind": "企业"},
    "sd_incident": {"province": "山东", "legal_entity_years": 9, "major_incident_3y": True,
                    "violation_record": True, "dishonest_debtor": True},
    "city_gov": {"applicant_kind": "地市", "city": "苏州"},
}

# (profile, programme, verdict status, {criterion id: status})
CASES: list[tuple[str, str, str, dict[str, str]]] = [
    ("empty", "heilongjiang_digital_workshop_basic", "needs_info",
     {"hlj_dwb_province": "unknown", "hlj_dwb_legal_years": "unknown", "hlj_dwb_policy": "unknown"}),
    ("hlj_one_year", "heilongjiang_digital_workshop_basic", "not_eligible",
     {"hlj_dwb_province": "met", "hlj_dwb_scale": "met", "hlj_dwb_legal_years": "not_met",
      "hlj_dwb_maturity": "unknown"}),
    ("hlj_one_year", "heilongjiang_digital_workshop_advanced", "not_eligible",
     {"hlj_dwa_legal_years": "not_met"}),
    ("hlj_dairy", "heilongjiang_digital_workshop_advanced", "needs_info",
     {"hlj_dwa_legal_years": "met", "hlj_dwa_maturity": "met", "hlj_dwa_industry": "met",
      "hlj_dwa_sme_digital": "met", "hlj_dwa_abnormal": "met", "hlj_dwa_dishonest": "met",
      "hlj_dwa_violation": "met", "hlj_dwa_finance": "unknown"}),
    ("hlj_dairy", "heilongjiang_smart_factory", "not_eligible",
     {"hlj_sf_maturity": "not_met", "hlj_sf_workshop": "met", "hlj_sf_sme_digital": "met"}),
    ("hlj_auto_factory", "heilongjiang_smart_factory", "needs_info",
     {"hlj_sf_maturity": "met", "hlj_sf_workshop": "met", "hlj_sf_province": "met",
      "hlj_sf_standard": "unknown"}),
    ("hlj_textile_bad", "heilongjiang_digital_workshop_basic", "not_eligible",
     {"hlj_dwb_scale": "not_met", "hlj_dwb_legal_years": "met", "hlj_dwb_maturity": "not_met",
      "hlj_dwb_sme_digital": "not_met", "hlj_dwb_industry": "unknown", "hlj_dwb_abnormal": "not_met",
      "hlj_dwb_dishonest": "not_met", "hlj_dwb_violation": "not_met"}),
    ("hlj_textile_bad", "heilongjiang_smart_factory", "not_eligible",
     {"hlj_sf_workshop": "not_met", "hlj_sf_sme_digital": "not_met", "hlj_sf_maturity": "not_met"}),
    ("hlj_branch", "heilongjiang_digital_workshop_basic", "not_eligible", {"hlj_dwb_legal_years": "not_met"}),
    ("hlj_branch", "national_demo_factory", "needs_info", {"nat_df_legal_entity": "unknown"}),
    ("hlj_dairy", "liaoning_digital_workshop", "not_eligible",
     {"ln_dw_province": "not_met", "ln_dw_scale": "met"}),
    ("ln_shenyang", "liaoning_digital_workshop", "needs_info",
     {"ln_dw_province": "met", "ln_dw_scale": "met"}),
    ("ln_shenyang", "liaoning_basic_smart_factory", "needs_info",
     {"ln_bf_province": "met", "ln_bf_scale": "met", "ln_bf_maturity": "met"}),
    ("ln_shenyang", "liaoning_advanced_smart_factory", "not_eligible", {"ln_af_basic": "not_met"}),
    ("ln_basic_factory", "liaoning_advanced_smart_factory", "needs_info",
     {"ln_af_basic": "met", "ln_af_maturity": "met", "ln_af_elements": "unknown"}),
    ("ln_basic_factory", "liaoning_excellence_smart_factory", "not_eligible",
     {"ln_ef_advanced": "unknown", "ln_ef_maturity": "not_met"}),
    ("ln_advanced_factory", "liaoning_excellence_smart_factory", "needs_info",
     {"ln_ef_advanced": "met", "ln_ef_maturity": "met", "ln_ef_province": "met"}),
    ("ln_low", "liaoning_basic_smart_factory", "not_eligible",
     {"ln_bf_scale": "not_met", "ln_bf_maturity": "unknown"}),
    ("ln_low", "liaoning_advanced_smart_factory", "needs_info", {"ln_af_maturity": "unknown"}),
    ("dl_equipment", "dalian_city_subsidy", "eligible", {"dl_cs_city": "met"}),
    ("dl_equipment", "dalian_central_fund_award", "eligible", {"dl_cf_city": "met"}),
    ("dl_upgrade_small", "dalian_city_subsidy", "not_eligible", {"dl_cs_city": "met"}),
    ("dl_upgrade_small", "dalian_central_fund_award", "needs_info", {"dl_cf_city": "met"}),
    ("ln_shenyang", "dalian_city_subsidy", "not_eligible", {"dl_cs_city": "not_met"}),
    ("jl_workshop", "jilin_zgsz_post_award", "needs_info",
     {"jl_province": "met", "jl_investment": "met", "jl_period": "unknown"}),
    ("jl_small", "jilin_zgsz_post_award", "not_eligible", {"jl_investment": "not_met"}),
    ("cq_advanced", "jilin_zgsz_post_award", "not_eligible", {"jl_province": "not_met"}),
    ("cq_advanced", "chongqing_smart_factory_award", "eligible", {"cq_region": "met"}),
    ("cq_none", "chongqing_smart_factory_award", "not_eligible", {"cq_region": "met"}),
    ("jl_workshop", "chongqing_smart_factory_award", "not_eligible", {"cq_region": "not_met"}),
    ("empty", "chongqing_smart_factory_award", "needs_info", {"cq_region": "unknown"}),
    ("zj_auto", "national_demo_factory", "needs_info",
     {"nat_df_domestic": "met", "nat_df_legal_entity": "met", "nat_df_credit": "met",
      "nat_df_maturity": "met",
      "nat_df_sector": "met", "nat_df_incident": "met", "nat_df_violation": "met", "nat_df_not_repeat": "met",
      "nat_df_leading": "unknown"}),
    ("zj_auto", "national_excellent_scenario", "needs_info",
     {"nat_sc_domestic": "met", "nat_sc_legal_entity": "met", "nat_sc_credit": "met",
      "nat_sc_incident": "met",
      "nat_sc_violation": "met", "nat_sc_scope": "unknown"}),
    ("js_repeat", "national_demo_factory", "not_eligible",
     {"nat_df_not_repeat": "not_met", "nat_df_sector": "met", "nat_df_maturity": "met"}),
    ("gd_low", "national_demo_factory", "needs_info",
     {"nat_df_maturity": "unknown", "nat_df_sector": "unknown", "nat_df_legal_entity": "met"}),
    ("abroad", "national_demo_factory", "not_eligible", {"nat_df_domestic": "not_met"}),
    ("abroad", "national_excellent_scenario", "not_eligible", {"nat_sc_domestic": "not_met"}),
    ("sd_incident", "national_demo_factory", "not_eligible",
     {"nat_df_incident": "not_met", "nat_df_violation": "not_met", "nat_df_credit": "not_met"}),
    ("sd_incident", "national_excellent_scenario", "not_eligible",
     {"nat_sc_incident": "not_met", "nat_sc_violation": "not_met", "nat_sc_credit": "not_met"}),
    ("city_gov", "national_pilot_zone", "needs_info",
     {"nat_pz_applicant": "met", "nat_pz_conditions": "unknown"}),
    ("abroad", "national_pilot_zone", "not_eligible", {"nat_pz_applicant": "not_met"}),
    ("empty", "national_pilot_zone", "needs_info", {"nat_pz_applicant": "unknown"}),
]

# (profile, programme, estimate id, status, amount_wan, (low, high))
ESTIMATES: list[tuple[str, str, str, str, float | None, tuple[float, float] | None]] = [
    ("jl_workshop", "jilin_zgsz_post_award", "jl_award_workshop", "applies", 50.0, None),
    ("jl_workshop", "jilin_zgsz_post_award", "jl_award_smart_factory", "not_applicable", None, None),
    ("jl_future_big", "jilin_zgsz_post_award", "jl_award_future_factory", "applies", 2000.0, None),
    ("jl_no_kind", "jilin_zgsz_post_award", "jl_award_smart_factory", "conditional", 50.0, None),
    ("cq_advanced", "chongqing_smart_factory_award", "cq_advanced", "applies", 300.0, None),
    ("cq_advanced", "chongqing_smart_factory_award", "cq_basic", "not_applicable", None, None),
    ("cq_national", "chongqing_smart_factory_award", "cq_leading", "applies", 300.0, None),
    ("cq_national", "chongqing_smart_factory_award", "cq_excellence", "applies", 100.0, None),
    ("empty", "chongqing_smart_factory_award", "cq_basic", "conditional", 50.0, None),
    ("dl_equipment", "dalian_city_subsidy", "dl_cs_equipment", "applies", 8.0, None),
    ("dl_equipment", "dalian_city_subsidy", "dl_cs_upgrade", "not_applicable", None, None),
    ("dl_upgrade_big", "dalian_city_subsidy", "dl_cs_upgrade", "applies", 200.0, None),
    ("dl_upgrade_small", "dalian_city_subsidy", "dl_cs_upgrade", "not_applicable", None, None),
    ("dl_equipment", "dalian_central_fund_award", "dl_cf_title_award", "applies", None, (50.0, 200.0)),
    ("dl_upgrade_small", "dalian_central_fund_award", "dl_cf_key_project", "conditional", 12.0, None),
    ("dl_upgrade_small", "dalian_central_fund_award", "dl_cf_title_award", "not_applicable", None, None),
]


@pytest.fixture(scope="module")
def programmes() -> list[Programme]:
    return load_programmes()


def _verdict(programmes: list[Programme], profile: str, programme_id: str) -> ProgrammeVerdict:
    (verdict,) = evaluate(Profile.from_dict(PROFILES[profile]), programmes, only=[programme_id])
    return verdict


def test_there_are_enough_profiles() -> None:
    assert len(PROFILES) >= 20


def test_programme_ids(programmes: list[Programme]) -> None:
    assert {p.id for p in programmes} == {
        "national_demo_factory", "national_excellent_scenario", "national_pilot_zone",
        "heilongjiang_digital_workshop_basic", "heilongjiang_digital_workshop_advanced",
        "heilongjiang_smart_factory", "liaoning_basic_smart_factory", "liaoning_advanced_smart_factory",
        "liaoning_digital_workshop", "liaoning_excellence_smart_factory", "jilin_zgsz_post_award",
        "chongqing_smart_factory_award", "dalian_central_fund_award", "dalian_city_subsidy",
    }


@pytest.mark.parametrize(("profile", "programme_id", "status", "criteria"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_verdicts(programmes: list[Programme], profile: str, programme_id: str, status: str,
                  criteria: dict[str, str]) -> None:
    verdict = _verdict(programmes, profile, programme_id)
    got = {r.criterion_id: r.status for r in verdict.results}
    assert verdict.status == status, verdict.summary
    assert {k: got[k] for k in criteria} == criteria


def _profiles_for(c: Any) -> dict[str, dict[str, Any]]:
    """A profile meeting, one failing and one leaving unknown a typed criterion, made from its rule
    (so every programme file, including ones added later, is exercised without new fixtures)."""
    from assistant.eligibility.vocabulary import INDUSTRY_MAP

    name, arg = c.fields[0], c.args[0] if c.args else None
    spec = PROFILE_FIELDS[name] if name in PROFILE_FIELDS else None
    if c.rule == "min":
        met, bad = arg, (arg - 1 if spec is not None and spec.kind == "int" else arg * 0.5)
    elif c.rule == "max":
        met, bad = arg, arg + 1
    elif c.rule in ("is_true", "is_false"):
        met, bad = c.rule == "is_true", c.rule != "is_true"
    elif c.rule in ("has_title", "lacks_title"):
        met, bad = ([], [arg]) if c.rule == "lacks_title" else ([arg], [])
    elif c.rule == "industry_in":
        met = next(w for w, (_, tags) in INDUSTRY_MAP.items() if set(tags) & set(c.args))
        bad = next(w for w, (_, tags) in INDUSTRY_MAP.items() if not set(tags) & set(c.args))
    else:  # equals / in
        others = [v for v in (spec.allowed if spec is not None and spec.allowed else ("某地", "另一地"))
                  if v not in c.args]
        met, bad = arg, others[0]
    return {"met": {name: met}, "not_met": {name: bad}, "unknown": {}}


def test_every_criterion_is_met_failed_and_unknown(programmes: list[Programme]) -> None:
    missing = []
    for prog in programmes:
        for c in prog.criteria:
            if c.rule == "manual":
                wants = {"unknown": {}}
            else:
                wants = _profiles_for(c)
            for status, data in wants.items():
                if c.fields and c.fields[0] == "city" and status == "not_met":
                    data = {"city": data["city"] if data["city"] != c.args[0] else "另一城"}
                result = next(r for r in evaluate(Profile.from_dict(data), programmes, only=[prog.id])[0].results
                              if r.criterion_id == c.id)
                got = result.status
                if c.alternative and status == "not_met":
                    status = "unknown"  # a failed check with another way allowed reads unknown
                if got != status:
                    missing.append((c.id, status, got, result.reason))
    assert missing == []


@pytest.mark.parametrize(("profile", "programme_id", "estimate_id", "status", "amount", "span"), ESTIMATES,
                         ids=[f"{e[0]}-{e[2]}" for e in ESTIMATES])
def test_estimates(programmes: list[Programme], profile: str, programme_id: str, estimate_id: str,
                   status: str, amount: float | None, span: tuple[float, float] | None) -> None:
    verdict = _verdict(programmes, profile, programme_id)
    est = {e.id: e for e in verdict.estimates}[estimate_id]
    assert est.status == status, est.reason
    if status != "not_applicable":
        assert est.amount_wan == amount
        assert (est.low_wan, est.high_wan) == (span or (None, None))
    assert est.source.quote and est.source.clause


def test_no_estimates_when_not_eligible(programmes: list[Programme]) -> None:
    assert _verdict(programmes, "jl_small", "jilin_zgsz_post_award").estimates == ()


def test_estimate_text_says_why_a_tier_does_not_apply(programmes: list[Programme]) -> None:
    verdict = _verdict(programmes, "dl_upgrade_small", "dalian_city_subsidy")
    est = {e.id: e for e in verdict.estimates}
    assert "低于100万元门槛" in est["dl_cs_upgrade"].reason
    assert "本项目要求设备更新" in est["dl_cs_equipment"].reason
    assert "不满足任一奖补档次" in verdict.summary


def test_failed_reason_and_source_name_the_clause(programmes: list[Programme]) -> None:
    verdict = _verdict(programmes, "hlj_one_year", "heilongjiang_digital_workshop_basic")
    (failed,) = [r for r in verdict.results if r.status == "not_met"]
    assert failed.reason == "独立法人年限为1年，低于要求的2年"
    assert failed.source.clause == "附件1 第六条（一）"
    assert failed.source.doc_no == "黑工信规规〔2025〕7号"
    assert failed.provide == ""


def test_unknown_says_what_to_provide(programmes: list[Programme]) -> None:
    verdict = _verdict(programmes, "empty", "heilongjiang_digital_workshop_basic")
    by_id = {r.criterion_id: r for r in verdict.results}
    assert "信用中国" in by_id["hlj_dwb_dishonest"].provide
    assert by_id["hlj_dwb_finance"].manual and "财务管理" in by_id["hlj_dwb_finance"].provide


def test_title_implications(programmes: list[Programme]) -> None:
    # 附件1 第十八条: 2024年及之前认定的示范车间视为先进级
    verdict = _verdict(programmes, "hlj_auto_factory", "heilongjiang_smart_factory")
    assert {r.criterion_id: r.status for r in verdict.results}["hlj_sf_workshop"] == "met"


def test_evaluate_all_and_only(programmes: list[Programme]) -> None:
    profile = Profile.from_dict(PROFILES["hlj_dairy"])
    assert len(evaluate(profile, programmes)) == len(programmes)
    with pytest.raises(BadInput, match="未知的项目 id.*national_demo_factory"):
        evaluate(profile, programmes, only=["nope"])


OTHER_PROVINCES = {"重庆", "黑龙江", "吉林"}  # programme regions outside 辽宁 besides the city 大连


@pytest.mark.parametrize(("data", "groups"), [
    ({"city": "沈阳"}, [{"辽宁"}, {"全国"}, OTHER_PROVINCES | {"大连"}]),  # 大连: another city of 辽宁
    ({"city": "大连"}, [{"大连"}, {"辽宁"}, {"全国"}, OTHER_PROVINCES]),  # own city, then own province
    ({"province": "辽宁"}, [{"大连", "辽宁"}, {"全国"}, OTHER_PROVINCES]),  # 大连 may be its city
    ({"province": "境外"}, [{"全国"}, OTHER_PROVINCES | {"大连", "辽宁"}]),
    ({}, [{"全国"}, OTHER_PROVINCES | {"大连", "辽宁"}]),  # place unknown: national ones first
], ids=["shenyang", "dalian", "liaoning", "abroad", "unknown"])
def test_verdicts_ordered_by_relevance(programmes: list[Programme], data: dict[str, Any],
                                       groups: list[set[str]]) -> None:
    def rank(v: ProgrammeVerdict) -> int:  # a region not listed (a programme added later) is "elsewhere"
        return next((i for i, group in enumerate(groups) if v.region in group), len(groups) - 1)

    profile = Profile.from_dict(data)
    for given in (programmes, programmes[::-1]):  # the ranking decides, not the order given
        verdicts = evaluate(profile, given)
        ranks = [rank(v) for v in verdicts]
        assert ranks == sorted(ranks) and set(ranks) == set(range(len(groups)))
        for r in set(ranks):  # within a group, the order given is kept
            ids = [v.programme_id for v in verdicts if rank(v) == r]
            assert ids == [p.id for p in given if p.id in ids]
    only = ["jilin_zgsz_post_award", "national_demo_factory", "liaoning_digital_workshop"]
    verdicts = evaluate(profile, programmes, only=only)
    assert sorted(v.programme_id for v in verdicts) == sorted(only)
    assert [rank(v) for v in verdicts] == sorted(rank(v) for v in verdicts)


# ----------------------------------------------------------------------------- Profile.from_dict
@pytest.mark.parametrize(("data", "expected"), [
    ({"province": "黑龙江省"}, {"province": "黑龙江"}),
    ({"province": "广西壮族自治区"}, {"province": "广西"}),
    ({"city": "大连市"}, {"city": "大连", "province": "辽宁"}),
    ({"legal_entity_years": "3"}, {"legal_entity_years": 3.0, "independent_legal_entity": True}),
    ({"independent_legal_entity": False}, {"independent_legal_entity": False, "legal_entity_years": 0.0}),
    ({"above_scale": "是", "dishonest_debtor": "否"}, {"above_scale": True, "dishonest_debtor": False}),
    ({"titles": ["链主企业", "国家级示范工厂"]}, {"titles": ["产业链链主企业", "国家级智能制造示范工厂"]}),
    ({"titles": []}, {"titles": []}),
    ({"maturity_level": 0, "province": None, "city": ""}, {"maturity_level": 0}),
])
def test_profile_from_dict(data: dict[str, Any], expected: dict[str, Any]) -> None:
    assert Profile.from_dict(data).known() == expected


@pytest.mark.parametrize(("data", "message"), [
    ({"provnce": "黑龙江"}, r"未知的 profile 字段 \['provnce'\].*province"),
    ({"province": "火星"}, r"province.*黑龙江.*境外"),
    ({"sector": "软件"}, r"sector.*原材料、装备制造、消费品、电子信息、其他"),
    ({"maturity_level": 6}, r"maturity_level.*0–5"),
    ({"maturity_level": 2.5}, r"maturity_level.*整数"),
    ({"sme_digital_level": "高"}, r"sme_digital_level.*数字"),
    ({"above_scale": "maybe"}, r"above_scale.*true/false"),
    ({"titles": "先进级智能工厂"}, r"titles.*列表"),
    ({"titles": [""]}, r"titles.*称号名称"),  # titles are open (any title a document names), not nameless
    ({"project_kind": "厂房"}, r"project_kind.*设备更新"),
    ({"city": "大连", "province": "吉林"}, r"city=大连 属于 辽宁.*province=吉林"),
    ({"independent_legal_entity": False, "legal_entity_years": 3}, r"legal_entity_years 应为 0"),
    ({"investment_wan": -5}, r"investment_wan.*之间"),
    ({"industry": 3}, r"industry.*非空文字"),
])
def test_profile_from_dict_rejects(data: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Profile.from_dict(data)


def test_every_profile_field_is_described() -> None:
    assert all(spec.meaning and spec.ask and spec.label for spec in PROFILE_FIELDS.values())
    empty = Profile.from_dict({})
    assert all(getattr(empty, name) is None for name in PROFILE_FIELDS)
    assert set(empty.to_dict()) == set(PROFILE_FIELDS)


# ----------------------------------------------------------------------------- YAML validation
VALID = """\
id: demo
name: 示例项目
region: 黑龙江
level: province
kind: recognition
doc: 黑龙江省数字化车间认定管理办法
criteria:
  - id: demo_years
    statement: 具有2年以上独立法人资格
    fields: [legal_entity_years]
    rule: {min: 2}
    source: {doc: 黑龙江省数字化车间认定管理办法, doc_no: 黑工信规规〔2025〕7号, clause: 附件1 第六条（一）,
             region: 黑龙江, quote: 具有2年以上独立法人资格}
"""


def _write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_valid_yaml_loads(tmp_path: Path) -> None:
    (prog,) = load_programmes(_write(tmp_path, VALID))
    assert prog.criteria[0].rule == "min" and prog.criteria[0].args == (2,)
    (verdict,) = evaluate(Profile.from_dict({"legal_entity_years": 2}), [prog])
    assert verdict.status == "eligible"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("rule: {min: 2}", "rule: {eval: 'x > 2'}",
     r"demo\.yaml：criteria\[0\]（demo_years）：未知的规则类型 'eval'"),
    ("fields: [legal_entity_years]", "fields: [age]",
     r"demo\.yaml：criteria\[0\]（demo_years）：未知的 profile 字段 'age'"),
    ("rule: {min: 2}", "rule: is_true", r"（demo_years）：规则 is_true 不能用于字段 legal_entity_years"),
    ("rule: {min: 2}", "rule: {min: 两}", r"（demo_years）：规则 min 的参数须为数字"),
    ("fields: [legal_entity_years]\n    rule: {min: 2}", "fields: [province]\n    rule: {equals: 火星}",
     r"（demo_years）：\['火星'\] 不在字段 province 的可选值中"),
    ("fields: [legal_entity_years]\n    rule: {min: 2}", "fields: [titles]\n    rule: {has_title: [3]}",
     r"（demo_years）：规则 has_title 的参数须为称号名称"),
    ("    fields: [legal_entity_years]\n", "", r"（demo_years）：规则 min 须恰好读取一个 profile 字段"),
    ("rule: {min: 2}", "rule: manual", r"（demo_years）：manual 规则不读取 profile 字段"),
    ("quote: 具有2年以上独立法人资格", "quote: 两年", r"（demo_years）\.source：quote 应为 10–40 字"),
    ("region: 黑龙江, quote", "region: 黑龙江, authority: summary, quote",
     r"authority: summary 的依据须用 quoted_in"),
    ("region: 黑龙江, quote", "region: 黑龙江, authority: rumour, quote",
     r"authority 应为 official / summary"),
    ("    statement: 具有2年以上独立法人资格\n", "", r"（demo_years）：缺少键 \['statement'\]"),
    ("    rule: {min: 2}\n", "    rule: {min: 2}\n    weight: 3\n", r"（demo_years）：未知的键 \['weight'\]"),
    ("id: demo\n", "id: other\n", r"demo\.yaml：顶层：id 'other' 须与文件名 'demo' 相同"),
    ("level: province", "level: county", r"demo\.yaml：顶层：level 应为 national/province/city"),
    ("region: 黑龙江\nlevel", "region: 火星\nlevel", r"region '火星'"),
    ("kind: recognition\n", "kind: recognition\ncolour: red\n", r"顶层：未知的键 \['colour'\]"),
    ("  - id: demo_years", "  - id: Demo-Years", r"id 'Demo-Years' 只能含小写字母"),
    ("name: 示例项目\n", "name: 示例项目\nestimates:\n  - {id: e, label: x, rate: 0.1, base: investment_wan, "
     "source: {}}\n", r"estimates\[0\]（e）\.source：缺少键 \['clause', 'doc', 'quote', 'region'\]"),
    ("name: 示例项目\n", "name: 示例项目\n: [\n", r"demo\.yaml：YAML 无法解析"),
])
def test_invalid_yaml_names_file_and_criterion(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in VALID
    with pytest.raises(ConfigError, match=message):
        load_programmes(_write(tmp_path, VALID.replace(old, new, 1)))


def test_estimate_rate_needs_numeric_base(tmp_path: Path) -> None:
    source = "{doc: d, clause: c, region: 黑龙江, quote: 具有2年以上独立法人资格}"
    text = VALID + f"estimates:\n  - {{id: e, label: x, rate: 0.1, base: province, source: {source}}}\n"
    with pytest.raises(ConfigError, match=r"estimates\[0\]（e）：rate 须配 base"):
        load_programmes(_write(tmp_path, text))


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, VALID)
    _write(tmp_path, VALID.replace("id: demo\n", "id: demo2\n"), "demo2.yaml")
    with pytest.raises(ConfigError, match=r"demo2\.yaml：id 'demo_years' 已在 demo\.yaml 中使用"):
        load_programmes(tmp_path)


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="没有项目文件"):
        load_programmes(tmp_path)


def test_summary_sources_are_marked(programmes: list[Programme]) -> None:
    summaries = [c.source for p in programmes for c in p.criteria if c.source.authority == "summary"]
    assert summaries and all(s.quoted_in for s in summaries)
    assert all("摘要" in s.cite() for s in summaries)


# ----------------------------------------------------------------------------- export
def test_markdown_checklist(programmes: list[Programme]) -> None:
    profile = Profile.from_dict(PROFILES["hlj_textile_bad"] | {"titles": ["黑龙江省基础级数字化车间"]})
    md = to_markdown(evaluate(profile, programmes, only=["heilongjiang_digital_workshop_basic",
                                                         "chongqing_smart_factory_award"]))
    assert md.startswith("# 申报条件自查")
    assert "## ❌ 黑龙江省基础级数字化车间（黑龙江）：不符合" in md
    row = next(line for line in md.splitlines() if "具有2年以上独立法人资格" in line)
    assert row.startswith("| ✅ |") and "附件1 第六条（一）" in row
    assert row.endswith("| 黑工信规规〔2025〕7号 |")
    assert any(line.startswith("| ❌ | 未被列为失信被执行人") for line in md.splitlines())
    assert any(line.startswith("| ❔ | 产品方向符合国家产业政策") for line in md.splitlines())
    assert "**申报路径**" in md and "第十三条" in md
    for line in md.splitlines():
        if line.startswith("| "):
            assert line.count(" | ") == 4  # five cells: no stray pipe broke a row


def test_markdown_estimates_and_summary_marks(programmes: list[Programme]) -> None:
    md = to_markdown(evaluate(Profile.from_dict(PROFILES["jl_workshop"]), programmes,
                              only=["jilin_zgsz_post_award", "national_demo_factory"]))
    assert "| ✅ | 事后奖补：数字化车间（生产线） | 500 万元 × 10% ≈ 50 万元 |" in md
    assert "（摘要）" in md  # national conditions come from the catalogue summary


def test_to_dict_is_json(programmes: list[Programme]) -> None:
    data = to_dict(evaluate(Profile.from_dict(PROFILES["cq_advanced"]), programmes))
    text = json.dumps(data, ensure_ascii=False)
    first = data["verdicts"][0]
    assert {"programme_id", "status", "status_label", "results", "estimates", "route"} <= set(first)
    assert "对基础级智能工厂（数字化车间）项目" in text


def test_markdown_puts_own_region_first_and_other_places_in_one_line(programmes: list[Programme]) -> None:
    md = to_markdown(evaluate(Profile.from_dict(PROFILES["ln_shenyang"]), programmes))
    lines = md.splitlines()
    headings = [line for line in lines if line.startswith("## ")]
    regions = [h.rsplit("（", 1)[1].split("）")[0] for h in headings]
    assert regions == ["辽宁"] * 4 + ["全国"] * 3
    # 黑龙江省智能工厂 fails on more than the place (no 数字化车间 title): not registered there, it is
    # named with the other places' programmes all the same
    assert "## ❌ 黑龙江省智能工厂" not in md
    (summary,) = [line for line in lines if line.startswith("其他地区的项目（不适用）：")]
    named = {p.id for p in programmes if f"{p.name}（{p.region}）" in summary}
    assert named == {"chongqing_smart_factory_award", "dalian_central_fund_award", "dalian_city_subsidy",
                     "heilongjiang_digital_workshop_advanced", "heilongjiang_digital_workshop_basic",
                     "heilongjiang_smart_factory", "jilin_zgsz_post_award"}
    assert lines.index(summary) > lines.index(headings[-1])
    assert not any("大连" in h or "吉林" in h or "重庆" in h for h in headings)
    assert lines[-1].startswith("> 标“摘要”")


def test_markdown_has_no_summary_line_when_nothing_fails_on_place(programmes: list[Programme]) -> None:
    md = to_markdown(evaluate(Profile.from_dict(PROFILES["empty"]), programmes))
    assert "其他地区的项目" not in md
    assert md.count("\n## ") == len(programmes)


def test_docs_describe_every_profile_field_and_programme(programmes: list[Programme]) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "eligibility.md").read_text(encoding="utf-8")
    assert all(f"| `{name}` |" in docs for name in PROFILE_FIELDS)
    assert all(f"| `{p.id}` |" in docs for p in programmes)


def test_a_city_of_another_province_is_not_met_without_a_city(programmes: list[Programme]) -> None:
    """Only the province is known (黑龙江): 大连's city condition fails instead of asking for a city."""
    verdicts = evaluate(Profile.from_dict({"province": "黑龙江"}), programmes, only=["dalian_city_subsidy"])
    city = next(r for r in verdicts[0].results if r.fields == ("city",))
    assert city.status == "not_met" and "辽宁" in city.reason
    same = evaluate(Profile.from_dict({"province": "辽宁"}), programmes, only=["dalian_city_subsidy"])
    assert next(r for r in same[0].results if r.fields == ("city",)).status == "unknown"


@pytest.mark.parametrize(("held", "named", "home", "same"), [
    ("先进级数字化车间", "黑龙江省先进级数字化车间", "黑龙江", True),  # the place left off: the applicant's own
    ("先进级数字化车间", "黑龙江省先进级数字化车间", "哈尔滨", True),  # a city of that province
    ("先进级数字化车间", "黑龙江省先进级数字化车间", "浙江", False),  # another province's title
    ("浙江省数字化车间", "浙江数字化车间", "", True),  # two spellings of one place
    ("浙江省数字化车间", "省级数字化车间", "浙江", True),  # 浙江's own provincial title is a 省级 one
    ("江苏省级示范车间", "江苏省级智能制造示范车间", "苏州", True),  # said with words left out
    ("数字化车间", "先进级数字化车间", "", False),  # but never without its grade
    ("浙江省级示范车间", "江苏省级智能制造示范车间", "苏州", False),  # nor of another place
    ("链主企业", "产业链链主企业", "", True),  # aliases folded
    ("省级数字化车间", "浙江省级数字化车间", "宁波", True),  # 省级 said by a 宁波 company: 浙江's
    ("省级专精特新中小企业", "安徽省专精特新中小企业", "合肥", True),
    ("省级专精特新中小企业", "安徽省专精特新中小企业", "南京", False),
])
def test_same_title(held: str, named: str, home: str, same: bool) -> None:
    from assistant.eligibility.engine import same_title

    assert same_title(held, named, home) is same


def test_title_implications_come_from_programme_files(programmes: list[Programme]) -> None:
    """A 黑龙江 company holding the old 示范车间 title counts as holding 先进级 (附件1 第十八条), declared in
    the programme file, not in code; and an unknown title is accepted as held (titles are open)."""
    from assistant.eligibility.engine import title_implications

    implied = title_implications(programmes)
    assert any("先进级数字化车间" in t for held, ts in implied.items() if "示范车间" in held for t in ts)
    profile = Profile.from_dict({"province": "黑龙江", "titles": ["金牌工厂"]})
    assert profile.titles == ("金牌工厂",)


def test_a_field_a_programme_declares_is_read_like_any_other(tmp_path: Path) -> None:
    """A programme file may declare a field of its own; profiles give it, the engine checks it."""
    from assistant.eligibility.engine import all_fields

    text = (Path(__file__).resolve().parent.parent / "assistant" / "programmes"
            / "heilongjiang_digital_workshop_basic.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data.update(id="demo_declared", fields=[{"name": "robots", "type": "int", "label": "工业机器人台数",
                                              "meaning": "在用工业机器人台数", "unit": "台", "lo": 0, "hi": 100000}])
    data["criteria"] = [{"id": "demo_robots", "statement": "工业机器人不少于10台", "fields": ["robots"],
                         "rule": {"min": 10}, "source": data["criteria"][0]["source"]}]
    data.pop("title_implies", None)
    (tmp_path / "demo_declared.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    programmes = load_programmes(tmp_path)
    specs = all_fields(programmes)
    assert "robots" in specs
    for robots, status in ((12, "met"), (3, "not_met"), (None, "unknown")):
        profile = Profile.from_dict({"robots": robots} if robots is not None else {}, specs)
        assert evaluate(profile, programmes)[0].results[0].status == status
    with pytest.raises(AttributeError):
        _ = Profile.from_dict({}).provnce  # a misspelt field is an error, not an unknown value
