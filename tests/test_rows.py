"""Case lists filtered by place, year and categorical values named in the question (purpose-made rows)."""

from assistant.answer import rows as R
from assistant.core import gazetteer
from assistant.domain import Chunk, DocumentMeta

DOC = DocumentMeta(doc_id="d", title="某省认定企业名单", source="x.xlsx", kind="case_list")


def _row(i, sheet, name, area, industry, level, year):
    rec = {"企业名称": name, "地区": area, "行业": industry, "等级": level, "年份": year}
    return Chunk(chunk_id=f"r{i}", doc=DOC, section=f"{sheet} > 第{i}行", text=",".join(rec.values()), ord=i,
                 record=rec)


ROWS = [
    _row(1, "浙江", "甲精密部件有限公司", "宁波市北仑区", "汽车零部件", "数字化车间", "2025"),
    _row(2, "浙江", "乙智能装备有限公司", "杭州市余杭区", "专用设备", "智能工厂", "2025"),
    _row(3, "浙江", "丙轴承有限公司", "宁波市鄞州区", "轴承", "智能工厂", "2024"),
    _row(4, "浙江", "丁汽配有限公司", "宁波市余姚市", "汽车零部件", "数字化车间", "2025"),
    _row(5, "安徽", "戊新能源电池有限公司", "合肥市瑶海区", "新能源电池", "智能工厂", "2025"),
    _row(6, "安徽", "己汽车部件有限公司", "芜湖市鸠江区", "汽车零部件", "数字化车间", "2024"),
]


def _select(q):
    return R.select(q, ROWS, gazetteer.places_in(q))


def test_place_year_and_level_filter_rows():
    s = _select("2025年浙江认定名单里，宁波有哪几家企业评上了数字化车间？")
    assert [r.record["企业名称"] for r in s.rows] == ["甲精密部件有限公司", "丁汽配有限公司"]
    assert s.constraints == ["地区：宁波", "年份：2025", "等级：数字化车间"]


def test_a_province_covers_its_cities_and_the_sheet_names_the_place():
    s = _select("安徽2025年认定的智能工厂有几家？")
    assert [r.record["企业名称"] for r in s.rows] == ["戊新能源电池有限公司"]
    assert R.wants_count("安徽2025年认定的智能工厂有几家？")


def test_industry_values_are_constraints_too():
    s = _select("哪些汽车零部件企业入选了？")
    assert [r.record["企业名称"] for r in s.rows] == ["甲精密部件有限公司", "丁汽配有限公司", "己汽车部件有限公司"]


def test_no_constraint_no_selection():
    assert _select("名单里都有谁？") is None


def test_a_named_company_picks_its_row():
    s = _select("戊新能源电池有限公司在名单里是什么等级？")
    assert [r.record["企业名称"] for r in s.rows] == ["戊新能源电池有限公司"]
