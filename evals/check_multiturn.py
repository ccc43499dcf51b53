"""Check evals/multiturn.jsonl: its shape, and every evidence string against the documents.

The documents are read by ../shared/evals/check_dev2.py (the same readers and the same comparison
rule as the single-question gold sets: NFKC, every whitespace character removed), from
../shared/corpus-dev2 and ../shared/corpus.

What fails (exit status 1):
  * a line that is not a conversation: ``{"id", "turns": [{"question", ...}, ...]}``, ids unique;
  * a judged turn (one with a ``kind``) without the fields its kind needs (answerable kinds:
    evidence or evidence_all, and expect_all; unanswerable / out_of_domain: neither);
  * an evidence alternative shorter than 8 or longer than 40 characters, or occurring in no document;
  * a `half` that does not follow from the documents (evals/dev2_split.json): `check` when any
    evidence string is in a check-half document, else `build` (the shared corpus counts as build).
    Stricter than dev2's first-passage rule, so that tuning on the build half never sees a check document.

Reported, not failed: evidence alternatives found in more than one document.

Usage: python -m evals.check_multiturn [--gold FILE] [--shared DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
KINDS = ("fact", "eligibility", "case", "drafting", "multi_hop", "unanswerable", "out_of_domain")
NO_EVIDENCE_KINDS = ("unanswerable", "out_of_domain")
EVIDENCE_LEN = (8, 40)  # long enough to point at one clause, short enough to survive a chunk boundary
MIN_CONVERSATIONS = 20


def load_checker(shared: Path) -> ModuleType:
    """The shared gold-set checker, imported from its file (it is a script, not a package)."""
    path = shared / "evals" / "check_dev2.py"
    spec = importlib.util.spec_from_file_location("check_dev2", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"{path} not found: pass --shared DIR")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_texts(shared: Path) -> dict[str, str]:
    """{document label: normalised text} of corpus-dev2 and the shared corpus."""
    checker = load_checker(shared)
    docs, problems = checker.load_documents(shared / "corpus-dev2", shared / "corpus", shared / "corpus-dev2-src")
    if problems:
        raise RuntimeError("; ".join(problems))
    return {d.label: d.normed for d in docs}


def _turn_problems(where: str, turn: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if not str(turn.get("question", "")).strip():
        out.append(f"{where}: no question")
    kind = turn.get("kind")
    if kind is None:
        return out  # a context turn: asked, not judged
    if kind not in KINDS:
        return [*out, f"{where}: unknown kind {kind!r}"]
    has_evidence = bool(turn.get("evidence") or turn.get("evidence_all"))
    if kind in NO_EVIDENCE_KINDS:
        if has_evidence or turn.get("expect_all"):
            out.append(f"{where}: {kind} has evidence or expect_all")
    elif not has_evidence or not turn.get("expect_all"):
        out.append(f"{where}: {kind} needs evidence (or evidence_all) and expect_all")
    return out


def half_of(conv: dict[str, Any], texts: dict[str, str], norm: Any, check_documents: set[str]) -> str:
    """`check` when an evidence string of the conversation is in a check-half document, else `build`."""
    for alt in (a for t in conv.get("turns", []) for g in _groups(t) for a in g):
        if any(norm(alt) in text and Path(label).name in check_documents for label, text in texts.items()):
            return "check"
    return "build"


def _groups(turn: dict[str, Any]) -> list[list[str]]:
    return turn.get("evidence_all") or ([turn["evidence"]] if turn.get("evidence") else [])


def check(conversations: list[dict[str, Any]], texts: dict[str, str],
          norm: Any, check_documents: set[str] | None = None) -> tuple[list[str], list[str]]:
    """(failures, notes) for the conversations against the documents' normalised texts.

    With `check_documents` (file names of the split's check half) each conversation's `half` is checked too.
    """
    fails: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    if len(conversations) < MIN_CONVERSATIONS:
        fails.append(f"{len(conversations)} conversations; at least {MIN_CONVERSATIONS} are wanted")
    for conv in conversations:
        cid = str(conv.get("id", ""))
        if not cid or cid in seen:
            fails.append(f"conversation id {cid!r} missing or repeated")
        seen.add(cid)
        turns = conv.get("turns")
        if not isinstance(turns, list) or len(turns) < 2:
            fails.append(f"{cid}: needs a list of at least two turns")
            continue
        if not any("kind" in t for t in turns):
            fails.append(f"{cid}: no judged turn")
        if check_documents is not None and conv.get("half") != (want := half_of(conv, texts, norm, check_documents)):
            fails.append(f"{cid}: half is {conv.get('half')!r}; its documents put it in {want!r}")
        for i, turn in enumerate(turns, 1):
            where = f"{cid} turn {i}"
            fails += _turn_problems(where, turn)
            for alt in (a for g in _groups(turn) for a in g):
                fails += _evidence_problems(where, alt, texts, norm, notes)
    return fails, notes


def _evidence_problems(where: str, alt: str, texts: dict[str, str], norm: Any, notes: list[str]) -> list[str]:
    out: list[str] = []
    if not EVIDENCE_LEN[0] <= len(alt) <= EVIDENCE_LEN[1]:
        out.append(f"{where}: evidence {alt!r} is {len(alt)} characters, outside {EVIDENCE_LEN}")
    hits = [label for label, text in texts.items() if norm(alt) in text]
    if not hits:
        out.append(f"{where}: evidence not in any document: {alt}")
    elif len(hits) > 1:
        notes.append(f"note {where}: {alt} occurs in {len(hits)} documents: {', '.join(hits)}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=HERE / "multiturn.jsonl")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--split", type=Path, default=HERE / "dev2_split.json")
    args = ap.parse_args(argv)
    conversations = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    checker = load_checker(args.shared)
    check_documents = set(json.loads(args.split.read_text(encoding="utf-8"))["check_documents"])
    fails, notes = check(conversations, load_texts(args.shared), checker.norm, check_documents)
    for line in notes + fails:
        print(line)
    turns = sum(len(c.get("turns", [])) for c in conversations)
    judged = sum(1 for c in conversations for t in c.get("turns", []) if "kind" in t)
    halves = {h: sum(1 for c in conversations if c.get("half") == h) for h in ("build", "check")}
    print(f"{'ALL PASS' if not fails else f'{len(fails)} FAILED'}: {len(conversations)} conversations "
          f"(build {halves['build']}, check {halves['check']}), {turns} turns, {judged} judged")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
