"""The level scale, checked point by point: no gap, no overlap, thresholds go up.

The level of a unit is a step function of its percentage that can only change where a
level condition compares ``percent`` (or ``total``) with a constant. So checking every
such threshold, a hair on each side of it, the midpoints between them and a fine grid
covers the whole scale without randomness.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import TYPE_CHECKING

from ._describe import number

if TYPE_CHECKING:
    from ..model.pack import Block, Pack

#: A hair above a threshold: far below any percentage a total can produce.
EPSILON = Decimal("1e-9")
_GRID = 1000  # grid steps over 0–100 %


def _percent_text(value: Decimal) -> str:
    return number(value * 100) + " %"


def percent_range(block: Block) -> tuple[Decimal, Decimal]:
    """The lowest and highest percentage a unit of ``block`` can reach.

    Deductions can take a total below zero and bonus points above the maximum.
    """
    maximum = block.max_total
    if not maximum:
        return Decimal(0), Decimal(1)
    floors = sum((c.floor for c in block.criteria if c.weight and c.floor < 0), Decimal(0))
    bonus = sum((c.max for c in block.criteria if c.weight and c.kind == "bonus"), Decimal(0))
    return min(Decimal(0), floors / maximum), (maximum + bonus) / maximum


def level_at(pack: Pack, percent: Decimal, max_total: Decimal) -> int | None:
    """The index of the level a unit at ``percent`` gets (the first that holds)."""
    values = {"percent": percent, "total": percent * max_total, "max_total": max_total}
    for index, level in enumerate(pack.levels):
        if level.when(values):
            return index
    return None


def level_problems(pack: Pack, block: Block, cuts: list[Decimal]) -> list[str]:
    """Everything wrong with the level scale as it applies to ``block``."""
    names = [level.name for level in pack.levels]
    low, high = percent_range(block)
    maximum = block.max_total or Decimal(100)
    points = {low, high, *(Decimal(i) / _GRID for i in range(_GRID + 1))}
    for cut in cuts:
        points.update({cut - EPSILON, cut, cut + EPSILON})
    edges = sorted({low, *cuts, high})
    points.update((a + b) / 2 for a, b in itertools.pairwise(edges))
    ordered = sorted(p for p in points if low <= p <= high)
    index = {p: level_at(pack, p, maximum) for p in ordered}
    problems = []
    gaps = [p for p in ordered if index[p] is None]
    if gaps:
        problems.append(
            f"no level applies to a unit at {_percent_text(gaps[0])}: every percentage from "
            f"{_percent_text(low)} to {_percent_text(high)} needs a level "
            "(end the scale with a level whose condition is `true`)"
        )
        return problems
    # levels are written best first when the top of the range gets an earlier level
    best_first = index[ordered[-1]] <= index[ordered[0]]  # type: ignore[operator]
    for below, above in itertools.pairwise(ordered):
        lower_level, upper_level = index[below], index[above]
        worse = upper_level > lower_level if best_first else upper_level < lower_level  # type: ignore[operator]
        if worse:
            problems.append(
                f"levels overlap: a unit at {_percent_text(above)} gets "
                f"{names[upper_level]!r} but one at {_percent_text(below)} gets "  # type: ignore[index]
                f"{names[lower_level]!r}; a higher percentage must never get a lower level"  # type: ignore[index]
            )
            break
    given = set(index.values())
    for i, name in enumerate(names):
        if i not in given:
            problems.append(
                f"level {name!r} is never given: the levels before it already cover every "
                "percentage it would apply to"
            )
    for cut in cuts:
        if not low < cut <= high:
            continue
        on, above = index[cut], index.get(cut + EPSILON)
        if above is not None and on != above:
            problems.append(
                f"a unit exactly on {_percent_text(cut)} gets {names[on]!r} "  # type: ignore[index]
                f"but one just above it gets {names[above]!r}: a total exactly on a threshold "
                f"must get the higher level (write `percent >= {number(cut * 100)}%`, "
                f"not `percent > {number(cut * 100)}%`)"
            )
    return problems
