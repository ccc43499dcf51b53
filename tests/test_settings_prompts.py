"""Settings validation and prompt-file checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import make_settings

from assistant.errors import ConfigError
from assistant.prompts import EXPECTED, load_prompts
from assistant.settings import PROJECT_ROOT, Settings


def test_environment_is_read_with_prefix_and_nesting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHICE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ZHICE_RETRIEVAL__K", "9")
    monkeypatch.setenv("ZHICE_LLM_BASE_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("ZHICE_LLM_MODEL", "qwen2.5")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.data_dir == tmp_path and s.retrieval.k == 9
    assert s.llm.enabled and s.llm.model == "qwen2.5"  # a loopback server needs no key


def test_overlap_must_be_below_chunk_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="overlap"):
        make_settings(tmp_path, chunking={"max_tokens": 100, "overlap_tokens": 100})


def test_embedder_endpoint_needs_url_and_model(tmp_path: Path) -> None:
    with pytest.raises((ConfigError, ValueError), match="EMBED_URL"):
        make_settings(tmp_path, embedder="openai")


def test_shipped_prompts_load() -> None:
    p = load_prompts(PROJECT_ROOT / "prompts")
    assert "{evidence}" in p.answer_user and p.answer_system


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("answer.user.md", "问题：{question}", "placeholders"),          # a variable missing
        ("answer.user.md", "{evidence}{question}{secret}", "placeholders"),  # an extra one
        ("condense.user.md", "{history", "broken placeholder"),
    ],
)
def test_broken_prompt_files_stop_startup(tmp_path: Path, name: str, text: str, message: str) -> None:
    for f in EXPECTED:
        shutil.copy(PROJECT_ROOT / "prompts" / f, tmp_path / f)
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_prompts(tmp_path)


def test_missing_prompt_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="answer.system.md"):
        load_prompts(tmp_path)
