"""Data folders that ship inside the package (prompts, the built-in sample corpus).

In a checkout they are the top-level `prompts/` and `corpus/` folders, where the layout puts them;
an installed wheel carries the same files as `assistant/prompt_files` and `assistant/sample_corpus`
(pyproject.toml maps the folders there), found with importlib.resources, so `zhice` works from any
directory without the repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["CHECKOUT_ROOT", "bundled_dir", "prompts_dir", "sample_corpus"]

CHECKOUT_ROOT = Path(__file__).resolve().parent.parent  # the repository, when running from a checkout


def bundled_dir(installed_name: str, checkout_folder: str) -> Path:
    """The folder of shipped data files: `assistant/<installed_name>` in an installed package, else
    `<checkout>/<checkout_folder>`."""
    installed = resources.files("assistant").joinpath(installed_name)
    if installed.is_dir():
        return Path(str(installed))
    return CHECKOUT_ROOT / checkout_folder


def prompts_dir() -> Path:
    """The built-in prompt files."""
    return bundled_dir("prompt_files", "prompts")


def sample_corpus() -> Path:
    """The built-in sample corpus (the national 实施方案)."""
    return bundled_dir("sample_corpus", "corpus")
