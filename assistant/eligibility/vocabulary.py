"""The words a profile and the programme files use: places (from the gazetteer), sectors, titles,
industries and project kinds (from vocabulary.yaml). Data, not code: nothing here names a place or a
programme of the corpus.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from assistant.core import gazetteer

__all__ = [
    "ABROAD", "APPLICANT_KINDS", "CITY_PROVINCE", "INDUSTRY_MAP", "INDUSTRY_TAGS", "NATIONAL", "OTHER_SECTOR",
    "PROJECT_KINDS", "PROVINCES", "REGION_FIELDS", "SECTORS", "TITLES", "TITLE_ALIASES",
    "canonical_title", "industry_tags", "is_region", "normalise_province", "province_of",
]

NATIONAL = "全国"  # the region of a national programme
REGION_FIELDS = ("province", "city")  # the profile fields that place the applicant
ABROAD = "境外"  # a province value: registered outside the mainland provinces (fails "境内注册")
OTHER_SECTOR = "其他"  # a sector value: none of the four SECTORS
APPLICANT_KINDS = ("企业", "地市")  # 先行区 is created by 地市, everything else is applied for by enterprises


@cache
def _data() -> dict[str, Any]:
    text = resources.files("assistant.eligibility").joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


@cache
def _all_cities() -> tuple[gazetteer.Place, ...]:
    out: list[gazetteer.Place] = []
    for name in _PROVINCE_NAMES:
        out.extend(gazetteer.cities_of(name))
    return tuple(out)


# The 31 provincial-level divisions of the mainland, by their official short forms (a fixed fact of
# administrative geography, not of any corpus); the gazetteer gives their cities.
_PROVINCE_NAMES = tuple(
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
    "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆".split()
)
PROVINCES: tuple[str, ...] = _PROVINCE_NAMES
# every prefecture-level city → its province (short forms), from the gazetteer
CITY_PROVINCE: Mapping[str, str] = MappingProxyType(
    {c.short: c.province for c in _all_cities() if c.short not in _PROVINCE_NAMES}
)
SECTORS: tuple[str, ...] = tuple(_data()["sectors"])
PROJECT_KINDS: tuple[str, ...] = tuple(_data()["project_kinds"])
TITLES: tuple[str, ...] = tuple(_data()["titles"])  # suggestions; titles are open
TITLE_ALIASES: Mapping[str, str] = MappingProxyType(dict(_data()["title_aliases"]))
INDUSTRY_TAGS: tuple[str, ...] = tuple(_data()["industry_tags"])


def _industry_map() -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for sector, groups in _data()["industries"].items():
        for tags, words in groups.items():
            for word in words:
                out[word] = (sector, tuple(str(tags).split()))
    return out


# Industry word → (sector, categories of INDUSTRY_TAGS); the longest word found in a text wins.
INDUSTRY_MAP: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType(_industry_map())


def industry_tags(industry: str) -> tuple[str | None, tuple[str, ...]]:
    """Map an industry word to its sector and local categories.

    Args:
        industry: Free text such as "乳制品" or "汽车零部件制造".

    Returns:
        (sector or None, categories of INDUSTRY_TAGS); the longest known word in the text wins.
    """
    hits = [w for w in INDUSTRY_MAP if w in industry]
    if not hits:
        return None, ()
    return INDUSTRY_MAP[max(hits, key=len)]


def normalise_province(name: str) -> str:
    """黑龙江省 → 黑龙江, 广西壮族自治区 → 广西, 宁波 → 浙江 is not done here; other text is returned stripped."""
    name = name.strip()
    place = gazetteer.lookup(name)
    if place is not None and place.level == "province":
        return place.short
    for prov in PROVINCES:
        if name.startswith(prov):
            return prov
    return name


def province_of(region: str) -> str:
    """The province (short form) of a city or province; "" when the name is no known place."""
    return gazetteer.province_of(region)


def is_region(region: str) -> bool:
    """全国, or a province or city the gazetteer knows."""
    return region == NATIONAL or gazetteer.lookup(region) is not None


def canonical_title(title: str) -> str:
    """A title as people say it → as documents name it (链主企业 → 产业链链主企业)."""
    t = title.strip().replace("(", "（").replace(")", "）")
    return TITLE_ALIASES.get(t, t)
