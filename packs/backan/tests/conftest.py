"""Fixtures of the Bắc Kạn tests: the pack, both example rounds evaluated once per module,
and the tools the tests need to run the CLI as a user does and to break a copy of the pack.

Everything here is local to this pack's tests (pytest gives a conftest's fixtures to the
tests below it only), so no other pack's tests can come to depend on it.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import criteria_engine as ce
from criteria_engine import BatchOutcome, Pack, Standing, UnitResult, rank_lookup
from criteria_engine.testing.packtools import (
    Key,
    PackCopy,
    block_aggregates,
    evaluate_batch,
    example_records,
    run_cli,
)

PACK_DIR = Path(__file__).resolve().parents[1]
ROOT = PACK_DIR.parents[1]
YEARS = ("2018", "2019")


def example_files(year: str) -> list[Path]:
    return sorted((PACK_DIR / "examples" / year).glob("*.json"))


def year_records(year: str) -> dict[Key, dict[str, Any]]:
    """A fresh copy of one round's records as plain dicts (file defaults merged in), so a
    test may change one without touching what the others see."""
    return example_records(example_files(year))


@pytest.fixture(scope="module")
def pack() -> Pack:
    return ce.load_pack(PACK_DIR)


@pytest.fixture(scope="module")
def batches(pack: Pack) -> dict[str, tuple[BatchOutcome, dict[Key, UnitResult]]]:
    return {year: evaluate_batch(pack, example_files(year)) for year in YEARS}


@pytest.fixture(scope="module")
def standings(batches) -> dict[str, dict[Key, Standing]]:
    return {year: rank_lookup(outcome.tables) for year, (outcome, _) in batches.items()}


@pytest.fixture(scope="module")
def results(batches) -> dict[str, dict[Key, UnitResult]]:
    return {year: found for year, (_, found) in batches.items()}


@pytest.fixture(scope="module")
def aggregates(pack: Pack) -> dict[tuple[str, str], Mapping[str, Decimal]]:
    """``{(year, block): best/mean}`` of each round, so one modified unit is scored as it
    would be among the others (alone, it would be its own best)."""
    return {
        (year, block): found
        for year in YEARS
        for block, found in block_aggregates(pack, year_records(year).values()).items()
    }


@pytest.fixture
def pack_copy(tmp_path: Path) -> PackCopy:
    return PackCopy(PACK_DIR, tmp_path)


@pytest.fixture(scope="module")
def records() -> Callable[[str], dict[Key, dict[str, Any]]]:
    return year_records


@pytest.fixture(scope="module")
def files() -> Callable[[str], list[Path]]:
    return example_files


@pytest.fixture(scope="module")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return functools.partial(run_cli, cwd=ROOT)
