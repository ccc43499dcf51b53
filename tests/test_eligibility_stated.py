"""A condition no field types is met when the asker states it in their own words (and not negated)."""

from __future__ import annotations

import pytest

from assistant.eligibility.stated import stating_clause

RAISE = "项目单位上一年度亩均税收高于所在县（市、区）平均水平的"


@pytest.mark.parametrize(("said", "condition", "clause"), [
    ("设备投资9000万，亩均税收高于县里平均水平，同一年又被认定为省级智能工厂", RAISE, "亩均税收高于县里平均水平"),
    ("亩均税收没有高于县里平均水平", RAISE, ""),  # negated
    ("研发占比3%，营收8000万", "企业产品方向符合国家产业政策，市场前景好", ""),  # about something else
    ("我们产品符合国家产业政策", "企业产品方向符合国家产业政策，市场前景好", "我们产品符合国家产业政策"),
    ("", RAISE, ""),
])
def test_stating_clause(said: str, condition: str, clause: str) -> None:
    assert stating_clause(said, condition) == clause


def test_a_stated_condition_makes_a_conditional_tier_apply(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    from assistant.eligibility import Profile, evaluate, load_programmes
    from assistant.eligibility.draft import draft_file
    from assistant.eligibility.draft_output import to_programme_data

    src = tmp_path / "notice.txt"
    src.write_text("某省工业和信息化厅关于印发《某省智能化改造专项资金管理办法》的通知\n"
                   "第一条 智能化改造项目应同时符合以下条件：\n（一）项目设备（含软件）投资额不低于2000万元。\n"
                   "第二条 支持标准：\n"
                   "（一）智能化改造项目，按项目设备投资额的5%给予奖补，单个项目最高不超过500万元；"
                   "项目单位上一年度亩均税收高于所在县（市、区）平均水平的，奖补比例提高至6%。\n", encoding="utf-8")
    out = tmp_path / "p"
    out.mkdir()
    for p in draft_file(src):
        (out / f"{p.id}.yaml").write_text(yaml.safe_dump(to_programme_data(p), allow_unicode=True), encoding="utf-8")
    programmes = load_programmes(out)
    profile = Profile.from_dict({"investment_wan": 9000})
    plain = evaluate(profile, programmes)[0].estimates
    said = evaluate(profile, programmes, said="我们亩均税收高于县里平均水平")[0].estimates
    assert [e.status for e in plain] == ["applies", "conditional"]
    assert [e.status for e in said] == ["applies", "applies"] and said[1].amount_wan == 500
