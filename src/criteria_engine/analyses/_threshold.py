"""The least total that gives a level: read off the pack's level formulas by the engine.

A level is a formula over ``percent``, ``total`` and ``max_total``; the level of a total
only changes where the total (or its share of the maximum, or the published rounding of
either) crosses a constant of those formulas. Those crossing points are the candidates;
the level formulas themselves, evaluated at each, say which is the least that reaches.
"""

from __future__ import annotations

import bisect
import decimal
import itertools
from decimal import Decimal

from ..dsl.nodes import And, Boolean, Compare, Name, Neg, Not, Number, Or, constant_value, walk
from ..evaluation.rounding import CONTEXT
from ..model.pack import Pack
from ._batch import at_least, level_at

#: how far above a candidate a strict comparison (``percent > 85%``) is tried
_EPSILON = Decimal("1e-20")


def _constants(pack: Pack) -> set[Decimal]:
    found: set[Decimal] = set()
    for level in pack.levels:
        for node in walk(level.when.node):
            if isinstance(node, Compare):
                for side in (node.left, node.right):
                    value = constant_value(side)
                    if isinstance(value, Decimal) and not isinstance(value, bool):
                        found.add(value)
    return found


def threshold(pack: Pack, max_total: Decimal, target: str) -> tuple[Decimal | None, bool]:
    """``(least total, strict)`` that gives ``target`` (or better) out of ``max_total``;
    ``strict``: the level needs more than that total. ``(None, False)`` when no total up
    to the maximum gives it. Kept with the pack's first block: units share maxima."""
    cache = pack.blocks[0].derived.setdefault("analyses.thresholds", {})
    key = (max_total, target)
    if key not in cache:
        cache[key] = _threshold(pack, max_total, target)
    return cache[key]


def _threshold(pack: Pack, max_total: Decimal, target: str) -> tuple[Decimal | None, bool]:
    half = Decimal(5).scaleb(-(pack.rounding.places + 1))
    with decimal.localcontext(CONTEXT):
        candidates = {Decimal(0), max_total}
        for c in _constants(pack):
            candidates.update((c, c * max_total))
            if pack.levels_on == "published":
                candidates.update((c - half, (c - half / 100) * max_total))
        for total in sorted(t for t in candidates if 0 <= t <= max_total):
            if at_least(pack, level_at(pack, total, max_total), target):
                return total, False
            if total < max_total and at_least(
                pack, level_at(pack, total + _EPSILON, max_total), target
            ):
                return total, True
    return None, False


def percent_levels(pack: Pack):
    """``level(percent)`` read off a table, when every level formula compares ``percent``
    (exact, not published) with constants only, joined by ``and``/``or``/``not``: such a
    level is the same everywhere between two of those constants, so the formulas
    themselves are asked once at each constant and once inside each gap. None for any
    other shape of level formula (they are then asked for every figure)."""
    cache = pack.blocks[0].derived
    if "analyses.percent_levels" not in cache:
        cache["analyses.percent_levels"] = _percent_table(pack)
    return cache["analyses.percent_levels"]


def _percent_table(pack: Pack):
    if pack.levels_on != "exact":
        return None
    found: set[Decimal] = set()
    for level in pack.levels:
        for node in walk(level.when.node):
            if isinstance(node, Compare):
                sides = [node.left, node.right]
                names = [s for s in sides if isinstance(s, Name)]
                values = [constant_value(s) for s in sides if not isinstance(s, Name)]
                if not (len(names) == 1 and names[0].name == "percent" and len(values) == 1):
                    return None
                if not isinstance(values[0], Decimal):
                    return None
                found.add(values[0])
            elif isinstance(node, Name):
                if node.name != "percent":
                    return None
            elif not isinstance(node, (And, Or, Not, Boolean, Number, Neg)):
                return None
    points = sorted(found)
    with decimal.localcontext(CONTEXT):
        inside = [points[0] - 1] if points else [Decimal(0)]
        inside += [(a + b) / 2 for a, b in itertools.pairwise(points)]
        if points:
            inside.append(points[-1] + 1)
        at = [_level_of(pack, p) for p in points]
        between = [_level_of(pack, p) for p in inside]

    def level(percent: Decimal) -> str | None:
        i = bisect.bisect_left(points, percent)
        return at[i] if i < len(points) and points[i] == percent else between[i]

    return level


def _level_of(pack: Pack, percent: Decimal) -> str | None:
    for level in pack.levels:
        if level.when({"percent": percent}):
            return level.name
    return None
