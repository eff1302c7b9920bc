"""The input-type table: one entry per model type name, and each entry's parts agreeing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from criteria_engine import CriteriaEngineError
from criteria_engine.dsl import Type
from criteria_engine.inputs.types import TYPES, InputType, UnknownInputType, input_type
from criteria_engine.inputs.values import ValueProblem, convert, fast_converter
from criteria_engine.loading.schema import validator
from criteria_engine.model.pack import INPUT_TYPES, Input

SPECS = [
    Input(name="n", label="N", type="number", min=Decimal(0), max=Decimal("99.5")),
    Input(name="i", label="I", type="integer", min=Decimal(-3)),
    Input(name="p", label="P", type="percent"),
    Input(name="b", label="B", type="boolean"),
    Input(name="c", label="C", type="choice", choices=("Có", "Không", "Đạt ")),
    Input(name="d", label="D", type="date"),
    Input(name="t", label="T", type="text"),
]

RAW = st.one_of(
    st.integers(-(10**32), 10**32),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(["", "  ", "12", " 7.5 ", "85%", "có", "Không", "Đạt", "2020-02-29", "x"]),
    st.text(max_size=6),
    st.floats(allow_nan=False, allow_infinity=False),
)


def test_every_model_type_has_exactly_one_entry_in_the_same_order():
    assert list(TYPES) == list(INPUT_TYPES)
    assert all(entry.name == name for name, entry in TYPES.items())


def test_the_pack_schema_accepts_exactly_the_model_types():
    enum = validator("block").schema["$defs"]["input"]["properties"]["type"]["enum"]
    assert enum == list(INPUT_TYPES)


@pytest.mark.parametrize("name", list(TYPES))
def test_number_types_are_the_ones_formulas_read_as_numbers(name):
    entry = TYPES[name]
    numeric = entry.kind.formula_type is Type.NUMBER
    assert (entry.grid is not None) is numeric
    assert (entry.examples is None) is numeric  # numbers are placed by the testing kit
    assert Input(name="x", label="X", type=name).is_numeric is numeric


def test_a_percent_is_written_in_points_and_bounded_by_them():
    entry = TYPES["percent"]
    assert entry.in_units(Decimal("0.85")) == Decimal(85)
    assert entry.bounds(Input(name="p", label="P", type="percent", max=Decimal(5))) == (0, 100)
    assert entry.unit_of(Input(name="p", label="P", type="percent", unit="đơn vị")) == "%"
    assert TYPES["integer"].unit_of(Input(name="i", label="I", type="integer", unit="xe")) == "xe"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.type)
@given(raw=RAW)
def test_the_fast_converter_agrees_with_convert(spec, raw):
    fast = fast_converter(spec)
    try:
        expected: object = convert(spec, raw)
    except ValueProblem:
        expected = ValueProblem
    try:
        got: object = fast(raw)
    except ValueProblem:
        got = ValueProblem
    if isinstance(raw, str) and not raw.strip() and spec.type not in ("number", "integer"):
        assert got is ValueProblem  # blank text is a missing value, never an empty one
    else:
        assert got == expected
        assert type(got) is type(expected)


def test_converted_values_have_the_types_formulas_expect():
    values = {
        "number": "12.5",
        "integer": 7,
        "percent": "85%",
        "boolean": "có",
        "choice": "Có",
        "date": "2020-02-29",
        "text": " văn bản ",
    }
    got = {s.type: convert(s, values[s.type]) for s in SPECS}
    assert got == {
        "number": Decimal("12.5"),
        "integer": Decimal(7),
        "percent": Decimal("0.85"),
        "boolean": True,
        "choice": "Có",
        "date": dt.date(2020, 2, 29),
        "text": "văn bản",
    }


def test_an_unknown_type_is_named_in_a_clear_error():
    spec = Input(name="x", label="X", type="money")
    with pytest.raises(UnknownInputType, match="input 'x' has the unknown type 'money'") as info:
        input_type(spec)
    assert isinstance(info.value, CriteriaEngineError)
    with pytest.raises(UnknownInputType):
        convert(spec, 1)


def test_the_extending_guide_describes_every_field():
    guide = (Path(__file__).parents[1] / "docs" / "extending.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip() for line in guide.splitlines() if line.startswith("| `")}
    assert rows == {f"`{field.name}`" for field in attrs.fields(InputType)}
