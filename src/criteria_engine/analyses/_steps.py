"""The units one smallest step of one input moves: where a verification team should look
first. Each input a unit's criteria read is moved one step each way (one unit of a count,
0.01 of a number or a percent point, the neighbouring listed choice, the other yes/no) and
the unit scored again by the engine; its rank is taken among the others as they are."""

from __future__ import annotations

import bisect
import decimal
from decimal import Decimal
from typing import Any

import attrs

from ..evaluation.rounding import CONTEXT, round_published
from ..evaluation.scorer import block_scorer
from ..model.pack import Block, Pack
from ..model.results import RANKED, Standing
from ._batch import Batch, level_at, ranked_value, with_values
from ._levers import NUMBER_STEP, PERCENT_STEP, criterion_inputs, item_of, leaves
from ._probe import Probe, direct_criteria

_ZERO, _ONE, _HUNDRED = Decimal(0), Decimal(1), Decimal(100)


@attrs.frozen
class Fragile:
    """A unit whose level or rank changes when one input moves by its smallest step."""

    unit_id: str
    name: str
    block: str
    criteria: tuple[str, ...]  # the criteria whose score the move changes
    input: str
    label: str
    before: Any
    after: Any
    total_before: Decimal
    total_after: Decimal
    rank_before: int | None
    rank_after: int | None
    level_before: str | None
    level_after: str | None



def _moves(spec, value) -> list[Any]:
    """The values one smallest step away from ``value``, within the input's bounds."""
    if spec.type == "boolean":
        return [not value]
    if spec.type == "choice":
        if value not in spec.choices:
            return []
        i = spec.choices.index(value)
        return [spec.choices[j] for j in (i - 1, i + 1) if 0 <= j < len(spec.choices)]
    if not spec.is_numeric or not isinstance(value, Decimal):
        return []
    step = {"integer": _ONE, "percent": PERCENT_STEP}.get(spec.type, NUMBER_STEP)
    out = []
    for v in (value - step, value + step):
        if (spec.min is None or v >= spec.min) and (spec.max is None or v <= spec.max):
            out.append(v)
    return out


def _figures(pack: Pack, block: Block, result, ties: tuple, total: Decimal):
    """``(level, ranked value)`` of a unit whose total alone moved (its maximum, gates and
    tie-break keys held): the level formulas and the ranking's measure, as the engine
    computes them from a standing."""
    with decimal.localcontext(CONTEXT):
        maximum = result.max_total
        percent = total / maximum if maximum else _ZERO
        level = level_at(pack, total, maximum) if result.level is not None else None
        published = pack.ranking.compare == "published"
        if pack.rank_measure(block) == "percent":
            measure = round_published(pack, percent * _HUNDRED) if published else percent
        else:
            measure = round_published(pack, total) if published else total
    return level, (measure, *ties)


def _scored_total(block: Block, scorer, values: dict, aggregates, own: dict):
    """The unit's total with ``values`` by the block's scorer, or None when a move changes
    which criteria apply (the maximum moves too: the engine evaluates it whole)."""
    with decimal.localcontext(CONTEXT):
        _, _, applies, total, _ = scorer.with_totals(values, aggregates)
    return total if applies == own else None


def _rank_with(pack, ordered: list, own, value) -> int:
    """The rank of ``value`` among ``ordered`` (every unit's value, ascending) without the
    unit's own ``own`` value."""
    if pack.ranking.ties == "dense":
        above = {v for v in ordered[bisect.bisect_right(ordered, value) :] if v != own}
        return 1 + len(above)
    count = len(ordered) - bisect.bisect_right(ordered, value)
    return 1 + count - (1 if own > value else 0)


def fragile_units(batch: Batch, block: Block) -> list[Fragile]:
    """Per unit, the smallest one-step move of one input that changes its level or rank
    (the smallest change of total; a change of level first), most fragile units first."""
    pack = batch.pack
    units = [u for u in batch.block_units(block.id) if u.result.status == RANKED]
    values = {u.result.unit_id: ranked_value(pack, block, u.standing) for u in units}
    ordered = sorted(values.values())
    readers: dict[str, list[str]] = {}
    for crit in leaves(block):
        for name in criterion_inputs(block, crit):
            readers.setdefault(name, []).append(crit.id)
    # inputs whose one reader can be scored by its own formula, with nothing else (a
    # gate, a tie-break) reading them: a move is scored by that formula alone
    direct = direct_criteria(block)
    quick_inputs = {
        name: block.criterion(crits[0])
        for name, crits in readers.items()
        if len(crits) == 1 and crits[0] in direct and not block.level_gates
        and not block.tie_break
    }
    # without gates or tie-break keys, a move that leaves applicability alone changes
    # only the total: it is scored by the block's scorer (or one formula), not evaluated
    simple = not block.level_gates and not block.tie_break
    scorer = block_scorer(block)
    aggregates = batch.aggregates.get(block.id) or {}
    out = []
    for unit in units:
        uid = unit.result.unit_id
        own = values[uid]
        ties = own[1:]
        sub, current = unit.submission, unit.submission.values
        own_applies = batch.scores(sub)[2] if simple else None
        best = None
        probe = None
        for name in sorted(readers):
            for after in _moves(block.inputs[name], current.get(name)):
                fast = quick_inputs.get(name)
                try:
                    total = None
                    if fast is not None:
                        probe = probe or Probe(batch, unit)
                        total = probe(fast, {name: after})[1]
                    elif simple:
                        moved_values = {**current, name: after}
                        total = _scored_total(block, scorer, moved_values, aggregates, own_applies)
                    if total is not None:
                        if total == unit.result.total:
                            continue  # same total: same level and rank
                        level, value = _figures(pack, block, unit.result, ties, total)
                    else:
                        moved = batch.evaluate(with_values(sub, {name: after}))
                        total, level = moved.total, moved.level
                        value = ranked_value(pack, block, Standing.of(moved))
                except Exception:  # a move the block's formulas refuse is not a step
                    continue
                new_rank = _rank_with(pack, ordered, own, value)
                if level == unit.result.level and new_rank == unit.standing.rank:
                    continue
                key = (level == unit.result.level, abs(total - unit.result.total))
                if best is None or key < best[0]:
                    best = (key, name, after, total, level, new_rank)
        if best is None:
            continue
        _, name, after, total, level, new_rank = best
        before_scores = batch.scores(sub)[0]
        after_scores = batch.scores(with_values(sub, {name: after}))[0]
        changed = tuple(
            item_of(block.criterion(c))
            for c in readers[name]
            if after_scores[c] != before_scores[c]
        )
        out.append(
            Fragile(uid, unit.result.name, block.id, changed, name, block.inputs[name].label,
                    current.get(name), after, unit.result.total, total,
                    unit.standing.rank, new_rank, unit.result.level, level)
        )
    out.sort(key=lambda f: (f.level_before == f.level_after, abs(f.total_after - f.total_before)))
    return out
