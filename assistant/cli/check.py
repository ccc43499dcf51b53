"""`zhice check` (a profile against every programme) and `zhice criteria check` (sources resolve)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.settings import Settings


def register(sub: Any) -> None:
    s = sub.add_parser("check", help="check an enterprise profile (YAML/JSON) against every programme")
    s.add_argument("profile", help="a YAML or JSON file of profile fields (docs/eligibility.md)")
    s.add_argument("--programme", action="append", help="only this programme id (repeatable)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("criteria", help="programme criteria tools")
    s.add_argument("action", choices=["check"], help="check: every criterion's source resolves to an indexed chunk")
    s.set_defaults(func=cmd_criteria)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """An enterprise profile (YAML or JSON) → programme verdicts, as Markdown or JSON."""
    import yaml

    from assistant.eligibility import Profile, evaluate, to_dict, to_markdown
    from assistant.eligibility.reviewed import load_reviewed

    path = Path(args.profile)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BadInput(f"cannot read the profile {path}: {e.strerror}; check the path") from e
    except yaml.YAMLError as e:
        raise BadInput(f"{path} is not valid YAML/JSON ({e}); see docs/eligibility.md for the fields") from e
    if not isinstance(data, dict):
        raise BadInput(f"{path} must hold a mapping of profile fields; see docs/eligibility.md")
    programmes = load_reviewed(settings.programmes_dir, settings.data_dir)
    verdicts = evaluate(Profile.from_dict(data.get("profile", data)), programmes, only=args.programme or None)
    if args.json:
        print(json.dumps(to_dict(verdicts), ensure_ascii=False, indent=1))
    else:
        print(to_markdown(verdicts))
    return 0


def cmd_criteria(args: argparse.Namespace, settings: Settings) -> int:
    """Every criterion's source must resolve to an indexed chunk that contains its quote."""
    from assistant.eligibility import load_programmes
    from assistant.eligibility.criteria_check import check_sources
    from assistant.wiring import build_knowledge_base

    kb = build_knowledge_base(settings)
    if kb.is_empty():
        print("zhice: the index is empty; run `zhice ingest <folder>` (or `zhice ingest` for the built-in sample) first",
              file=sys.stderr)
        return 2
    programmes = load_programmes(settings.programmes_dir)
    chunks = [(c.doc.title, c.doc.doc_no, c.text) for c in kb.snapshot.chunks.values()]
    found = check_sources(programmes, chunks)
    problems = [p for p in found if p.failure]
    not_indexed = sorted({p.programme_id for p in found if not p.failure})
    total = sum(len(p.criteria) for p in programmes)
    for p in problems:
        print(f"✗ {p.programme_id} {p.item}: {p.message}")
    if not_indexed:
        print(f"… {len(not_indexed)} programme(s) whose document is not indexed (not checked): {', '.join(not_indexed)}")
    print(f"{len(programmes)} programmes, {total} criteria: "
          + ("every indexed source resolves to a chunk" if not problems else f"{len(problems)} problem(s)"))
    return 0 if not problems else 1
