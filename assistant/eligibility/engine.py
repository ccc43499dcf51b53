"""Profile × programmes → verdicts: each criterion met / not met / unknown, each programme eligible /
not eligible / needs information, with reward estimates; the most relevant programmes first."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from assistant.core import gazetteer
from assistant.eligibility.model import Condition, Criterion, EstimateRule, Programme
from assistant.eligibility.profile import PROFILE_FIELDS, FieldSpec, Profile, format_number, show_value
from assistant.eligibility.results import CriterionResult, EstimateResult, ProgrammeVerdict
from assistant.eligibility.stated import stating_clause
from assistant.eligibility.vocabulary import NATIONAL, canonical_title, industry_tags, province_of
from assistant.errors import BadInput

__all__ = ["all_fields", "evaluate", "same_title", "title_implications"]


def all_fields(programmes: Sequence[Programme]) -> dict[str, FieldSpec]:
    """The base profile fields and those the programmes declare."""
    out = dict(PROFILE_FIELDS)
    for prog in programmes:
        out.update({f.name: f for f in prog.fields})
    return out


def title_implications(programmes: Sequence[Programme]) -> dict[str, tuple[str, ...]]:
    """Title → the titles it counts as, as the programme files declare (with their clause)."""
    out: dict[str, tuple[str, ...]] = {}
    for prog in programmes:
        for title, counts_as, _src in prog.title_implies:
            out[title] = tuple(dict.fromkeys(out.get(title, ()) + counts_as))
    # a chain (示范车间 → 先进级 → 省级) counts all the way
    for title in list(out):
        seen, todo = set(out[title]), list(out[title])
        while todo:
            for nxt in out.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out[title] = tuple(seen)
    return out


def _bare(title: str) -> str:
    """A title without the place it starts with (浙江省数字化车间 → 数字化车间)."""
    t = canonical_title(title)
    found = gazetteer.mentions(t)
    if found and found[0].start == 0 and len(t) - found[0].end >= 2:
        end = found[0].end
        if t[end:].startswith("级") and t[end - 1] in "省市":
            end -= 1  # 浙江省级数字化车间 is 浙江 + 省级数字化车间
        return t[end:]
    return t


_OWN_LEVEL = ("省级", "市级")
# the level of a graded title (梯度): a title without it is not the graded one (数字化车间 ≠ 先进级数字化车间)
_GRADES = re.compile(r"基础级|先进级|卓越级|领航级|基础型|标杆型|示范级")
_SHORT_MIN = 4  # a held title shorter than this is too generic to stand for a longer one


def _shortened(short: str, full: str) -> bool:
    """A title said with words left out (江苏省级示范车间 for 江苏省级智能制造示范车间): its characters in
    order within the full name, the same head (last two characters), and no grade of the full name lost."""
    if len(short) < _SHORT_MIN or short[-2:] != full[-2:] or set(_GRADES.findall(full)) - set(_GRADES.findall(short)):
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


def _same_place(held: str, named: str, home: str) -> bool:
    hp, np_ = held[: len(held) - len(_bare(held))], named[: len(named) - len(_bare(named))]
    if hp and np_:
        return province_of(hp) == province_of(np_)
    place = hp or np_
    return not place or not home or province_of(place) == province_of(home)


def same_title(held: str, named: str, home: str = "") -> bool:
    """Does a title held count as the title a rule names? The same name (aliases folded); or the
    same title with the place left off by the holder when the rule's place is the applicant's own
    (a 黑龙江 company's "先进级数字化车间" is a rule's "黑龙江省先进级数字化车间")."""
    held, named = canonical_title(held), canonical_title(named)
    if held == named:
        return True
    if held.startswith(_OWN_LEVEL) and home:
        # 省级/市级 said by the applicant means its own province or city (省级专精特新 of a 合肥 company
        # is 安徽省专精特新); a rule naming 省级 itself compares as written
        rest = held[2:]
        if not named.startswith(_OWN_LEVEL) and _bare(named) == rest:
            place = named[: len(named) - len(rest)]
            return province_of(place) == province_of(home)
    bare = _bare(held)
    if bare != _bare(named):
        return _shortened(bare, _bare(named)) and _same_place(held, named, home)
    held_place, named_place = held[: len(held) - len(bare)], named[: len(named) - len(bare)]
    if held_place and named_place:  # two spellings of one place (浙江 / 浙江省)
        a, b = gazetteer.lookup(held_place), gazetteer.lookup(named_place)
        return a is not None and a == b
    if held_place:  # the rule names no place: a title of a place is not the generic one
        return False
    return not home or province_of(named_place) == province_of(home)


def evaluate(
    profile: Profile, programmes: Sequence[Programme], only: list[str] | None = None, said: str = ""
) -> list[ProgrammeVerdict]:
    """Check a profile against programmes.

    Args:
        profile: What we know about the applicant.
        programmes: From `load_programmes`.
        only: Programme ids to check (default: all).
        said: What the asker wrote, if the profile came from free text: a condition no field types
            that the text states (stated.stating_clause) reads as met "按您的描述".

    Returns:
        One verdict per programme checked, the most relevant first: programmes of the applicant's
        own city, then of its province, then national ones, then those of other places (or of
        places not yet known to be the applicant's); the order of `programmes` within each group.

    Raises:
        BadInput: when `only` names an unknown programme id (the message lists the known ids).
    """
    if only is not None:
        known = [p.id for p in programmes]
        missing = [i for i in only if i not in known]
        if missing:
            raise BadInput(f"未知的项目 id {missing}；可选：{', '.join(known)}")
        programmes = [p for p in programmes if p.id in set(only)]
    ranked = sorted(programmes, key=lambda p: _relevance(profile, p))  # stable: file order within a group
    ctx = _Context(all_fields(programmes), title_implications(programmes), said)
    return [_verdict(profile, p, ctx) for p in ranked]


class _Context:
    """What every check needs besides the profile: field specs and title equivalences."""

    def __init__(self, specs: Mapping[str, FieldSpec], implies: Mapping[str, tuple[str, ...]],
                 said: str = "") -> None:
        self.specs = specs
        self.implies = implies
        self.said = said


def _relevance(profile: Profile, prog: Programme) -> int:
    """0 the applicant's own city, 1 its province, 2 national, 3 elsewhere or a place not known to be its own.

    A city programme counts as the applicant's province when only the province is known (大连 for
    辽宁): it may apply. With no place known, local programmes come after the national ones.
    """
    if prog.region == NATIONAL:
        return 2
    if profile.city is not None and prog.region == profile.city:
        return 0
    if profile.province is not None and (
        prog.region == profile.province
        or (profile.city is None and province_of(prog.region) == profile.province)
    ):
        return 1
    return 3


def _verdict(profile: Profile, prog: Programme, ctx: _Context) -> ProgrammeVerdict:
    results = tuple(_criterion_result(profile, c, ctx) for c in prog.criteria)
    status = _combine(r.status for r in results)
    estimates: tuple[EstimateResult, ...] = ()
    if status != "not_eligible":
        estimates = tuple(_estimate(profile, e, ctx) for e in prog.estimates)
    summary = _summary(status, results)
    if prog.requires_estimate and status != "not_eligible":
        status, summary = _reward_status(status, summary, estimates)
    return ProgrammeVerdict(
        prog.id, prog.name, prog.region, status, summary, results, estimates, prog.route, prog.notes, prog.draft
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


def _criterion_result(profile: Profile, crit: Criterion, ctx: _Context) -> CriterionResult:
    def result(status: str, reason: str, provide: str = "") -> CriterionResult:
        return CriterionResult(crit.id, crit.statement, status, reason, provide, crit.source, crit.fields,
                               crit.rule == "manual")

    if crit.lowered is not None:
        relaxed = _lowered_result(profile, crit, ctx)
        if relaxed is not None:
            return relaxed

    if crit.rule == "manual":
        if clause := stating_clause(ctx.said, crit.statement):
            return result("met", f"按您的描述（“{clause}”），请备好证明材料")
        return result("unknown", "需企业提供材料自证", crit.provide or f"请准备材料证明：{crit.statement}")
    status, reason = _check(profile, crit.fields[0], crit.rule, crit.args, ctx)
    if status == "unknown":
        return result(status, reason, crit.provide or ctx.specs[crit.fields[0]].ask)
    if status == "not_met" and crit.alternative:
        return result("unknown", f"{reason}；但{crit.alternative}", _ALTERNATIVE_PROVIDE)
    return result(status, reason)


def _lowered_result(profile: Profile, crit: Criterion, ctx: _Context) -> CriterionResult | None:
    """A `min` rule the text lowers for some applicants: judged at the lower threshold when the
    applicant is one of them (citing the clause that lowers it), unknown when that is not known."""
    low = crit.lowered
    assert low is not None
    status, _ = _check(profile, crit.fields[0], crit.rule, crit.args, ctx)
    if status != "not_met":
        return None
    at_low, reason = _check(profile, crit.fields[0], "min", (low.value,), ctx)
    if at_low != "met":
        return None
    who, why = _check(profile, low.when.fields[0], low.when.rule, low.when.args, ctx) if low.when.fields \
        else ("unknown", low.when.statement)
    if who == "not_met":
        return None
    base = CriterionResult(crit.id, crit.statement, "met", f"{reason}（{low.when.statement}，门槛为"
                           f"{show_value(ctx.specs[crit.fields[0]], low.value)}）", "", low.source, crit.fields,
                           False, lowered=True)
    if who == "met":
        return base
    return _replace_result(base, status="unknown",
                           reason=f"{reason}，低于一般门槛；如{low.when.statement}，门槛降至"
                                  f"{show_value(ctx.specs[crit.fields[0]], low.value)}",
                           provide=f"请确认是否{low.when.statement}")


def _replace_result(result: CriterionResult, **changes: Any) -> CriterionResult:
    return CriterionResult(**{**{f.name: getattr(result, f.name) for f in fields(result)}, **changes})


def _check(profile: Profile, name: str, rule: str, args: tuple[Any, ...], ctx: _Context) -> tuple[str, str]:
    """(met | not_met | unknown, reason in Chinese) for one typed rule."""
    spec = ctx.specs[name]
    if rule in ("has_title", "lacks_title"):
        return _check_titles(profile, rule, args, ctx)
    value = profile.value(name)
    if value is None and name == "city" and rule == "equals" and profile.province:
        # no city given, but a province: a city of another province cannot be it
        home = province_of(args[0])
        if home and home != profile.province:
            return "not_met", f"注册地（省级）为{profile.province}，{args[0]}属于{home}"
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


def _check_titles(profile: Profile, rule: str, args: tuple[Any, ...], ctx: _Context) -> tuple[str, str]:
    if profile.titles is None:
        return "unknown", "未提供已获称号"
    home = profile.city or profile.province or ""
    held = set(profile.titles)
    for title in list(held):  # what a title counts as, also when held under its name without the place
        for key, counts_as in ctx.implies.items():
            if same_title(title, key, home):
                held.update(counts_as)
    hit = [t for t in args if any(same_title(h, t, home) for h in held)]
    if rule == "has_title":
        return ("met", f"已获{'、'.join(hit)}") if hit else ("not_met", f"尚未获得{'或'.join(args)}")
    return ("not_met", f"已获{'、'.join(hit)}") if hit else ("met", f"未获{'、'.join(args)}")



def _cmp_equals(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    if value == args[0]:
        return "met", f"{spec.label}为{show_value(spec, value)}"
    return "not_met", f"{spec.label}为{show_value(spec, value)}，本项目要求{args[0]}"


def _cmp_in(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    if value in args:
        return "met", f"{spec.label}为{show_value(spec, value)}"
    return "not_met", f"{spec.label}为{show_value(spec, value)}，不在{'、'.join(map(str, args))}之列"


def _cmp_min(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    need = show_value(spec, args[0])
    if value >= args[0]:
        return "met", f"{spec.label}为{show_value(spec, value)}，达到{need}及以上"
    return "not_met", f"{spec.label}为{show_value(spec, value)}，低于要求的{need}"


def _cmp_max(spec: FieldSpec, value: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    need = show_value(spec, args[0])
    if value <= args[0]:
        return "met", f"{spec.label}为{show_value(spec, value)}，未超过{need}"
    return "not_met", f"{spec.label}为{show_value(spec, value)}，超过上限{need}"


_COMPARE = {"equals": _cmp_equals, "in": _cmp_in, "min": _cmp_min, "max": _cmp_max}


def _condition(profile: Profile, when: Condition, ctx: _Context) -> tuple[str, str]:
    """(applies | conditional | not_applicable, reason) of one estimate condition."""
    if when.rule == "manual":
        if clause := stating_clause(ctx.said, when.statement):
            return "applies", f"按您的描述（“{clause}”）"
        return "conditional", f"须满足：{when.statement}"
    cond, why = _check(profile, when.fields[0], when.rule, when.args, ctx)
    status = {"met": "applies", "unknown": "conditional", "not_met": "not_applicable"}[cond]
    return status, (why if cond != "unknown" else f"须满足：{when.statement}（{why}）")


def _estimate(profile: Profile, rule: EstimateRule, ctx: _Context) -> EstimateResult:
    status, reasons = "applies", []
    for when in ((rule.when,) if rule.when else ()) + rule.also:
        s, why = _condition(profile, when, ctx)
        reasons.append(why)
        if s == "not_applicable" or (s == "conditional" and status == "applies"):
            status = s
        if s == "not_applicable":
            break
    reason = "；".join(reasons)
    base = EstimateResult(rule.id, rule.label, status, _formula(rule, ctx), reason, rule.source)
    if status == "not_applicable":
        return base
    if rule.amount is not None:
        return _less_received(profile, rule, _replace(base, amount_wan=rule.amount))
    if rule.range is not None:
        return _replace(base, low_wan=rule.range[0], high_wan=rule.range[1])
    return _less_received(profile, rule, _rate_estimate(profile, rule, base, ctx))


_RECEIVED = "received_award_wan"  # what the applicant already got under the same text (差额 rules deduct it)


def _less_received(profile: Profile, rule: EstimateRule, result: EstimateResult) -> EstimateResult:
    """差额: a reward for a higher level less what the lower one already paid."""
    got = profile.value(_RECEIVED)
    if not rule.less_received or got is None or result.amount_wan is None:
        return result
    left = max(result.amount_wan - got, 0.0)
    return _replace(result, amount_wan=round(left, 2),
                    formula=f"{result.formula}，扣除已获 {format_number(got)} 万元 = {format_number(left)} 万元")


def _formula(rule: EstimateRule, ctx: _Context) -> str:
    """The rule in words, before any profile value is put in."""
    if rule.amount is not None:
        return f"定额 {format_number(rule.amount)} 万元"
    if rule.range is not None:
        return f"{format_number(rule.range[0])}–{format_number(rule.range[1])} 万元"
    assert rule.rate is not None
    label = ctx.specs[rule.base].label
    bounds = "".join([
        f"，{label}不低于{format_number(rule.min_base)}万元" if rule.min_base is not None else "",
        f"，不高于{format_number(rule.max_base)}万元" if rule.max_base is not None else "",
        f"，最高 {format_number(rule.cap)} 万元" if rule.cap is not None else "",
    ])
    return f"{label} × {format_number(rule.rate * 100)}%{bounds}"


def _rate_estimate(profile: Profile, rule: EstimateRule, base: EstimateResult, ctx: _Context) -> EstimateResult:
    assert rule.rate is not None
    spec = ctx.specs[rule.base]
    value = profile.value(rule.base)
    if value is None:
        return _replace(base, reason="；".join(filter(None, [base.reason, f"提供{spec.label}即可估算"])))
    too_low = rule.min_base is not None and value < rule.min_base
    too_high = rule.max_base is not None and value > rule.max_base
    if too_low or too_high:
        limit = (f"低于{format_number(rule.min_base or 0)}万元门槛" if too_low
                 else f"超过本档上限{format_number(rule.max_base or 0)}万元")
        reason = f"{spec.label}{format_number(value)}万元，{limit}"
        return _replace(base, status="not_applicable", reason=reason)
    raw = value * rule.rate
    amount = min(raw, rule.cap) if rule.cap is not None else raw
    capped = f"，封顶 {format_number(rule.cap)} 万元" if rule.cap is not None and raw > rule.cap else ""
    formula = (f"{format_number(value)} 万元 × {format_number(rule.rate * 100)}%"
               f" ≈ {format_number(amount)} 万元{capped}")
    return _replace(base, formula=formula, amount_wan=round(amount, 2))


def _replace(result: EstimateResult, **changes: Any) -> EstimateResult:
    return EstimateResult(**{**{f.name: getattr(result, f.name) for f in fields(result)}, **changes})
