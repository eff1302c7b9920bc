"""Placing a number between its bounds, on a threshold, and inside its whole.

The arithmetic behind :mod:`.strategies`, kept apart so that the strategies read as what
they generate: where a drawn position puts a value (:func:`between`), how much room a part
has left in its whole (:func:`room_for`), how a value lands exactly on a threshold or one
step beside it, and how a draft whose parts outgrew their whole is put right (:func:`repair`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from ..inputs.types import input_type
from .analysis import BlockFacts, Cut, RatioCut

if TYPE_CHECKING:
    from ..model.pack import Input

#: Where a threshold value lands: exactly on it, one step below, one step above.
SIDES = ("on", "below", "above")

#: Where a number lies between its bounds: ``("near", k)`` is ``k`` whole units above the
#: low bound (small counts are where shares and divisions misbehave), ``("share", k)`` is
#: ``k`` thousandths of the way up, ``0`` and ``1000`` being the two ends.
Position = tuple[str, int]
_BAND = 1024


def _position(raw: int) -> Position:
    """One drawn integer as a position: its first band lies near the low bound, the second
    anywhere, the third at an end. One draw per number keeps generation fast, and shrinking
    the integer towards 0 moves the value towards the low bound."""
    band, k = divmod(raw, _BAND)
    if band == 0:
        return ("near", k % 13)
    if band == 1:
        return ("share", k * 1000 // (_BAND - 1))
    return ("share", 0 if k % 2 == 0 else 1000)


#: One shared strategy for every position, built once.
SCALE: st.SearchStrategy[Position] = st.integers(0, 3 * _BAND - 1).map(_position)


def _along(lo: int, hi: int, position: Position, unit: int = 1) -> int:
    mode, k = position
    if mode == "near":
        return min(hi, lo + k * unit)
    return lo + (hi - lo) * k // 1000


def between(spec: Input, low: Decimal, high: Decimal, position: Position) -> Decimal:
    """The value at ``position`` from ``low`` to ``high``, on the input's grid."""
    grid = step_of(spec)
    unit = int(1 / grid)  # grid steps in one whole unit
    lo, hi = math.ceil(low * unit), math.floor(high * unit)
    if hi <= lo:
        return Decimal(lo) / unit if unit != 1 else Decimal(lo)
    value = Decimal(_along(lo, hi, position, unit))
    if unit == 1:
        return value
    value *= grid
    return value.quantize(1) if value == value.to_integral_value() else value.normalize()


def room_for(facts: BlockFacts, name: str, values: Mapping[str, Any]) -> Decimal:
    """The largest value ``name`` can take given the wholes it is a part of."""
    high = facts.high[name]
    for share in facts.shares_of(name):
        whole = values.get(share.whole)
        if not isinstance(whole, Decimal):
            continue
        others = sum(
            (
                values[p] if isinstance(values.get(p), Decimal) else facts.low[p]
                for p in share.parts
                if p != name
            ),
            Decimal(0),
        )
        high = min(high, whole - others)
    return high


def step_of(spec: Input) -> Decimal:
    """The step between two neighbouring values of a number input (its type's grid)."""
    grid = input_type(spec).grid
    assert grid is not None, f"{spec.name} is not a number"
    return grid


def land_cut(facts: BlockFacts, values: dict[str, Any], cut: Cut, side: str) -> bool:
    spec = facts.inputs[cut.name]
    step = step_of(spec)
    target = cut.value + {"on": 0, "below": -step, "above": step}[side]
    if input_type(spec).whole and target != target.to_integral_value():
        target = Decimal(math.floor(cut.value) if side == "below" else math.ceil(cut.value))
    if not facts.low[cut.name] <= target <= facts.high[cut.name]:
        return False
    values[cut.name] = target
    return True


def land_ratio(
    facts: BlockFacts, values: dict[str, Any], cut: RatioCut, side: str, position: Position
) -> bool:
    part_spec, whole_spec = facts.inputs[cut.part], facts.inputs[cut.whole]
    low = max(facts.low[cut.whole], step_of(whole_spec))
    high = facts.high[cut.whole]
    den = Fraction(cut.ratio).denominator
    part_whole, whole_whole = input_type(part_spec).whole, input_type(whole_spec).whole
    if part_whole and whole_whole and low <= high:
        # a whole that is a multiple of the ratio's denominator lets the part land exactly
        k_low, k_high = math.ceil(low / den), math.floor(high / den)
        if k_low <= k_high:
            whole = Decimal(den * _along(k_low, k_high, position))
        else:
            whole = between(whole_spec, low, high, position)
    else:
        whole = between(whole_spec, low, high, position)
    if whole <= 0 or not low <= whole <= high:
        return False
    on = cut.ratio * whole
    if part_whole:
        part = {
            "on": Decimal(math.ceil(on)),
            "below": Decimal(math.ceil(on) - 1),
            "above": Decimal(math.floor(on) + 1),
        }[side]
    else:
        step = step_of(part_spec)
        part = on + {"on": 0, "below": -step, "above": step}[side]
    if not facts.low[cut.part] <= part <= facts.high[cut.part]:
        return False
    values[cut.whole], values[cut.part] = whole, part
    return True


def repair(facts: BlockFacts, values: dict[str, Any]) -> None:
    """Make every part fit its whole again, raising wholes first, then lowering parts."""
    rank = {name: i for i, name in enumerate(facts.order)}
    shares = sorted(facts.shares, key=lambda s: -rank[s.whole])  # deepest wholes first
    for _ in range(len(shares) + 1):
        changed = False
        for share in shares:
            if not all(isinstance(values.get(n), Decimal) for n in (*share.parts, share.whole)):
                continue
            total = sum((values[p] for p in share.parts), Decimal(0))
            if total <= values[share.whole]:
                continue
            changed = True
            if total <= facts.high[share.whole]:
                integer = input_type(facts.inputs[share.whole]).whole
                values[share.whole] = Decimal(math.ceil(total)) if integer else total
                continue
            values[share.whole] = facts.high[share.whole]
            excess = total - values[share.whole]
            for part in reversed(share.parts):
                cut = min(excess, values[part] - facts.low[part])
                values[part] -= cut
                excess -= cut
        if not changed:
            return
