"""The built wheel works anywhere: install it (no deps) into a fresh venv that sees the installed
dependencies, then run `zhice ingest` (the built-in sample corpus) and `zhice ask` from another folder.

The sources are copied to tmp_path before building, so nothing is written into the working tree.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "assistant", "ingest", "ui", "evals", "benchmarks", "prompts", "corpus")
CODE_ROOTS = ("assistant", "ingest", "ui", "evals", "benchmarks")


def test_every_package_is_listed_for_the_wheel() -> None:
    """setuptools packages are listed explicitly: a new package folder that is not listed is left out."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in CODE_ROOTS for p in (ROOT / top).rglob("__init__.py")
             if "__pycache__" not in p.parts}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)} → {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _copy_sources(dest: Path) -> Path:
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("ZHICE_", "PYTHON", "VIRTUAL_ENV"))}


@pytest.mark.slow
def test_the_sdist_builds_a_wheel_with_every_data_file(tmp_path: Path) -> None:
    import tarfile
    import zipfile

    src = _copy_sources(tmp_path / "src")
    env = _clean_env()
    _run([sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(tmp_path / 'sdist')!r})"],
         cwd=src, env=env)
    [sdist] = (tmp_path / "sdist").glob("zhice-*.tar.gz")
    with tarfile.open(sdist) as t:
        t.extractall(tmp_path / "unpacked", filter="data")
    [unpacked] = (tmp_path / "unpacked").iterdir()
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"),
          str(unpacked)], cwd=tmp_path, env=env)
    [wheel] = (tmp_path / "dist").glob("zhice-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("assistant/prompt_files/answer.system.md", "assistant/data/synonyms.tsv",
                     "assistant/core/data/gazetteer.tsv", "assistant/programmes/national_demo_factory.yaml"):
        assert expected in names
    assert any(n.startswith("assistant/sample_corpus/") and n.endswith(".txt") for n in names)


@pytest.mark.slow
def test_the_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    src = _copy_sources(tmp_path / "src")
    env = _clean_env()
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"),
          str(src)], cwd=tmp_path, env=env)
    [wheel] = (tmp_path / "dist").glob("zhice-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, env=env)
    # the new venv sees the dependencies installed beside the test run (but not the checkout's editable zhice:
    # a plain path line adds the folder without running the .pth files inside it)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    purelib.mkdir(parents=True, exist_ok=True)
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps",
          str(wheel)], cwd=tmp_path, env=env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env["ZHICE_DATA_DIR"] = str(tmp_path / "data")
    zhice = str(venv / "bin" / "zhice")
    located = _run([str(venv / "bin" / "python"), "-c", "import assistant, ingest; print(assistant.__file__)"],
                   cwd=elsewhere, env=env).stdout
    assert str(venv) in located and str(ROOT) not in located  # the installed copy, not the checkout

    ingested = _run([zhice, "ingest", "--quiet"], cwd=elsewhere, env=env).stdout
    assert "新增 added 1" in ingested and "跳过 skipped 0" in ingested
    asked = _run([zhice, "ask", "--json", "智能制造示范工厂的建设期是多长时间？"], cwd=elsewhere, env=env).stdout
    answer = json.loads(asked)
    assert not answer["refused"] and answer["citations"], answer
    assert any("实施方案" in c["title"] for c in answer["citations"])
    assert not any(p.name not in ("data",) for p in elsewhere.iterdir())  # nothing written where it ran
