"""Profile × programme criteria → verdicts: the "我们能申报吗？" checklist (framework-free).

Programmes are data: one YAML file per programme in ``assistant/programmes``. Every criterion names
the profile field it reads, one rule from a small closed set of typed checks (never a string that
gets evaluated) and the clause that sets it. `evaluate` gives each criterion met / not met /
unknown and each programme eligible / not eligible / needs information, with reward estimates and
the route to apply. See docs/eligibility.md for the profile fields and how to add a programme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from assistant.domain import AUTHORITIES, Citation
from assistant.errors import BadInput, ConfigError
from ingest.cleaning import normalize_for_match

__all__ = [
    "CITY_PROVINCE", "INDUSTRY_MAP", "INDUSTRY_TAGS", "PROFILE_FIELDS", "PROGRAMMES_DIR", "PROJECT_KINDS",
    "PROVINCES", "RULES", "SECTORS", "TITLES", "Criterion", "CriterionResult", "EstimateResult",
    "EstimateRule", "FieldSpec", "Note", "Profile", "Programme", "ProgrammeVerdict", "Route", "Source",
    "describe", "evaluate", "industry_tags", "load_programmes", "normalise_province", "to_dict",
    "to_markdown",
]

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"

# ----------------------------------------------------------------------------- vocabularies
PROVINCES = tuple(
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
    "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆".split()
)  # the 31 mainland provincial-level regions: "境内注册" is read as registered in one of them
# Cities we can place in their province (the local texts name 大连, 长春, 哈尔滨, 沈抚 …; extend freely).
CITY_PROVINCE: dict[str, str] = {
    **dict.fromkeys("哈尔滨 齐齐哈尔 牡丹江 佳木斯 大庆 鸡西 双鸭山 伊春 七台河 鹤岗 黑河 绥化".split(),
                    "黑龙江"),
    **dict.fromkeys("沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛 沈抚".split(),
                    "辽宁"),
    **dict.fromkeys("长春 四平 辽源 通化 白山 松原 白城 延边".split(), "吉林"),
    **dict.fromkeys("广州 深圳 东莞 佛山 珠海".split(), "广东"),
    **dict.fromkeys("南京 苏州 无锡 常州 南通".split(), "江苏"),
    **dict.fromkeys("杭州 宁波 温州".split(), "浙江"),
    **dict.fromkeys("合肥 芜湖 马鞍山".split(), "安徽"),
    **dict.fromkeys("福州 厦门".split(), "福建"),
    **dict.fromkeys("济南 青岛 烟台".split(), "山东"),
    "郑州": "河南", "武汉": "湖北", "长沙": "湖南", "成都": "四川", "西安": "陕西", "兰州": "甘肃",
    "呼和浩特": "内蒙古",
}
SECTORS = ("原材料", "装备制造", "消费品", "电子信息")  # 实施方案 三（二）/ 四（二）
ABROAD = "境外"  # a province value: registered outside the mainland provinces (fails "境内注册")
OTHER_SECTOR = "其他"  # a sector value: none of the four SECTORS
APPLICANT_KINDS = ("企业", "地市")  # 先行区 is created by 地市, everything else is applied for by enterprises
# project kinds that decide a 吉林 / 大连 reward tier
PROJECT_KINDS = ("数字化车间", "生产线", "智能工厂", "未来工厂", "设备更新", "技术改造")
TITLES = (
    "国家级智能制造示范工厂", "国家级智能制造优秀场景",
    "基础级智能工厂", "先进级智能工厂", "卓越级智能工厂", "领航级智能工厂",
    "省级智能工厂", "省级数字化车间", "产业链链主企业",
    "黑龙江省基础级数字化车间", "黑龙江省先进级数字化车间", "黑龙江省数字化（智能）示范车间",
    "黑龙江省智能工厂",
)
TITLE_ALIASES = {
    "智能制造示范工厂": "国家级智能制造示范工厂", "国家级示范工厂": "国家级智能制造示范工厂",
    "示范工厂揭榜单位": "国家级智能制造示范工厂", "智能制造优秀场景": "国家级智能制造优秀场景",
    "国家级优秀场景": "国家级智能制造优秀场景", "链主企业": "产业链链主企业",
    "黑龙江省数字化(智能)示范车间": "黑龙江省数字化（智能）示范车间",
}
# A title that counts as another, with the clause that says so.
TITLE_IMPLIES: dict[str, tuple[str, ...]] = {
    # 黑工信规规〔2025〕7号 附件1 第十八条: 2024年及之前认定的示范车间均视为先进级数字化车间
    "黑龙江省数字化（智能）示范车间": ("黑龙江省先进级数字化车间", "省级数字化车间"),
    # 附件1 第七条: 先进级数字化车间"是经省级认定的数字化车间"
    "黑龙江省先进级数字化车间": ("省级数字化车间",),
    "黑龙江省智能工厂": ("省级智能工厂",),
}
# Industry categories the local texts list (黑龙江 附件1 第十条).
INDUSTRY_TAGS = (
    "高端装备", "航空航天", "高端智能农机", "电子信息", "新材料", "化工", "医药", "食品", "汽车", "轻工",
)
# Industry word → (sector of 实施方案 三（二）, categories of INDUSTRY_TAGS). The sector follows the
# split of 工信部's industry departments (原材料: 钢铁 有色 石化化工 建材; 装备: 机械 汽车 船舶 航空;
# 消费品: 轻工 纺织 食品 医药; 电子信息制造). Longest matching word wins ("汽车零部件" before "汽车").
INDUSTRY_MAP: dict[str, tuple[str, tuple[str, ...]]] = {
    **{w: ("原材料", ("化工",)) for w in ("化工", "石化", "石油化工", "化学", "化肥", "炼化")},
    **{w: ("原材料", ("新材料",)) for w in ("新材料", "石墨", "碳纤维", "复合材料", "先进材料")},
    **{w: ("原材料", ()) for w in (
        "钢铁", "冶金", "有色", "有色金属", "建材", "水泥", "玻璃", "石油", "稀土",
    )},
    **{w: ("装备制造", ("汽车",)) for w in ("汽车", "汽车零部件", "新能源汽车", "整车")},
    **{w: ("装备制造", ("航空航天",)) for w in ("航空", "航天", "航空航天", "飞机")},
    **{w: ("装备制造", ("高端智能农机", "高端装备")) for w in ("农机", "农业机械", "智能农机")},
    **{w: ("装备制造", ("高端装备",)) for w in (
        "高端装备", "机器人", "数控机床", "机床", "重型装备", "发电设备", "电力装备", "轨道交通",
        "船舶", "海工装备",
    )},
    **{w: ("装备制造", ()) for w in (
        "装备", "装备制造", "机械", "通用设备", "专用设备", "电气", "电机", "仪器仪表", "工程机械",
    )},
    **{w: ("消费品", ("食品",)) for w in (
        "食品", "乳制品", "乳业", "饮料", "酒", "白酒", "粮油", "肉制品", "农产品加工",
    )},
    **{w: ("消费品", ("医药",)) for w in ("医药", "制药", "生物医药", "中药", "医疗器械")},
    **{w: ("消费品", ("轻工",)) for w in (
        "轻工", "家电", "家具", "造纸", "日化", "塑料制品", "皮革", "五金",
    )},
    **{w: ("消费品", ()) for w in ("纺织", "服装", "鞋", "烟草", "消费品")},
    **{w: ("电子信息", ("电子信息",)) for w in (
        "电子", "电子信息", "半导体", "集成电路", "芯片", "通信设备", "显示面板", "光电",
        "电子元器件", "计算机", "锂电",
    )},
}


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
    """黑龙江省 → 黑龙江, 广西壮族自治区 → 广西; other text is returned stripped."""
    name = name.strip()
    for prov in PROVINCES:
        if name.startswith(prov):
            return prov
    return name


# ----------------------------------------------------------------------------- profile
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


# ----------------------------------------------------------------------------- programme data
@dataclass(frozen=True)
class Source:
    """The clause that sets a rule, with a short verbatim quote of the corpus text."""

    doc: str
    clause: str
    region: str
    quote: str
    doc_no: str = ""
    authority: str = "official"  # official | summary (a catalogue/summary line, not official wording)
    quoted_in: str = ""  # title of the corpus document holding the quote when it is not `doc`
    url: str = ""

    def cite(self) -> str:
        """《文件》（文号）条款, as an answer cites it."""
        no = f"（{self.doc_no}）" if self.doc_no else ""
        tail = "（据语料登记表摘要，非官方原文）" if self.authority == "summary" else ""
        return f"《{self.doc}》{no}{self.clause}{tail}"

    def to_citation(self, n: int) -> Citation:
        """A domain Citation numbered `n`, so the chat layer can attach it to an Answer."""
        return Citation(n=n, doc_id="", title=self.doc, section=self.clause, page=0, text=self.quote,
                        source=self.url or self.quoted_in or self.doc, authority=self.authority,
                        doc_no=self.doc_no, region=self.region)


RULES = (
    "equals", "in", "min", "max", "is_true", "is_false", "has_title", "lacks_title", "industry_in", "manual",
)
_RULE_KINDS = {  # rule → field kinds it may read
    "equals": ("choice", "text"), "in": ("choice", "text"),
    "min": ("int", "number"), "max": ("int", "number"),
    "is_true": ("bool",), "is_false": ("bool",), "has_title": ("titles",), "lacks_title": ("titles",),
    "industry_in": ("text",),
}


@dataclass(frozen=True)
class Criterion:
    """One condition of a programme: a typed check of one profile field, or `manual`."""

    id: str
    statement: str
    fields: tuple[str, ...]
    rule: str
    args: tuple[Any, ...]
    source: Source
    provide: str = ""  # what to show when unknown (default: the field's question / the statement)
    alternative: str = ""  # another way to satisfy it: a failed check then reads unknown, not not_met


@dataclass(frozen=True)
class Condition:
    """The condition under which an estimate applies (same closed rule set)."""

    statement: str
    fields: tuple[str, ...]
    rule: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class EstimateRule:
    """A reward or subsidy: fixed amount, range, or rate × base (floor, ceiling of base, cap)."""

    id: str
    label: str
    source: Source
    when: Condition | None = None
    amount: float | None = None
    range: tuple[float, float] | None = None
    rate: float | None = None
    base: str = ""
    min_base: float | None = None
    max_base: float | None = None
    cap: float | None = None


@dataclass(frozen=True)
class Route:
    """How to apply, step by step."""

    steps: tuple[str, ...]
    source: Source | None = None


@dataclass(frozen=True)
class Note:
    """A fact worth telling with the verdict (validity, 就高不重复 …)."""

    text: str
    source: Source


@dataclass(frozen=True)
class Programme:
    """A programme one can apply for, loaded from its YAML file."""

    id: str
    name: str
    region: str
    level: str  # national | province | city
    kind: str  # recommendation | recognition | reward
    doc: str
    criteria: tuple[Criterion, ...]
    doc_no: str = ""
    url: str = ""
    keywords: tuple[str, ...] = ()
    estimates: tuple[EstimateRule, ...] = ()
    requires_estimate: bool = False  # reward programmes: eligible only when some estimate applies
    route: Route = Route(())
    notes: tuple[Note, ...] = ()
    path: str = ""


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class CriterionResult:
    """One row of the checklist."""

    criterion_id: str
    statement: str
    status: str  # met | not_met | unknown
    reason: str
    provide: str
    source: Source
    fields: tuple[str, ...] = ()
    manual: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EstimateResult:
    """What a reward rule gives this profile; amounts in 万元, upper bounds where the rule says 不超过."""

    id: str
    label: str
    status: str  # applies | conditional | not_applicable
    formula: str
    reason: str
    source: Source
    amount_wan: float | None = None
    low_wan: float | None = None
    high_wan: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ProgrammeVerdict:
    """Eligible / not eligible / needs information for one programme, with the checklist behind it."""

    programme_id: str
    name: str
    region: str
    status: str  # eligible | not_eligible | needs_info
    summary: str
    results: tuple[CriterionResult, ...]
    estimates: tuple[EstimateResult, ...] = ()
    route: Route = Route(())
    notes: tuple[Note, ...] = ()

    @property
    def status_label(self) -> str:
        return _VERDICT_LABEL[self.status]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status_label"] = self.status_label
        return d


# ----------------------------------------------------------------------------- loading
def load_programmes(directory: Path | None = None) -> list[Programme]:
    """Load and strictly validate every programme YAML file of a folder.

    Args:
        directory: A folder of ``*.yaml`` files, one programme each; default the packaged folder.

    Returns:
        The programmes, in file-name order.

    Raises:
        ConfigError: naming the file (and criterion) when a file is malformed: unknown keys, rule
            types or profile fields, values outside a field's vocabulary, a missing source, a quote
            that is not 10–40 characters, duplicate ids.
    """
    folder = directory or PROGRAMMES_DIR
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise ConfigError(f"{folder} 中没有项目文件（*.yaml）；请检查路径，或按 docs/eligibility.md 添加项目")
    programmes = [_load_file(f) for f in files]
    seen: dict[str, str] = {}
    for prog in programmes:
        for ident in [c.id for c in prog.criteria] + [e.id for e in prog.estimates]:
            if ident in seen:
                raise ConfigError(
                    f"{Path(prog.path).name}：id {ident!r} 已在 {seen[ident]} 中使用；请改用唯一的 id"
                )
            seen[ident] = Path(prog.path).name
    return programmes


def _load_file(path: Path) -> Programme:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ConfigError(f"{path.name}：YAML 无法解析（{e}）；请修正语法") from e
    return _Loader(path).programme(data)


_PROG_KEYS = {"id", "name", "region", "level", "kind", "doc", "criteria"}
_PROG_OPTIONAL = {"doc_no", "url", "keywords", "estimates", "requires_estimate", "route", "notes"}
_CRIT_KEYS, _CRIT_OPTIONAL = {"id", "statement", "rule", "source"}, {"fields", "provide", "alternative"}
_SOURCE_KEYS = {"doc", "clause", "region", "quote"}
_SOURCE_OPTIONAL = {"doc_no", "authority", "quoted_in", "url"}
_EST_KEYS = {"id", "label", "source"}
_EST_OPTIONAL = {"when", "amount", "range", "rate", "base", "min_base", "max_base", "cap"}
_ID = re.compile(r"[a-z][a-z0-9_]*")
_LEVELS = ("national", "province", "city")
_KINDS = ("recommendation", "recognition", "reward")


def _where(section: str, i: int, data: Any) -> str:
    ident = data.get("id") if isinstance(data, dict) else None
    return f"{section}[{i}]" + (f"（{ident}）" if ident else "")


class _Loader:
    """Reads one programme file; every error names the file and the place in it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, msg: str) -> ConfigError:
        return ConfigError(f"{self.path.name}：{where}：{msg}")

    def keys(self, data: Any, where: str, required: set[str], optional: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(where, "应为键值映射")
        missing, extra = required - set(data), set(data) - required - optional
        if missing:
            raise self.fail(where, f"缺少键 {sorted(missing)}")
        if extra:
            raise self.fail(where, f"未知的键 {sorted(extra)}；可用：{sorted(required | optional)}")
        return data

    def text(self, data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(where, f"{key} 应为非空字符串")
        return value.strip()

    def programme(self, data: Any) -> Programme:
        d = self.keys(data, "顶层", _PROG_KEYS, _PROG_OPTIONAL)
        ident = self.text(d, "id", "顶层")
        if ident != self.path.stem or not _ID.fullmatch(ident):
            raise self.fail(
                "顶层", f"id {ident!r} 须与文件名 {self.path.stem!r} 相同，且只含小写字母、数字和下划线"
            )
        region, level, kind = (self.text(d, k, "顶层") for k in ("region", "level", "kind"))
        if region != "全国" and region not in PROVINCES and region not in CITY_PROVINCE:
            raise self.fail("顶层", f"region {region!r} 应为 全国、省级简称或 CITY_PROVINCE 中的城市")
        if level not in _LEVELS or kind not in _KINDS:
            raise self.fail("顶层", f"level 应为 {'/'.join(_LEVELS)}，kind 应为 {'/'.join(_KINDS)}")
        criteria = d["criteria"]
        if not isinstance(criteria, list) or not criteria:
            raise self.fail("criteria", "应为非空列表")
        return Programme(
            id=ident, name=self.text(d, "name", "顶层"), region=region, level=level, kind=kind,
            doc=self.text(d, "doc", "顶层"), doc_no=self.text(d, "doc_no", "顶层", ""),
            url=self.text(d, "url", "顶层", ""),
            criteria=tuple(self.criterion(c, i) for i, c in enumerate(criteria)),
            keywords=tuple(self.strings(d.get("keywords", []), "keywords")),
            estimates=tuple(self.estimate(e, i) for i, e in enumerate(self.items(d, "estimates"))),
            requires_estimate=self.flag(d, "requires_estimate"),
            route=self.route(d.get("route")),
            notes=tuple(self.note(n, i) for i, n in enumerate(self.items(d, "notes"))),
            path=str(self.path),
        )

    def items(self, d: dict[str, Any], key: str) -> list[Any]:
        value = d.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "应为列表")
        return value

    def flag(self, d: dict[str, Any], key: str) -> bool:
        value = d.get(key, False)
        if not isinstance(value, bool):
            raise self.fail("顶层", f"{key} 应为 true/false")
        return value

    def strings(self, value: Any, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, "应为非空字符串的列表")
        return [v.strip() for v in value]

    def criterion(self, data: Any, i: int) -> Criterion:
        where = _where("criteria", i, data)
        d = self.keys(data, where, _CRIT_KEYS, _CRIT_OPTIONAL)
        ident = self.text(d, "id", where)
        if not _ID.fullmatch(ident):
            raise self.fail(where, f"id {ident!r} 只能含小写字母、数字和下划线")
        spec = {"statement": d["statement"], "rule": d["rule"], "fields": d.get("fields", [])}
        cond = self.condition(spec, where)
        return Criterion(
            id=ident, statement=cond.statement, fields=cond.fields, rule=cond.rule, args=cond.args,
            source=self.source(d["source"], f"{where}.source"),
            provide=self.text(d, "provide", where, ""), alternative=self.text(d, "alternative", where, ""),
        )

    def condition(self, data: Any, where: str) -> Condition:
        d = self.keys(data, where, {"statement", "rule"}, {"fields"})
        rule, args = self.rule(d["rule"], where)
        names = tuple(self.strings(d.get("fields", []), f"{where}.fields")) if d.get("fields") else ()
        if rule == "manual":
            if names:
                raise self.fail(where, "manual 规则不读取 profile 字段；请删去 fields")
            return Condition(self.text(d, "statement", where), (), rule, ())
        if len(names) != 1:
            raise self.fail(where, f"规则 {rule} 须恰好读取一个 profile 字段（fields: [..]）")
        name = names[0]
        if name not in PROFILE_FIELDS:
            raise self.fail(where, f"未知的 profile 字段 {name!r}；可用：{', '.join(PROFILE_FIELDS)}")
        self.check_args(PROFILE_FIELDS[name], rule, args, where)
        return Condition(self.text(d, "statement", where), names, rule, args)

    def rule(self, raw: Any, where: str) -> tuple[str, tuple[Any, ...]]:
        if isinstance(raw, str):
            name, arg = raw, None
        elif isinstance(raw, dict) and len(raw) == 1:
            name, arg = next(iter(raw.items()))
        else:
            raise self.fail(where, f"rule 应为规则名或 {{规则名: 参数}}；可用规则：{', '.join(RULES)}")
        if name not in RULES:
            raise self.fail(where, f"未知的规则类型 {name!r}；可用规则：{', '.join(RULES)}")
        if name in ("is_true", "is_false", "manual"):
            if arg is not None:
                raise self.fail(where, f"规则 {name} 不带参数")
            return name, ()
        args = tuple(arg) if isinstance(arg, list) else (arg,)
        if not args or any(a is None for a in args) or (name in ("equals", "min", "max") and len(args) != 1):
            raise self.fail(where, f"规则 {name} 的参数不合法：{arg!r}")
        return name, args

    def check_args(self, spec: FieldSpec, rule: str, args: tuple[Any, ...], where: str) -> None:
        if spec.kind not in _RULE_KINDS[rule] or (rule == "industry_in" and spec.name != "industry"):
            raise self.fail(where, f"规则 {rule} 不能用于字段 {spec.name}（{spec.kind}）")
        if rule in ("min", "max"):
            if not all(isinstance(a, int | float) and not isinstance(a, bool) for a in args):
                raise self.fail(where, f"规则 {rule} 的参数须为数字")
            return
        vocabularies = {"has_title": TITLES, "lacks_title": TITLES, "industry_in": INDUSTRY_TAGS}
        vocabulary = vocabularies.get(rule, spec.allowed)
        if vocabulary and any(a not in vocabulary for a in args):
            bad = [a for a in args if a not in vocabulary]
            raise self.fail(where, f"{bad} 不在字段 {spec.name} 的可选值中：{'、'.join(vocabulary)}")
        if not all(isinstance(a, str) for a in args):
            raise self.fail(where, f"规则 {rule} 的参数须为字符串")

    def source(self, data: Any, where: str) -> Source:
        d = self.keys(data, where, _SOURCE_KEYS, _SOURCE_OPTIONAL)
        authority = self.text(d, "authority", where, "official")
        if authority not in AUTHORITIES:
            raise self.fail(where, f"authority 应为 {' / '.join(AUTHORITIES)}")
        quote = self.text(d, "quote", where)
        if not 10 <= len(normalize_for_match(quote)) <= 40:
            size = len(normalize_for_match(quote))
            raise self.fail(where, f"quote 应为 10–40 字的原文片段（去空白后计），现为 {size} 字")
        if authority == "summary" and not d.get("quoted_in"):
            raise self.fail(where, "authority: summary 的依据须用 quoted_in 写明摘要所在的语料文件标题")
        return Source(
            doc=self.text(d, "doc", where), clause=self.text(d, "clause", where),
            region=self.text(d, "region", where),
            quote=quote, doc_no=self.text(d, "doc_no", where, ""), authority=authority,
            quoted_in=self.text(d, "quoted_in", where, ""), url=self.text(d, "url", where, ""),
        )

    def estimate(self, data: Any, i: int) -> EstimateRule:
        where = _where("estimates", i, data)
        d = self.keys(data, where, _EST_KEYS, _EST_OPTIONAL)
        kinds = [k for k in ("amount", "range", "rate") if k in d]
        if len(kinds) != 1:
            raise self.fail(where, "须且只能有 amount、range、rate 之一")
        nums = {k: self.number(d, k, where) for k in ("amount", "rate", "min_base", "max_base", "cap")
                if k in d}
        span = d.get("range")
        if span is not None and not (isinstance(span, list) and len(span) == 2 and all(
                isinstance(x, int | float) and not isinstance(x, bool) for x in span) and span[0] <= span[1]):
            raise self.fail(where, "range 应为 [下限, 上限]（万元）")
        base = self.text(d, "base", where, "")
        if "rate" in d and (base not in PROFILE_FIELDS or PROFILE_FIELDS[base].kind != "number"):
            raise self.fail(where, f"rate 须配 base（数值型 profile 字段，如 investment_wan），收到 {base!r}")
        return EstimateRule(
            id=self.text(d, "id", where), label=self.text(d, "label", where),
            source=self.source(d["source"], f"{where}.source"),
            when=self.condition(d["when"], f"{where}.when") if "when" in d else None,
            range=(float(span[0]), float(span[1])) if span else None, base=base, **nums,
        )

    def number(self, d: dict[str, Any], key: str, where: str) -> float:
        value = d[key]
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise self.fail(where, f"{key} 应为非负数字")
        return float(value)

    def route(self, data: Any) -> Route:
        if data is None:
            return Route(())
        d = self.keys(data, "route", {"steps"}, {"source"})
        src = self.source(d["source"], "route.source") if "source" in d else None
        return Route(tuple(self.strings(d["steps"], "route.steps")), src)

    def note(self, data: Any, i: int) -> Note:
        d = self.keys(data, f"notes[{i}]", {"text", "source"}, set())
        return Note(self.text(d, "text", f"notes[{i}]"), self.source(d["source"], f"notes[{i}].source"))


# ----------------------------------------------------------------------------- evaluation
def evaluate(
    profile: Profile, programmes: Sequence[Programme], only: list[str] | None = None
) -> list[ProgrammeVerdict]:
    """Check a profile against programmes.

    Args:
        profile: What we know about the applicant.
        programmes: From `load_programmes`.
        only: Programme ids to check (default: all), in the order of `programmes`.

    Returns:
        One verdict per programme checked.

    Raises:
        BadInput: when `only` names an unknown programme id (the message lists the known ids).
    """
    if only is not None:
        known = [p.id for p in programmes]
        missing = [i for i in only if i not in known]
        if missing:
            raise BadInput(f"未知的项目 id {missing}；可选：{', '.join(known)}")
        programmes = [p for p in programmes if p.id in set(only)]
    return [_verdict(profile, p) for p in programmes]


def _verdict(profile: Profile, prog: Programme) -> ProgrammeVerdict:
    results = tuple(_criterion_result(profile, c) for c in prog.criteria)
    status = _combine(r.status for r in results)
    estimates: tuple[EstimateResult, ...] = ()
    if status != "not_eligible":
        estimates = tuple(_estimate(profile, e) for e in prog.estimates)
    summary = _summary(status, results)
    if prog.requires_estimate and status != "not_eligible":
        status, summary = _reward_status(status, summary, estimates)
    return ProgrammeVerdict(
        prog.id, prog.name, prog.region, status, summary, results, estimates, prog.route, prog.notes
    )


def _combine(statuses: Any) -> str:
    seen = set(statuses)
    if "not_met" in seen:
        return "not_eligible"
    return "needs_info" if "unknown" in seen else "eligible"


def _summary(status: str, results: tuple[CriterionResult, ...]) -> str:
    if status == "not_eligible":
        return "不符合：" + "；".join(r.statement for r in results if r.status == "not_met")
    data = [r for r in results if r.status == "unknown" and not r.manual]
    manual = [r for r in results if r.status == "unknown" and r.manual]
    parts = []
    if data:
        parts.append("需补充信息：" + "；".join(r.statement for r in data))
    if manual:
        parts.append(f"另有 {len(manual)} 项需提供材料自证")
    return "，".join(parts) if parts else "可核对的条件均已满足"


def _reward_status(status: str, summary: str, estimates: tuple[EstimateResult, ...]) -> tuple[str, str]:
    if any(e.status == "applies" for e in estimates):
        return status, summary
    if any(e.status == "conditional" for e in estimates):
        return "needs_info", summary + "；奖补档次的条件待确认"
    return "not_eligible", "不满足任一奖补档次的条件：" + "；".join(e.reason for e in estimates)


_ALTERNATIVE_PROVIDE = "请提供满足上述例外的依据，或向主管部门确认"


def _criterion_result(profile: Profile, crit: Criterion) -> CriterionResult:
    def result(status: str, reason: str, provide: str = "") -> CriterionResult:
        return CriterionResult(crit.id, crit.statement, status, reason, provide, crit.source, crit.fields,
                               crit.rule == "manual")

    if crit.rule == "manual":
        return result("unknown", "需企业提供材料自证", crit.provide or f"请准备材料证明：{crit.statement}")
    status, reason = _check(profile, crit.fields[0], crit.rule, crit.args)
    if status == "unknown":
        return result(status, reason, crit.provide or PROFILE_FIELDS[crit.fields[0]].ask)
    if status == "not_met" and crit.alternative:
        return result("unknown", f"{reason}；但{crit.alternative}", _ALTERNATIVE_PROVIDE)
    return result(status, reason)


def _check(profile: Profile, name: str, rule: str, args: tuple[Any, ...]) -> tuple[str, str]:
    """(met | not_met | unknown, reason in Chinese) for one typed rule."""
    spec = PROFILE_FIELDS[name]
    if rule in ("has_title", "lacks_title"):
        return _check_titles(profile, rule, args)
    value = profile.value(name)
    if value is None:
        return "unknown", f"未提供{spec.label}"
    if rule == "industry_in":
        hit = [t for t in args if t in industry_tags(value)[1]]
        if hit:
            return "met", f"所属行业“{value}”属于{'、'.join(hit)}"
        return "not_met", f"所属行业“{value}”不在所列产业（{'、'.join(args)}）之内"
    if rule in ("is_true", "is_false"):
        return ("met" if value is (rule == "is_true") else "not_met"), (spec.yes if value else spec.no)
    return _COMPARE[rule](spec, value, args)


def _check_titles(profile: Profile, rule: str, args: tuple[Any, ...]) -> tuple[str, str]:
    held = profile.titles_held()
    if held is None:
        return "unknown", "未提供已获称号"
    hit = [t for t in args if t in held]
    if rule == "has_title":
        return ("met", f"已获{'、'.join(hit)}") if hit else ("not_met", f"尚未获得{'或'.join(args)}")
    return ("not_met", f"已获{'、'.join(hit)}") if hit else ("met", f"未获{'、'.join(args)}")


def describe(name: str, value: Any) -> str:
    """A profile value as a person reads it: 1 → "1年", 3 → "三级", True → "是", ("a", "b") → "a、b"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple | list):
        return "、".join(map(str, value)) or "无"
    return _show(PROFILE_FIELDS[name], value)


def _show(spec: FieldSpec, value: Any) -> str:
    if spec.name in ("maturity_level", "sme_digital_level"):
        return f"{_CN_DIGITS[int(value)]}级" if value else "未达一级"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{_num(value)}{spec.unit}"
    return str(value)


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _cmp_equals(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    if value == args[0]:
        return "met", f"{spec.label}为{_show(spec, value)}"
    return "not_met", f"{spec.label}为{_show(spec, value)}，本项目要求{args[0]}"


def _cmp_in(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    if value in args:
        return "met", f"{spec.label}为{_show(spec, value)}"
    return "not_met", f"{spec.label}为{_show(spec, value)}，不在{'、'.join(map(str, args))}之列"


def _cmp_min(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    need = _show(spec, args[0])
    if value >= args[0]:
        return "met", f"{spec.label}为{_show(spec, value)}，达到{need}及以上"
    return "not_met", f"{spec.label}为{_show(spec, value)}，低于要求的{need}"


def _cmp_max(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    need = _show(spec, args[0])
    if value <= args[0]:
        return "met", f"{spec.label}为{_show(spec, value)}，未超过{need}"
    return "not_met", f"{spec.label}为{_show(spec, value)}，超过上限{need}"


_COMPARE = {"equals": _cmp_equals, "in": _cmp_in, "min": _cmp_min, "max": _cmp_max}


def _estimate(profile: Profile, rule: EstimateRule) -> EstimateResult:
    status, reason = "applies", ""
    if rule.when is not None:
        if rule.when.rule == "manual":
            status, reason = "conditional", f"须满足：{rule.when.statement}"
        else:
            cond, why = _check(profile, rule.when.fields[0], rule.when.rule, rule.when.args)
            status = {"met": "applies", "unknown": "conditional", "not_met": "not_applicable"}[cond]
            reason = why if cond != "unknown" else f"须满足：{rule.when.statement}（{why}）"
    base = EstimateResult(rule.id, rule.label, status, _formula(rule), reason, rule.source)
    if status == "not_applicable":
        return base
    if rule.amount is not None:
        return _replace(base, amount_wan=rule.amount)
    if rule.range is not None:
        return _replace(base, low_wan=rule.range[0], high_wan=rule.range[1])
    return _rate_estimate(profile, rule, base)


def _formula(rule: EstimateRule) -> str:
    """The rule in words, before any profile value is put in."""
    if rule.amount is not None:
        return f"定额 {_num(rule.amount)} 万元"
    if rule.range is not None:
        return f"{_num(rule.range[0])}–{_num(rule.range[1])} 万元"
    assert rule.rate is not None
    label = PROFILE_FIELDS[rule.base].label
    bounds = "".join([
        f"，{label}不低于{_num(rule.min_base)}万元" if rule.min_base is not None else "",
        f"，不高于{_num(rule.max_base)}万元" if rule.max_base is not None else "",
        f"，最高 {_num(rule.cap)} 万元" if rule.cap is not None else "",
    ])
    return f"{label} × {_num(rule.rate * 100)}%{bounds}"


def _rate_estimate(profile: Profile, rule: EstimateRule, base: EstimateResult) -> EstimateResult:
    assert rule.rate is not None
    spec = PROFILE_FIELDS[rule.base]
    value = profile.value(rule.base)
    if value is None:
        return _replace(base, reason="；".join(filter(None, [base.reason, f"提供{spec.label}即可估算"])))
    too_low = rule.min_base is not None and value < rule.min_base
    too_high = rule.max_base is not None and value > rule.max_base
    if too_low or too_high:
        limit = (f"低于{_num(rule.min_base or 0)}万元门槛" if too_low
                 else f"超过本档上限{_num(rule.max_base or 0)}万元")
        return _replace(base, status="not_applicable", reason=f"{spec.label}{_num(value)}万元，{limit}")
    raw = value * rule.rate
    amount = min(raw, rule.cap) if rule.cap is not None else raw
    capped = f"，封顶 {_num(rule.cap)} 万元" if rule.cap is not None and raw > rule.cap else ""
    formula = f"{_num(value)} 万元 × {_num(rule.rate * 100)}% ≈ {_num(amount)} 万元{capped}"
    return _replace(base, formula=formula, amount_wan=round(amount, 2))


def _replace(result: EstimateResult, **changes: Any) -> EstimateResult:
    return EstimateResult(**{**{f.name: getattr(result, f.name) for f in fields(result)}, **changes})


# ----------------------------------------------------------------------------- export
ICONS = {
    "met": "✅", "not_met": "❌", "unknown": "❔",
    "eligible": "✅", "not_eligible": "❌", "needs_info": "❔",
    "applies": "✅", "not_applicable": "❌", "conditional": "❔",
}
_VERDICT_LABEL = {
    "eligible": "符合（可核对条件均满足）", "not_eligible": "不符合", "needs_info": "需补充信息",
}
_FOOTER = (
    "> 标“摘要”的依据来自语料登记表/摘要，非官方原文；manual 项需企业按原文准备材料。"
    "以当年申报通知为准。"
)


def to_dict(verdicts: Sequence[ProgrammeVerdict]) -> dict[str, Any]:
    """JSON-ready verdicts: {"verdicts": [...]}."""
    return {"verdicts": [v.to_dict() for v in verdicts]}


def to_markdown(verdicts: Sequence[ProgrammeVerdict]) -> str:
    """A ✅ / ❌ / ❔ checklist per programme with clause and 文号 on every row (exportable).

    Args:
        verdicts: From `evaluate`.

    Returns:
        Markdown text.
    """
    out = ["# 申报条件自查", ""]
    for v in verdicts:
        out += [f"## {ICONS[v.status]} {v.name}（{v.region}）：{v.status_label}", "", v.summary, "",
                "| | 条件 | 说明 | 依据条款 | 文号 |", "|---|---|---|---|---|"]
        for r in v.results:
            note = r.reason + (f"。{r.provide}" if r.status == "unknown" else "")
            out.append(_row(ICONS[r.status], r.statement, note, _clause(r.source), r.source.doc_no))
        if v.estimates:
            out += ["", "**奖补估算**（万元；“不超过”类按上限估算，以审核结果为准）", "",
                    "| | 档次 | 估算 | 说明 | 依据条款 | 文号 |", "|---|---|---|---|---|---|"]
            out += [_row(ICONS[e.status], e.label, e.formula, e.reason, _clause(e.source), e.source.doc_no)
                    for e in v.estimates]
        if v.route.steps:
            out += ["", "**申报路径**：" + " → ".join(v.route.steps)]
            if v.route.source:
                out.append(f"（依据：{v.route.source.cite()}）")
        if v.notes:
            out += ["", "**备注**", "", *[f"- {n.text}（依据：{n.source.cite()}）" for n in v.notes]]
        out.append("")
    out.append(_FOOTER)
    return "\n".join(out) + "\n"


def _clause(src: Source) -> str:
    return f"《{src.doc}》{src.clause}" + ("（摘要）" if src.authority == "summary" else "")


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
