"""Turn a value as a user typed it into the exact value a formula sees.

One converter per input type (:mod:`.types`), shared by every reader (JSON, YAML, CSV,
Excel), so a value means the same whatever file it came in. Numbers become
:class:`~decimal.Decimal` (never ``float``); a percent is stored as a fraction (``85`` or
``"85%"`` is ``Decimal("0.85")``); yes/no accepts the Vietnamese words people type on forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._parse import MAX_DIGITS, ValueProblem, to_boolean, to_date, to_decimal, to_percent
from .types import input_type

if TYPE_CHECKING:
    from ..model.pack import Block, Input

__all__ = [
    "MAX_DIGITS",
    "ValueProblem",
    "block_converters",
    "convert",
    "fast_converter",
    "json_default",
    "to_boolean",
    "to_date",
    "to_decimal",
    "to_percent",
]


def convert(spec: Input, value: Any) -> Any:
    """The value of input ``spec`` as formulas see it; raises :class:`ValueProblem`."""
    return input_type(spec).convert(spec, value)


def fast_converter(spec: Input) -> Callable[[Any], Any]:
    """:func:`convert` for one input, with a fast path for the values JSON readers give.

    A batch converts every input of every unit; each type checks an ``int``, an exact
    ``Decimal`` or a listed choice directly, and falls back to :func:`convert` for
    anything else, so both always agree.
    """
    return input_type(spec).converter(spec)


def json_default(value: Any) -> Any:
    """For ``json.dumps``: exact decimals as numbers' text, dates as ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def block_converters(block: Block) -> dict[str, Callable[[Any], Any]]:
    """Each input's value converter, built once per block and kept with it."""
    converters = block.derived.get("converters")
    if converters is None:
        converters = {name: fast_converter(spec) for name, spec in block.inputs.items()}
        converters = block.derived.setdefault("converters", converters)
    return converters
