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
from ._levers import NUMBER_STEP, PERCENT_STEP, by_id, criterion_inputs, item_of, leaves
from ._probe import Probe, direct_criteria
from ._threshold import percent_levels

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
    kind = spec.type
    if kind == "boolean":
        return [not value]
    if kind == "choice":
        if value not in spec.choices:
            return []
        i = spec.choices.index(value)
        return [spec.choices[j] for j in (i - 1, i + 1) if 0 <= j < len(spec.choices)]
    if not isinstance(value, Decimal) or not spec.is_numeric:
        return []
    step = _ONE if kind == "integer" else PERCENT_STEP if kind == "percent" else NUMBER_STEP
    low, high = spec.min, spec.max
    return [
        v
        for v in (value - step, value + step)
        if (low is None or v >= low) and (high is None or v <= high)
    ]


class _Figures:
    """``(level, ranked value)`` of a unit whose total alone moved (its maximum, gates and
    tie-break keys held): the level formulas and the ranking's measure, as the engine
    computes them from a standing (in the scoring context, which the caller sets). What
    the pack says of levels and ranking is read once per block."""

    def __init__(self, pack: Pack, block: Block) -> None:
        self.pack = pack
        self.table = percent_levels(pack)
        self.published_levels = pack.levels_on == "published"
        self.published = pack.ranking.compare == "published"
        self.percent = pack.rank_measure(block) == "percent"
        #: the level of each figure the level formulas read (rounded ones, where levels
        #: are on published figures), when no table gives it
        self.levels: dict = {}

    def __call__(self, result, ties: tuple, total: Decimal):
        pack = self.pack
        maximum = result.max_total
        percent = total / maximum if maximum else _ZERO
        level = None
        if result.level is not None and self.table is not None:
            level = self.table(percent)
        elif result.level is not None:
            if self.published_levels:
                key = (round_published(pack, total), round_published(pack, percent * _HUNDRED))
            else:
                key = (total,)
            key = (*key, maximum)
            level = self.levels.get(key, self.levels)
            if level is self.levels:
                level = self.levels[key] = level_at(pack, total, maximum)
        if self.percent:
            measure = round_published(pack, percent * _HUNDRED) if self.published else percent
        else:
            measure = round_published(pack, total) if self.published else total
        return level, (measure, *ties)


def _scored_total(block: Block, scorer, values: dict, aggregates, own: dict):
    """The unit's total with ``values`` by the block's scorer, or None when a move changes
    which criteria apply (the maximum moves too: the engine evaluates it whole); in the
    scoring context, which the caller sets."""
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


def _band(pack, ordered: list, own) -> tuple:
    """``(low, high)``: the values the unit's own value ``own`` can move to without its
    rank changing are ``low <= v < high`` below and above it (None: no bound), as
    :func:`_rank_with` counts: a unit tied with it counts when it falls (not in a dense
    ranking, where a shared value is one rank)."""
    i = bisect.bisect_right(ordered, own)
    j = bisect.bisect_left(ordered, own)
    high = ordered[i] if i < len(ordered) else None
    tied = pack.ranking.ties != "dense" and i - j >= 2  # another unit has the same value
    low = own if tied else ordered[j - 1] if j > 0 else None
    return low, high


def _keeps_rank(band: tuple, own, value) -> bool:
    low, high = band
    if value >= own:
        return high is None or value < high
    return low is None or low <= value


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
    # without gates or tie-break keys, a move that leaves applicability alone changes
    # only the total: it is scored by the block's scorer (or one formula), not evaluated
    simple = not block.level_gates and not block.tie_break
    # an input an ``applies`` reads may change the maximum: such a move is scored whole
    deciders: dict[str, list[str]] = {}
    for crit in block.all_criteria():
        for name in sorted(crit.applies.inputs) if crit.applies is not None else ():
            deciders.setdefault(name, []).append(crit.id)
    conditional = set(deciders)
    quick_inputs = {
        name: block.criterion(crits[0])
        for name, crits in readers.items()
        if len(crits) == 1 and crits[0] in direct and simple and name not in conditional
    }
    # inputs several such criteria read: their formulas, and the groups summed again
    shared = {
        name
        for name, crits in readers.items()
        if len(crits) > 1 and all(c in direct for c in crits) and simple
        and name not in conditional
    }
    scorer = block_scorer(block)
    aggregates = batch.aggregates.get(block.id) or {}
    figures = _Figures(pack, block)
    out = []
    # one context for the whole search: every figure is worked as the engine works it
    with decimal.localcontext(CONTEXT):
        for unit in units:
            uid = unit.result.unit_id
            own = values[uid]
            ties = own[1:]
            band = _band(pack, ordered, own)
            sub, current = unit.submission, unit.submission.values
            own_applies = batch.scores(sub)[2] if simple else None
            best = None
            probe = None
            for name in sorted({*readers, *deciders}):
                for after in _moves(block.inputs[name], current.get(name)):
                    fast = quick_inputs.get(name)
                    try:
                        total = None
                        if fast is not None:
                            probe = probe or Probe(batch, unit)
                            total = probe(fast, {name: after})[1]
                        elif name in shared:
                            probe = probe or Probe(batch, unit)
                            total = probe.total_with({name: after})
                        if total is None and fast is None and simple:
                            moved_values = {**current, name: after}
                            total = _scored_total(
                                block, scorer, moved_values, aggregates, own_applies
                            )
                        if total is not None:
                            if total == unit.result.total:
                                continue  # same total: same level and rank
                            level, value = figures(unit.result, ties, total)
                        else:
                            moved = batch.evaluate(with_values(sub, {name: after}))
                            total, level = moved.total, moved.level
                            value = ranked_value(pack, block, Standing.of(moved))
                    except Exception:  # a move the block's formulas refuse is not a step
                        continue
                    if level == unit.result.level and _keeps_rank(band, own, value):
                        continue  # neither moves: no need to count the rank
                    new_rank = _rank_with(pack, ordered, own, value)
                    if level == unit.result.level and new_rank == unit.standing.rank:
                        continue
                    key = (level == unit.result.level, abs(total - unit.result.total))
                    if best is None or key < best[0]:
                        best = (key, name, after, total, level, new_rank)
            if best is None:
                continue
            _, name, after, total, level, new_rank = best
            before_scores, _, before_own = batch.scores(sub)
            after_scores, _, after_own = batch.scores(with_values(sub, {name: after}))
            # the criteria the move scores differently, or makes apply or not
            moved = [*readers.get(name, ()), *deciders.get(name, ())]
            changed = tuple(
                item_of(by_id(block)[c])
                for c in dict.fromkeys(moved)
                if after_scores[c] != before_scores[c] or after_own[c] != before_own[c]
            )
            out.append(
                Fragile(uid, unit.result.name, block.id, changed, name, block.inputs[name].label,
                        current.get(name), after, unit.result.total, total,
                        unit.standing.rank, new_rank, unit.result.level, level)
            )
    out.sort(key=lambda f: (f.level_before == f.level_after, abs(f.total_after - f.total_before)))
    return out
