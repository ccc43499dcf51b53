"""`zhice eval`: gold sets over an index of their own, beside the plain recipe → reports/eval.{md,json}.

The corpus folders are ingested into an index under `--index-dir` (default `<data dir>/eval-index`),
never into the user's index; it is reused as it is when it was built from the same files with the
same chunking and embedder (a manifest of content hashes says so), and brought up to date otherwise.

This module only defines the arguments and the run; `assistant/cli/eval.py` registers it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)
SHARED = PROJECT_ROOT.parent / "shared"
EVALS = Path(__file__).resolve().parent
DEFAULT_CORPORA = (SHARED / "corpus", SHARED / "corpus-dev2")
DEFAULT_GOLD = (SHARED / "evals" / "dev2.jsonl", SHARED / "evals" / "dev.jsonl", EVALS / "heldout.jsonl",
                EVALS / "multiturn.jsonl")
DEFAULT_SPLIT = EVALS / "dev2_split.json"
MANIFEST = "eval-manifest.json"
BASELINE_VECTORS = "baseline-vectors.json"
INGEST_PACKAGES = ("ingest", "assistant.core")  # what turns files into chunks and their metadata
CARRIED = {"both": "history and state", "history": "history only", "state": "state only (no history)"}
FOLDER_NOTES = {"README.md", "readme.md", "MANIFEST.md"}  # descriptions of a folder, not documents


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `zhice eval`."""
    p.add_argument("--corpus", nargs="+", type=Path, default=list(DEFAULT_CORPORA), metavar="DIR",
                   help="folders the gold sets are about, ingested into one eval index (default: ../shared/corpus "
                        "and ../shared/corpus-dev2)")
    p.add_argument("--gold", nargs="+", type=Path, default=list(DEFAULT_GOLD), metavar="FILE",
                   help="gold files: single questions or conversations ({'turns': [...]}); default dev2, dev, "
                        "evals/heldout.jsonl, evals/multiturn.jsonl")
    p.add_argument("--split", choices=("build", "check"),
                   help="only this half of a split gold file (dev2); without it both halves are reported")
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these items (question or conversation ids)")
    p.add_argument("--carry", choices=tuple(CARRIED), default="both",
                   help="what a conversation turn is sent with: history and the previous answer's state (default), "
                        "history only, or state only (no history)")
    p.add_argument("--split-file", type=Path, default=DEFAULT_SPLIT, help="the fixed split (evals/dev2_split.json)")
    p.add_argument("--index-dir", type=Path, help="the eval index (default: <ZHICE_DATA_DIR>/eval-index)")
    p.add_argument("--rebuild", action="store_true", help="delete the eval index and ingest again")
    p.add_argument("--keep-index", action="store_true",
                   help="use the eval index even when the ingest code changed since it was built (quick loops on "
                        "the answer path; the report says the index is stale)")
    p.add_argument("--no-baseline", action="store_true", help="skip the plain recipe")
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports", help="report folder (default: reports/)")
    p.add_argument("--name", default="eval", help="report file stem: <out>/<name>.md and .json")


# ------------------------------------------------------------------ the eval index
def corpus_files(folders: list[Path]) -> list[Path]:
    """The documents under `folders` (hidden files and folder notes left out), sorted."""
    files: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise BadInput(f"corpus folder {folder} not found; pass --corpus DIR [DIR ...]")
        files += sorted(f for f in folder.rglob("*") if f.is_file() and f.name not in FOLDER_NOTES
                        and not any(part.startswith(".") for part in f.relative_to(folder).parts))
    return files


def fingerprint(files: list[Path]) -> str:
    """The documents the index holds: every file's name and content."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def pipeline_fingerprint(settings: Settings) -> str:
    """How the documents were turned into chunks: the ingest code, the chunking settings and the embedder.

    Ingest skips files whose content it has seen, so a change here needs a fresh index, not an update.
    """
    h = hashlib.sha256()
    for package in INGEST_PACKAGES:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for f in sorted(Path(folder).rglob("*")):
                if f.is_file() and f.suffix in (".py", ".txt", ".tsv", ".yaml", ".json") and "__pycache__" not in f.parts:
                    h.update(str(f.relative_to(folder)).encode() + b"\0" + f.read_bytes())
    h.update(json.dumps([settings.chunking.model_dump(), settings.embedder, settings.embed_model],
                        sort_keys=True, default=str).encode())
    return h.hexdigest()


def eval_settings(settings: Settings, index_dir: Path) -> Settings:
    """The user's settings, pointed at the eval index (always the embedded store)."""
    return settings.model_copy(update={"data_dir": index_dir, "chroma_url": ""})


def ensure_index(settings: Settings, folders: list[Path], index_dir: Path, rebuild: bool, keep: bool = False) -> str:
    """Make `index_dir` hold `folders` as the current code chunks them; says whether it was reused, updated or built.

    Same files and pipeline: reused. Files changed: an incremental ingest with sync. Pipeline changed
    (ingest code, chunking, embedder) or `rebuild`: the eval index is deleted and built again.
    """
    if index_dir.resolve() == settings.data_dir.resolve():
        raise BadInput(f"--index-dir {index_dir} is the user's data dir; the eval needs an index of its own")
    manifest = index_dir / MANIFEST
    files = corpus_files(folders)
    stamp = {"files": fingerprint(files), "pipeline": pipeline_fingerprint(settings)}
    old = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    if not rebuild and old.get("files") == stamp["files"]:
        if old.get("pipeline") == stamp["pipeline"]:
            return "reused"
        if keep:
            return "reused, stale: built by other ingest code or settings (--keep-index)"
    fresh = rebuild or (bool(old) and old.get("pipeline") != stamp["pipeline"])
    if fresh and index_dir.exists():
        if not manifest.is_file() and any(index_dir.iterdir()):
            raise BadInput(f"{index_dir} holds no {MANIFEST}: not an eval index, not deleting it; pick another "
                           "--index-dir")
        cache = index_dir / BASELINE_VECTORS  # the plain recipe's vectors do not depend on our pipeline: kept
        saved = cache.read_bytes() if cache.is_file() else None
        from assistant.backends import release_embedded_stores

        release_embedded_stores()  # an earlier build in this process may still hold the old store open
        shutil.rmtree(index_dir)
        if saved is not None:
            index_dir.mkdir(parents=True)
            cache.write_bytes(saved)
    from assistant.wiring import build_knowledge_base

    kb = build_knowledge_base(eval_settings(settings, index_dir))
    report = kb.ingest(folders, sync=True)
    for skipped in getattr(report, "skipped", []):
        print(f"zhice eval: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    manifest.write_text(json.dumps({**stamp, "folders": [str(f) for f in folders], "files_list": [str(f) for f in files]},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
    return "built" if fresh or not old else "updated"


# ------------------------------------------------------------------ the run
def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Build or reuse the eval index, run every gold set, write <out>/<name>.{md,json}."""
    from assistant.backends import build_embedder
    from assistant.wiring import build_assistant
    from evals.baseline import Baseline, CachedEmbeddings
    from evals.report import to_markdown
    from evals.run import load_gold, load_split, only, report_json, run

    for g in args.gold:
        if not g.is_file():
            raise BadInput(f"gold file {g} not found; pass --gold FILE [FILE ...]")
    split = load_split(args.split_file) if args.split_file.is_file() else None
    if args.split and split is None:
        raise BadInput(f"--split needs the split file {args.split_file}")
    sets = [load_gold(g, split, args.split) for g in args.gold]
    if args.ids:
        sets = [s for s in (only(g, set(args.ids)) for g in sets) if s.items]
        if not sets:
            raise BadInput(f"no item of {', '.join(str(g) for g in args.gold)} has an id in {' '.join(args.ids)}")
    index_dir: Path = args.index_dir or settings.data_dir / "eval-index"
    t0 = time.perf_counter()
    state = ensure_index(settings, list(args.corpus), index_dir, args.rebuild, args.keep_index)
    es = eval_settings(settings, index_dir)
    assistant = build_assistant(es)
    baseline = None
    if not args.no_baseline:
        embedder = CachedEmbeddings(build_embedder(es), index_dir / BASELINE_VECTORS)
        baseline = Baseline.build(corpus_files(list(args.corpus)), embedder, settings.max_file_bytes).retrieve
    t1 = time.perf_counter()
    load_before = os.getloadavg()[0]
    results = run(assistant, sets, baseline, args.carry)
    about: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": _commit(),
        "corpus": " ".join(str(c) for c in args.corpus),
        "index": f"{index_dir} ({state}; {t1 - t0:.0f} s to ready)",
        "split": args.split or "both halves reported",
        "conversation turns sent with": CARRIED[args.carry],
        "answers": "LLM" if settings.llm.enabled else "extractive",
        "run": f"{time.perf_counter() - t1:.0f} s",
        # the machine is shared: a high load average explains a long latency tail
        "load average (1 min) before → after the run": f"{load_before:.1f} → {os.getloadavg()[0]:.1f}",
    }
    report = report_json(results, about)
    md = to_markdown(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.md").write_text(md, encoding="utf-8")
    (args.out / f"{args.name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=sorted),
                                                 encoding="utf-8")
    print(md)
    print(f"written: {args.out / (args.name + '.md')}, {args.out / (args.name + '.json')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m evals.cli …` — the same as `zhice eval …`."""
    p = argparse.ArgumentParser(prog="zhice eval", description=__doc__.splitlines()[0])
    add_arguments(p)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run_eval(p.parse_args(argv), Settings())
    except BadInput as e:
        print(f"zhice eval: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
