"""What we know about an applicant: the profile fields, their validation, and how values read.

`PROFILE_FIELDS` describes every field once; it drives `Profile.from_dict` (parsing and checks at
the boundary), the rule checks' wording, the questions asked when a value is unknown, and the docs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from assistant.eligibility.vocabulary import (
    ABROAD,
    APPLICANT_KINDS,
    CITY_PROVINCE,
    OTHER_SECTOR,
    PROJECT_KINDS,
    PROVINCES,
    SECTORS,
    TITLE_ALIASES,
    TITLE_IMPLIES,
    TITLES,
    industry_tags,
    normalise_province,
)
from assistant.errors import BadInput

__all__ = ["PROFILE_FIELDS", "FieldSpec", "Profile", "describe", "format_number", "show_value"]


@dataclass(frozen=True)
class FieldSpec:
    """What a profile field holds; drives validation, rule checks, messages and the docs."""

    name: str
    kind: str  # bool | int | number | choice | text | titles
    label: str
    meaning: str = ""
    ask: str = ""
    allowed: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    yes: str = ""
    no: str = ""


_F = FieldSpec
PROFILE_FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    _F("province", "choice", "注册地（省级）",
       meaning="企业注册地所在省、自治区、直辖市（简称，如 黑龙江、重庆）；注册在境外填 境外",
       ask="请说明企业注册在哪个省（区、市）", allowed=(*PROVINCES, ABROAD)),
    _F("city", "text", "所在城市",
       meaning="地级市（如 大连、长春）；已知城市会自动补全省份",
       ask="请说明企业所在城市"),
    _F("applicant_kind", "choice", "申报主体类型",
       meaning="企业，或 地市（只有先行区由地市申报）",
       ask="请说明申报主体是企业还是地市人民政府", allowed=APPLICANT_KINDS),
    _F("industry", "text", "所属行业",
       meaning="行业用语，如 乳制品、汽车零部件、化工；映射到四大领域和地方重点产业",
       ask="请说明企业所属行业（如 食品、汽车零部件、化工）"),
    _F("sector", "choice", "所属领域",
       meaning="原材料 / 装备制造 / 消费品 / 电子信息 / 其他；不填时由 industry 推断",
       ask="请说明所属领域（原材料、装备制造、消费品或电子信息）", allowed=(*SECTORS, OTHER_SECTOR)),
    _F("above_scale", "bool", "规模以上企业",
       meaning="是否规模以上工业企业（规上）",
       ask="请说明是否规模以上工业企业（规上）", yes="是规模以上企业", no="不是规模以上企业"),
    _F("independent_legal_entity", "bool", "独立法人资格",
       meaning="是否具有独立法人资格（分支机构为否）；给了法人年限时视为是",
       ask="请说明是否具有独立法人资格（营业执照）",
       yes="具有独立法人资格", no="不具有独立法人资格（分支机构）"),
    _F("legal_entity_years", "number", "独立法人年限",
       meaning="作为独立法人的年数（营业执照成立至今）",
       ask="请提供作为独立法人的年限（营业执照成立日期）", lo=0, hi=200, unit="年"),
    _F("maturity_level", "int", "智能制造能力成熟度自评等级",
       meaning="GB/T 39116-2020 自评估等级 1–5；0 = 已自评但未达一级；未自评则不填",
       ask="请提供 GB/T 39116-2020 智能制造能力成熟度自评估等级（可在 www.c3mep.cn 自评）",
       lo=0, hi=5, unit="级"),
    _F("sme_digital_level", "int", "中小企业数字化水平评测等级",
       meaning="《中小企业数字化水平评测指标》评测等级 1–4；0 = 已评测但未达一级；未评测则不填",
       ask="请提供《中小企业数字化水平评测指标》评测等级", lo=0, hi=4, unit="级"),
    _F("titles", "titles", "已获称号",
       meaning="已获得的称号列表（见 TITLES）；空列表表示一个也没有",
       ask="请列出已获得的称号（没有请说明“无”）", allowed=TITLES),
    _F("abnormal_operation", "bool", "经营异常名录",
       meaning="是否在“信用中国”经营异常名录中且未移出",
       ask="请查询“信用中国”，说明是否被列入经营异常名录",
       yes="被列入经营异常名录", no="未被列入经营异常名录"),
    _F("dishonest_debtor", "bool", "失信被执行人",
       meaning="是否被列为失信被执行人且未移出",
       ask="请查询“信用中国”，说明是否被列为失信被执行人",
       yes="被列为失信被执行人", no="未被列为失信被执行人"),
    _F("violation_record", "bool", "违法违规记录",
       meaning="是否有违法违规情况且未完成信用修复",
       ask="请说明是否有未完成信用修复的违法违规记录",
       yes="有未修复的违法违规记录", no="无违法违规记录"),
    _F("major_incident_3y", "bool", "近三年重大事故",
       meaning="近三年是否发生重大及以上安全生产或环境事故",
       ask="请说明近三年是否发生重大安全生产或环境事故",
       yes="近三年发生过重大安全或环境事故", no="近三年未发生重大安全或环境事故"),
    _F("investment_wan", "number", "项目投资额",
       meaning="项目投资（万元）；吉林 事后奖补按软硬件投入计，不含土建和厂房",
       ask="请提供项目投资额（万元；吉林按软硬件投入，不含土建和厂房）", lo=0, hi=10_000_000, unit="万元"),
    _F("project_kind", "choice", "项目类型",
       meaning="数字化车间 / 生产线 / 智能工厂 / 未来工厂 / 设备更新 / 技术改造（决定奖补档次）",
       ask="请说明项目类型（数字化车间、生产线、智能工厂、未来工厂、设备更新或技术改造）",
       allowed=PROJECT_KINDS),
)}
_CN_DIGITS = "零一二三四五六七八九"
_TRUE = {"是", "有", "true", "yes", "y", "1"}
_FALSE = {"否", "无", "没有", "不是", "false", "no", "n", "0"}


@dataclass(frozen=True)
class Profile:
    """What we know about the applicant; every field may be unknown (None).

    Build it with `Profile.from_dict` at a boundary (API, CLI, free text) so values are checked.
    """

    province: str | None = None
    city: str | None = None
    applicant_kind: str | None = None
    industry: str | None = None
    sector: str | None = None
    above_scale: bool | None = None
    independent_legal_entity: bool | None = None
    legal_entity_years: float | None = None
    maturity_level: int | None = None
    sme_digital_level: int | None = None
    titles: tuple[str, ...] | None = None
    abnormal_operation: bool | None = None
    dishonest_debtor: bool | None = None
    violation_record: bool | None = None
    major_incident_3y: bool | None = None
    investment_wan: float | None = None
    project_kind: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """Validate a mapping of field → value into a Profile.

        Missing keys and None are unknown. Booleans also accept 是/否, numbers numeric strings,
        province long names (黑龙江省). A known city fills in its province; a branch
        (independent_legal_entity false) has 0 years as a legal entity; given legal-entity years
        imply an independent legal entity.

        Args:
            data: Field names as in PROFILE_FIELDS.

        Returns:
            The profile.

        Raises:
            BadInput: naming the field and the values it allows.
        """
        unknown = sorted(set(data) - set(PROFILE_FIELDS))
        if unknown:
            raise BadInput(f"未知的 profile 字段 {unknown}；可用字段：{', '.join(PROFILE_FIELDS)}")
        values = {k: _parse_value(PROFILE_FIELDS[k], v) for k, v in data.items() if v is not None and v != ""}
        return cls(**_complete(values))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields (unknown fields are None)."""
        d = asdict(self)
        d["titles"] = list(self.titles) if self.titles is not None else None
        return d

    def value(self, name: str) -> Any:
        """The value a rule reads: `sector` falls back on the industry mapping."""
        if name == "sector" and self.sector is None and self.industry:
            return industry_tags(self.industry)[0]
        return getattr(self, name)

    def titles_held(self) -> frozenset[str] | None:
        """Titles held, with those they count as (TITLE_IMPLIES); None when unknown."""
        if self.titles is None:
            return None
        held = set(self.titles)
        for title in self.titles:
            held.update(TITLE_IMPLIES.get(title, ()))
        return frozenset(held)

    def known(self) -> dict[str, Any]:
        """The fields that are known."""
        return {k: v for k, v in self.to_dict().items() if v is not None}


def _parse_value(spec: FieldSpec, raw: Any) -> Any:
    parser = {"bool": _parse_bool, "int": _parse_number, "number": _parse_number, "choice": _parse_choice,
              "text": _parse_text, "titles": _parse_titles}[spec.kind]
    return parser(spec, raw)


def _parse_bool(spec: FieldSpec, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise BadInput(f"字段 {spec.name}（{spec.label}）须为 true/false（或 是/否），收到 {raw!r}")


def _parse_number(spec: FieldSpec, raw: Any) -> float | int:
    try:
        if isinstance(raw, bool):
            raise ValueError
        number = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise BadInput(f"字段 {spec.name}（{spec.label}）须为数字，收到 {raw!r}") from None
    if spec.kind == "int" and not number.is_integer():
        raise BadInput(f"字段 {spec.name}（{spec.label}）须为整数 {spec.lo:g}–{spec.hi:g}，收到 {raw!r}")
    if spec.lo is not None and spec.hi is not None and not spec.lo <= number <= spec.hi:
        raise BadInput(f"字段 {spec.name}（{spec.label}）须在 {spec.lo:g}–{spec.hi:g} 之间，收到 {raw!r}")
    return int(number) if spec.kind == "int" else number


def _parse_choice(spec: FieldSpec, raw: Any) -> str:
    text = str(raw).strip()
    if spec.name == "province":
        text = normalise_province(text)
    if text not in spec.allowed:
        raise BadInput(f"字段 {spec.name}（{spec.label}）可选值：{'、'.join(spec.allowed)}；收到 {raw!r}")
    return text


def _parse_text(spec: FieldSpec, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise BadInput(f"字段 {spec.name}（{spec.label}）须为非空文字，收到 {raw!r}")
    text = raw.strip()
    return re.sub(r"市$", "", text) if spec.name == "city" and len(text) > 2 else text


def _parse_titles(spec: FieldSpec, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise BadInput(f"字段 titles（已获称号）须为列表（没有则为 []），收到 {raw!r}")
    out = []
    for item in raw:
        title = TITLE_ALIASES.get(str(item).strip(), str(item).strip())
        if title not in TITLES:
            raise BadInput(f"字段 titles 中的 {item!r} 不是已知称号；可选值：{'、'.join(TITLES)}")
        out.append(title)
    return tuple(dict.fromkeys(out))


def _complete(values: dict[str, Any]) -> dict[str, Any]:
    """Cross-field inferences and consistency checks."""
    city, province = values.get("city"), values.get("province")
    if city in CITY_PROVINCE:
        if province is not None and province != CITY_PROVINCE[city]:
            raise BadInput(
                f"字段 city={city} 属于 {CITY_PROVINCE[city]}，与 province={province} 不一致；请更正其一"
            )
        values["province"] = CITY_PROVINCE[city]
    years, legal = values.get("legal_entity_years"), values.get("independent_legal_entity")
    if legal is False and years:
        raise BadInput(
            "independent_legal_entity=false（分支机构）时 legal_entity_years 应为 0 或不填；请更正其一"
        )
    if legal is False:
        values["legal_entity_years"] = 0.0
    elif years is not None:
        values["independent_legal_entity"] = True
    return values


# ----------------------------------------------------------------------------- reading values
def describe(name: str, value: Any) -> str:
    """A profile value as a person reads it: 1 → "1年", 3 → "三级", True → "是", ("a", "b") → "a、b"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple | list):
        return "、".join(map(str, value)) or "无"
    return show_value(PROFILE_FIELDS[name], value)


def show_value(spec: FieldSpec, value: Any) -> str:
    """A value of `spec` as a person reads it: levels in words (三级), numbers with their unit (2年)."""
    if spec.name in ("maturity_level", "sme_digital_level"):
        return f"{_CN_DIGITS[int(value)]}级" if value else "未达一级"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{format_number(value)}{spec.unit}"
    return str(value)


def format_number(x: float) -> str:
    """At most two decimals, no trailing zeros: 50.0 → "50", 12.5 → "12.5"."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
