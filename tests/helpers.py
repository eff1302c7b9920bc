"""Shared test helpers: the fixture pack, copying it to break it, running the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MINIPACK = FIXTURES / "minipack"
ROOT = Path(__file__).resolve().parents[1]


def copy_pack(tmp_path: Path, source: Path = MINIPACK) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run ``criteria-engine`` as a user does: a new process, its exit code and streams."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "criteria_engine", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def line_of(path: Path, text: str) -> int:
    """The line (from 1) of the first occurrence of ``text`` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")
