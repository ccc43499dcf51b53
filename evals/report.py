"""The Markdown report, from the JSON report of evals.run (pure: a dict in, text out)."""

from __future__ import annotations

from typing import Any

HITS = ("hit@1", "hit@3", "hit@5", "hit@10")
FAILED_SHOWN = 140  # answers longer than this many characters are cut in the list of failures


def _f(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _refusals(z: dict[str, Any]) -> str:
    fr = z["false_refusals"]
    return f"{len(fr)}/{z['answerable']}" + (f" ({', '.join(fr)})" if fr else "")


def summary_table(sets: list[dict[str, Any]]) -> list[str]:
    """One line per gold set (and half): pass, hit@1/5 beside the plain recipe, refusals, English, latency."""
    head = ("| gold set | n | pass | pass w/o eligibility | hit@1 | plain hit@1 | hit@5 | plain hit@5 | false refusals | "
            "out_of_domain refused | English passed | p50 ms | p95 ms | CPU p95 ms |")
    out = [head, "|" + "---|" * head.count(" | ") + "---|"]

    def line(name: str, s: dict[str, Any]) -> str:
        z, b = s["zhice"], s.get("baseline")
        o, bo = z["overall"], (b or {}).get("overall", {})
        passed = o["pass"]
        if "conversations" in s:
            c = s["conversations"]
            passed = f"{_f(c['pass'])} of {c['conversations']} conversations ({_f(o['pass'])} of turns)"
        tr, en, lat = z["true_refusals"], z["english"], z["latency_ms"]
        we = z["without_eligibility"]
        return (f"| {name} | {o['n']} | {_f(passed)} | {_f(we['pass'])} ({we['n']}) | {_f(o['hit@1'])} | {_f(bo.get('hit@1'))} | {_f(o['hit@5'])} | "
                f"{_f(bo.get('hit@5'))} | {len(z['false_refusals'])}/{z['answerable']} | {tr['refused']}/{tr['n']} | "
                f"{en['pass']}/{en['n']} | {lat['p50']} | {lat['p95']} | {z['cpu_ms']['p95']} |")

    for s in sets:
        out.append(line(s["name"], s))
        for half, hs in s.get("halves", {}).items():
            if hs["zhice"]["overall"]["n"]:
                out.append(line(f"{s['name']} · {half} half", hs))
    return out


def kind_table(s: dict[str, Any]) -> list[str]:
    """Per kind and overall: pass, citation hit, fact rate, hit@k, and the plain recipe's hit@k."""
    z, b = s["zhice"], s.get("baseline")
    cols = ["n", "pass", "citation_hit", "fact_rate", *HITS, "search_hit@1", "search_hit@5"]
    head = "| kind | " + " | ".join(cols) + (" | " + " | ".join(f"plain {h}" for h in HITS) if b else "") + " |"
    out = [head, "|" + "---|" * (head.count(" | ") + 1)]
    kinds = [*z["by_kind"].items(), ("**overall**", z["overall"])]
    for kind, agg in kinds:
        base = (b["by_kind"].get(kind) if kind in b["by_kind"] else b["overall"]) if b else None
        cells = [_f(agg[c]) for c in cols] + ([_f(base.get(h)) for h in HITS] if base else [])
        out.append(f"| {kind} | " + " | ".join(cells) + " |")
    o = z["overall"]
    out.append(f"\nhit@1 over {o['hit@1_n']} one-passage questions; hit@3/5/10 over {o['hit@k_n']} questions with "
               f"evidence (every group in the top k). Zhice's hit@k on the passages its answer path retrieved "
               f"(Answer.evidence, {_f(o.get('evidence_n'))} on average: hit@10 is capped there); search_hit@k on "
               "Assistant.search(question, k=10); the plain recipe's on its top 10" + (
                   " for the user turns so far, joined." if "conversations" in s else "."))
    return out


def set_section(s: dict[str, Any]) -> list[str]:
    z = s["zhice"]
    tr, en, lat = z["true_refusals"], z["english"], z["latency_ms"]
    lines = [f"## {s['name']}", "", f"`{s['path']}`", "", *kind_table(s), "",
             f"- false refusals (answerable questions refused): {_refusals(z)}",
             f"- out_of_domain refused: {tr['refused']}/{tr['n']}",
             f"- English questions passed: {en['pass']}/{en['n']}",
             f"- latency (warm, answer only): p50 {lat['p50']} ms · p95 {lat['p95']} ms over {lat['n']} answers; "
             f"CPU time p50 {z['cpu_ms']['p50']} ms · p95 {z['cpu_ms']['p95']} ms (this process, all threads: "
             "what the answer costs when the machine is busy with other work); first pass (warm-up, per-document "
             f"work not yet done) p50 {z.get('first_pass_ms', {}).get('p50')} ms · "
             f"p95 {z.get('first_pass_ms', {}).get('p95')} ms"]
    if z.get("errors"):
        lines.append(f"- **answers that raised** (counted as failed): {', '.join(z['errors'])}")
    if "conversations" in s:
        c = s["conversations"]
        lines += [f"- conversations passed (every judged turn): {_f(c['pass'])} of {c['conversations']}; "
                  f"follow-up turns passed: {_f(c['follow_up_pass'])} of {c['follow_ups']}",
                  f"- conversations failed: {', '.join(c['failed']) or 'none'}"]
    for half, hs in s.get("halves", {}).items():
        hz = hs["zhice"]
        if not hz["overall"]["n"]:
            continue
        lines += ["", f"### {half} half", "", *kind_table(hs), "", f"- false refusals: {_refusals(hz)}",
                  f"- English questions passed: {hz['english']['pass']}/{hz['english']['n']}"]
    failed = [r for r in s["rows"] if not r["pass"]]
    if failed:
        lines += ["", "### Failed", ""]
        for r in failed:
            why = [] if r["kind"] in ("unanswerable", "out_of_domain") else [
                k for k, bad in (("refused", r.get("refused")), ("no citation hit", not r.get("citation_hit", True)),
                                 (f"facts {r.get('fact_rate', 1.0):.2f}", r.get("fact_rate", 1.0) < 1.0)) if bad]
            text = " ".join(str(r.get("answer", "")).split())
            text = text[:FAILED_SHOWN] + ("…" if len(text) > FAILED_SHOWN else "")
            lines.append(f"- {r['id']} ({r['kind']}{'; ' + ', '.join(why) if why else ''}): {text}")
    return lines


def to_markdown(report: dict[str, Any]) -> str:
    """The whole report: what was run, the summary table, then a section per gold set."""
    about = report["about"]
    lines = ["# Zhice eval", "", *(f"- {k}: {v}" for k, v in about.items()), "",
             "Plain recipe = RecursiveCharacterTextSplitter(500) + the same embedder, similarity top-k "
             "(evals/baseline.py); its retrieval only.", "", *summary_table(report["sets"]), ""]
    for s in report["sets"]:
        lines += [*set_section(s), ""]
    return "\n".join(lines)
