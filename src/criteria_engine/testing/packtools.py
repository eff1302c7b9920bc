"""Helpers for a pack's own pytest tests: the command line, an altered copy, one batch.

A pack's rule tests keep doing the same few things: run ``criteria-engine`` as a user does,
copy the pack to a temporary folder and change one rule to show that the behaviour goes
away with it, evaluate the examples once per module and look units up by block and id.
These helpers do each of them once, for any pack folder, bundled or not::

    from criteria_engine.testing.packtools import PackCopy, run_cli

    def test_check(tmp_path):
        assert run_cli("check", str(PACK)).returncode == 0
        copy = PackCopy(PACK, tmp_path)
        copy.edit("pack.yaml", "percent >= 85%", "percent >= 90%")
        copy.load()

The ``outcome``, ``results`` and ``standings`` fixtures derive from a module-scoped
``batch`` fixture that the tests define (``evaluate_batch(pack, files)``); import them
into a ``conftest.py`` or a test module to use them.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar, overload

import attrs
import pytest

import criteria_engine

from ..evaluation.batch import BatchOutcome, run_batch
from ..evaluation.unit import aggregates_of, evaluate_submission
from ..inputs.records import Record, Submission, check_record, read_records
from ..inputs.types import input_type
from ..loading.pack_dir import load_pack_dir
from ..model.pack import Block, Criterion, Input, Pack
from ..model.results import Standing, UnitResult
from ..ranking.order import rank_lookup
from ._levels import level_at

__all__ = [
    "Key",
    "PackCopy",
    "a_cent_lower",
    "block_aggregates",
    "cli_environment",
    "competition_rank",
    "copy_pack",
    "criterion_with_formula",
    "edit_file",
    "evaluate_batch",
    "example_records",
    "level_of_share",
    "lowered_by_a_better_input",
    "one_step_better",
    "outcome",
    "results",
    "run_cli",
    "run_cli_all",
    "standings",
    "start_cli",
    "unit_key",
]

Key = tuple[str, str]
"""A unit's place in a batch: (block id, unit id)."""

K = TypeVar("K", bound=Hashable)

CLI_TIMEOUT = 120
"""Seconds one command may take: a hung command fails its test instead of the whole run."""

SKIPPED_IN_COPIES = ("tests", "__pycache__")
"""What :class:`PackCopy` leaves behind: a pack's rules must not depend on its tests."""


# --- the command line ----------------------------------------------------------------------


def cli_environment() -> dict[str, str]:
    """The environment a user's shell gives ``criteria-engine``, with this engine importable.

    The engine's own folder goes first on ``PYTHONPATH`` so that the new process runs the
    very code under test (a source checkout, not some other installed copy), and output is
    UTF-8 whatever the platform's locale, since packs print Vietnamese names.
    """
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    engine = str(Path(criteria_engine.__file__).resolve().parents[1])
    env["PYTHONPATH"] = engine + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _cli_argv(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "criteria_engine", *args]


def run_cli(
    *args: str, cwd: str | Path | None = None, timeout: float = CLI_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run ``criteria-engine ARGS`` as a user does: a new process, its exit code and streams.

    A new process, not a call into ``main()``: it is how the pack is really used, so start-up,
    entry points, exit codes and encoding are tested too. Standard input is closed, so a
    command that waits for input fails instead of hanging.
    """
    return subprocess.run(
        _cli_argv(args),
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=cli_environment(),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def start_cli(*args: str, cwd: str | Path | None = None) -> subprocess.Popen[str]:
    """Start ``criteria-engine ARGS`` without waiting, so that several run side by side."""
    return subprocess.Popen(
        _cli_argv(args),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=cli_environment(),
    )


def run_cli_all(
    commands: Mapping[str, Sequence[str]],
    *,
    cwd: str | Path | None = None,
    timeout: float = CLI_TIMEOUT,
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run several commands at once and return each one's result under its name.

    Each command is a new process that loads the pack; started together, they cost about
    as long as the slowest one instead of the sum, which matters for a module fixture.
    """
    started = {name: (args, start_cli(*args, cwd=cwd)) for name, args in commands.items()}
    done = {}
    for name, (args, proc) in started.items():
        out, err = proc.communicate(timeout=timeout)
        done[name] = subprocess.CompletedProcess(args, proc.returncode, out, err)
    return done


# --- altering a copy of the pack -----------------------------------------------------------


def edit_file(path: Path, old: str, new: str, *, unique: bool = False) -> None:
    """Replace the first ``old`` in a file by ``new``; fail when ``old`` is not there.

    A test that removes a rule must break loudly when the rule moves, rather than go on
    testing an unchanged pack. With ``unique``, ``old`` must occur exactly once, so that the
    edit cannot land on a look-alike line elsewhere in the file.
    """
    text = path.read_text(encoding="utf-8")
    if unique:
        assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    else:
        assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def copy_pack(source: Path, into: Path, *, ignore: Iterable[str] = SKIPPED_IN_COPIES) -> Path:
    """Copy the pack folder ``source`` into the folder ``into``, leaving out ``ignore``.

    The copy keeps the pack's folder name, so messages that name the folder read the same.
    """
    target = into / source.name
    patterns = tuple(ignore)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*patterns) if patterns else None)
    return target


class PackCopy:
    """The pack copied to a temporary folder, so that a test can delete or change one rule
    in its YAML and show that the behaviour the rule is meant to cause goes with it."""

    def __init__(
        self, source: Path, tmp_path: Path, *, ignore: Iterable[str] = SKIPPED_IN_COPIES
    ) -> None:
        self.folder = copy_pack(source, tmp_path, ignore=ignore)

    def edit(self, relative: str, old: str, new: str, *, unique: bool = False) -> None:
        """Replace ``old`` by ``new`` in one of the copy's files (see :func:`edit_file`)."""
        edit_file(self.folder / relative, old, new, unique=unique)

    def cut(self, relative: str, start: str, end: str) -> None:
        """Remove a YAML section: from ``start`` up to (not including) ``end``."""
        path = self.folder / relative
        text = path.read_text(encoding="utf-8")
        first, last = text.index(start), text.index(end)
        assert first < last, (start, end)
        path.write_text(text[:first] + text[last:], encoding="utf-8")

    def load(self) -> Pack:
        """The altered pack, loaded straight from its folder (not through the registry)."""
        return load_pack_dir(self.folder)


# --- the examples, evaluated ---------------------------------------------------------------


def unit_key(record: Mapping[str, Any]) -> Key:
    """A record's (block, unit id): enough to tell apart the units of one round."""
    return (record["block"], record["id"])


@functools.cache
def _records_text(files: tuple[Path, ...]) -> str:
    """The files' records as JSON text: read and parsed once, decoded afresh for every test."""
    out = []
    for record in read_records(files):
        assert isinstance(record, Record), record
        out.append(record.data)
    return json.dumps(out, default=str, ensure_ascii=False)


@overload
def example_records(files: Iterable[Path]) -> dict[Key, dict[str, Any]]: ...


@overload
def example_records(
    files: Iterable[Path], key: Callable[[Mapping[str, Any]], K]
) -> dict[K, dict[str, Any]]: ...


def example_records(
    files: Iterable[Path], key: Callable[[Mapping[str, Any]], Hashable] = unit_key
) -> dict[Any, dict[str, Any]]:
    """The records of ``files`` as plain dicts (file defaults merged in, numbers as exact
    decimal strings), keyed by ``key`` (by default, block and unit id).

    A fresh copy on each call, so a test may change a record without touching what the
    other tests see; the files themselves are read only once.
    """
    return {key(record): record for record in json.loads(_records_text(tuple(files)))}


def evaluate_batch(
    pack: Pack,
    files: Iterable[str | Path],
    *,
    include: Callable[[UnitResult], bool] | None = None,
) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    """Run a batch and keep every full result as well as the ranked tables.

    The outcome holds only one small standing per unit; rule tests also need each unit's
    criteria, so the full results are collected as they are produced. ``include`` keeps
    only some of them (say, the yearly results and not the interim updates).
    """
    results: dict[Key, UnitResult] = {}

    def keep(result: UnitResult) -> None:
        if include is None or include(result):
            results[(result.block, result.unit_id)] = result

    return run_batch(pack, list(files), on_result=keep), results


def block_aggregates(
    pack: Pack, records: Iterable[Record | Mapping[str, Any]]
) -> dict[str, Mapping[str, Decimal]]:
    """Each block's aggregates (``best``, ``mean``…) over ``records``.

    A test that changes one unit evaluates it alone; with these, it is scored as it would
    be among the other units of its round (alone, it would be its own best).
    """
    by_block: dict[str, list[Submission]] = {b.id: [] for b in pack.blocks}
    for record in records:
        checked = check_record(pack, record)
        assert not isinstance(checked, list), checked
        by_block[checked.block].append(checked)
    return {b: aggregates_of(pack.block(b), units) for b, units in by_block.items()}


def competition_rank(value: Decimal, values: Iterable[Decimal]) -> int:
    """1, 2, 2, 4: one more than the number of strictly better values.

    Written out independently of the engine's ranking, so a test can compare the two.
    """
    return 1 + sum(1 for other in values if other > value)


def level_of_share(pack: Pack, share: Decimal, max_total: Decimal = Decimal(100)) -> str:
    """The level the pack gives a unit at ``share`` of ``max_total``, as the engine takes it:
    the first level whose condition holds.

    A test compares it with the decision's scale written out by hand, for any share.
    """
    index = level_at(pack, share, max_total)
    assert index is not None, f"no level of {pack.label} holds at {share}"
    return pack.levels[index].name


# --- moving one unit -----------------------------------------------------------------------


def criterion_with_formula(block: Block, formula: str) -> Criterion:
    """The block's first criterion whose formula reads exactly ``formula``.

    Blocks of one pack often number the same item differently; its formula finds it in all.
    """
    return next(c for c in block.all_criteria() if c.formula and c.formula.text == formula)


def a_cent_lower(
    record: Mapping[str, Any], block: Block, criterion: str, numerator: str, denominator: str
) -> dict[str, Any]:
    """A copy of ``record`` whose ``criterion`` scores exactly 0.01 point less.

    The criterion must score ``maximum * ratio(numerator, denominator)`` and be the only one
    the two inputs feed, so nothing else moves. Its share becomes the old one minus
    ``0.01 / maximum``, written as the smallest fraction, which is how a test builds a unit
    just below a level's threshold. The figures that count are changed: the verified ones
    when the unit's figures were verified, else the declared ones.
    """
    maximum = Fraction(block.criterion(criterion).max)
    verified = record.get("verified") or {}
    where = "verified" if denominator in verified else "inputs"
    values = {**record["inputs"], **verified}
    share = Fraction(int(values[numerator]), int(values[denominator]))
    lower = share - Fraction(1, 100) / maximum
    assert 0 <= lower < 1, lower
    bound = block.inputs[denominator].max
    assert bound is None or lower.denominator <= bound, lower
    changed: dict[str, Any] = json.loads(json.dumps(record, default=str))
    changed.setdefault(where, {}).update(
        {numerator: lower.numerator, denominator: lower.denominator}
    )
    return changed


def one_step_better(spec: Input, value: Any) -> Any:
    """The value one step in the direction the input is marked ``better``, or None when
    there is no such value (already at its bound, or a choice, which has no order)."""
    up = spec.better == "higher"
    if input_type(spec).yes_no:
        return None if value == up else up
    if not spec.is_numeric:
        return None
    stepped = value + (1 if up else -1)
    bound = spec.max if up else spec.min
    return None if bound is not None and (stepped > bound if up else stepped < bound) else stepped


def lowered_by_a_better_input(
    pack: Pack, files: Iterable[str | Path], aggregates: Mapping[str, Mapping[str, Decimal]]
) -> dict[tuple[str, str], str]:
    """Every (block, input) marked ``better`` that lowers a unit's total of ``files`` when
    moved one step the better way, with the first unit it does so for.

    ``better:`` tells forms and property tests which way an input helps a unit; on real
    units, one step that way must never cost points, so a test expects ``{}``.
    """
    worse: dict[tuple[str, str], str] = {}
    for unit in (check_record(pack, r) for r in read_records(files)):
        assert isinstance(unit, Submission), unit
        block, seen = pack.block(unit.block), aggregates[unit.block]
        total = evaluate_submission(pack, unit, seen, detail=False).total
        values = unit.values
        for name, spec in block.inputs.items():
            better = one_step_better(spec, values[name]) if spec.better else None
            if better is None or (block.id, name) in worse:
                continue
            moved = attrs.evolve(
                unit,
                inputs={**unit.inputs, name: better},
                verified={k: v for k, v in unit.verified.items() if k != name},
            )
            if evaluate_submission(pack, moved, seen, detail=False).total < total:
                worse[(block.id, name)] = unit.id
    return worse


# --- fixtures over a module's ``batch`` ----------------------------------------------------


@pytest.fixture(scope="module")
def outcome(batch: tuple[BatchOutcome, dict[Key, UnitResult]]) -> BatchOutcome:
    """The ranked tables of the module's ``batch``."""
    return batch[0]


@pytest.fixture(scope="module")
def results(batch: tuple[BatchOutcome, dict[Key, UnitResult]]) -> dict[Key, UnitResult]:
    """Every full result of the module's ``batch``, by (block, unit id)."""
    return batch[1]


@pytest.fixture(scope="module")
def standings(outcome: BatchOutcome) -> dict[Key, Standing]:
    """Each unit's standing (rank, level, status) in the module's ``batch``."""
    return rank_lookup(outcome.tables)
