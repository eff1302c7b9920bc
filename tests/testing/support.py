"""Running pytest, pip and criteria-engine from the testing kit's tests, as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from ..helpers import ROOT


def plugin_args() -> list[str]:
    """``-p criteria_engine.testing.pytest_plugin`` unless the plugin is already installed.

    Once the ``pytest11`` entry point is installed, pytest loads the plugin by itself, and
    naming it again with ``-p`` would register it twice.
    """
    if any(ep.name == "criteria_engine" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "criteria_engine.testing.pytest_plugin"]


def environment(*paths: Path) -> dict[str, str]:
    """The environment of a user's shell, with ``paths`` and the engine's sources importable."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    parts = [*(str(p) for p in paths), str(ROOT / "src")]
    env["PYTHONPATH"] = os.pathsep.join([*parts, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run_pytest(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run pytest in a new process on a user's folder, without a cache folder."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=environment(),
        stdin=subprocess.DEVNULL,
    )


def pip_install(project: Path, site: Path) -> None:
    """Install a pack distribution into its own folder, as test_plugins.py does."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(project),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
