"""What we know about an applicant: the profile fields, their validation, and how values read.

The fields are data (`fields.yaml`, see `assistant.eligibility.fields`); a programme file may
declare more. `PROFILE_FIELDS` drives `Profile.from_dict` (parsing and checks at the boundary), the
rule checks' wording, the questions asked when a value is unknown, the drafter and the docs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.eligibility.fields import FieldSpec, base_fields
from assistant.eligibility.vocabulary import (
    CITY_PROVINCE,
    TITLES,
    canonical_title,
    industry_tags,
    normalise_province,
    province_of,
)
from assistant.errors import BadInput

__all__ = ["PROFILE_FIELDS", "FieldSpec", "Profile", "describe", "format_number", "show_value"]

def _with_title_suggestions(specs: Mapping[str, FieldSpec]) -> dict[str, FieldSpec]:
    """Titles are open; the forms and API still offer the common ones (vocabulary.yaml) to pick from."""
    out = dict(specs)
    if "titles" in out:
        out["titles"] = replace(out["titles"], allowed=TITLES)
    return out


PROFILE_FIELDS: Mapping[str, FieldSpec] = _with_title_suggestions(base_fields())
_CN_DIGITS = "零一二三四五六七八九"
_YI = 10_000  # 万元 in one 亿元
_TRUE = {"是", "有", "true", "yes", "y", "1"}
_FALSE = {"否", "无", "没有", "不是", "false", "no", "n", "0"}


@dataclass(frozen=True, init=False)
class Profile:
    """What we know about the applicant; every field may be unknown (None).

    Fields are read as attributes (`profile.province`) or with `value(name)`. Build it with
    `Profile.from_dict` at a boundary (API, CLI, free text) so values are checked.
    """

    items: tuple[tuple[str, Any], ...]

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "items", tuple(sorted((k, v) for k, v in values.items() if v is not None)))

    def __getattr__(self, name: str) -> Any:
        values = dict(object.__getattribute__(self, "items"))
        if name in values:
            return values[name]
        if name in PROFILE_FIELDS:
            return None  # a known field, unknown value (fields programmes declare: read them with value())
        raise AttributeError(f"Profile has no field {name!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], fields: Mapping[str, FieldSpec] | None = None) -> Profile:
        """Validate a mapping of field → value into a Profile.

        Missing keys and None are unknown. Booleans also accept 是/否, numbers numeric strings,
        province long names (黑龙江省). A city fills in its province (gazetteer); a branch
        (independent_legal_entity false) has 0 years as a legal entity; given legal-entity years
        imply an independent legal entity.

        Args:
            data: Field names as in PROFILE_FIELDS (or `fields`).
            fields: The field specs to validate against (default PROFILE_FIELDS; programmes may add).

        Returns:
            The profile.

        Raises:
            BadInput: naming the field and the values it allows.
        """
        specs = fields or PROFILE_FIELDS
        unknown = sorted(set(data) - set(specs))
        if unknown:
            raise BadInput(f"未知的 profile 字段 {unknown}；可用字段：{', '.join(specs)}")
        values = {k: _parse_value(specs[k], v) for k, v in data.items() if v is not None and v != ""}
        return cls(**_complete(values))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields (every base field, unknown ones None)."""
        d: dict[str, Any] = dict.fromkeys(PROFILE_FIELDS)
        d.update(self.items)
        if d.get("titles") is not None:
            d["titles"] = list(d["titles"])
        return d

    def value(self, name: str) -> Any:
        """The value a rule reads: `sector` falls back on the industry mapping."""
        if name == "sector" and self.sector is None and self.industry:
            return industry_tags(self.industry)[0]
        return dict(self.items).get(name)

    def titles_held(self, implies: Mapping[str, Sequence[str]] | None = None) -> frozenset[str] | None:
        """Titles held, with those they count as (`implies`, declared by programme files); None when unknown."""
        if self.titles is None:
            return None
        held = set(self.titles)
        for title in self.titles:
            held.update((implies or {}).get(title, ()))
        return frozenset(held)

    def known(self) -> dict[str, Any]:
        """The fields that are known."""
        return {k: (list(v) if k == "titles" else v) for k, v in self.items}


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
    if spec.allowed and all(len(a) == 1 for a in spec.allowed):
        text = text.upper().rstrip("级类")  # a grade: "b级" → B
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
        if not isinstance(item, str) or not item.strip():
            raise BadInput(f"字段 titles 中的 {item!r} 应为称号名称（非空文字）")
        out.append(canonical_title(item))  # titles are open: any title a document names
    return tuple(dict.fromkeys(out))


def _complete(values: dict[str, Any]) -> dict[str, Any]:
    """Cross-field inferences and consistency checks."""
    city, province = values.get("city"), values.get("province")
    home = (CITY_PROVINCE.get(city) or province_of(city)) if isinstance(city, str) else ""
    if city and home and home != city:
        if province is not None and province != home:
            raise BadInput(f"字段 city={city} 属于 {home}，与 province={province} 不一致；请更正其一")
        values["province"] = home
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
        if spec.unit == "万元" and abs(value) >= _YI and value % (_YI / 10) == 0:
            return f"{format_number(value / _YI)}亿元"  # 20000万元 reads 2亿元, as documents write it
        return f"{format_number(value)}{spec.unit}"
    return str(value)


def format_number(x: float) -> str:
    """At most two decimals, no trailing zeros: 50.0 → "50", 12.5 → "12.5"."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
