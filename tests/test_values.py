"""Converting typed values: exact decimals, percents, yes/no, dates, bounds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from criteria_engine.inputs.values import ValueProblem, convert, to_percent
from criteria_engine.model.pack import Input


def spec(kind: str, **kw) -> Input:
    return Input(name="x", label="X", type=kind, **kw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (85, Decimal("0.85")),
        ("85%", Decimal("0.85")),
        (" 85 % ", Decimal("0.85")),
        (Decimal("12.5"), Decimal("0.125")),
        ("100", Decimal(1)),
        (0, Decimal(0)),
    ],
)
def test_percent_points_become_fractions(raw, expected):
    assert to_percent(raw) == expected


@pytest.mark.parametrize("raw", [120, "120%", -1, "abc", True, "NaN", "Infinity"])
def test_bad_percents_are_refused(raw):
    with pytest.raises(ValueProblem):
        to_percent(raw)


def test_integer_bounds_and_whole_numbers():
    s = spec("integer", min=Decimal(0), max=Decimal(100))
    assert convert(s, "12") == Decimal(12)
    for bad in (-1, 101, "1.5", "mười", True, None):
        with pytest.raises(ValueProblem):
            convert(s, bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("có", True),
        ("Không", False),
        ("x", True),
        (True, True),
        ("false", False),
        (1, True),
    ],
)
def test_yes_no_words(raw, expected):
    assert convert(spec("boolean"), raw) is expected


def test_choice_is_nfc_and_must_be_listed():
    s = spec("choice", choices=("Chủ tịch", "Phó Chủ tịch"))
    assert convert(s, "Chu\u0309 ti\u0323ch") == "Chủ tịch"
    with pytest.raises(ValueProblem, match="not one of the choices"):
        convert(s, "Thư ký")


def test_dates():
    assert convert(spec("date"), "2019-10-17") == dt.date(2019, 10, 17)
    with pytest.raises(ValueProblem, match="YYYY-MM-DD"):
        convert(spec("date"), "17/10/2019")


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
    )
)
def test_numbers_round_trip_exactly_through_text(value):
    assert convert(spec("number"), str(value)) == value


@given(st.one_of(st.text(), st.floats(), st.booleans(), st.none(), st.lists(st.integers())))
def test_conversion_never_raises_anything_but_value_problem(raw):
    for kind in ("number", "integer", "percent", "boolean", "date", "text"):
        try:
            result = convert(spec(kind), raw)
        except ValueProblem:
            continue
        if kind in ("number", "integer", "percent"):
            assert isinstance(result, Decimal) and result.is_finite()
