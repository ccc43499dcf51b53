"""Drafts as others use them: the flat `--json` view for tools (`flat_view`) and programme files in
the YAML schema of assistant/programmes with `draft: true` (`to_programme_data`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.core.text import normalize_for_match
from assistant.eligibility.conditions import Drafted, fit_quote
from assistant.eligibility.draft import DraftProgramme, short_title
from assistant.eligibility.fields import FieldSpec, base_fields
from assistant.eligibility.rewards import Reward

__all__ = ["flat_view", "statement_of", "to_programme_data"]


# ----------------------------------------------------------------------------- views
def statement_of(c: Drafted, specs: Mapping[str, FieldSpec] | None = None) -> str:
    """A condition in words (独立法人年限不低于3年); a qualitative one in the document's own words."""
    spec = (specs or base_fields()).get(c.field or "")
    if spec is None or c.op == "qualitative":
        return c.quote
    value = "、".join(map(str, c.value)) if isinstance(c.value, list | tuple) else str(c.value)
    return {
        "min": f"{spec.label}不低于{value}{c.unit}", "max": f"{spec.label}不超过{value}{c.unit}",
        "equals": f"{spec.label}为{value}", "in": f"{spec.label}为{value}",
        "is_true": spec.yes or spec.label, "is_false": spec.no or f"无{spec.label}",
        "has_title": f"已获{value.replace('、', '或')}",
    }.get(c.op, c.quote)


def _criterion_view(c: Drafted, clause: str, ident: str) -> dict[str, Any]:
    return {"id": ident, "statement": statement_of(c), "field": c.field, "op": c.op, "value": c.value,
            "unit": c.unit, "quote": c.quote, "clause": clause}


def _reward_view(r: Reward, clause: str, when: list[Drafted]) -> dict[str, Any]:
    return {"kind": r.kind, "rate": r.rate, "base": r.base, "floor_wan": None, "cap_wan": r.cap_wan,
            "amount_wan": r.amount_wan, "when": [_criterion_view(c, clause, "") for c in when],
            "quote": r.quote, "clause": clause}


def flat_view(drafts: Sequence[DraftProgramme]) -> dict[str, Any]:
    """The `--json` view: {"programmes": [{id, title, region, criteria, reward, rewards, materials,
    steps, deadline, validity}]}; `reward` is the main rule (the first rate or amount) or null."""
    out = []
    for p in drafts:
        rewards = [_reward_view(r, c, w) for r, c, w in p.rewards]
        main = next((x for x in rewards if not [w for w in x["when"] if w["quote"] != x["quote"]]),
                    rewards[0] if rewards else None)  # the rule with no condition but the programme's title
        floor = next((c.value for c, _ in p.criteria if c.field == "investment_wan" and c.op == "min"), None)
        if main is not None and main["rate"] is not None and floor is not None:
            main = {**main, "floor_wan": floor}
        criteria = [_criterion_view(c, clause, f"{p.id}_c{i}") for i, (c, clause) in enumerate(p.criteria, 1)]
        for i, (who, value, quote, clause) in p.lowered.items():
            criteria[i]["lowered"] = {"for": who, "value": value, "quote": quote, "clause": clause}
        out.append({
            "id": p.id, "title": p.name, "region": p.region, "doc": p.doc.title, "doc_no": p.doc.doc_no,
            "criteria": criteria,
            "reward": main, "rewards": rewards,
            "notes": [{"kind": k, "quote": q, "clause": c} for k, q, c in p.notes],
            "materials": p.materials, "steps": p.steps,
            "deadline": p.deadline, "validity": p.validity,
        })
    return {"programmes": out}


# ----------------------------------------------------------------------------- programme files
_RULE_OPS = ("min", "max", "equals", "in", "has_title")
_MONEY_BASE_DEFAULT = "investment_wan"  # 按…投入/投资额的X%: the base most reward rules name


def _base_field(words: str, specs: Mapping[str, FieldSpec]) -> str:
    """The number field a rate's base names (设备投资额 → investment_wan), by the longest term it contains."""
    hits = [(len(t), spec.name) for spec in specs.values() if spec.kind == "number" and spec.unit == "万元"
            for t in spec.terms if t in words]
    return max(hits)[1] if hits else _MONEY_BASE_DEFAULT


def _source(p: DraftProgramme, clause: str, quote: str) -> dict[str, str]:
    return {"doc": short_title(p.doc.title), "doc_no": p.doc.doc_no, "clause": clause or "全文",
            "region": p.region or "全国", "quote": quote}


def _rule(c: Drafted) -> Any:
    if c.op in _RULE_OPS:
        return {c.op: list(c.value) if isinstance(c.value, list | tuple) else c.value}
    return c.op


def _criterion_data(p: DraftProgramme, c: Drafted, clause: str, ident: str) -> dict[str, Any]:
    if c.op == "qualitative" or c.field is None:
        return {"id": ident, "statement": c.quote, "rule": "manual", "provide": f"请提供材料证明：{c.quote}",
                "source": _source(p, clause, c.quote)}
    return {"id": ident, "statement": statement_of(c), "fields": [c.field], "rule": _rule(c),
            "source": _source(p, clause, c.quote)}


def _estimate_data(p: DraftProgramme, r: Reward, clause: str, when: list[Drafted], ident: str,
                   specs: Mapping[str, FieldSpec]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ident, "label": f"{p.title}：{r.quote}", "source": _source(p, clause, r.quote)}
    conds = [{"statement": statement_of(c), "fields": [c.field], "rule": _rule(c)} if c.field and c.op != "qualitative"
             else {"statement": c.quote, "rule": "manual"} for c in when]
    if conds:
        out["when"] = conds
    if p.less_received:
        out["less_received"] = True
    if r.amount_wan is not None:
        out["amount"] = r.amount_wan
    else:
        out.update(rate=r.rate, base=_base_field(r.base, specs))
        if r.cap_wan is not None:
            out["cap"] = r.cap_wan
    return out


def _list_source(p: DraftProgramme, items: list[str], clause: str) -> dict[str, Any]:
    """The clause of a list (materials, steps), quoting its longest item (verbatim, within the quote limit)."""
    longest = max(items, key=len)
    quote = fit_quote(longest, 0, len(longest))
    return {"source": _source(p, clause, quote)} if len(normalize_for_match(quote)) >= _LIST_QUOTE_MIN else {}


_LIST_QUOTE_MIN = 4  # the loader's least quote for a draft


def to_programme_data(p: DraftProgramme, specs: Mapping[str, FieldSpec] | None = None) -> dict[str, Any]:
    """A draft as a programme file (the YAML schema of assistant/programmes, `draft: true`)."""
    specs = specs or base_fields()
    criteria = [_criterion_data(p, c, clause, f"{p.id}_c{i}") for i, (c, clause) in enumerate(p.criteria, 1)]
    for i, (who, value, quote, clause) in p.lowered.items():
        criteria[i]["lowered"] = {"when": {"statement": f"为{who}", "fields": ["titles"],
                                           "rule": {"has_title": [who]}},
                                  "value": value, "source": _source(p, clause, quote)}
    estimates = [_estimate_data(p, r, clause, when, f"{p.id}_r{i}", specs)
                 for i, (r, clause, when) in enumerate(p.rewards, 1) if r.kind in ("rate", "amount")]
    if not criteria:  # the loader wants at least one criterion: the place the document is for
        criteria = [{"id": f"{p.id}_c0", "statement": f"{p.region}的企业", "rule": "manual",
                     "source": _source(p, "", short_title(p.doc.title)[:40])}]
    data: dict[str, Any] = {
        "id": p.id, "name": p.name, "region": p.region or "全国", "level": p.level or "national", "kind": p.kind,
        "doc": short_title(p.doc.title), "doc_no": p.doc.doc_no, "draft": True,
        "keywords": list(dict.fromkeys([p.title, p.title.removeprefix(p.region)])),
        "criteria": criteria,
    }
    if estimates:
        data["estimates"] = estimates
        data["requires_estimate"] = p.kind == "reward"
    if p.steps:
        data["route"] = {"steps": p.steps, **_list_source(p, p.steps, p.steps_clause)}
    notes = [{"text": {"exclusion": "不重复享受", "balance": "差额规则", "lowered": "门槛放宽",
                       "enterprise_cap": "单个企业年度（累计）上限"}.get(k, k) + "：" + q,
              "source": _source(p, clause, q)} for k, q, clause in p.notes]
    if notes:
        data["notes"] = notes
    if p.materials:
        data["materials"] = {"items": p.materials, **_list_source(p, p.materials, p.materials_clause)}
    if p.deadline:
        data["deadline"] = {"date": p.deadline["date"], "source": _source(p, p.deadline["clause"], p.deadline["quote"])}
    if p.validity:
        data["validity"] = {"text": p.validity["text"],
                            "source": _source(p, p.validity["clause"], p.validity["quote"])}
    return data
