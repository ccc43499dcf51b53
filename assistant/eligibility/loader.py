"""Programme YAML files → validated `Programme`s; every error names the file and the place in it.

One file per programme in ``assistant/programmes`` (packaged as ``programmes/*.yaml``); see
docs/eligibility.md for the format and how to add a programme.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from assistant.core.text import normalize_for_match
from assistant.domain import AUTHORITIES
from assistant.eligibility.fields import FieldSpec, parse_field_spec
from assistant.eligibility.model import (
    RULE_KINDS,
    RULES,
    Condition,
    Criterion,
    EstimateRule,
    Lowered,
    Note,
    Programme,
    Route,
    Source,
)
from assistant.eligibility.profile import PROFILE_FIELDS
from assistant.eligibility.vocabulary import INDUSTRY_TAGS, is_region
from assistant.errors import ConfigError

__all__ = ["PROGRAMMES_DIR", "load_programmes", "programme_from_data"]

# The YAML files stay in the `assistant` package (pyproject package-data "programmes/*.yaml").
PROGRAMMES_DIR = Path(__file__).resolve().parent.parent / "programmes"


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


def programme_from_data(data: dict[str, Any]) -> Programme:
    """One programme from its parsed YAML mapping (a draft made in memory), validated like a file.

    Raises:
        ConfigError: as `load_programmes` does, naming the programme id as the file.
    """
    ident = str(data.get("id", "programme"))
    return _Loader(Path(f"{ident}.yaml")).programme(data)


def _load_file(path: Path) -> Programme:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ConfigError(f"{path.name}：YAML 无法解析（{e}）；请修正语法") from e
    return _Loader(path).programme(data)


_PROG_KEYS = {"id", "name", "region", "level", "kind", "doc", "criteria"}
_PROG_OPTIONAL = {"doc_no", "url", "keywords", "estimates", "requires_estimate", "route", "notes", "draft", "fields",
                  "materials", "deadline", "validity", "title_implies"}
_CRIT_KEYS, _CRIT_OPTIONAL = {"id", "statement", "rule", "source"}, {"fields", "provide", "alternative", "lowered"}
_SOURCE_KEYS = {"doc", "clause", "region", "quote"}
_SOURCE_OPTIONAL = {"doc_no", "authority", "quoted_in", "url"}
_EST_KEYS = {"id", "label", "source"}
_EST_OPTIONAL = {"when", "amount", "range", "rate", "base", "min_base", "max_base", "cap", "less_received"}
# A reviewed quote is 10–40 characters (after removing whitespace): enough to find again, short
# enough to read. A draft's quote is one clause piece as the document words it, which may be shorter.
QUOTE_MIN, QUOTE_MAX = 10, 40
DRAFT_QUOTE_MIN = 4
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
        self.fields: dict[str, FieldSpec] = dict(PROFILE_FIELDS)
        self.draft = False

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
        self.draft = self.flag(d, "draft")
        for i, spec in enumerate(self.items(d, "fields")):  # fields this programme declares for itself
            parsed = parse_field_spec(spec, f"{self.path.name}：fields[{i}]")
            if parsed.name in PROFILE_FIELDS:
                raise self.fail(f"fields[{i}]", f"字段 {parsed.name} 已是通用字段；请改名或删去")
            self.fields[parsed.name] = parsed
        ident = self.text(d, "id", "顶层")
        if ident != self.path.stem or not _ID.fullmatch(ident):
            raise self.fail(
                "顶层", f"id {ident!r} 须与文件名 {self.path.stem!r} 相同，且只含小写字母、数字和下划线"
            )
        region, level, kind = (self.text(d, k, "顶层") for k in ("region", "level", "kind"))
        if not is_region(region):
            raise self.fail("顶层", f"region {region!r} 应为 全国，或地名库中的省份、城市（如 浙江、宁波）")
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
            path=str(self.path), draft=self.draft, **self.extras(d),
            fields=tuple(v for k, v in self.fields.items() if k not in PROFILE_FIELDS),
        )

    def extras(self, d: dict[str, Any]) -> dict[str, Any]:
        """The checklist, deadline, validity and title equivalences, each with its clause."""
        out: dict[str, Any] = {}
        if "materials" in d:
            m = self.keys(d["materials"], "materials", {"items"}, {"source"})
            out["materials"] = tuple(self.strings(m["items"], "materials.items"))
            out["materials_source"] = self.source(m["source"], "materials.source") if "source" in m else None
        for key, value_key in (("deadline", "date"), ("validity", "text")):
            if key in d:
                m = self.keys(d[key], key, {value_key, "source"}, set())
                out[key] = self.text(m, value_key, key)
                out[f"{key}_source"] = self.source(m["source"], f"{key}.source")
        implies = []
        for i, item in enumerate(self.items(d, "title_implies")):
            where = f"title_implies[{i}]"
            m = self.keys(item, where, {"title", "counts_as", "source"}, set())
            implies.append((self.text(m, "title", where), tuple(self.strings(m["counts_as"], where)),
                            self.source(m["source"], f"{where}.source")))
        out["title_implies"] = tuple(implies)
        return out

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
            lowered=self.lowered(d.get("lowered"), cond, f"{where}.lowered"),
        )

    def lowered(self, data: Any, cond: Condition, where: str) -> Lowered | None:
        if data is None:
            return None
        if cond.rule != "min":
            raise self.fail(where, "lowered 只用于 min 规则（门槛降低）")
        d = self.keys(data, where, {"when", "value", "source"}, set())
        return Lowered(self.condition(d["when"], f"{where}.when"), self.number(d, "value", where),
                       self.source(d["source"], f"{where}.source"))

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
        if name not in self.fields:
            raise self.fail(where, f"未知的 profile 字段 {name!r}；可用：{', '.join(self.fields)}（或在 fields 中声明）")
        self.check_args(self.fields[name], rule, args, where)
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
        if spec.kind not in RULE_KINDS[rule] or (rule == "industry_in" and spec.name != "industry"):
            raise self.fail(where, f"规则 {rule} 不能用于字段 {spec.name}（{spec.kind}）")
        if rule in ("min", "max"):
            if not all(isinstance(a, int | float) and not isinstance(a, bool) for a in args):
                raise self.fail(where, f"规则 {rule} 的参数须为数字")
            return
        if rule in ("has_title", "lacks_title"):  # titles are open: any non-empty name
            if not all(isinstance(a, str) and a.strip() for a in args):
                raise self.fail(where, f"规则 {rule} 的参数须为称号名称")
            return
        vocabulary = INDUSTRY_TAGS if rule == "industry_in" else spec.allowed
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
        low = DRAFT_QUOTE_MIN if self.draft else QUOTE_MIN
        if not low <= len(normalize_for_match(quote)) <= QUOTE_MAX:
            size = len(normalize_for_match(quote))
            raise self.fail(where, f"quote 应为 {low}–{QUOTE_MAX} 字的原文片段（去空白后计），现为 {size} 字")
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
        if "rate" in d and (base not in self.fields or self.fields[base].kind != "number"):
            raise self.fail(where, f"rate 须配 base（数值型 profile 字段，如 investment_wan），收到 {base!r}")
        conditions = d.get("when")
        conditions = [] if conditions is None else (conditions if isinstance(conditions, list) else [conditions])
        whens = [self.condition(c, f"{where}.when[{j}]") for j, c in enumerate(conditions)]
        return EstimateRule(
            id=self.text(d, "id", where), label=self.text(d, "label", where),
            source=self.source(d["source"], f"{where}.source"),
            when=whens[0] if whens else None, also=tuple(whens[1:]), less_received=self.flag(d, "less_received"),
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
