"""The closed vocabularies a profile and the programme files use: places, sectors, titles, industries.

Values outside these sets are refused at the boundary (`Profile.from_dict`, `load_programmes`), so
the rules only ever compare known words.
"""

from __future__ import annotations

__all__ = [
    "ABROAD", "APPLICANT_KINDS", "CITY_PROVINCE", "INDUSTRY_MAP", "INDUSTRY_TAGS", "NATIONAL", "OTHER_SECTOR",
    "PROJECT_KINDS", "PROVINCES", "REGION_FIELDS", "SECTORS", "TITLES", "TITLE_ALIASES", "TITLE_IMPLIES",
    "industry_tags", "normalise_province",
]

NATIONAL = "全国"  # the region of a national programme
REGION_FIELDS = ("province", "city")  # the profile fields that place the applicant
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
