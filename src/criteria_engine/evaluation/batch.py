"""Evaluate a whole batch: many units, many files, one pack; nothing lost on the way.

A batch counts every unit it is given: each one comes out either as a result or as an
error naming the file, the unit and the field (units in = results + errors). Duplicate
unit ids are errors. Block-wide aggregates (``best``/``mean``) need every unit of a block
before any can be scored, so a pack that uses them is evaluated in two passes; others
stream, one unit at a time, and memory stays flat however many units come in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..inputs.records import (
    Record,
    Submission,
    SubmissionError,
    check_record,
    read_records,
    records_of,
)
from ..model.pack import Pack
from ..model.results import DRAFT, EXCLUDED, INTERIM, RESULT_STATES, Standing, UnitResult
from ..plugins.manager import get_plugin_manager
from ..ranking.order import place
from .unit import Aggregator, EvaluationError, evaluate_submission, needed_aggregates

UnitLike = Submission | Record | Mapping[str, Any]


def _items(units: Iterable[Any]) -> Iterator[Submission | Record | SubmissionError | Mapping]:
    """Each unit as something :func:`check_record` takes; anything else becomes an error."""
    for index, item in enumerate(units, start=1):
        if isinstance(item, Submission | Record | SubmissionError):
            yield item
        elif isinstance(item, Mapping):
            if "units" in item:  # a whole submission document: {"period": …, "units": […]}
                yield from records_of(item)
            else:
                yield item
        else:
            yield SubmissionError(
                "<memory>",
                f"expected a unit record (an object), got {type(item).__name__}",
                where=f"item #{index}",
            )


def check_units(pack: Pack, units: Iterable[Any]) -> Iterator[Submission | SubmissionError]:
    """Check every unit against ``pack``: a submission or its errors for each, in order.

    Takes what :func:`read_records` yields, checked :class:`Submission` values, plain
    mappings and whole submission documents; a second unit with the same id (in the same
    block and stage) is an error, so no unit is counted twice.
    """
    seen: dict[tuple[str, str, str], str] = {}
    for unit in _items(units):
        if isinstance(unit, SubmissionError):
            yield unit
            continue
        checked = unit if isinstance(unit, Submission) else check_record(pack, unit)
        if isinstance(checked, list):
            yield from checked
            continue
        key = (checked.block, checked.id, checked.stage)
        if key in seen:
            yield SubmissionError(
                checked.file, f"duplicate unit id (first seen in {seen[key]})", checked.id, "id"
            )
            continue
        seen[key] = checked.file
        yield checked


def counts_for_aggregates(pack: Pack, unit: Submission) -> bool:
    """Whether ``unit`` counts in its block's ``best``/``mean``: yearly and not excluded."""
    return unit.stage == "year" and pack.excluded_unit(unit.id, unit.name) is None


def block_aggregates(pack: Pack, units: Iterable[Any]) -> dict[str, dict]:
    """Every block's block-wide figures (``best``, ``mean``) over ``units``: what
    :func:`evaluate` needs to score one unit exactly as the whole batch would."""
    return _aggregates(pack, check_units(pack, units))


def _aggregates(pack: Pack, checked: Iterable[Submission | SubmissionError]) -> dict[str, dict]:
    """:func:`block_aggregates` over units already checked."""
    aggregators = {b.id: Aggregator(b) for b in pack.blocks}
    for unit in checked:
        if isinstance(unit, Submission) and counts_for_aggregates(pack, unit):
            aggregators[unit.block].add(unit)
    return {block_id: a.result() for block_id, a in aggregators.items()}


def _unit_source(units: Any) -> Any:
    """``units`` as an iterable of units, refusing what cannot be one with a clear error."""
    if isinstance(units, Mapping):
        return list(records_of(units))  # one document, or one record
    if callable(units) or (isinstance(units, Iterable) and not isinstance(units, str | bytes)):
        return units
    raise EvaluationError(
        [
            SubmissionError(
                "<memory>",
                "expected unit records, a list of them or a submission document "
                f"{{'period': …, 'units': […]}}, got {type(units).__name__}",
            )
        ]
    )


def evaluate_many(
    pack: Pack,
    units: Iterable[UnitLike] | Callable[[], Iterable[UnitLike]],
    *,
    detail: bool = True,
    aggregates: Mapping[str, Mapping] | None = None,
) -> Iterator[UnitResult | SubmissionError]:
    """Evaluate every unit; yield a result or an error for each, in input order.

    ``units`` may hold records as :func:`read_records` yields them, checked submissions,
    plain mappings or whole submission documents (``{"period": …, "units": […]}``), or be
    one such document; an item that is none of these becomes an error and the stream goes on.

    ``units`` may be a callable returning a fresh iterable: then a pack with block-wide
    aggregates reads it twice instead of holding every unit in memory. ``detail=False``
    leaves out the criteria trees (see :func:`evaluate_submission`). ``aggregates`` gives
    the block-wide figures of a larger batch (:func:`block_aggregates`), so that a few of its
    units are scored exactly as in the whole batch without evaluating the rest.
    """
    units = _unit_source(units)
    source = units if callable(units) else None
    needs = aggregates is None and any(needed_aggregates(b) for b in pack.blocks)
    aggregates = dict(aggregates or {})
    stream: Iterable[Submission | SubmissionError]
    if needs and source is None:
        checked = list(check_units(pack, units))  # held once: the aggregates need them all
        aggregates = _aggregates(pack, checked)
        stream = checked
    else:
        if needs:
            aggregates = block_aggregates(pack, source())
        stream = check_units(pack, source() if source is not None else units)
    extra_findings = get_plugin_manager().hook.criteria_engine_unit_findings
    if not extra_findings.get_hookimpls():
        extra_findings = None
    for unit in stream:
        if isinstance(unit, SubmissionError):
            yield unit
            continue
        try:
            result = evaluate_submission(pack, unit, aggregates.get(unit.block), detail=detail)
        except EvaluationError as exc:
            yield from exc.errors
            continue
        if extra_findings is not None:
            found = [f for fs in extra_findings(pack=pack, unit=unit, result=result) for f in fs]
            if found:
                result = attrs.evolve(result, findings=(*result.findings, *found))
        yield result


@attrs.frozen
class FileNote:
    """The remark at the top of a submission file (the bundled examples say they are
    invented) and the blocks of its records: every output repeats it."""

    file: str
    note: str
    blocks: frozenset[str] = frozenset()


@attrs.define
class RecordWatch:
    """Watches the records going into a batch: counts them (a batch counts records, not
    ids: two invalid records with one id are two) and keeps each file's note."""

    records: int = 0
    notes: dict[str, FileNote] = attrs.Factory(dict)

    def watch(self, units: Iterable[Any]) -> Iterator[Any]:
        self.records = 0  # one pass's count: a pack with aggregates reads the files twice
        for item in _items(units):
            # a reader reports a record's bad cells before the record itself: one record
            self.records += 1 - len(item.problems) if isinstance(item, Record) else 1
            if isinstance(item, Record) and item.note:
                block = item.data.get("block")
                known = self.notes.get(item.file)
                blocks = known.blocks if known else frozenset()
                if isinstance(block, str) and block not in blocks:
                    blocks = blocks | {block}
                if known is None or blocks != known.blocks:
                    self.notes[item.file] = FileNote(item.file, item.note, blocks)
            yield item


@attrs.frozen
class BatchOutcome:
    """The result of a batch: ranked tables per block, interim updates, errors, counts,
    and where the results stand (``state``: draft, verified, approved or published)."""

    pack: Pack
    tables: dict[str, list[Standing]]
    errors: list[SubmissionError]
    interim: list[Standing]
    units_in: int
    results: int
    state: str = attrs.field(default=DRAFT, validator=attrs.validators.in_(RESULT_STATES))
    #: the notes at the top of the submission files, in reading order (about the input,
    #: not a result: outcomes equal in every figure are equal whatever their files said)
    notes: tuple[FileNote, ...] = attrs.field(default=(), eq=False)

    def with_state(self, state: str) -> BatchOutcome:
        """This outcome marked ``state`` (one of :data:`RESULT_STATES`)."""
        return attrs.evolve(self, state=state)

    def only_block(self, block_id: str) -> BatchOutcome:
        """This outcome narrowed to one block's table and updates (errors name no block
        until a record is checked, so every error is kept)."""
        return attrs.evolve(
            self,
            tables={k: v for k, v in self.tables.items() if k == block_id},
            interim=[s for s in self.interim if s.block == block_id],
            notes=tuple(n for n in self.notes if not n.blocks or block_id in n.blocks),
        )

    @property
    def excluded(self) -> list[Standing]:
        return [s for rows in self.tables.values() for s in rows if s.status == EXCLUDED]


def run_batch(
    pack: Pack,
    files: Iterable[str | Path] = (),
    *,
    units: Iterable[UnitLike] | None = None,
    on_result: Callable[[UnitResult], None] | None = None,
    roster: bool = True,
    state: str = DRAFT,
) -> BatchOutcome:
    """Evaluate files (or records) and rank them; keep only standings, not result trees.

    ``files`` is read once, or twice when the pack has block-wide aggregates.
    ``on_result`` sees every full result as it is produced (a report can write it out at
    once); the outcome itself holds one small :class:`Standing` per unit.
    """
    # files are read once per pass (twice with block-wide aggregates): re-iterable, not a
    # generator; records given in memory are checked once and held
    reading = RecordWatch()
    source: Any = (
        (lambda: reading.watch(read_records(files)))
        if units is None
        else list(reading.watch(_unit_source(units)))
    )
    standings: list[Standing] = []
    interim: list[Standing] = []
    errors: list[SubmissionError] = []
    periods: Counter[str | None] = Counter()
    results = 0
    for item in evaluate_many(pack, source, detail=on_result is not None):
        if isinstance(item, SubmissionError):
            errors.append(item)
            continue
        results += 1
        if item.stage == "year":
            periods[item.period] += 1
        if on_result is not None:
            on_result(item)
        (interim if item.status == INTERIM else standings).append(Standing.of(item))
    period = periods.most_common(1)[0][0] if periods else None
    return BatchOutcome(
        pack=pack,
        # a batch of interim updates alone has no yearly round to compare the roster with
        tables=place(pack, standings, roster=roster and bool(periods), period=period),
        errors=errors,
        interim=interim,
        units_in=reading.records,
        results=results,
        state=state,
        notes=tuple(reading.notes.values()),
    )
