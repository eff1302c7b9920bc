"""A batch at its edges: what it takes as units, what counts in block-wide figures, how it
counts records, the notes of its files, plugin findings, and narrowing to one block."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import criteria_engine as ce
from criteria_engine.evaluation.batch import FileNote, evaluate_many
from criteria_engine.inputs.submission import Record, SubmissionError
from criteria_engine.model.results import Finding
from criteria_engine.plugins.manager import get_plugin_manager

from .helpers import MINIPACK

EXAMPLE = MINIPACK / "examples" / "commune.json"


@pytest.fixture(scope="module")
def pack():
    return ce.load_pack(str(MINIPACK))


def _document() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _units() -> list[dict]:
    data = _document()
    return [{**u, "period": data["period"]} for u in data["units"]]


def test_an_item_that_is_no_record_is_an_error_naming_its_place(pack) -> None:
    found = list(evaluate_many(pack, [_units()[1], 42]))
    assert isinstance(found[0], ce.UnitResult)
    assert (found[1].where, found[1].message) == (
        "item #2",
        "expected a unit record (an object), got int",
    )


def test_whole_documents_are_taken_in_a_list_and_alone(pack) -> None:
    in_a_list = [r for r in evaluate_many(pack, [_document()]) if isinstance(r, ce.UnitResult)]
    alone = [r for r in evaluate_many(pack, _document()) if isinstance(r, ce.UnitResult)]
    assert (
        [r.unit_id for r in in_a_list]
        == [r.unit_id for r in alone]
        == [
            "xa-a",
            "xa-b",
            "xa-c",
            "xa-loai-tru",
        ]
    )
    assert {r.period for r in alone} == {"2020"}  # the document's period reaches every unit
    (one,) = list(evaluate_many(pack, _units()[0]))  # one record, not a list
    assert one.unit_id == "xa-a"


def test_text_is_not_a_batch(pack) -> None:
    with pytest.raises(ce.EvaluationError, match="expected unit records"):
        list(evaluate_many(pack, "xa-a"))


def test_excluded_and_interim_units_do_not_count_in_the_best(pack) -> None:
    fast = {**_units()[3], "inputs": {**_units()[0]["inputs"], "bandwidth": 900}}  # excluded
    update = {**_units()[1], "stage": "6m", "inputs": {**_units()[1]["inputs"], "bandwidth": 800}}
    aggregates = ce.block_aggregates(pack, [_units()[0], fast, update])
    assert aggregates["commune"]["best:bandwidth"] == 100


def test_records_are_counted_once_each_even_with_bad_cells(pack) -> None:
    bad = SubmissionError("form.xlsx", "a formula in a cell", "xa-b", "inputs.docs_total")
    record = Record(dict(_units()[1]), "form.xlsx", problems=(bad,))
    outcome = ce.run_batch(pack, units=[bad, record, _units()[0]])
    assert outcome.units_in == 2  # the bad cell and its record are one record
    assert outcome.results == 1
    again = ce.run_batch(pack, [EXAMPLE])
    assert (again.units_in, again.results) == (4, 4)


def test_each_file_s_note_is_kept_with_its_blocks(pack, tmp_path) -> None:
    outcome = ce.run_batch(pack, [EXAMPLE])
    assert outcome.notes == (FileNote(str(EXAMPLE), _document()["note"], frozenset({"commune"})),)
    other = tmp_path / "district.json"
    data = {**_document(), "note": "Khác", "units": [{**_units()[1], "block": "district"}]}
    other.write_text(json.dumps(data), encoding="utf-8")
    both = ce.run_batch(pack, [EXAMPLE, other])
    assert [n.blocks for n in both.notes] == [frozenset({"commune"}), frozenset({"district"})]
    assert [n.note for n in both.only_block("commune").notes] == [_document()["note"]]


def test_a_file_note_gathers_every_block_of_its_records(pack, tmp_path) -> None:
    path = tmp_path / "two.json"
    units = [_units()[0], {**_units()[1], "block": "district"}, _units()[2]]
    path.write_text(json.dumps({**_document(), "units": units}), encoding="utf-8")
    (note,) = ce.run_batch(pack, [path]).notes
    assert note.blocks == frozenset({"commune", "district"})


def test_outcomes_equal_in_every_figure_are_equal_whatever_their_notes(pack) -> None:
    from_file = ce.run_batch(pack, [EXAMPLE])
    from_records = ce.run_batch(pack, units=_units())
    assert from_file.notes and not from_records.notes
    assert from_file == from_records


def test_one_block_keeps_its_table_updates_and_notes(pack) -> None:
    update = {**_units()[1], "stage": "6m"}
    outcome = ce.run_batch(pack, units=[*_units(), update])
    narrowed = outcome.only_block("commune")
    assert list(narrowed.tables) == ["commune"] and len(narrowed.interim) == 1
    assert outcome.only_block("district").interim == []
    assert [s.unit_id for s in outcome.excluded] == ["xa-loai-tru"]


def test_plugin_findings_are_added_to_each_result(pack) -> None:
    class Plugin:
        @ce.hookimpl
        def criteria_engine_unit_findings(self, pack, unit, result):
            return [Finding("seen", f"seen {unit.id}")] if unit.id == "xa-b" else []

    manager = get_plugin_manager()
    plugin = Plugin()
    manager.register(plugin)
    try:
        found = {r.unit_id: r for r in evaluate_many(pack, _units())}
    finally:
        manager.unregister(plugin)
    assert ("seen", "seen xa-b") in [(f.code, f.message) for f in found["xa-b"].findings]
    assert "seen" not in [f.code for f in found["xa-a"].findings]


def test_the_roster_is_compared_with_the_batch_s_year(tmp_path) -> None:
    from .helpers import copy_pack

    folder = copy_pack(tmp_path)
    (folder / "units.yaml").write_text(
        '"2020":\n  commune:\n    - {id: xa-a, name: Xã An}\n    - {id: xa-b, name: Xã Bình}\n'
        "    - {id: xa-c, name: Xã Cường}\n    - {id: xa-d, name: Xã Dân}\n"
        '"2021":\n  commune:\n    - {id: xa-e, name: Xã Én}\n',
        encoding="utf-8",
    )
    pack = ce.load_pack(str(folder))
    units = [{**u, "parent": None} for u in _units()[:3]]  # no district on this roster
    outcome = ce.run_batch(pack, units=units)
    assert outcome.errors == []
    missing = [s.unit_id for s in outcome.tables["commune"] if s.status == ce.MISSING]
    assert missing == ["xa-d"]  # 2020's roster, not 2021's
    updates_only = ce.run_batch(pack, units=[{**units[0], "stage": "6m"}])
    assert updates_only.tables["commune"] == []  # no yearly round to compare the roster with
    assert Decimal(outcome.results) == 3


def test_results_seen_on_the_way_keep_their_criteria(pack) -> None:
    seen: list = []
    outcome = ce.run_batch(pack, units=_units(), on_result=seen.append)
    assert len(seen) == outcome.results == 4
    assert all(r.criteria for r in seen if r.status != ce.EXCLUDED)


def test_a_record_without_a_block_adds_no_block_to_its_file_s_note(pack, tmp_path) -> None:
    path = tmp_path / "odd.json"
    units = [_units()[0], {k: v for k, v in _units()[1].items() if k != "block"}]
    path.write_text(json.dumps({**_document(), "units": units}), encoding="utf-8")
    outcome = ce.run_batch(pack, [path])
    (note,) = outcome.notes
    assert note.blocks == frozenset({"commune"}) and len(outcome.errors) >= 1


def test_without_the_roster_nobody_is_listed_missing(tmp_path) -> None:
    from .helpers import copy_pack

    folder = copy_pack(tmp_path)
    (folder / "units.yaml").write_text(
        "commune:\n  - {id: xa-a, name: Xã An}\n  - {id: xa-z, name: Xã Z}\n", encoding="utf-8"
    )
    pack = ce.load_pack(str(folder))
    units = [{**_units()[0], "parent": None}]
    with_roster = ce.run_batch(pack, units=units)
    assert [s.unit_id for s in with_roster.tables["commune"] if s.status == ce.MISSING] == ["xa-z"]
    without = ce.run_batch(pack, units=units, roster=False)
    assert [s.unit_id for s in without.tables["commune"]] == ["xa-a"]
