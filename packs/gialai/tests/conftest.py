"""Fixtures of the Gia Lai tests: the pack, the 2019 batch evaluated once per module, and
the tools the tests need to run the CLI as a user does and to break a copy of the pack.

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
from criteria_engine import BatchOutcome, Pack, UnitResult
from criteria_engine.testing.packtools import (
    Key,
    PackCopy,
    block_aggregates,
    evaluate_batch,
    example_records,
    run_cli,
)

# pytest fixtures over ``batch``: imported for pytest to find them, hence ``x as x``
from criteria_engine.testing.packtools import outcome as outcome
from criteria_engine.testing.packtools import results as results
from criteria_engine.testing.packtools import standings as standings

PACK_DIR = Path(__file__).resolve().parents[1]
ROOT = PACK_DIR.parents[1]
BATCH = PACK_DIR / "examples" / "2019"


def batch_files() -> list[Path]:
    """The batch as sent: the departments' file, then one file per district."""
    return [BATCH / "departments.json", *sorted((BATCH / "districts").glob("*.json"))]


def batch_records() -> dict[Key, dict[str, Any]]:
    """A fresh copy of the batch's records as plain dicts (file defaults merged in), so a
    test may change one without touching what the others see."""
    return example_records(batch_files())


@pytest.fixture(scope="module")
def pack() -> Pack:
    return ce.load_pack(PACK_DIR)


@pytest.fixture(scope="module")
def batch(pack: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    return evaluate_batch(pack, batch_files())


@pytest.fixture(scope="module")
def aggregates(pack: Pack) -> dict[str, Mapping[str, Decimal]]:
    """Block-wide ``best``/``mean`` of the batch, so one modified unit is scored as it would
    be among the others (alone, it would be its own best)."""
    return block_aggregates(pack, batch_records().values())


@pytest.fixture
def pack_copy(tmp_path: Path) -> PackCopy:
    return PackCopy(PACK_DIR, tmp_path)


@pytest.fixture(scope="module")
def records() -> Callable[[], dict[Key, dict[str, Any]]]:
    return batch_records


@pytest.fixture(scope="module")
def files() -> list[Path]:
    return batch_files()


@pytest.fixture(scope="module")
def evaluate() -> Callable[[Pack, list[Path]], tuple[BatchOutcome, dict[Key, UnitResult]]]:
    return evaluate_batch


@pytest.fixture(scope="module")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return functools.partial(run_cli, cwd=ROOT)
