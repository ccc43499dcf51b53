"""The drafter on purpose-made texts of places and titles the corpus does not have: typed criteria,
qualitative items, rewards (rates, caps, amounts 分别, raised rates, caps per title), notes, materials,
steps, deadline; drafts load with the strict loader, are checked by the engine and come out of the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.cli import main
from assistant.core.text import normalize_for_match
from assistant.eligibility import Profile, evaluate, load_programmes
from assistant.eligibility.clauses import read_sentences
from assistant.eligibility.conditions import Home, type_sentence
from assistant.eligibility.draft import doc_info, draft_document, draft_file, draft_sentences
from assistant.eligibility.draft_output import flat_view, to_programme_data
from assistant.eligibility.fields import base_fields
from assistant.eligibility.rewards import read_rewards

RULES_TEXT = """河北省工业和信息化厅关于印发《河北省智能车间和标杆工厂认定办法》的通知

冀工信智〔2026〕7号

第一章 总则

第一条 为推进制造业智能化改造，制定本办法。

第二章 认定条件

第三条 申报企业应同时具备以下基本条件：

（一）在河北省行政区域内注册，具有独立法人资格，成立满2年的规模以上工业企业；

（二）纳税信用等级为A级；

（三）近三年未发生重大安全生产、环境污染事故；

（四）建立健全的质量管理体系。

第四条 申报智能车间，除符合第三条规定外，还应达到以下标准：

（一）上一年度主营业务收入不低于3000万元；

（二）关键工序数控化率不低于55%，设备联网率不低于45%；

（三）智能制造能力成熟度自评估达到二级及以上。

第五条 申报标杆工厂，除符合第三条规定外，还应达到以下标准：

（一）上一年度营业收入不低于1.5亿元，研发投入占营业收入比重不低于3%；

（二）已建成不少于3个智能车间；

（三）近两年智能化改造投入不低于1000万元。

第三章 支持政策

第六条 对新认定的标杆工厂和智能车间，分别给予一次性奖励80万元和20万元。

第七条 企业为国家级专精特新“小巨人”企业的，奖励比例提高至12%。

第八条 同一企业同一年度获得本办法奖励合计不超过100万元。同一项目已享受省级其他专项资金支持的，不重复享受。

第四章 申报材料和程序

第九条 申报企业应提交以下材料：

（一）认定申请表；

（二）营业执照复印件；

（三）真实性承诺书。

第十条 认定按照以下程序进行：

（一）企业申报；

（二）市级推荐；

（三）专家评审。

第十一条 企业于2026年4月30日前提交申报材料。智能车间和标杆工厂认定有效期为3年。
"""

REWARD_TEXT = """石家庄市智能化改造奖补实施细则

一、支持对象

在石家庄市注册登记的规模以上工业企业。

二、支持标准

（一）智能化改造项目。设备（含软件）投资额达到500万元的项目，按设备投资额的8%给予补助，单个项目最高不超过160万元。

（二）研发激励。上一年度研发投入占营业收入比重达到4%及以上的企业，第（一）项补助比例提高至10%，最高限额不变。

（三）诊断服务。按诊断服务费用的50%给予补贴，每家企业最高不超过3万元。
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "hebei_rules.txt"
    path.write_text(RULES_TEXT, encoding="utf-8")
    return path


def _typed(view: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {(c["field"], c["op"], tuple(c["value"]) if isinstance(c["value"], list) else c["value"], c["unit"])
            for c in view["criteria"] if c["op"] != "qualitative"}


def _by_title(views: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return next(v for v in views if v["title"].endswith(title))


# ---------------------------------------------------------------------- one sentence at a time
@pytest.mark.parametrize(("text", "expected"), [
    ("（一）在湖南省行政区域内注册，具有独立法人资格的工业企业；",
     {("province", "equals", "湖南", ""), ("independent_legal_entity", "is_true", None, "")}),
    ("（一）在昆明市注册登记满3年的规模以上工业企业；",
     {("city", "equals", "昆明", ""), ("legal_entity_years", "min", 3, "年"), ("above_scale", "is_true", None, "")}),
    ("2. 上一年度营业收入不低于2.5亿元，研发费用占营业收入比重不低于1.5%；",
     {("revenue_wan", "min", 25000, "万元"), ("rd_ratio_pct", "min", 1.5, "%")}),
    ("3. 纳税信用等级为B级及以上，亩均效益评价为A类；",
     {("tax_credit_grade", "in", ("A", "B"), ""), ("mu_efficiency_class", "in", ("A",), "")}),
    ("（四）近三年无较大及以上安全生产事故，未被列入严重失信主体名单；",
     {("major_incident_3y", "is_false", None, ""), ("serious_dishonest", "is_false", None, "")}),
    ("（五）智能制造能力成熟度达到GB/T 39116-2020《智能制造能力成熟度模型》三级；",
     {("maturity_level", "min", 3, "级")}),
    ("（六）项目设备投资额500万元以上；", {("investment_wan", "min", 500, "万元")}),
    ("（七）已被认定为省级数字化车间，或已入选工业和信息化部智能制造示范工厂名单。",
     {("titles", "has_title", ("省级数字化车间", "工业和信息化部智能制造示范工厂名单"), "")}),
    ("（三）项目单位为本省注册的规模以上工业企业；",
     {("province", "equals", "河北", ""), ("above_scale", "is_true", None, "")}),
    ("第十条 围绕高端装备、新材料、医药等重点产业。", {("industry", "industry_in", ("高端装备", "新材料", "医药"), "")}),
])
def test_conditions_are_typed(text: str, expected: set[tuple[Any, ...]]) -> None:
    got = type_sentence(text, base_fields(), Home(province="河北"))
    keys = {(d.field, d.op, tuple(d.value) if isinstance(d.value, list) else d.value, d.unit) for d in got}
    assert keys == expected
    assert all(normalize_for_match(d.quote) in normalize_for_match(text) for d in got)


def test_an_untyped_condition_is_qualitative_with_its_quote() -> None:
    got = type_sentence("（五）产品符合国家产业政策，市场前景良好。", base_fields(), Home(), item=True)
    assert [(d.field, d.op) for d in got] == [(None, "qualitative")]
    assert got[0].quote == "产品符合国家产业政策，市场前景良好"


@pytest.mark.parametrize(("text", "kind", "values"), [
    ("按设备投资额的8%给予补助，单个项目最高不超过160万元。", "rate", (0.08, 160, None)),
    ("对新认定的示范车间，给予一次性奖励30万元。", "amount", (None, None, 30)),
    ("按年度服务费用的50%给予补贴，每家企业每年最高不超过10万元。", "rate", (0.5, 10, None)),
])
def test_reward_rules(text: str, kind: str, values: tuple[Any, ...]) -> None:
    rules = read_rewards(text).rules
    assert len(rules) == 1 and rules[0].kind == kind
    assert (rules[0].rate, rules[0].cap_wan, rules[0].amount_wan) == values


@pytest.mark.parametrize(("text", "expected"), [
    ("市级再给予一次性奖补资金30万元。", [("amount", None, None, 30, 0)]),
    ("按投资额的10%给予补助，最高不超过1亿元。", [("rate", 0.1, 10000, None, 0)]),
    ("对卓越级、领航级和标杆级智能工厂分别给予300万元、500万元、800万元奖励。",
     [("amount", None, None, 300, 0), ("amount", None, None, 500, 1), ("amount", None, None, 800, 2)]),
    ("单个企业最高给予200万元。", []),  # a ceiling with no rate under it: not a fixed award
])
def test_reward_rules_read_with_the_shared_reward_grammar(text: str, expected: list[tuple[Any, ...]]) -> None:
    rules = read_rewards(text).rules
    assert [(r.kind, r.rate, r.cap_wan, r.amount_wan, r.slot) for r in rules] == expected


def test_a_raise_is_of_the_rate_and_a_difference_is_a_note_with_or_without_the_word() -> None:
    raised = read_rewards("属于省级专精特新企业的，奖补比例提高2个百分点。").rules
    assert [(r.kind, r.delta) for r in raised] == [("raise", 0.02)]
    assert not [r for r in read_rewards("研发投入占比提高至5%的企业优先支持。").rules if r.kind == "raise"]
    assert read_rewards("认定为智能工厂的，扣除已获数字化车间奖励后给予奖励。").notes[0][0] == "balance"


def test_enterprise_caps_and_exclusions_are_notes() -> None:
    money = read_rewards("同一企业同一年度获得本办法奖励合计不超过100万元。")
    assert money.rules == () and money.enterprise_cap is not None and money.enterprise_cap[0] == 100
    assert read_rewards("已获国家级奖励的，按就高原则执行，不重复享受。").notes[0][0] == "exclusion"


# ---------------------------------------------------------------------- a whole document
def test_one_programme_per_title_with_common_and_own_conditions(rules_file: Path) -> None:
    views = flat_view(draft_file(rules_file))["programmes"]
    assert {v["title"] for v in views} == {"河北·智能车间", "河北·标杆工厂"}
    common = {("province", "equals", "河北", ""), ("independent_legal_entity", "is_true", None, ""),
              ("legal_entity_years", "min", 2, "年"), ("above_scale", "is_true", None, ""),
              ("tax_credit_grade", "in", ("A",), ""), ("major_incident_3y", "is_false", None, "")}
    workshop, factory = _by_title(views, "智能车间"), _by_title(views, "标杆工厂")
    assert _typed(workshop) == common | {("revenue_wan", "min", 3000, "万元"), ("nc_rate_pct", "min", 55, "%"),
                                         ("network_rate_pct", "min", 45, "%"), ("maturity_level", "min", 2, "级")}
    assert _typed(factory) == common | {("revenue_wan", "min", 15000, "万元"), ("rd_ratio_pct", "min", 3, "%"),
                                        ("digital_workshops", "min", 3, "个"), ("investment_wan", "min", 1000, "万元")}
    assert any(c["op"] == "qualitative" and "质量管理体系" in c["quote"] for c in workshop["criteria"])
    # 分别给予 80 和 20: in the order the titles are named
    assert factory["reward"]["amount_wan"] == 80 and workshop["reward"]["amount_wan"] == 20
    assert workshop["materials"] == ["认定申请表", "营业执照复印件", "真实性承诺书"]
    assert workshop["steps"] == ["企业申报", "市级推荐", "专家评审"]
    assert workshop["deadline"]["date"] == "2026-04-30"
    assert workshop["validity"]["text"] == "认定有效期为3年"
    kinds = {n["kind"] for n in workshop["notes"]}
    assert {"enterprise_cap", "exclusion"} <= kinds
    text = normalize_for_match(RULES_TEXT)
    assert all(normalize_for_match(c["quote"]) in text for v in views for c in v["criteria"])


def test_rates_raised_for_some_applicants_and_items_named_by_number(tmp_path: Path) -> None:
    path = tmp_path / "sjz.txt"
    path.write_text(REWARD_TEXT, encoding="utf-8")
    views = flat_view(draft_file(path))["programmes"]
    project = _by_title(views, "智能化改造项目")
    assert ("city", "equals", "石家庄", "") in _typed(project)
    assert ("investment_wan", "min", 500, "万元") in _typed(project)
    assert (project["reward"]["rate"], project["reward"]["cap_wan"]) == (0.08, 160)
    raised = [r for r in project["rewards"] if r["when"]]
    assert raised and raised[0]["rate"] == 0.10 and raised[0]["cap_wan"] == 160
    assert raised[0]["when"][0]["field"] == "rd_ratio_pct" and raised[0]["when"][0]["value"] == 4
    diagnosis = _by_title(views, "诊断服务")
    assert (diagnosis["reward"]["rate"], diagnosis["reward"]["cap_wan"]) == (0.5, 3)
    assert not [r for r in diagnosis["rewards"] if r["when"]]  # 第（一）项 only
    assert not any(v["title"].endswith("研发激励") for v in views)  # a modifier, not a programme


def test_drafts_load_and_are_checked_by_the_engine(rules_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    out.mkdir()
    for p in draft_file(rules_file):
        data = to_programme_data(p)
        assert data["draft"] is True
        (out / f"{p.id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    programmes = load_programmes(out)
    assert all(p.draft for p in programmes)
    factory = next(p for p in programmes if p.name.endswith("标杆工厂"))
    profile = Profile.from_dict({"city": "唐山", "revenue_wan": 12000, "rd_ratio_pct": 3.5})
    verdict = evaluate(profile, programmes, only=[factory.id])[0]
    assert verdict.status == "not_eligible"
    failed = [r for r in verdict.results if r.status == "not_met"]
    assert [r.fields for r in failed] == [("revenue_wan",)]
    assert "1.5亿元" in failed[0].source.quote
    assert factory.deadline == "2026-04-30" and factory.materials


def test_drafting_from_stored_sections_matches_the_file(rules_file: Path) -> None:
    pages = [(0, RULES_TEXT)]
    sentences = read_sentences(pages)
    sections = [(" > ".join(s.path), s.text) for s in sentences]
    info = doc_info("河北省工业和信息化厅关于印发《河北省智能车间和标杆工厂认定办法》的通知", "冀工信智〔2026〕7号")
    from_file = flat_view(draft_document(sentences, info))["programmes"]
    from_sections = flat_view(draft_sentences(sections, info))["programmes"]
    assert [_typed(v) for v in from_sections] == [_typed(v) for v in from_file]


def test_cli_draft_json_and_out(rules_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["programmes", "draft", str(rules_file), "--json", "--out", str(tmp_path / "out")]) == 0
    view = json.loads(capsys.readouterr().out)
    first = view["programmes"][0]
    assert set(first) >= {"id", "title", "region", "criteria", "reward", "rewards", "materials", "steps",
                          "deadline", "validity"}
    assert set(first["criteria"][0]) >= {"id", "statement", "field", "op", "value", "unit", "quote"}
    assert set(first["reward"]) >= {"rate", "floor_wan", "cap_wan", "quote"}
    written = sorted((tmp_path / "out").glob("*.yaml"))
    assert len(written) == len(view["programmes"])
    assert len(load_programmes(tmp_path / "out")) == len(written)


def test_cli_draft_of_an_unknown_source_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHICE_DATA_DIR", str(tmp_path / "data"))
    assert main(["programmes", "draft", "no-such-doc"]) == 2
    assert "doc_id" in capsys.readouterr().err


def test_a_notice_that_names_its_title_only_in_its_name(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("昆明市工业和信息化局关于开展2026年度市级智能车间申报工作的通知\n\n一、申报条件\n"
                    "（一）在昆明市注册登记的规模以上工业企业；\n（二）上一年度营业收入不低于4000万元。\n",
                    encoding="utf-8")
    views = flat_view(draft_file(path))["programmes"]
    assert [v["title"] for v in views] == ["昆明·市级智能车间"]
    assert ("revenue_wan", "min", 4000, "万元") in _typed(views[0])


def test_items_paid_for_named_after_dui_and_rates_before_a_comma(tmp_path: Path) -> None:
    """对X项目，给予N万元奖励 / 对Y项目，按照不超过投资额的10%，给予最高N万元奖补 / 对荣获Z的企业."""
    path = tmp_path / "cq.md"
    path.write_text("# 某市促进智能化改造若干政策\n\n三、加快智能工厂建设\n"
                    "对基础级智能工厂项目，给予40万元奖励；对先进级智能工厂项目，按照不超过项目实际投资额的8%，"
                    "给予最高250万元奖补；对荣获国家卓越级智能工厂的企业，给予80万元奖励。\n", encoding="utf-8")
    views = {v["title"].split("·")[-1]: v for v in flat_view(draft_file(path))["programmes"]}
    assert views["基础级智能工厂项目"]["reward"]["amount_wan"] == 40
    assert (views["先进级智能工厂项目"]["reward"]["rate"], views["先进级智能工厂项目"]["reward"]["cap_wan"]) == (0.08, 250)
    assert views["国家卓越级智能工厂"]["reward"]["amount_wan"] == 80
