"""Fixtures of the Hà Tĩnh tests: both versions of the pack, the 2022 and 2020 batches (and
the 2022 interim updates) evaluated once per module, and the tools the tests need to run the
CLI as a user does and to break a copy of the pack.

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
from criteria_engine.results import INTERIM, Standing, UnitResult
from criteria_engine.submissions import Record, check_record, read_records

PACK_DIR = Path(__file__).resolve().parents[1]
V2019_DIR = PACK_DIR / "v2019"
ROOT = PACK_DIR.parents[1]
BATCH = PACK_DIR / "examples" / "2022"
UPDATES = PACK_DIR / "examples" / "2022-updates"
BATCH_2020 = V2019_DIR / "examples" / "2020"
EXCLUDED_IDS = frozenset({"bo-chi-huy-quan-su-tinh", "bo-chi-huy-bien-phong-tinh"})

Key = tuple[str, str]  # (block, unit id)


def folder_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


@functools.cache
def _example_text(folder: Path) -> str:
    """A folder's records as JSON text: read once, decoded afresh for every test."""
    out = {}
    for record in read_records(folder_files(folder)):
        assert isinstance(record, Record), record
        data = record.data
        out["|".join((data["block"], data["id"], data.get("stage") or "year"))] = data
    return json.dumps(out, default=str, ensure_ascii=False)


def folder_records(folder: Path) -> dict[tuple[str, ...], dict[str, Any]]:
    """A fresh copy of a folder's records as plain dicts keyed by (block, id, stage), so a
    test may change one without touching what the others see."""
    data = json.loads(_example_text(folder))
    return {tuple(key.split("|")): record for key, record in data.items()}


def one_record(block: str, unit: str) -> dict[str, Any]:
    """A fresh copy of one unit's yearly 2022 record."""
    return folder_records(BATCH)[(block, unit, "year")]


def evaluate_batch(pack: Pack, files: list[Path]) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    """Run a batch and keep every yearly result as well as the ranked tables."""
    results: dict[Key, UnitResult] = {}

    def keep(result: UnitResult) -> None:
        if result.status != INTERIM:
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
    """The current version copied to a temporary folder, so a test can delete one rule from
    its YAML and show that the behaviour the rule is meant to cause goes away with it."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path / PACK_DIR.name
        shutil.copytree(
            PACK_DIR, self.folder, ignore=shutil.ignore_patterns("tests", "v2019", "__pycache__")
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
def pack_2019() -> Pack:
    return ce.load_pack(V2019_DIR)


@pytest.fixture(scope="module")
def batch(pack: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    return evaluate_batch(pack, folder_files(BATCH))


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
def with_updates(pack: Pack) -> BatchOutcome:
    """The yearly batch and the 3/6/9-month updates evaluated together."""
    return run_batch(pack, [*folder_files(BATCH), *folder_files(UPDATES)])


@pytest.fixture(scope="module")
def batch_2020(pack_2019: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    return evaluate_batch(pack_2019, folder_files(BATCH_2020))


@pytest.fixture(scope="module")
def aggregates(pack: Pack) -> dict[str, Mapping[str, Decimal]]:
    """Block-wide ``best``/``mean`` of the 2022 batch (without the excluded commands, which
    the engine leaves out), so one modified unit is scored as among the others."""
    by_block: dict[str, list] = {b.id: [] for b in pack.blocks}
    for (block, unit, _), data in folder_records(BATCH).items():
        if unit not in EXCLUDED_IDS:
            checked = check_record(pack, data)
            assert not isinstance(checked, list), checked
            by_block[block].append(checked)
    return {b: aggregates_of(pack.block(b), units) for b, units in by_block.items()}


@pytest.fixture
def pack_copy(tmp_path: Path) -> PackCopy:
    return PackCopy(tmp_path)


@pytest.fixture(scope="module")
def records() -> Callable[[Path], dict[tuple[str, ...], dict[str, Any]]]:
    return folder_records


@pytest.fixture(scope="module")
def unit_record() -> Callable[[str, str], dict[str, Any]]:
    return one_record


@pytest.fixture(scope="module")
def files() -> Callable[[Path], list[Path]]:
    return folder_files


@pytest.fixture(scope="module")
def evaluate() -> Callable[[Pack, list[Path]], tuple[BatchOutcome, dict[Key, UnitResult]]]:
    return evaluate_batch


@pytest.fixture(scope="module")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli
