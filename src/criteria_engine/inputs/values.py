"""Turn a value as a user typed it into the exact value a formula sees.

One converter per input type, shared by every reader (JSON, YAML, CSV, Excel), so a value
means the same whatever file it came in. Numbers become :class:`~decimal.Decimal` (never
``float``); a percent is stored as a fraction (``85`` or ``"85%"`` is ``Decimal("0.85")``);
yes/no accepts the Vietnamese words people type on forms.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..dsl.errors import CriteriaEngineError

if TYPE_CHECKING:
    from ..model.pack import Block, Input

_TRUE = {"true", "có", "co", "yes", "x", "1", "đạt", "dat"}
_FALSE = {"false", "không", "khong", "no", "0", "không đạt", "khong dat", ""}
MAX_DIGITS = 30
_BIG = 10**MAX_DIGITS


class ValueProblem(CriteriaEngineError, ValueError):
    """A value that cannot be used, with a message fit for the person who typed it."""


def _shown(value: Any) -> str:
    """A value as the user typed it: decimals in plain notation, text quoted."""
    return format(value, "f") if isinstance(value, Decimal) else repr(value)


def to_decimal(value: Any) -> Decimal:
    """An exact, finite decimal from a number or a decimal string; floats are refused."""
    if isinstance(value, bool):
        raise ValueProblem(f"expected a number, got {'true' if value else 'false'}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # Readers never produce floats; a library caller passing one gets its shortest repr.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueProblem(f"expected a number, got {_shown(value)}") from None
    else:
        raise ValueProblem(f"expected a number, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueProblem(f"{_shown(value)} is not a finite number")
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise ValueProblem(f"{_shown(value)} has more than {MAX_DIGITS} digits")
    return number


def to_percent(value: Any) -> Decimal:
    """A fraction from percent points (``85``) or a percent string (``"85%"``)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        points = to_decimal(value.strip()[:-1])
    else:
        points = to_decimal(value)
    if points < 0 or points > 100:
        raise ValueProblem(f"{_shown(value)} is not a percentage between 0 and 100")
    return points / 100


def to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = unicodedata.normalize("NFC", value).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE and word:
            return False
    raise ValueProblem(f"expected yes or no (true/false, có/không), got {_shown(value)}")


def to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueProblem(f"expected a date written YYYY-MM-DD, got {_shown(value)}")


def convert(spec: Input, value: Any) -> Any:
    """The value of input ``spec`` as formulas see it; raises :class:`ValueProblem`."""
    kind = spec.type
    if kind in ("number", "integer"):
        cls = type(value)  # fast paths for what JSON readers hand over: int, Decimal
        if cls is int and -_BIG < value < _BIG:
            number = Decimal(value)
        elif cls is Decimal and value.is_finite() and value.adjusted() < MAX_DIGITS:
            number = value
        else:
            number = to_decimal(value)
        if kind == "integer" and number != number.to_integral_value():
            raise ValueProblem(f"expected a whole number, got {_shown(value)}")
        if spec.min is not None and number < spec.min:
            raise ValueProblem(f"{number} is below the minimum {spec.min}")
        if spec.max is not None and number > spec.max:
            raise ValueProblem(f"{number} is above the maximum {spec.max}")
        return number
    if kind == "percent":
        return to_percent(value)
    if kind == "boolean":
        return value if value is True or value is False else to_boolean(value)
    if kind == "date":
        return to_date(value)
    if not isinstance(value, str):
        raise ValueProblem(f"expected text, got {_shown(value)}")
    if kind == "choice" and value in spec.choices:
        return value
    text = unicodedata.normalize("NFC", value).strip()
    if kind == "choice" and text not in spec.choices:
        allowed = ", ".join(repr(c) for c in spec.choices)
        raise ValueProblem(f"{_shown(value)} is not one of the choices: {allowed}")
    return text


def fast_converter(spec: Input) -> Callable[[Any], Any]:
    """:func:`convert` for one input, with a fast path for the values JSON readers give.

    A batch converts every input of every unit; checking an ``int`` or an exact
    ``Decimal`` against the input's bounds directly saves most of the work, and anything
    else falls back to :func:`convert`, so both always agree.
    """
    if spec.type in ("number", "integer"):
        low = -_BIG if spec.min is None else spec.min
        high = _BIG if spec.max is None else spec.max
        whole = spec.type == "integer"

        def number(value: Any) -> Any:
            cls = value.__class__
            if cls is int:
                if low <= value <= high:
                    return Decimal(value)
            elif (
                cls is Decimal
                and value.is_finite()
                and low <= value <= high
                and (not whole or value == value.to_integral_value())
            ):
                return value
            return convert(spec, value)

        return number
    if spec.type == "boolean":
        return lambda value: value if value is True or value is False else to_boolean(value)
    if spec.type == "choice":
        choices = frozenset(spec.choices)
        return lambda value: (
            value if value.__class__ is str and value in choices else convert(spec, value)
        )

    def text(value: Any) -> Any:
        if value.__class__ is str and not value.strip():
            raise ValueProblem("no value given")  # blank text counts as missing
        return convert(spec, value)

    return text


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
