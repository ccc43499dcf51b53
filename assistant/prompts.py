"""Prompt files: loaded once, their placeholders checked against what the code fills in."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError

EXPECTED: dict[str, set[str]] = {
    "answer.system.md": set(),
    "answer.user.md": {"evidence", "question"},
    "condense.user.md": {"history", "question"},
}


@dataclass(frozen=True)
class Prompts:
    answer_system: str
    answer_user: str
    condense_user: str


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def load_prompts(folder: Path) -> Prompts:
    """Read and check every prompt file; a missing file or a wrong placeholder stops start-up."""
    texts: dict[str, str] = {}
    for name, want in EXPECTED.items():
        path = folder / name
        if not path.is_file():
            raise ConfigError(f"prompt file {path} is missing; restore it or point ZHICE_PROMPTS_DIR at a full set")
        text = path.read_text(encoding="utf-8")
        try:
            got = _fields(text)
        except ValueError as e:
            raise ConfigError(f"prompt file {path} has a broken placeholder ({e}); escape braces as {{{{ }}}}") from e
        if got != want:
            raise ConfigError(
                f"prompt file {path} uses placeholders {sorted(got)} but the code fills {sorted(want)}; fix the file"
            )
        texts[name] = text
    return Prompts(texts["answer.system.md"], texts["answer.user.md"], texts["condense.user.md"])
