"""The gazetteer: whole names, short forms, county short forms only after their parent, containment."""

import pytest

from assistant.core import gazetteer as g


@pytest.mark.parametrize("text, expected", [
    ("浙江省宁波市余姚市的企业", [("浙江", "province"), ("宁波", "city"), ("余姚", "county")]),
    ("佛山顺德一个车间", [("佛山", "city"), ("顺德", "county")]),
    ("吉林市和吉林省", [("吉林", "city"), ("吉林", "province")]),
    ("昆明、河北的企业", [("昆明", "city"), ("河北", "province")]),
    ("黔南州的企业", [("黔南", "city")]),
    ("大理白族自治州", [("大理", "city")]),
    # "和平" is a county short form but an ordinary word on its own; "工信部" names no place
    ("和平发展，县（市）区工信部门负责", []),
    ("内蒙古自治区和广西壮族自治区", [("内蒙古", "province"), ("广西", "province")]),
    ("上海市浦东新区", [("上海", "province"), ("浦东", "county")]),
])
def test_places_in(text, expected):
    assert [(p.short, p.level) for p in g.places_in(text)] == expected


def test_lookup_prefers_the_higher_level_and_knows_full_names():
    assert g.lookup("吉林").level == "province"
    assert g.lookup("吉林市").level == "city"
    assert g.lookup("顺德区").city == "佛山"
    assert g.lookup("不存在的地方") is None


def test_every_province_and_its_cities():
    provinces = [p for p in g._index().places if p.level == "province"]
    assert len(provinces) >= 34
    assert {c.short for c in g.cities_of("浙江")} >= {"杭州", "宁波", "温州", "湖州", "嘉兴", "金华", "台州"}
    assert len(g.cities_of("浙江省")) == 11


def test_covers_and_province_of():
    assert g.covers("浙江", "宁波") and g.covers("广东", "顺德") and g.covers("佛山", "顺德")
    assert not g.covers("宁波", "浙江") and not g.covers("江苏", "宁波")
    assert g.province_of("昆明") == "云南" and g.province_of("湖州市") == "浙江"
    assert g.lookup("顺德").region == "佛山"  # a county counts as its city for region filters


def test_english_names_of_provinces_and_cities():
    found = g.places_in("How much does Chengdu add on top of Sichuan's reward? And Shaanxi, or Inner Mongolia?")
    assert [p.short for p in found] == ["成都", "四川", "陕西", "内蒙古"]
    assert g.places_in("a shanxishaanxi word, no place") == []
