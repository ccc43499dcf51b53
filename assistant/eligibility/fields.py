"""Profile field specs as data: `fields.yaml` (packaged) plus the fields a programme file declares.

A field spec says what a field holds (type, unit, allowed values), how it reads (label, yes/no) and
what to ask when it is unknown; `terms` are the words official documents use for it, which the
drafter types conditions by. Adding a field is adding an entry to the YAML, not code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from assistant.errors import ConfigError

__all__ = ["FIELD_KINDS", "FieldSpec", "base_fields", "parse_field_spec"]

FIELD_KINDS = ("bool", "int", "number", "choice", "text", "titles")
_KEYS = {"name", "type", "label", "meaning", "ask", "allowed", "lo", "hi", "unit", "if_true", "if_false", "terms", "states"}


@dataclass(frozen=True)
class FieldSpec:
    """What a profile field holds; drives validation, rule checks, messages, the drafter and the docs."""

    name: str
    kind: str  # bool | int | number | choice | text | titles
    label: str
    meaning: str = ""
    ask: str = ""
    allowed: tuple[str, ...] = ()  # choice values; for a grade, best first
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    yes: str = ""
    no: str = ""
    terms: tuple[str, ...] = ()  # the words documents use for this field
    states: str = ""  # "absence": documents state the condition as an absence (未发生…事故 → false)


def parse_field_spec(data: Any, where: str) -> FieldSpec:
    """One field spec from its YAML mapping.

    Raises:
        ConfigError: naming `where` and the field when a key is unknown or a value has the wrong type.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise ConfigError(f"{where}：字段定义应为含 name 的映射")
    name = data["name"]
    extra = set(data) - _KEYS
    if extra:
        raise ConfigError(f"{where}：字段 {name} 有未知的键 {sorted(extra)}；可用：{sorted(_KEYS)}")
    kind = data.get("type")
    if kind not in FIELD_KINDS:
        raise ConfigError(f"{where}：字段 {name} 的 type 应为 {'/'.join(FIELD_KINDS)}，收到 {kind!r}")
    if not isinstance(data.get("label"), str) or not data["label"]:
        raise ConfigError(f"{where}：字段 {name} 缺少 label")
    if kind == "choice" and not data.get("allowed"):
        raise ConfigError(f"{where}：choice 字段 {name} 须列出 allowed")
    return FieldSpec(
        name=name, kind=kind, label=data["label"], meaning=str(data.get("meaning", "")),
        ask=str(data.get("ask", "")) or f"请提供{data['label']}",
        allowed=tuple(str(v) for v in data.get("allowed") or ()),
        lo=_num(data.get("lo")), hi=_num(data.get("hi")), unit=str(data.get("unit", "")),
        yes=str(data.get("if_true", "")), no=str(data.get("if_false", "")),
        terms=tuple(str(t) for t in data.get("terms") or ()), states=str(data.get("states", "")),
    )


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


@cache
def base_fields() -> dict[str, FieldSpec]:
    """The packaged field specs (assistant/eligibility/fields.yaml), in file order."""
    text = resources.files("assistant.eligibility").joinpath("fields.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return _index(parse_field_spec(d, "fields.yaml") for d in data["fields"])


def _index(specs: Iterable[FieldSpec]) -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for spec in specs:
        if spec.name in out:
            raise ConfigError(f"字段 {spec.name} 定义了两次")
        out[spec.name] = spec
    return out
