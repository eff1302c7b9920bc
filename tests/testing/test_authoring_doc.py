"""docs/authoring.md runs: every example, in order, in an empty folder, as a reader would.

A ``yaml``/``toml``/``python`` block starts with a marker saying what to do with it:
``# file: PATH`` writes it, ``# part of: PATH`` must appear as written in that file (so the
guide quotes the template and cannot drift from it), ``# add to: PATH [after: LINE]`` adds
its lines to that file. A ``console`` block runs each ``$`` command and checks that every
other line of the block appears in what the command printed.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from criteria_engine.loading.yaml_reader import parse_yaml

from ..helpers import ROOT
from .support import environment, plugin_args

DOC = ROOT / "docs" / "authoring.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"#\s*(file|part of|add to):\s*(\S+)(?:\s+after:\s*(.+))?\s*$")
DATA = ("yaml", "toml", "python")


def _blocks() -> list[tuple[str, str, int]]:
    text = DOC.read_text(encoding="utf-8")
    return [
        (m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)
    ]


def _marker(body: str) -> tuple[str, str, str | None, str]:
    first, _, rest = body.partition("\n")
    found = MARKER.match(first)
    assert found, f"the block does not start with `# file:`, `# part of:` or `# add to:`: {first}"
    return found.group(1), found.group(2), found.group(3), rest


def test_every_example_block_is_checked():
    data = [(lang, body, line) for lang, body, line in _blocks() if lang in DATA]
    assert len(data) >= 10
    for _lang, body, line in data:
        assert MARKER.match(body.partition("\n")[0]), f"docs/authoring.md:{line} is never run"
    assert any(lang == "console" for lang, _, _ in _blocks())


def _apply(kind: str, target: Path, after: str | None, content: str, where: str) -> None:
    if kind == "file":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    elif kind == "part of":
        assert content.strip() in target.read_text(encoding="utf-8"), (
            f"{where}: the quoted lines are not in {target.name}:\n{content}"
        )
    else:
        text = target.read_text(encoding="utf-8")
        if after is None:
            text = text.rstrip("\n") + "\n" + content
        else:
            lines = text.splitlines(keepends=True)
            at = next(i for i, line in enumerate(lines) if line.strip() == after.strip())
            text = "".join([*lines[: at + 1], content, *lines[at + 1 :]])
        target.write_text(text, encoding="utf-8")
    if target.suffix == ".yaml" and kind != "part of":
        parse_yaml(target.read_text(encoding="utf-8"), str(target))


def _command(words: list[str], cwd: Path, site: Path) -> list[str] | None:
    """The process to start for a command of the guide, or None when done here."""
    if words[0] == "criteria-engine":
        return [sys.executable, "-m", "criteria_engine", *words[1:]]
    if words[:3] == ["python", "-m", "pytest"]:
        return [
            sys.executable,
            "-m",
            "pytest",
            *plugin_args(),
            "-p",
            "no:cacheprovider",
            *words[3:],
        ]
    if words[:2] == ["pip", "install"]:
        return [
            *(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"),
            *("--target", str(site), *words[2:]),
        ]
    if words[:2] == ["mkdir", "-p"]:
        (cwd / words[2]).mkdir(parents=True, exist_ok=True)
        return None
    if words[:2] == ["cp", "-r"]:
        *sources, target = words[2:]
        for source in sources:
            path = cwd / source
            copy = cwd / target / path.name
            if path.is_dir():
                shutil.copytree(path, copy)
            else:
                shutil.copy2(path, copy)
        return None
    raise AssertionError(f"the guide uses a command the test does not know: {words}")


def _console(body: str, cwd: Path, site: Path, where: str) -> None:
    steps: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.strip():
            steps[-1][1].append(line)
    for command, expected in steps:
        argv = _command(shlex.split(command), cwd, site)
        if argv is None:
            continue
        done = subprocess.run(
            argv,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment(site),
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        printed = " ".join((done.stdout + done.stderr).split())
        assert done.returncode == 0, f"{where}: `{command}` failed:\n{done.stdout}\n{done.stderr}"
        for line in expected:
            assert " ".join(line.split()) in printed, (
                f"{where}: `{command}` did not print {line!r}:\n{done.stdout}\n{done.stderr}"
            )


@pytest.mark.slow
def test_the_guide_runs_from_start_to_finish(tmp_path):
    site = tmp_path / "site"
    work = tmp_path / "work"
    work.mkdir()
    for lang, body, line in _blocks():
        where = f"docs/authoring.md:{line}"
        if lang in DATA:
            kind, path, after, content = _marker(body)
            _apply(kind, work / path, after, content, where)
        elif lang == "console":
            _console(body, work, site, where)
