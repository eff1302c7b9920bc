"""The decimal context every score is computed in, and rounding as a pack publishes.

Kept apart from evaluation so that reports, which only round figures, load without the
formula machinery (the CLI starts faster).
"""

from __future__ import annotations

import decimal
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.pack import Pack

#: 28 significant digits; invalid operations, division by zero and overflow raise, so a
#: result never holds NaN or Infinity and never depends on the caller's decimal settings.
CONTEXT = decimal.Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


def round_published(pack: Pack, value: Decimal) -> Decimal:
    """A figure as the pack publishes it (e.g. 2 places, half up)."""
    quantum = Decimal(1).scaleb(-pack.rounding.places)
    return value.quantize(quantum, rounding=MODES[pack.rounding.mode], context=CONTEXT)


def published(pack: Pack, value: Decimal | None) -> Decimal | None:
    """:func:`round_published` for a figure that may be absent (a criterion that does not
    apply, an excluded unit): reports show it as an empty cell."""
    return None if value is None else round_published(pack, value)


def cell(value: Any) -> Any:
    """A value as shown in a table: decimals as plain text, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal):
        return format(value, "f")
    return value
