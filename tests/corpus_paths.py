"""Where the shared, read-only corpus and gold set live (beside the project, as in CI)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "evals" / "dev.jsonl"
NATIONAL_TEXT = CORPUS / "policies" / "national" / "智能制造试点示范行动实施方案_2021_附件1.txt"
