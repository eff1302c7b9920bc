"""Every input type once: how a typed value is checked and converted, its JSON Schema, its
Excel rule, how it is written and shown, and how test data is drawn for it.

A pack gives each input a ``type``; every part of the engine that treats inputs by type
(readers, the submission schema, survey forms, the testing kit, the results' wording) asks
the type's entry here, through :func:`input_type`, instead of testing the type's name.

The names themselves, and how formulas see each type's values, are the pack model's
(:data:`criteria_engine.model.pack.INPUT_TYPES`): packs are loaded below this layer, and
this layer reads YAML through the loader, so the loader cannot ask this table. Each name
there has exactly one entry in :data:`TYPES` (a test holds the two together). Adding a type
is described in ``docs/extending.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from ..dsl.errors import CriteriaEngineError
from ..model.pack import INPUT_TYPES, Input, InputKind
from ._parse import (
    BIG,
    MAX_DIGITS,
    ValueProblem,
    shown,
    to_boolean,
    to_date,
    to_decimal,
    to_percent,
)
from .excel import _number

#: One input's converter, built once per input of a block and then called once per value,
#: so that a type can prepare what it can in advance (bounds, a set of choices).
Converter = Callable[[Any], Any]
#: A number written as text, as the submission schema accepts it.
NUMBER_TEXT = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"
_LETTERS = "abcdeghiklmnopqrstuvxyăâđêôơư "  # free text in test data: Vietnamese letters


class UnknownInputType(CriteriaEngineError, LookupError):
    """An input whose ``type`` is none of :data:`TYPES` (loading a pack refuses these; an
    :class:`~criteria_engine.model.pack.Input` built by hand may still carry one)."""


def _nothing(spec: Input) -> None:
    return None


@attrs.frozen
class InputType:
    """One input type: each field is one thing the engine does differently by type.

    The functions take the input's declaration (its bounds, choices, label). Figures "in
    the unit's terms" are what a person writes on the form: a percent as points (85),
    where formulas see the fraction (0.85).
    """

    #: The name packs use (``type: percent``); one of the model's ``INPUT_TYPES``.
    name: str
    #: The value formulas see, from what a unit typed; raises :class:`ValueProblem`.
    convert: Callable[[Input, Any], Any]
    #: One input's converter: :attr:`convert` with fast paths for what JSON readers give.
    converter: Callable[[Input], Converter]
    #: The input's JSON Schema in a submission (title and description are added for all).
    json_schema: Callable[[Input], dict[str, Any]]
    #: What to tell the person filling the form in, and the Excel data validation that
    #: enforces it (openpyxl ``DataValidation`` arguments; none for free text).
    excel_rule: Callable[[Input], tuple[str, dict[str, Any]]]
    #: A hypothesis strategy of valid values in the unit's terms, from the input, the
    #: block's data window and the texts its formulas compare it with (hypothesis is
    #: imported only when called). ``None`` for numbers: the testing kit places those
    #: between :meth:`bounds`, on the :attr:`grid`, on and beside formula thresholds.
    examples: Callable[[Input, tuple[dt.date, dt.date], Sequence[str]], Any] | None = None
    #: The value an empty submission skeleton shows.
    blank: Callable[[Input], Any] = _nothing
    #: Numbers: the step between generated test values, in the unit's terms.
    grid: Decimal | None = None
    #: Numbers: only whole numbers are valid.
    whole: bool = False
    #: How many of the unit's units make one of the formula's (a percent: 100).
    scale: int = 1
    #: Written right after a value in the unit's terms, in place of the input's ``unit``.
    mark: str = ""
    #: Fixed bounds in the unit's terms, whatever the input declares (a percent: 0–100).
    limits: tuple[Decimal, Decimal] | None = None
    #: Values add up (counts, amounts): parts of a whole can be checked against it.
    additive: bool = False
    #: Two values, yes above no: ``better: higher`` means yes is better.
    yes_no: bool = False

    @property
    def kind(self) -> InputKind:
        """The model's side of this type: how formulas see it, whether it lists choices."""
        return INPUT_TYPES[self.name]

    @property
    def ordered(self) -> bool:
        """Whether ``better:`` can say which way the input helps a unit."""
        return self.grid is not None or self.yes_no

    def bounds(self, spec: Input) -> tuple[Decimal | None, Decimal | None]:
        """The input's bounds in the unit's terms (``None``: open)."""
        return self.limits if self.limits is not None else (spec.min, spec.max)

    def in_units(self, value: Any) -> Any:
        """A value formulas see, as the unit writes it (0.85 of a percent is 85)."""
        return value if self.scale == 1 else value * self.scale

    def unit_of(self, spec: Input) -> str | None:
        """The unit shown beside the input's value on forms."""
        return self.mark or spec.unit


def input_type(spec: Input) -> InputType:
    """The entry of ``spec``'s type."""
    try:
        return TYPES[spec.type]
    except KeyError:
        known = ", ".join(TYPES)
        raise UnknownInputType(
            f"input {spec.name!r} has the unknown type {spec.type!r} (known: {known})"
        ) from None


# ── conversion ───────────────────────────────────────────────────────────────────────────


def _convert_number(whole: bool) -> Callable[[Input, Any], Decimal]:
    def convert(spec: Input, value: Any) -> Decimal:
        cls = type(value)  # fast paths for what JSON readers hand over: int, Decimal
        if cls is int and -BIG < value < BIG:
            number = Decimal(value)
        elif cls is Decimal and value.is_finite() and value.adjusted() < MAX_DIGITS:
            number = value
        else:
            number = to_decimal(value)
        if whole and number != number.to_integral_value():
            raise ValueProblem(f"expected a whole number, got {shown(value)}")
        if spec.min is not None and number < spec.min:
            raise ValueProblem(f"{number} is below the minimum {spec.min}")
        if spec.max is not None and number > spec.max:
            raise ValueProblem(f"{number} is above the maximum {spec.max}")
        return number

    return convert


def _number_converter(whole: bool) -> Callable[[Input], Converter]:
    """An ``int`` or exact ``Decimal`` within the bounds is taken as it is (a batch converts
    every input of every unit); anything else goes through the full conversion, so both
    always agree."""
    convert = _convert_number(whole)

    def build(spec: Input) -> Converter:
        # no wider than the digit limit (30 digits) that the full conversion enforces
        low = -(BIG - 1) if spec.min is None else max(spec.min, -(BIG - 1))
        high = BIG - 1 if spec.max is None else min(spec.max, BIG - 1)
        # the same bounds as whole numbers: an int compares with an int several times
        # faster than with a Decimal, and ceil/floor keep the test exact
        int_low, int_high = math.ceil(low), math.floor(high)

        def number(value: Any) -> Any:
            cls = value.__class__
            if cls is int:
                if int_low <= value <= int_high:
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

    return build


def _yes_no(value: Any) -> bool:
    return value if value is True or value is False else to_boolean(value)


def _convert_text(spec: Input, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueProblem(f"expected text, got {shown(value)}")
    return unicodedata.normalize("NFC", value).strip()


def _convert_choice(spec: Input, value: Any) -> str:
    if isinstance(value, str) and value in spec.choices:
        return value
    text = _convert_text(spec, value)
    if text not in spec.choices:
        allowed = ", ".join(repr(c) for c in spec.choices)
        raise ValueProblem(f"{shown(value)} is not one of the choices: {allowed}")
    return text


def _choice_converter(spec: Input) -> Converter:
    choices = frozenset(spec.choices)
    return lambda value: (
        value if value.__class__ is str and value in choices else _convert_choice(spec, value)
    )


def _refusing_blank(convert: Callable[[Input, Any], Any]) -> Callable[[Input], Converter]:
    """A converter for which blank text is a missing value, not an empty one."""

    def build(spec: Input) -> Converter:
        def converter(value: Any) -> Any:
            if value.__class__ is str and not value.strip():
                raise ValueProblem("no value given")
            return convert(spec, value)

        return converter

    return build


# ── JSON Schema and Excel rules ──────────────────────────────────────────────────────────


def _json_bound(value: Decimal) -> float | int:
    return float(value) if value != int(value) else int(value)


def _number_schema(whole: bool) -> Callable[[Input], dict[str, Any]]:
    def schema(spec: Input) -> dict[str, Any]:
        bounds = {}
        if spec.min is not None:
            bounds["minimum"] = _json_bound(spec.min)
        if spec.max is not None:
            bounds["maximum"] = _json_bound(spec.max)
        kind = "integer" if whole else "number"
        return {"anyOf": [{"type": kind, **bounds}, {"type": "string", "pattern": NUMBER_TEXT}]}

    return schema


def _number_rule(whole: bool) -> Callable[[Input], tuple[str, dict[str, Any]]]:
    word = "số nguyên" if whole else "số"

    def rule(spec: Input) -> tuple[str, dict[str, Any]]:
        low, high = spec.min, spec.max
        if low is not None and high is not None:
            args = {"operator": "between", "formula1": _number(low), "formula2": _number(high)}
            text = f"{word} từ {_number(low)} đến {_number(high)}"
        elif low is not None:
            args = {"operator": "greaterThanOrEqual", "formula1": _number(low)}
            text = f"{word} từ {_number(low)} trở lên"
        elif high is not None:
            args = {"operator": "lessThanOrEqual", "formula1": _number(high)}
            text = f"{word} không quá {_number(high)}"
        else:
            args, text = {"operator": "between", "formula1": "-1E+15", "formula2": "1E+15"}, word
        return text, {"type": "whole" if whole else "decimal", **args}

    return rule


# ── test data (hypothesis is a test dependency: imported when a test asks) ──────────────


def _yes_no_examples(spec: Input, window: tuple[dt.date, dt.date], known: Sequence[str]) -> Any:
    from hypothesis import strategies as st

    return st.booleans()


def _choice_examples(spec: Input, window: tuple[dt.date, dt.date], known: Sequence[str]) -> Any:
    from hypothesis import strategies as st

    return st.sampled_from(spec.choices)


def _date_examples(spec: Input, window: tuple[dt.date, dt.date], known: Sequence[str]) -> Any:
    from hypothesis import strategies as st

    return st.dates(*window)


def _text_examples(spec: Input, window: tuple[dt.date, dt.date], known: Sequence[str]) -> Any:
    """Free words, and the texts the formulas compare the input with (so they match)."""
    from hypothesis import strategies as st

    free = st.text(_LETTERS, max_size=12).map(str.strip)
    return st.one_of(st.sampled_from(known), free) if known else free


# ── the table ────────────────────────────────────────────────────────────────────────────


def _number_type(name: str, whole: bool) -> InputType:
    return InputType(
        name=name,
        convert=_convert_number(whole),
        converter=_number_converter(whole),
        json_schema=_number_schema(whole),
        excel_rule=_number_rule(whole),
        grid=Decimal(1) if whole else Decimal("0.01"),
        whole=whole,
        additive=True,
    )


_PERCENT_POINTS = (Decimal(0), Decimal(100))

#: Every input type, by name, in the model's order.
TYPES: Mapping[str, InputType] = MappingProxyType(
    {
        t.name: t
        for t in (
            _number_type("number", whole=False),
            _number_type("integer", whole=True),
            InputType(
                name="percent",
                convert=lambda spec, value: to_percent(value),
                converter=_refusing_blank(lambda spec, value: to_percent(value)),
                json_schema=lambda spec: {
                    "anyOf": [
                        {"type": "number", "minimum": 0, "maximum": 100},
                        {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*%?\s*$"},
                    ]
                },
                excel_rule=lambda spec: (
                    "tỷ lệ % từ 0 đến 100 (ghi 85 cho 85%)",
                    {"type": "decimal", "operator": "between", "formula1": "0", "formula2": "100"},
                ),
                grid=Decimal("0.01"),
                scale=100,
                mark="%",
                limits=_PERCENT_POINTS,
            ),
            InputType(
                name="boolean",
                convert=lambda spec, value: _yes_no(value),
                converter=lambda spec: _yes_no,
                json_schema=lambda spec: {"type": "boolean"},
                excel_rule=lambda spec: (
                    "chọn có hoặc không",
                    {"type": "list", "formula1": '"có,không"'},
                ),
                examples=_yes_no_examples,
                blank=lambda spec: False,
                yes_no=True,
            ),
            InputType(
                name="choice",
                convert=_convert_choice,
                converter=_choice_converter,
                json_schema=lambda spec: {"enum": list(spec.choices)},
                # the list itself is written on a hidden sheet by the form
                excel_rule=lambda spec: (
                    "chọn trong danh sách: " + "; ".join(spec.choices),
                    {"type": "list"},
                ),
                examples=_choice_examples,
                blank=lambda spec: spec.choices[0] if spec.choices else "",
            ),
            InputType(
                name="date",
                convert=lambda spec, value: to_date(value),
                converter=_refusing_blank(lambda spec, value: to_date(value)),
                json_schema=lambda spec: {
                    "type": "string",
                    "format": "date",
                    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                },
                excel_rule=lambda spec: (
                    "ngày (dd/mm/yyyy)",
                    {"type": "date", "operator": "between", "formula1": "1", "formula2": "73050"},
                ),
                examples=_date_examples,
            ),
            InputType(
                name="text",
                convert=_convert_text,
                converter=_refusing_blank(_convert_text),
                json_schema=lambda spec: {"type": "string"},
                excel_rule=lambda spec: ("văn bản", {}),
                examples=_text_examples,
            ),
        )
    }
)
