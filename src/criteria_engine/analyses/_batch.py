"""What every analysis starts from: a batch checked, evaluated and ranked by the engine,
with each unit's submission kept so that it can be evaluated again with changed inputs.

The analyses never score anything themselves: every figure they report comes from the
block's generated scorer or from :func:`evaluate_submission`, exactly as a batch gets it.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..evaluation.batch import block_aggregates, check_units
from ..evaluation.rounding import CONTEXT, round_published
from ..evaluation.scorer import block_scorer
from ..evaluation.unit import EvaluationError, evaluate_submission
from ..inputs.submission import Submission, SubmissionError
from ..model.pack import Block, Pack
from ..model.results import INTERIM, Standing, UnitResult
from ..ranking.order import measure_of, rank

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@attrs.frozen
class Unit:
    """One evaluated unit: its checked submission, its result and its ranked standing."""

    submission: Submission
    result: UnitResult
    standing: Standing

    @property
    def key(self) -> tuple[str, str]:
        return (self.result.block, self.result.unit_id)


@attrs.frozen
class Batch:
    """A batch as the analyses see it: every unit by ``(block, id)``, the block-wide
    figures the batch used, and the errors of units that could not be evaluated."""

    pack: Pack
    units: Mapping[tuple[str, str], Unit]
    aggregates: Mapping[str, Mapping[str, Decimal]]
    errors: tuple[SubmissionError, ...] = ()
    #: the scorer's figures of each unit's own submission (by ``id``), kept from the batch
    scored: Mapping[int, tuple] = attrs.field(factory=dict, eq=False, repr=False)
    #: what analyses work out once per batch and reuse across units (best scores…)
    memo: dict = attrs.field(factory=dict, eq=False, repr=False)

    def block_units(self, block_id: str) -> list[Unit]:
        return [u for u in self.units.values() if u.result.block == block_id]

    def evaluate(self, submission: Submission) -> UnitResult:
        """``submission`` evaluated as the batch would, block-wide figures held."""
        return evaluate_submission(
            self.pack, submission, self.aggregates.get(submission.block), detail=False
        )

    def scores(self, submission: Submission) -> tuple[dict, dict, dict]:
        """Every criterion's score, raw value and applicability, from the block's scorer."""
        kept = self.scored.get(id(submission))
        if kept is not None and kept[0] is submission:
            return kept[1][:3]
        block = self.pack.block(submission.block)
        with decimal.localcontext(CONTEXT):
            return block_scorer(block)(submission.values, self.aggregates.get(block.id) or {})


def evaluate_batch(pack: Pack, units: Iterable[Any] | Batch) -> Batch:
    """Check, evaluate and rank ``units`` (anything :func:`evaluate_many` takes)."""
    if isinstance(units, Batch):
        return units
    submissions: list[Submission] = []
    errors: list[SubmissionError] = []
    for item in check_units(pack, units):
        (errors if isinstance(item, SubmissionError) else submissions).append(item)
    yearly = [s for s in submissions if s.stage == "year"]
    aggregates = block_aggregates(pack, yearly)
    results: list[tuple[Submission, UnitResult]] = []
    scored: dict[int, tuple] = {}
    for sub in yearly:
        figures = aggregates.get(sub.block)
        try:
            kept = _scored(pack, sub, figures)
            result = evaluate_submission(pack, sub, figures, detail=False, scored=kept)
        except EvaluationError as exc:
            errors.extend(exc.errors)
            continue
        if result.status != INTERIM:
            results.append((sub, result))
            if kept is not None:
                scored[id(sub)] = (sub, kept)
    tables = rank(pack, [r for _, r in results], roster=False)
    standings = {(s.block, s.unit_id): s for rows in tables.values() for s in rows}
    found = {
        (r.block, r.unit_id): Unit(sub, r, standings[(r.block, r.unit_id)]) for sub, r in results
    }
    return Batch(pack, found, aggregates, tuple(errors), scored)


def _scored(pack: Pack, sub: Submission, aggregates: Mapping[str, Decimal] | None):
    """The block's scorer on ``sub`` (kept: the analyses read the scores again), or None
    when a formula fails: the evaluation then says why."""
    block = pack.block(sub.block)
    try:
        with decimal.localcontext(CONTEXT):
            return block_scorer(block).with_totals(sub.values, aggregates or {})
    except Exception:
        return None


def with_values(submission: Submission, changes: Mapping[str, Any]) -> Submission:
    """``submission`` with some input values changed; a verified value is changed too,
    since that is the value that counts."""
    if not changes:
        return submission
    inputs = {**submission.inputs, **changes}
    verified = submission.verified
    if verified:
        verified = {**verified, **{k: v for k, v in changes.items() if k in verified}}
    return attrs.evolve(submission, inputs=inputs, verified=verified)


def level_names(pack: Pack) -> list[str]:
    """The pack's levels, best first."""
    return [lv.name for lv in pack.levels]


def _level_order(pack: Pack) -> dict[str, int]:
    """Each level's place, best first (kept with the pack's first block)."""
    derived = pack.blocks[0].derived if pack.blocks else {}
    found = derived.get("analyses.level_order")
    if found is None:
        found = {}
        for i, lv in enumerate(pack.levels):
            found.setdefault(lv.name, i)  # the first place a name holds, as list.index
        derived["analyses.level_order"] = found
    return found


def level_at(pack: Pack, total: Decimal, max_total: Decimal) -> str | None:
    """The level the pack's level formulas give a total out of ``max_total`` (before any
    gate), computed on the figures the pack says levels use (exact or published)."""
    with decimal.localcontext(CONTEXT):
        percent = total / max_total if max_total else _ZERO
        if pack.levels_on == "published":
            total = round_published(pack, total)
            percent = round_published(pack, percent * _HUNDRED) / _HUNDRED
        values = {"percent": percent, "total": total, "max_total": max_total}
        for level in pack.levels:
            if level.when(values):
                return level.name
    return None


def at_least(pack: Pack, level: str | None, target: str) -> bool:
    """Whether ``level`` is ``target`` or better."""
    order = _level_order(pack)
    return level in order and order[level] <= order[target]


def ranked_value(pack: Pack, block: Block, standing: Standing) -> tuple[Decimal, ...]:
    """What the ranking compares for ``standing``: the measure (as the pack compares it)
    and then each tie-break key, turned so that larger is better."""
    keys = (
        -key if step.prefer == "lower" else key
        for key, step in zip(standing.tie_keys, pack.ranking.tie_break, strict=False)
    )
    return (measure_of(pack, block, standing), *keys)
