"""The reviewed programme files: the folder settings.programmes_dir names, else the built-in set plus
the drafts a reviewer saved under data_dir/programmes (a saved file replaces a built-in one of its id).

A reviewer's save goes where the loader reads it back: programmes_dir when set, else the saved folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.eligibility.indexed import save_programme
from assistant.eligibility.loader import load_programmes
from assistant.eligibility.model import Programme
from assistant.errors import ConfigError

__all__ = ["load_reviewed", "save_reviewed", "saved_folder"]

SAVED = "programmes"  # under data_dir: reviewed drafts, when no programmes_dir is set


def saved_folder(programmes_dir: Path | None, data_dir: Path) -> Path:
    """Where a reviewed draft is written (and read back from)."""
    return programmes_dir if programmes_dir is not None else data_dir / SAVED


def load_reviewed(programmes_dir: Path | None, data_dir: Path) -> list[Programme]:
    """programmes_dir's files, else the built-in set with the saved reviews over it.

    Raises:
        ConfigError: a file is malformed, or two programmes share a criterion id.
    """
    if programmes_dir is not None:
        return load_programmes(programmes_dir)
    built_in = load_programmes()
    folder = data_dir / SAVED
    if not any(folder.glob("*.yaml")):
        return built_in
    saved = load_programmes(folder)
    ids = {p.id for p in saved}
    out = [p for p in built_in if p.id not in ids] + saved
    seen: dict[str, str] = {}
    for prog in out:
        for ident in [c.id for c in prog.criteria] + [e.id for e in prog.estimates]:
            if seen.setdefault(ident, prog.id) != prog.id:
                raise ConfigError(f"{folder}：{prog.id} 的 id {ident!r} 已在 {seen[ident]} 中使用；请改用唯一的 id")
    return out


def save_reviewed(data: dict[str, Any], programmes_dir: Path | None, data_dir: Path) -> Path:
    """A reviewed programme (draft: false) written where `load_reviewed` reads it; checked first.

    Raises:
        ConfigError: the mapping is not a valid programme, or it would clash with another file's ids.
    """
    folder = saved_folder(programmes_dir, data_dir)
    earlier = folder / f"{data.get('id')}.yaml"
    before = earlier.read_bytes() if earlier.is_file() else None
    path = save_programme(data, folder, reviewed=True)
    try:
        load_reviewed(programmes_dir, data_dir)
    except ConfigError:  # it does not load beside the others: leave the folder as it was
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)
        raise
    return path
