"""Shared test helpers: the fixture pack, copying it to break it, running the CLI.

The work is done by :mod:`criteria_engine.testing.packtools`, which pack authors use too;
these keep the engine's own tests on the fixture pack and in the repository's root.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from criteria_engine.testing import packtools
from criteria_engine.testing.packtools import edit_file as edit

__all__ = ["FIXTURES", "MINIPACK", "ROOT", "copy_pack", "edit", "line_of", "run_cli"]

FIXTURES = Path(__file__).parent / "fixtures"
MINIPACK = FIXTURES / "minipack"
ROOT = Path(__file__).resolve().parents[1]


def copy_pack(tmp_path: Path, source: Path = MINIPACK) -> Path:
    """The whole pack folder (the fixture pack by default) copied into ``tmp_path``."""
    return packtools.copy_pack(source, tmp_path, ignore=())


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``criteria-engine`` as a user does, in the repository's root unless told."""
    return packtools.run_cli(*args, cwd=cwd or ROOT, timeout=timeout)


def line_of(path: Path, text: str) -> int:
    """The line (from 1) of the first occurrence of ``text`` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")
