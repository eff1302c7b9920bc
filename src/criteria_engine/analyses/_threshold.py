"""The least total that gives a level: read off the pack's level formulas by the engine.

A level is a formula over ``percent``, ``total`` and ``max_total``; the level of a total
only changes where the total (or its share of the maximum, or the published rounding of
either) crosses a constant of those formulas. Those crossing points are the candidates;
the level formulas themselves, evaluated at each, say which is the least that reaches.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from ..dsl.nodes import Compare, constant_value, walk
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
