"""Fixtures of the Gia Lai tests: the pack, the 2019 batch evaluated once per module, and
the tools the tests need to run the CLI as a user does and to break a copy of the pack.

Everything here is local to this pack's tests (pytest gives a conftest's fixtures to the
tests below it only), so no other pack's tests can come to depend on it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import criteria_engine as ce
from criteria_engine.batch import BatchOutcome, run_batch
from criteria_engine.evaluation import aggregates_of
from criteria_engine.loading import load_pack_dir
from criteria_engine.model import Pack
from criteria_engine.ranking import rank_lookup
from criteria_engine.results import Standing, UnitResult
from criteria_engine.submissions import Record, check_record, read_records

PACK_DIR = Path(__file__).resolve().parents[1]
ROOT = PACK_DIR.parents[1]
BATCH = PACK_DIR / "examples" / "2019"

Key = tuple[str, str]  # (block, unit id)


def batch_files() -> list[Path]:
    """The batch as sent: the departments' file, then one file per district."""
    return [BATCH / "departments.json", *sorted((BATCH / "districts").glob("*.json"))]


@functools.cache
def _example_text() -> str:
    """The batch's records as JSON text: read once, decoded afresh for every test."""
    out = {}
    for record in read_records(batch_files()):
        assert isinstance(record, Record), record
        out["|".join((record.data["block"], record.data["id"]))] = record.data
    return json.dumps(out, default=str, ensure_ascii=False)


def example_records() -> dict[Key, dict[str, Any]]:
    """A fresh copy of the batch's records as plain dicts (file defaults merged in), so a
    test may change one without touching what the others see."""
    data = json.loads(_example_text())
    return {(key.split("|")[0], key.split("|")[1]): record for key, record in data.items()}


def evaluate_batch(pack: Pack, files: list[Path]) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    """Run a batch and keep every full result as well as the ranked tables."""
    results: dict[Key, UnitResult] = {}

    def keep(result: UnitResult) -> None:
        results[(result.block, result.unit_id)] = result

    return run_batch(pack, files, on_result=keep), results


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``criteria-engine`` as a user does: a new process, its exit code and streams."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "criteria_engine", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


class PackCopy:
    """The pack copied to a temporary folder, so a test can delete one rule from its YAML
    and show that the behaviour the rule is meant to cause goes away with it."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path / PACK_DIR.name
        shutil.copytree(
            PACK_DIR, self.folder, ignore=shutil.ignore_patterns("tests", "__pycache__")
        )

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.folder / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def cut(self, relative: str, start: str, end: str) -> None:
        """Remove a YAML section: from ``start`` up to (not including) ``end``."""
        path = self.folder / relative
        text = path.read_text(encoding="utf-8")
        first, last = text.index(start), text.index(end)
        assert first < last, (start, end)
        path.write_text(text[:first] + text[last:], encoding="utf-8")

    def load(self) -> Pack:
        return load_pack_dir(self.folder)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return ce.load_pack(PACK_DIR)


@pytest.fixture(scope="module")
def batch(pack: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    return evaluate_batch(pack, batch_files())


@pytest.fixture(scope="module")
def outcome(batch) -> BatchOutcome:
    return batch[0]


@pytest.fixture(scope="module")
def results(batch) -> dict[Key, UnitResult]:
    return batch[1]


@pytest.fixture(scope="module")
def standings(outcome: BatchOutcome) -> dict[Key, Standing]:
    return rank_lookup(outcome.tables)


@pytest.fixture(scope="module")
def aggregates(pack: Pack) -> dict[str, Mapping[str, Decimal]]:
    """Block-wide ``best``/``mean`` of the batch, so one modified unit is scored as it would
    be among the others (alone, it would be its own best)."""
    by_block: dict[str, list] = {b.id: [] for b in pack.blocks}
    for (block, _), data in example_records().items():
        checked = check_record(pack, data)
        assert not isinstance(checked, list), checked
        by_block[block].append(checked)
    return {b: aggregates_of(pack.block(b), units) for b, units in by_block.items()}


@pytest.fixture
def pack_copy(tmp_path: Path) -> PackCopy:
    return PackCopy(tmp_path)


@pytest.fixture(scope="module")
def records() -> Callable[[], dict[Key, dict[str, Any]]]:
    return example_records


@pytest.fixture(scope="module")
def files() -> list[Path]:
    return batch_files()


@pytest.fixture(scope="module")
def evaluate() -> Callable[[Pack, list[Path]], tuple[BatchOutcome, dict[Key, UnitResult]]]:
    return evaluate_batch


@pytest.fixture(scope="module")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli
