"""The strategies give valid submissions: both the JSON Schema and the engine accept them.

They also reach the values that matter — exactly on a ratio threshold and one step either
side of it — and give batches with unique units, ties, late and excluded units.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from criteria_engine.inputs.records import check_record
from criteria_engine.inputs.schema import submission_schema
from criteria_engine.inputs.values import to_decimal
from criteria_engine.loading.finder import load_pack
from criteria_engine.testing.strategies import unit_batches, unit_inputs, unit_records

from ..helpers import MINIPACK

FAST = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
SEARCH = settings(FAST, max_examples=200, derandomize=True)


def _blocks():
    for name in ("gialai", "hatinh@2021", str(MINIPACK)):
        pack = load_pack(name)
        for block in pack.blocks:
            yield pytest.param(pack, block, id=f"{pack.label}-{block.id}")


@pytest.mark.parametrize(("pack", "block"), list(_blocks()))
def test_every_record_passes_the_schema_and_the_engine(pack, block):
    validator = Draft202012Validator(submission_schema(pack, block))

    @FAST
    @given(unit_records(pack, block))
    def check(record):
        json.dumps(record)  # the JSON shape: nothing a JSON file cannot hold
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, errors
        checked = check_record(pack, record)
        assert not isinstance(checked, list), [e.render() for e in checked]

    check()


def _number(value):
    return to_decimal(value[:-1] if isinstance(value, str) and value.endswith("%") else value)


@FAST
@given(unit_inputs(load_pack("gialai"), "department"))
def test_parts_never_exceed_their_whole(inputs):
    values = {k: _number(v) for k, v in inputs.items() if k.startswith(("docs", "dvc", "tthc"))}
    assert (
        values["docs_signed_digital"] <= values["docs_out_electronic"] <= values["docs_out_total"]
    )
    assert values["dvc_level3"] + values["dvc_level4"] <= values["tthc_total"]


@FAST
@given(unit_inputs(load_pack("gialai"), "commune"))
def test_dates_fall_in_the_data_window_and_percents_in_0_to_100(inputs):
    assert (
        dt.date(2018, 11, 1)
        <= dt.date.fromisoformat(inputs["it_plan_date"])
        <= dt.date(2019, 10, 31)
    )
    assert 0 <= _number(inputs["ontime_rate"]) <= 100


@FAST
@given(unit_inputs(load_pack(str(MINIPACK)), "commune"))
def test_integers_stay_whole_and_numbers_without_max_are_capped(inputs):
    assert _number(inputs["docs_total"]) == int(_number(inputs["docs_total"]))
    assert 0 <= _number(inputs["bandwidth"]) <= 10_000


def _records(inputs):
    return _number(inputs["records_online"]), _number(inputs["records_total"])


def _on(part, whole, at):
    return whole > 0 and part / whole == at


def _just_below(part, whole, at):
    """One record fewer and the unit would be below the threshold: it is just below it."""
    return whole > 0 and part / whole < at <= (part + 1) / whole


def _just_above(part, whole, at):
    return whole > 0 and (part - 1) / whole <= at < part / whole


@pytest.mark.parametrize(
    ("wanted", "at"),
    [
        (_on, Decimal("0.8")),
        (_just_below, Decimal("0.8")),
        (_just_above, Decimal("0.8")),
        (_on, Decimal("0.5")),
        (_just_below, Decimal("0.5")),
    ],
    ids=["on 80 %", "just below 80 %", "just above 80 %", "on 50 %", "just below 50 %"],
)
def test_ratio_thresholds_are_reached_exactly_and_on_each_side(shared_pack, wanted, at):
    pack = load_pack(str(shared_pack))
    found = []

    @SEARCH
    @given(unit_inputs(pack, "commune"))
    def search(inputs):
        if wanted(*_records(inputs), at):
            found.append(inputs)

    search()
    assert found, f"no submission lands {wanted.__name__} {at} of records online"


def test_an_optional_input_is_sometimes_left_out():
    pack = load_pack(str(MINIPACK))
    seen = set()

    @SEARCH
    @given(unit_inputs(pack, "commune"))
    def search(inputs):
        seen.add("incidents" in inputs)

    search()
    assert seen == {True, False}


@FAST
@given(unit_batches(load_pack("gialai"), "department", max_units=6))
def test_batches_have_unique_units(records):
    yearly = [r for r in records if r.get("stage", "year") == "year"]
    assert len({r["id"] for r in yearly}) == len(yearly)
    assert len({r["name"] for r in yearly}) == len(yearly)


def test_batches_hold_ties_and_late_and_excluded_units():
    seen = set()

    @settings(SEARCH, max_examples=80)
    @given(unit_batches(load_pack("hatinh@2021"), "central", min_units=3))
    def search(records):
        inputs = [json.dumps(r["inputs"], sort_keys=True) for r in records]
        if len(set(inputs)) < len(inputs):
            seen.add("tie")
        deadline = "2022-12-01"
        if any(r.get("submitted", "") >= deadline for r in records):
            seen.add("late")
        if any(r["id"].startswith("bo-chi-huy") for r in records):
            seen.add("excluded")
        if any(r.get("stage", "year") != "year" for r in records):
            seen.add("interim")

    search()
    assert seen == {"tie", "late", "excluded", "interim"}
