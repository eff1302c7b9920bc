"""Fixtures of the Hà Tĩnh tests: both versions of the pack, the 2022 and 2020 batches (and
the 2022 interim updates) evaluated once per module, and the tools the tests need to run the
CLI as a user does and to break a copy of the pack.

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
from criteria_engine import INTERIM, BatchOutcome, Pack, UnitResult, run_batch
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
V2019_DIR = PACK_DIR / "v2019"
ROOT = PACK_DIR.parents[1]
BATCH = PACK_DIR / "examples" / "2022"
UPDATES = PACK_DIR / "examples" / "2022-updates"
BATCH_2020 = V2019_DIR / "examples" / "2020"
EXCLUDED_IDS = frozenset({"bo-chi-huy-quan-su-tinh", "bo-chi-huy-bien-phong-tinh"})


def folder_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def _unit_stage(record: Mapping[str, Any]) -> tuple[str, ...]:
    """A record's (block, id, stage): the interim updates share their unit's block and id."""
    return (record["block"], record["id"], record.get("stage") or "year")


def folder_records(folder: Path) -> dict[tuple[str, ...], dict[str, Any]]:
    """A fresh copy of a folder's records as plain dicts keyed by (block, id, stage), so a
    test may change one without touching what the others see."""
    return example_records(folder_files(folder), _unit_stage)


def one_record(block: str, unit: str) -> dict[str, Any]:
    """A fresh copy of one unit's yearly 2022 record."""
    return folder_records(BATCH)[(block, unit, "year")]


def yearly_batch(pack: Pack, files: list[Path]) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    """Run a batch and keep every yearly result as well as the ranked tables."""
    return evaluate_batch(pack, files, include=lambda result: result.status != INTERIM)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return ce.load_pack(PACK_DIR)


@pytest.fixture(scope="module")
def pack_2019() -> Pack:
    return ce.load_pack(V2019_DIR)


@pytest.fixture(scope="module")
def batch(pack: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    return yearly_batch(pack, folder_files(BATCH))


@pytest.fixture(scope="module")
def with_updates(pack: Pack) -> BatchOutcome:
    """The yearly batch and the 3/6/9-month updates evaluated together."""
    return run_batch(pack, [*folder_files(BATCH), *folder_files(UPDATES)])


@pytest.fixture(scope="module")
def batch_2020(pack_2019: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    return yearly_batch(pack_2019, folder_files(BATCH_2020))


@pytest.fixture(scope="module")
def aggregates(pack: Pack) -> dict[str, Mapping[str, Decimal]]:
    """Block-wide ``best``/``mean`` of the 2022 batch (without the excluded commands, which
    the engine leaves out), so one modified unit is scored as among the others."""
    sent = folder_records(BATCH)
    return block_aggregates(
        pack, (r for (_, unit, _), r in sent.items() if unit not in EXCLUDED_IDS)
    )


@pytest.fixture
def pack_copy(tmp_path: Path) -> PackCopy:
    return PackCopy(PACK_DIR, tmp_path, ignore=("tests", "v2019", "__pycache__"))


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
    return yearly_batch


@pytest.fixture(scope="module")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return functools.partial(run_cli, cwd=ROOT)
