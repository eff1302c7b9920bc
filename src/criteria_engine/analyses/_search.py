"""The search for a smallest set of criteria that reaches a level, and each chosen
criterion moved back as far as the plan allows (see :mod:`.next_level`).

A set is tried by scoring its criteria's formulas as the block's scorer does where that
is exact (:meth:`.Probe.total_with`), else by evaluating the changed submission; the plan
given is always evaluated by the engine.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from math import comb
from typing import Any

from ..model.pack import Criterion
from ._batch import Batch, Unit, at_least, level_at, with_values
from ._levers import block_levers, by_id
from ._probe import Probe

_ZERO = Decimal(0)
#: how many sets of criteria are evaluated by the engine at most, per unit, when gains do
#: not simply add up (a score that reads another, a cap on a group, a bonus)
SEARCH_BUDGET = 2000


def reaches(batch: Batch, unit: Unit, changes: Mapping, target: str, probe=None):
    """Whether ``changes`` give ``unit`` the level, and the engine's result (None when the
    probe scored them exactly, as the block's scorer does, and the level formulas said)."""
    total = probe.total_with(changes) if probe is not None else None
    if total is not None:
        level = level_at(batch.pack, total, unit.result.max_total)
        return at_least(batch.pack, level, target), None
    result = batch.evaluate(with_values(unit.submission, changes))
    return at_least(batch.pack, result.level, target), result


def merged(chosen: Iterable[tuple[Any, dict]]) -> dict:
    """The input changes of every chosen criterion, as one set of changes."""
    out: dict = {}
    for _, changes in chosen:
        out.update(changes)
    return out


def _candidate_sets(gains: list[Decimal], size: int, need: Decimal, coupled: bool):
    """Sets of ``size`` items to try, the likeliest first. Where gains add up: the set
    whose gains reach the gap with the fewest points beyond it (the least change), found
    by a pruned search over gains sorted largest first, then the set of the largest
    gains. Where they may not: every set while there are few, else those two."""
    if coupled and comb(len(gains), size) <= SEARCH_BUDGET:
        yield from itertools.combinations(range(len(gains)), size)
        return
    best: list = [None, None]
    n = len(gains)

    def search(i: int, picked: tuple[int, ...], total: Decimal) -> None:
        left = size - len(picked)
        if left == 0:
            if total >= need and (best[1] is None or total < best[1]):
                best[0], best[1] = picked, total
            return
        if n - i < left or total + sum(gains[i : i + left], _ZERO) < need:
            return  # even the largest gains left do not reach the gap
        if best[1] is not None and total + sum(gains[n - left :], _ZERO) >= best[1]:
            return  # even the smallest gains left would not beat the best set
        search(i + 1, (*picked, i), total + gains[i])
        search(i + 1, picked, total)

    search(0, (), _ZERO)
    first = tuple(range(size))
    if best[0] is not None:
        yield best[0]
    if best[0] != first:
        yield first


def smallest_set(batch, unit, items, need, strict, target, coupled, probe=None):
    """The fewest items whose changes reach ``target``, by the engine's word.

    Where gains simply add up, a set whose gains add up to less than the gap cannot
    reach it, so sizes below the sum of the largest gains are skipped; where they may
    not (scores read other scores, capped groups, bonuses, gates) every size is tried.
    """
    items = sorted(items, key=lambda it: (-it[0].gain, it[0].criterion))
    gains = [it[0].gain for it in items]
    budget = SEARCH_BUDGET
    for size in range(0, len(items) + 1):
        top = sum(gains[:size], _ZERO)
        enough = top > need if strict else top >= need
        if not enough and not coupled:
            continue
        for combo in _candidate_sets(gains, size, need, coupled):
            if budget <= 0:
                return None
            budget -= 1
            chosen = [items[i] for i in combo]
            ok, result = reaches(batch, unit, merged(chosen), target, probe)
            if ok:
                return chosen, result
    return None


def _least_move(probe: Probe, crit: Criterion, changes: dict, need: Decimal) -> dict:
    """``changes`` with each numeric lever moved back towards the unit's own value as far
    as the criterion still adds ``need`` to the total (binary search: scores are monotone
    in a lever)."""
    changes = dict(changes)
    for name in sorted(changes):
        spec = probe.block.inputs[name]
        start, end = probe.values.get(name), changes[name]
        if not (spec.is_numeric and isinstance(start, Decimal) and isinstance(end, Decimal)):
            continue
        step = block_levers(probe.block)[name].step
        lo, hi = start, end
        while abs(hi - lo) > step:
            mid = lo + ((hi - lo) / 2 / step).to_integral_value() * step
            if mid in (lo, hi):
                break
            _, total = probe(crit, {**changes, name: mid})
            if total - probe.total >= need:
                hi = mid
            else:
                lo = mid
        changes[name] = hi
    return changes


def trimmed(probe: Probe, chosen, need: Decimal):
    """Each chosen criterion moved only as far as the plan needs (the least change):
    the largest gains are trimmed first, the others counted at their best."""
    rest = sum((room.gain for room, _ in chosen), _ZERO)
    realised = _ZERO
    out = []
    for room, changes in chosen:
        rest -= room.gain
        own_need = need - realised - rest
        crit = by_id(probe.block)[room.criterion]
        if own_need < room.gain:
            changes = _least_move(probe, crit, changes, own_need)
        score, total = probe(crit, changes)
        realised += total - probe.total
        out.append((room, changes, score, total - probe.total))
    return out
