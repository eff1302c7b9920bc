"""Large batches kept small and fast give the same answers: the quick check of a
well-formed record, the compact group scores of a standing, ranking without copies and
the streamed CSV agree with the detailed, plain forms they stand in for."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

import criteria_engine as ce
from criteria_engine.inputs import records
from criteria_engine.model.results import GroupScores, Standing
from criteria_engine.reports import ReportContext, output_format
from criteria_engine.reports.formats import text
from criteria_engine.reports.formats.text import csv_batch, csv_tables
from criteria_engine.reports.standard import ranking_tables

from .helpers import MINIPACK

EXAMPLE = MINIPACK / "examples" / "commune.json"


@pytest.fixture(scope="module")
def pack():
    return ce.load_pack(str(MINIPACK))


def _units() -> list[dict]:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return [{"period": document["period"], **unit} for unit in document["units"]]


#: changes to a good record, each one that the detailed check reads in its own way
CHANGES = [
    ("id", "  "), ("id", 5), ("name", ""), ("block", "nope"), ("block", " commune "),
    ("stage", "  "), ("stage", ""), ("stage", "q1"), ("period", "2010"), ("period", "20x9"),
    ("period", Decimal(2020)), ("period", True), ("parent", ""), ("parent", "nowhere"),
    ("head", {}), ("note", 5), ("verified", {}), ("self_scores", ""), ("submitted", "bad"),
    ("submitted", ""), ("pack", "x"), ("unknown", 1), ("inputs", []), ("inputs", None),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value"), CHANGES)
def test_the_quick_check_agrees_with_the_detailed_one(pack, monkeypatch, field, value) -> None:
    for unit in _units():
        changed = copy.deepcopy(unit)
        changed[field] = value
        for record in (unit, changed):
            quick = records.check_record(pack, record)
            with monkeypatch.context() as m:
                m.setattr(records, "quick_submission", lambda *args: None)
                detailed = records.check_record(pack, record)
            assert quick == detailed


@pytest.mark.parametrize("value", [-1, "x", None, "", Decimal("1.5"), True, "3", 10**40])
def test_the_quick_check_agrees_on_every_input_value(pack, monkeypatch, value) -> None:
    unit = _units()[0]
    for name in unit["inputs"]:
        changed = copy.deepcopy(unit)
        changed["inputs"][name] = value
        quick = records.check_record(pack, changed)
        monkeypatch.setattr(records, "quick_submission", lambda *args: None)
        assert quick == records.check_record(pack, changed)
        monkeypatch.undo()


def test_group_scores_are_a_mapping_equal_to_the_dict() -> None:
    plain = {"1": Decimal("57.371011133198172274169"), "2": None, "3": Decimal("0.50")}
    compact = GroupScores(plain)
    assert compact == plain and plain == compact and dict(compact) == plain
    assert repr(compact) == repr(plain)
    assert str(compact["3"]) == "0.50" and compact.get("4") is None
    assert list(compact) == ["1", "2", "3"]
    assert GroupScores({}) == {} and GroupScores({"1": None}) == {"1": None}
    standing = Standing(unit_id="a", name="A", block="b", status="ranked", groups=compact)
    assert ce.from_data(Standing, ce.to_data(standing)) == standing


def test_ranking_leaves_the_given_standings_as_they_were(pack) -> None:
    given = [Standing.of(result) for result in ce.evaluate_many(pack, _units())]
    before = copy.deepcopy(given)
    table = ce.rank(pack, given, roster=False, period="2020")["commune"]
    assert given == before and all(s.rank is None for s in given)
    batch = ce.run_batch(pack, units=_units(), roster=False).tables["commune"]
    assert table == batch and any(s.rank for s in table)


def test_the_streamed_csv_is_the_csv(pack, monkeypatch) -> None:
    outcome = ce.run_batch(pack, units=_units())
    ctx = ReportContext(pack, outcome)
    whole = csv_tables(ranking_tables(ctx), ctx, pack.title)
    assert "".join(csv_batch(ctx)) == whole
    monkeypatch.setattr(text, "CHUNK_ROWS", 1)  # a piece per line
    pieces = list(csv_batch(ctx))
    assert len(pieces) > len(outcome.tables["commune"]) and "".join(pieces) == whole
    assert "".join(output_format("csv").stream_batch(ctx)) == whole
    assert output_format("csv").render_batch(ctx) == whole
    assert "".join(output_format("table").stream_batch(ctx)) == (
        output_format("table").render_batch(ctx)
    )
