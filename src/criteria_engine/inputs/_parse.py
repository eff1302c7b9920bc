"""One value from what a person typed: an exact decimal, a percent, yes or no, a date.

The building blocks of every input type's conversion (:mod:`.types`) and of the readers'
own fields (a self-assessed score, a submission date). Numbers become
:class:`~decimal.Decimal`, never ``float``; a percent is stored as a fraction (``85`` or
``"85%"`` is ``Decimal("0.85")``); yes/no accepts the Vietnamese words people type on forms.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ..dsl.errors import CriteriaEngineError

_TRUE = {"true", "có", "co", "yes", "x", "1", "đạt", "dat"}
_FALSE = {"false", "không", "khong", "no", "0", "không đạt", "khong dat", ""}
MAX_DIGITS = 30
SHOWN_CHARS = 60  # longer values are cut in messages
BIG = 10**MAX_DIGITS


class ValueProblem(CriteriaEngineError, ValueError):
    """A value that cannot be used, with a message fit for the person who typed it."""


def shown(value: Any) -> str:
    """A value as the user typed it: decimals in plain notation, text quoted; a value too
    long to read (a 5,000-digit number) is cut, saying how long it is."""
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[:20]}… ({len(text):,} characters)"


def _comma_hint(text: str) -> str:
    """What to do about ``12,5``: Vietnamese (and Excel in a Vietnamese locale) write the
    decimal mark as a comma, which a data file does not read. Said only where putting a
    point instead gives a number; three digits after the comma may be thousands."""
    whole, comma, fraction = text.partition(",")
    if not comma or "," in fraction or not (whole.lstrip("+-").isdigit() and fraction.isdigit()):
        return ""
    hint = f": write the decimal mark as a point ({whole}.{fraction})"
    if len(fraction) == 3:
        hint += f", or leave out a thousands separator ({whole}{fraction})"
    return hint


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
            hint = _comma_hint(text)
            raise ValueProblem(f"expected a number, got {shown(value)}{hint}") from None
    else:
        raise ValueProblem(f"expected a number, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueProblem(f"{shown(value)} is not a finite number")
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise ValueProblem(f"{shown(value)} has more than {MAX_DIGITS} digits")
    return number


def to_percent(value: Any) -> Decimal:
    """A fraction from percent points (``85``) or a percent string (``"85%"``)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        points = to_decimal(value.strip()[:-1])
    else:
        points = to_decimal(value)
    if points < 0 or points > 100:
        raise ValueProblem(f"{shown(value)} is not a percentage between 0 and 100")
    return points / 100


def to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    # a signalling NaN cannot even be compared with 0
    number = isinstance(value, int) or (isinstance(value, Decimal) and not value.is_nan())
    if number and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = unicodedata.normalize("NFC", value).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE and word:
            return False
    raise ValueProblem(f"expected yes or no (true/false, có/không), got {shown(value)}")


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
    raise ValueProblem(f"expected a date written YYYY-MM-DD, got {shown(value)}")
