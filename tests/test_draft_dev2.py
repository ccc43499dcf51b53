"""The drafter against the hand-checked criteria of dev2 (tests/data/dev2_criteria.yaml) and of the
hand-written 黑龙江 programme files: recovery, precision, verbatim quotes, reward rate and cap.

Documents are read with the project's own loaders (ingest.loaders), no index.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from corpus_paths import SHARED

from assistant.core.text import normalize_for_match
from assistant.eligibility.draft import DraftProgramme, draft_file
from assistant.eligibility.draft_output import flat_view

DEV2 = SHARED / "corpus-dev2"
HAND = Path(__file__).parent / "data" / "dev2_criteria.yaml"
RECOVERY_MIN = 0.85  # issue 10: ≥85 % of hand-checked typed criteria recovered (field, op, value, unit)
PRECISION_MIN = 0.90  # issue 10: precision ≥0.9 for typed criteria

pytestmark = pytest.mark.skipif(not DEV2.is_dir(), reason="../shared/corpus-dev2 is not beside the project")


@cache
def hand() -> list[dict[str, Any]]:
    return list(yaml.safe_load(HAND.read_text(encoding="utf-8"))["documents"])


@cache
def drafted(file: str) -> tuple[DraftProgramme, ...]:
    return tuple(draft_file(DEV2 / file))


def _value(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return tuple(sorted(normalize_for_match(str(x)) for x in v))
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def typed_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["field"], c["op"], _value(c["value"]), c["unit"] or "")


def match_programme(title: str, views: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The drafted programme a hand-checked title means: its name holds the title (or the reverse),
    the closest in length."""
    t = normalize_for_match(title)
    pool = []
    for v in views:
        name = normalize_for_match(v["title"].split("·", 1)[-1])
        if t in name or name in t:
            pool.append((abs(len(name) - len(t)), v))
    return min(pool, key=lambda x: x[0])[1] if pool else None


def score() -> dict[str, Any]:
    """Recovery and precision of typed criteria, and reward checks, over every hand-checked document."""
    found = expected = drafted_typed = correct = 0
    rewards_ok = rewards_total = 0
    misses: list[str] = []
    extras: list[str] = []
    for doc in hand():
        views = flat_view(drafted(doc["file"]))["programmes"]
        used: set[str] = set()
        for prog in doc["programmes"]:
            view = match_programme(prog["title"], views)
            want = {typed_key(c) for c in prog["criteria"] if c["op"] != "qualitative"}
            got = set() if view is None else {typed_key(c) for c in view["criteria"] if c["op"] != "qualitative"}
            if view is not None:
                used.add(view["id"])
            expected += len(want)
            found += len(want & got)
            drafted_typed += len(got)
            correct += len(got & want)
            misses += [f"{doc['file']} {prog['title']}: {k}" for k in sorted(want - got, key=str)]
            extras += [f"{doc['file']} {prog['title']}: {k}" for k in sorted(got - want, key=str)]
            if prog["reward"]:
                rewards_total += 1
                r = view["reward"] if view else None
                w = prog["reward"]
                ok = r is not None and all(
                    (w[k] is None and r[k] is None) or (w[k] is not None and r[k] is not None and abs(w[k] - r[k]) < 1e-6)
                    for k in ("rate", "cap_wan", "amount_wan"))
                rewards_ok += ok
                if not ok:
                    misses.append(f"{doc['file']} {prog['title']}: reward {w} ≠ {r and {k: r[k] for k in ('rate', 'cap_wan', 'amount_wan')}}")
        for v in views:
            if v["id"] not in used:
                n = sum(1 for c in v["criteria"] if c["op"] != "qualitative")
                drafted_typed += n  # a draft with no hand-checked counterpart: its typed criteria count as wrong
                extras.append(f"{doc['file']}: unmatched draft {v['title']} ({n} typed)")
    return {"recovery": found / expected, "precision": correct / max(drafted_typed, 1),
            "rewards": rewards_ok / rewards_total, "expected": expected, "found": found,
            "drafted": drafted_typed, "misses": misses, "extras": extras}


def test_typed_criteria_recovered_with_precision() -> None:
    s = score()
    report = "\n".join(s["misses"] + ["-- extra:"] + s["extras"])
    assert s["recovery"] >= RECOVERY_MIN, f"recovery {s['recovery']:.3f}\n{report}"
    assert s["precision"] >= PRECISION_MIN, f"precision {s['precision']:.3f}\n{report}"


def test_reward_rate_cap_and_amount_right() -> None:
    s = score()
    assert s["rewards"] >= RECOVERY_MIN, f"rewards {s['rewards']:.3f}\n" + "\n".join(m for m in s["misses"] if "reward" in m)


def _document_text(file: str) -> str:
    src = SHARED / "corpus-dev2-src" / f"{file}.txt"
    return normalize_for_match((src if src.exists() else DEV2 / file).read_text(encoding="utf-8"))


@pytest.mark.parametrize("file", [d["file"] for d in yaml.safe_load(HAND.read_text(encoding="utf-8"))["documents"]]
                         if HAND.exists() else [])
def test_every_drafted_quote_is_verbatim(file: str) -> None:
    text = _document_text(file)
    view = flat_view(drafted(file))
    quotes = [c["quote"] for p in view["programmes"] for c in p["criteria"]]
    quotes += [r["quote"] for p in view["programmes"] for r in p["rewards"]]
    quotes += [n["quote"] for p in view["programmes"] for n in p["notes"]]
    missing = [q for q in quotes if normalize_for_match(q) not in text]
    assert not missing


def _same_words(a: str, b: str) -> bool:
    """Two quotes of one condition: one holds the other, or they share a run of QUOTE_OVERLAP characters
    (a drafted quote cut at the quote limit)."""
    a, b = normalize_for_match(a), normalize_for_match(b)
    return a in b or b in a or any(a[i:i + QUOTE_OVERLAP] in b for i in range(max(len(a) - QUOTE_OVERLAP + 1, 0)))


QUOTE_OVERLAP = 10  # characters two quotes of one condition share at least


def test_qualitative_conditions_are_kept_with_their_quote() -> None:
    """Conditions no field takes are drafted as qualitative criteria (reported; most, not all)."""
    found = expected = 0
    for doc in hand():
        views = flat_view(drafted(doc["file"]))["programmes"]
        for prog in doc["programmes"]:
            view = match_programme(prog["title"], views)
            got = [c["quote"] for c in (view["criteria"] if view else []) if c["op"] == "qualitative"]
            for c in prog["criteria"]:
                if c["op"] == "qualitative":
                    expected += 1
                    found += any(_same_words(c["quote"], g) for g in got)
    assert found / expected >= RECOVERY_MIN, f"{found}/{expected}"


def test_hand_checked_quotes_are_in_their_documents() -> None:
    for doc in hand():
        text = _document_text(doc["file"])
        for prog in doc["programmes"]:
            for c in prog["criteria"] + ([prog["reward"]] if prog["reward"] else []):
                assert normalize_for_match(c["quote"]) in text, (doc["file"], c["quote"])


# ----------------------------------------------------------------------------- 黑龙江: the hand-written files
HLJ_TEXT = SHARED / "corpus" / "policies" / "local" / "heilongjiang_2025_数字化车间与智能工厂认定管理办法_黑工信规规2025-7号.md"
PROGRAMMES = Path(__file__).resolve().parent.parent / "assistant" / "programmes"


def _hand_written(region: str) -> list[dict[str, Any]]:
    """The packaged programme files of a region whose source is the given document."""
    out = []
    for f in sorted(PROGRAMMES.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if data.get("region") == region and data.get("kind") == "recognition":
            out.append(data)
    return out


def _hand_key(c: dict[str, Any]) -> tuple[Any, ...] | None:
    from assistant.eligibility.fields import base_fields

    rule = c["rule"]
    name, arg = (rule, None) if isinstance(rule, str) else next(iter(rule.items()))
    if name == "manual":
        return None
    field = c["fields"][0]
    value = arg if name in ("min", "max", "equals") else (list(arg) if arg is not None else None)
    unit = base_fields()[field].unit if name in ("min", "max") else ""
    return (field, name, _value(value), unit)


def hlj_score() -> dict[str, Any]:
    views = flat_view(tuple(draft_file(HLJ_TEXT)))["programmes"]
    expected = found = 0
    misses = []
    drafted_typed = correct = 0
    for prog in _hand_written("黑龙江"):
        want = {k for c in prog["criteria"] if (k := _hand_key(c))}
        view = match_programme(prog["name"], views)
        got = set() if view is None else {typed_key(c) for c in view["criteria"] if c["op"] != "qualitative"}
        expected += len(want)
        found += len(want & got)
        drafted_typed += len(got)
        correct += len(want & got)
        misses += [f"{prog['id']}: missing {k}" for k in sorted(want - got, key=str)]
        misses += [f"{prog['id']}: extra {k}" for k in sorted(got - want, key=str)]
    return {"recovery": found / max(expected, 1), "precision": correct / max(drafted_typed, 1),
            "expected": expected, "misses": misses}


@pytest.mark.skipif(not HLJ_TEXT.exists(), reason="the shared 黑龙江 text is not beside the project")
def test_heilongjiang_hand_written_criteria_recovered() -> None:
    s = hlj_score()
    report = "\n".join(s["misses"])
    assert s["recovery"] >= RECOVERY_MIN, f"recovery {s['recovery']:.3f}\n{report}"
    assert s["precision"] >= PRECISION_MIN, f"precision {s['precision']:.3f}\n{report}"


# ----------------------------------------------------------------------------- dev2 eligibility from drafts
DEV2_GOLD = SHARED / "evals" / "dev2.jsonl"
ELIGIBILITY_MIN = 0.85  # issue 10: dev2 eligibility ≥ 0.85, answered from drafted programmes


@cache
def drafted_programmes(folder: str) -> tuple[Any, ...]:
    """Every dev2 document drafted, written as programme files into `folder` and loaded strictly."""
    from assistant.eligibility import load_programmes
    from assistant.eligibility.draft_output import to_programme_data

    out = Path(folder)
    for f in sorted(DEV2.iterdir()):
        if f.name == "README.md" or f.suffix == ".xlsx":  # the folder's description; a list of names
            continue
        for p in drafted(f.name):
            (out / f"{p.id}.yaml").write_text(yaml.safe_dump(to_programme_data(p), allow_unicode=True),
                                              encoding="utf-8")
    return tuple(load_programmes(out))


def test_dev2_eligibility_questions_answered_from_drafted_programmes(tmp_path_factory: pytest.TempPathFactory) -> None:
    """No programme file written by hand for dev2: the engine answers its eligibility questions from
    the drafts (the gold's rule: every expect_all group in the answer, some evidence in a cited quote)."""
    import json

    from assistant.eligibility.free_text import answer_eligibility

    programmes = drafted_programmes(str(tmp_path_factory.mktemp("drafts")))
    assert all(p.draft for p in programmes)
    questions = [q for line in DEV2_GOLD.read_text(encoding="utf-8").splitlines()
                 if (q := json.loads(line))["kind"] == "eligibility"]
    failed = []
    for q in questions:
        text, sources, _ = answer_eligibility(q["question"], programmes)
        answer = normalize_for_match(text)
        expected = all(any(normalize_for_match(x) in answer for x in group) for group in q["expect_all"])
        cited = any(normalize_for_match(e) in normalize_for_match(s.quote) or
                    normalize_for_match(s.quote) in normalize_for_match(e) for e in q["evidence"] for s in sources)
        if not (expected and cited):
            failed.append(f"{q['id']}: expected={expected} cited={cited}")
    rate = 1 - len(failed) / len(questions)
    assert rate >= ELIGIBILITY_MIN, f"{rate:.2f}\n" + "\n".join(failed)
