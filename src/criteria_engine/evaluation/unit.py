"""Evaluate one unit against its block: exact scores, caps, applicability, totals, level.

Scores are :class:`~decimal.Decimal` under one fixed context (28 digits, traps on invalid
operations, division by zero and overflow), so a result never depends on the caller's
decimal settings and never holds NaN or Infinity. Every number in the result carries the
formula and the input values it came from, so a unit can be told why it got each point.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..dsl import Aggregate, DslEvaluationError, Summary
from ..dsl.errors import CriteriaEngineError
from ..inputs.records import Record, Submission, SubmissionError, check_record
from ..model.pack import Block, Criterion, Pack
from ..model.results import (
    EXCLUDED,
    INTERIM,
    LATE,
    RANKED,
    UNDATED,
    UNRANKED_SUBMITTED,
    CriterionResult,
    Finding,
    UnitResult,
)
from .rounding import CONTEXT, round_published
from .scorer import block_scorer

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


class EvaluationError(CriteriaEngineError):
    """A unit could not be evaluated; carries the errors that say why."""

    def __init__(self, errors: list[SubmissionError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.render() for e in errors))


def needed_aggregates(block: Block) -> set[Aggregate]:
    """The block-wide aggregates (``best``/``mean`` of an input) the block's formulas use."""
    needed = block.derived.get("aggregates")
    if needed is None:
        needed = set()
        for crit in block.all_criteria():
            for formula in (crit.formula, crit.applies):
                if formula is not None:
                    needed.update(formula.aggregates)
        for formula in block.tie_break:
            needed.update(formula.aggregates)
        block.derived["aggregates"] = needed
    return set(needed)


class Aggregator:
    """Running figures of the inputs a block's formulas aggregate (a :class:`Summary` each).

    Fed one unit at a time in the first pass of a batch, so memory stays flat however many
    units there are.
    """

    def __init__(self, block: Block) -> None:
        self.needed = needed_aggregates(block)
        self.summaries = {name: Summary() for _, name in self.needed}

    def add(self, unit: Submission) -> None:
        inputs, verified = unit.inputs, unit.verified
        for name, summary in self.summaries.items():
            summary.add(verified[name] if name in verified else inputs.get(name, _ZERO))

    def result(self) -> dict[str, Decimal]:
        """The aggregates mapping formulas read, keyed by :attr:`Aggregate.key`."""
        return {a.key: a.summarise(self.summaries[a.input]) for a in self.needed}


def aggregates_of(block: Block, units: Iterable[Submission]) -> dict[str, Decimal]:
    """The block-wide aggregates over ``units`` (the first pass of a batch)."""
    aggregator = Aggregator(block)
    if aggregator.needed:
        for unit in units:
            aggregator.add(unit)
    return aggregator.result()


def _unit_status(pack: Pack, unit: Submission) -> tuple[str, list[Finding]]:
    if pack.excluded_unit(unit.id, unit.name):
        reason = pack.excluded_unit(unit.id, unit.name).reason
        return EXCLUDED, [Finding("excluded", reason or "not evaluated under this decision")]
    if unit.stage != "year":
        return INTERIM, []
    deadline = pack.deadline(unit.period or "", unit.block)
    if deadline is not None and unit.submitted is None:
        return UNDATED, [
            Finding(
                "undated",
                f"no submission date ('submitted'): results were due before "
                f"{deadline.isoformat()}, and whether they came in time cannot be told",
                field="submitted",
            )
        ]
    if deadline is not None and unit.submitted >= deadline:
        return LATE, [
            Finding(
                "late",
                f"submitted {unit.submitted.isoformat()}, the deadline "
                f"was before {deadline.isoformat()}",
                field="submitted",
            )
        ]
    return RANKED, []


def _score(block: Block, values: dict[str, Any], aggregates: Mapping[str, Decimal]):
    """Scores, raw values, applicability, groups and total (the hot path of a batch)."""
    return block_scorer(block).with_totals(values, aggregates)


def _effective_max(crit: Criterion, own: Mapping[str, bool]) -> Decimal:
    """The maximum that counts for a unit, when some criteria below do not apply."""
    if not own[crit.id]:
        return _ZERO
    if crit.formula is not None or not crit.children:
        return crit.max
    parts = sum((_effective_max(c, own) for c in crit.children if c.counts_in_max), _ZERO)
    return min(crit.max, parts) if crit.cap else parts


def effective_max(crit: Criterion, applies: Mapping[str, bool]) -> Decimal:
    """The maximum ``crit`` counts for one unit, given each criterion's own applicability
    (``applies``, as the block's scorer gives it): a criterion that does not apply counts
    0, a group only its items that apply (capped where it is). Analyses that weigh a
    unit's points against its maximum read it here rather than restating the rule."""
    return _effective_max(crit, applies)


def _max_total(block: Block, own: Mapping[str, bool]) -> Decimal:
    """The unit's maximum total: it depends only on which conditional criteria apply, so
    each such pattern is worked out once per block (there are few of them in a batch)."""
    memo = block.derived.get("max_totals")
    if memo is None:
        conditional = tuple(c.id for c in block.all_criteria() if c.applies is not None)
        memo = block.derived.setdefault("max_totals", (conditional, {}))
    conditional, known = memo
    pattern = tuple([own[i] for i in conditional])
    found = known.get(pattern)
    if found is None:
        if all(pattern):
            found = block.max_total
        else:
            static, tops = block.max_total_parts
            found = static + sum((_effective_max(c, own) for c in tops), _ZERO)
        if len(known) < 4096:
            known[pattern] = found
    return found


def _tree(
    crit: Criterion,
    parent_applies: bool,
    scores,
    raws,
    own_applies,
    values,
    unit: Submission | None,
    declared: Mapping[str, Decimal] | None,
) -> CriterionResult:
    applies = parent_applies and own_applies[crit.id]
    children = tuple(
        _tree(ch, applies, scores, raws, own_applies, values, unit, declared)
        for ch in crit.children
    )
    maximum = _effective_max(crit, own_applies) if applies else _ZERO
    raw = raws[crit.id]
    score = scores[crit.id] if applies else None
    used = {}
    if crit.formula is not None:
        used = {
            name: crit.max if name == "max_points" else values[name]
            for name in sorted(crit.formula.inputs)
            if name in values
        }
    return CriterionResult(
        id=crit.id,
        title=crit.title,
        max=maximum,
        score=score,
        raw=raw,
        applies=applies,
        capped=applies and raw is not None and raw > crit.max,
        floored=applies and raw is not None and raw < crit.floor,
        kind=crit.kind,
        counted=bool(crit.weight),
        formula=crit.formula.text if crit.formula else None,
        inputs=used,
        declared=declared.get(crit.id) if declared is not None and applies else None,
        self_score=unit.self_scores.get(crit.id) if unit else None,
        reason=unit.reasons.get(crit.id) if unit else None,
        children=children,
    )


def _findings(
    pack: Pack, block: Block, unit: Submission, criteria: tuple[CriterionResult, ...]
) -> list[Finding]:
    found = []
    if block.reasons_below_max and not unit.self_scores:
        found.append(Finding("missing-self-score", "the unit sent no self-assessed scores"))
    elif block.reasons_below_max:
        for top in criteria:
            for c in top.walk():
                if c.children or not c.applies:
                    continue
                if c.self_score is None:
                    found.append(
                        Finding("missing-self-score", "no self-assessed score", criterion=c.id)
                    )
                elif c.self_score < c.max and not c.reason:
                    found.append(
                        Finding(
                            "missing-reason",
                            f"self-assessed {c.self_score} of {c.max} with no reason given",
                            criterion=c.id,
                        )
                    )
    for top in criteria:
        for c in top.walk():
            if c.self_score is not None and c.self_score > c.max:
                found.append(
                    Finding(
                        "self-score-above-max",
                        f"self-assessed {c.self_score} is above the maximum {c.max}",
                        criterion=c.id,
                    )
                )
    period = pack.period_for(block)
    if period is not None and unit.period and unit.period.isdigit():
        start, end = period.window(int(unit.period))
        for name, spec in block.inputs.items():
            value = unit.values.get(name)
            # a date input's value is the only kind that is a date
            if isinstance(value, dt.date) and not start <= value <= end:
                found.append(
                    Finding(
                        "outside-window",
                        f"{spec.label}: {value.isoformat()} is "
                        f"outside the data window {start.isoformat()} – "
                        f"{end.isoformat()}",
                        field=f"inputs.{name}",
                    )
                )
    return found


def _level(pack: Pack, total: Decimal, max_total: Decimal, percent: Decimal) -> str | None:
    values = {"percent": percent, "total": total, "max_total": max_total}
    for level in pack.levels:
        if level.when(values):
            return level.name
    return None


def _gated(pack: Pack, block: Block, level: str | None, args: tuple) -> tuple[str | None, list]:
    """The level after the block's gates (mandatory criteria), and a finding per gate that
    lowered it; levels are listed best first."""
    names = [lv.name for lv in pack.levels]
    found = []
    for gate in block.level_gates:
        if level in names and names.index(level) < names.index(gate.at_most) and gate.when(*args):
            message = f"level capped at {gate.at_most} (from {level}): {gate.label}"
            found.append(Finding("level-gate", message))
            level = gate.at_most
    return level, found


def evaluate_submission(
    pack: Pack,
    unit: Submission,
    aggregates: Mapping[str, Decimal] | None = None,
    *,
    detail: bool = True,
    scored: tuple | None = None,
) -> UnitResult:
    """Evaluate a checked submission; raise :class:`EvaluationError` if a formula fails.

    With ``detail=False`` the result holds the figures a ranking needs (totals, group
    scores, level) but no criteria tree and no findings about self-assessment or dates:
    the fast path for large batches whose details nobody will read. ``scored``: what the
    block's scorer (``block_scorer(block).with_totals``) already gave for these values and
    aggregates, for a caller that keeps the scores too; it is not scored twice.
    """
    block = pack.block(unit.block)
    status, findings = _unit_status(pack, unit)
    common = {
        "unit_id": unit.id,
        "name": unit.name,
        "block": unit.block,
        "pack": pack.label,
        "period": unit.period,
        "parent": unit.parent,
        "head": unit.head,
        "stage": unit.stage,
        "submitted": unit.submitted.isoformat() if unit.submitted else None,
        "file": unit.file,
    }
    if status == EXCLUDED:
        return UnitResult(
            criteria=(),
            total=_ZERO,
            max_total=_ZERO,
            percent=_ZERO,
            published_total=_ZERO,
            published_percent=_ZERO,
            level=None,
            status=status,
            findings=tuple(findings),
            **common,
        )
    aggregates = aggregates or {}
    with decimal.localcontext(CONTEXT):
        try:
            values = unit.values
            scores, raws, own, total, groups = scored or _score(block, values, aggregates)
            declared = None
            if unit.verified:
                declared = _score(block, dict(unit.inputs), aggregates)[0]
            tie_keys = tuple(f(values, scores, aggregates) for f in block.tie_break)
        except DslEvaluationError as exc:
            raise EvaluationError([SubmissionError(unit.file, str(exc), unit.id)]) from None
        tops = block.criteria
        max_total = _max_total(block, own)
        percent = total / max_total if max_total else _ZERO
        published_total = round_published(pack, total)
        published_percent = round_published(pack, percent * _HUNDRED)
        if pack.levels_on == "published":
            level = _level(pack, published_total, max_total, published_percent / _HUNDRED)
        else:
            level = _level(pack, total, max_total, percent)
        if block.level_gates:
            try:
                level, capped = _gated(pack, block, level, (values, scores, aggregates))
            except DslEvaluationError as exc:
                raise EvaluationError([SubmissionError(unit.file, str(exc), unit.id)]) from None
            findings += capped
        if status in UNRANKED_SUBMITTED and not pack.ranking.unranked_level:
            level = None
        criteria: tuple[CriterionResult, ...] = ()
        if detail:
            criteria = tuple(
                _tree(c, True, scores, raws, own, values, unit, declared) for c in tops
            )
    if detail:
        findings += _findings(pack, block, unit, criteria)
    return UnitResult(
        criteria=criteria,
        total=total,
        max_total=max_total,
        percent=percent,
        published_total=published_total,
        published_percent=published_percent,
        level=level,
        status=status,
        tie_keys=tie_keys,
        findings=tuple(findings),
        groups=groups,
        **common,
    )


def evaluate(
    pack: Pack,
    unit: Submission | Record | Mapping[str, Any],
    aggregates: Mapping[str, Decimal] | None = None,
) -> UnitResult:
    """Evaluate one unit (a checked :class:`Submission` or a raw record mapping).

    A raw record is checked first; if it is invalid, :class:`EvaluationError` lists why.
    A block whose formulas use block-wide figures (``best``/``mean``) needs them from the
    whole batch to score the unit exactly as :func:`evaluate_many` does: pass
    ``aggregates=criteria_engine.block_aggregates(pack, units)[block]``. Without them the
    figures are taken over this unit alone, and the result says so in a finding
    (``aggregates-from-this-unit``), so that it never quietly disagrees with a batch.
    """
    if not isinstance(unit, Submission):
        checked = check_record(pack, unit) if isinstance(unit, Mapping | Record) else None
        if checked is None:
            raise EvaluationError(
                [
                    SubmissionError(
                        "<memory>",
                        f"expected a unit record (an object), got {type(unit).__name__}",
                    )
                ]
            )
        if isinstance(checked, list):
            raise EvaluationError(checked)
        unit = checked
    if aggregates is not None:
        return evaluate_submission(pack, unit, aggregates)
    block = pack.block(unit.block)
    result = evaluate_submission(pack, unit, aggregates_of(block, [unit]))
    used = sorted({f"{kind}({name})" for kind, name in needed_aggregates(block)})
    if not used:
        return result
    note = Finding(
        "aggregates-from-this-unit",
        f"{', '.join(used)} were taken over this unit alone: in a batch they span the whole "
        f"block {block.id!r} (pass aggregates= from criteria_engine.block_aggregates)",
    )
    return attrs.evolve(result, findings=(*result.findings, note))
