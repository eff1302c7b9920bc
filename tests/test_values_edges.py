"""Value conversion at its edges: bounds that are inclusive, the longest number, the hint
for a decimal comma, how a long value is shown, and yes/no and dates of every type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from criteria_engine.inputs._parse import shown
from criteria_engine.inputs.values import (
    MAX_DIGITS,
    ValueProblem,
    to_boolean,
    to_date,
    to_decimal,
    to_percent,
)


def _message(call, value) -> str:
    with pytest.raises(ValueProblem) as caught:
        call(value)
    return str(caught.value)


def test_a_number_of_thirty_digits_is_the_longest() -> None:
    assert MAX_DIGITS == 30
    assert to_decimal("9" * 30) == Decimal("9" * 30)
    assert "more than 30 digits" in _message(to_decimal, "9" * 31)


@pytest.mark.parametrize("raw", [0, 100, "0%", "100%"])
def test_percent_bounds_are_inclusive(raw) -> None:
    assert to_percent(raw) in (0, 1)


@pytest.mark.parametrize("raw", ["-0.01", "100.01", 101])
def test_percent_outside_the_bounds_is_refused(raw) -> None:
    assert "between 0 and 100" in _message(to_percent, raw)


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("12,5", "write the decimal mark as a point (12.5)"),
        ("-12,5", "write the decimal mark as a point (-12.5)"),
        ("1,234", "(1.234), or leave out a thousands separator (1234)"),
    ],
)
def test_a_decimal_comma_gets_a_hint(raw: str, hint: str) -> None:
    assert _message(to_decimal, raw).endswith(hint)


@pytest.mark.parametrize("raw", ["1,2,3", "a,5", "12,", ",5", "12,5a", "abc"])
def test_no_hint_where_a_point_would_not_make_a_number(raw: str) -> None:
    message = _message(to_decimal, raw)
    assert message == f"expected a number, got {raw!r}"


def test_a_comma_with_two_decimals_is_not_taken_for_thousands() -> None:
    assert "thousands" not in _message(to_decimal, "12,50")


def test_values_are_shown_as_typed_and_long_ones_cut() -> None:
    assert shown(Decimal("1E+3")) == "1000"
    assert shown("abc") == "'abc'"
    sixty = "x" * 58  # 60 characters once quoted
    assert shown(sixty) == repr(sixty)
    long = "x" * 59
    assert shown(long) == f"{repr(long)[:20]}… (61 characters)"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), (Decimal(1), True), (Decimal(0), False), (1, True), (0, False)],
)
def test_yes_no_from_booleans_and_numbers(raw, expected: bool) -> None:
    assert to_boolean(raw) is expected


@pytest.mark.parametrize("raw", ["", "  ", Decimal("NaN"), Decimal("sNaN"), 2, Decimal("0.5")])
def test_yes_no_refuses_blank_and_other_numbers(raw) -> None:
    assert "expected yes or no" in _message(to_boolean, raw)


def test_dates_of_every_type() -> None:
    day = dt.date(2020, 10, 25)
    assert to_date(day) == day
    assert to_date(dt.datetime(2020, 10, 25, 14, 30)) == day
    assert type(to_date(dt.datetime(2020, 10, 25, 14, 30))) is dt.date
    assert to_date(" 2020-10-25 ") == day
    assert "YYYY-MM-DD" in _message(to_date, "25/10/2020")


def test_json_default_writes_exact_numbers_and_dates() -> None:
    import json

    from criteria_engine.inputs.values import json_default

    data = {"a": Decimal("12"), "b": Decimal("12.50"), "c": dt.date(2020, 1, 2)}
    assert json.dumps(data, default=json_default) == '{"a": 12, "b": "12.50", "c": "2020-01-02"}'
    with pytest.raises(TypeError, match="set is not JSON serialisable"):
        json_default({1})


def test_a_block_s_converters_are_built_once_and_agree_with_convert() -> None:
    import criteria_engine as ce
    from criteria_engine.inputs.values import block_converters, convert, fast_converter

    from .helpers import MINIPACK

    block = ce.load_pack(str(MINIPACK)).block("commune")
    first = block_converters(block)
    assert block_converters(block) is first and set(first) == set(block.inputs)
    spec = block.inputs["has_portal"]
    for raw in (True, "có", "không", 1):
        assert first["has_portal"](raw) == fast_converter(spec)(raw) == convert(spec, raw)
    assert first["docs_total"](12) == Decimal(12)
    assert first["docs_total"](10**30 - 1) == Decimal(10**30 - 1)  # 30 digits


def test_the_fast_path_refuses_what_convert_refuses() -> None:
    import criteria_engine as ce
    from criteria_engine.inputs.values import block_converters, convert

    from .helpers import MINIPACK

    block = ce.load_pack(str(MINIPACK)).block("commune")
    with pytest.raises(ValueProblem, match="more than 30 digits"):
        convert(block.inputs["docs_total"], 10**30)
    with pytest.raises(ValueProblem, match="more than 30 digits"):
        block_converters(block)["docs_total"](10**30)  # 31 digits, as a Python int
