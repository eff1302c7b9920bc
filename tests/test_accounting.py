"""Every unit accounted for: undated and late units, yearly deadlines, ids on the roster,
periods and parents, previous results of the right pack, and the approval state."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import criteria_engine as ce
from criteria_engine.evaluation.serialize import from_data, to_data
from criteria_engine.model.problems import PackError
from criteria_engine.model.results import LATE, MISSING, RANKED, UNDATED
from criteria_engine.reports import ReportContext
from criteria_engine.reports.history import PreviousResultsError, load_previous
from criteria_engine.reports.standard import ranking_tables

from .helpers import MINIPACK, ROOT, copy_pack, edit, run_cli

EXAMPLE = MINIPACK / "examples" / "commune.json"


@pytest.fixture(scope="module")
def minipack():
    return ce.load_pack(str(MINIPACK))


def _units() -> list[dict]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return [{**u, "period": data["period"]} for u in data["units"]]


def _by_id(outcome) -> dict:
    return {s.unit_id: s for rows in outcome.tables.values() for s in rows}


# --- undated and late units ----------------------------------------------------------------


def test_an_undated_unit_is_listed_unranked_with_a_finding(minipack):
    units = _units()
    del units[0]["submitted"]  # xa-a, the best unit of the batch
    result = ce.evaluate(minipack, units[0])
    assert result.status == UNDATED
    (finding,) = [f for f in result.findings if f.code == "undated"]
    assert finding.field == "submitted" and "2020-10-25" in finding.message
    rows = ce.run_batch(minipack, units=units).tables["commune"]
    assert [(s.unit_id, s.status, s.rank) for s in rows] == [
        ("xa-b", RANKED, 1),
        ("xa-c", LATE, None),
        ("xa-a", UNDATED, None),
        ("xa-loai-tru", "excluded", None),
    ]
    assert ce.STATUS_LABELS[UNDATED] == "không ghi ngày nộp"


def test_without_a_deadline_an_undated_unit_is_ranked(minipack):
    record = {**_units()[0], "period": "2021"}  # no deadline is declared for 2021
    del record["submitted"]
    assert ce.evaluate(minipack, record).status == RANKED


def test_late_and_undated_units_keep_their_level_unless_the_pack_says(minipack):
    late, undated = _units()[2], {k: v for k, v in _units()[0].items() if k != "submitted"}
    assert ce.evaluate(minipack, late).level is not None
    withheld = attrs.evolve(minipack, ranking=attrs.evolve(minipack.ranking, unranked_level=False))
    assert ce.evaluate(withheld, late).level is None
    assert ce.evaluate(withheld, undated).level is None
    assert ce.evaluate(withheld, _units()[1]).level is not None  # on time: kept


def test_a_yearly_deadline_applies_to_every_year(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "pack.yaml",
        '"2020": {commune: {before: 2020-10-25}}',
        'yearly: {commune: {before: "10-25"}}',
    )
    pack = ce.load_pack(str(folder))
    assert pack.deadline("2031", "commune") == dt.date(2031, 10, 25)
    assert pack.deadline("20x1", "commune") is None
    record = {**_units()[0], "period": "2031", "submitted": "2031-10-25"}
    assert ce.evaluate(pack, record).status == LATE
    record["submitted"] = "2031-10-24"
    assert ce.evaluate(pack, record).status == RANKED


def test_a_year_of_its_own_wins_over_the_yearly_rule(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "pack.yaml",
        '"2020": {commune: {before: 2020-10-25}}',
        '"2020": {commune: {before: 2020-10-25}}\n    yearly: {commune: {before: "11-30"}}',
    )
    pack = ce.load_pack(str(folder))
    assert pack.deadline("2020", "commune") == dt.date(2020, 10, 25)
    assert pack.deadline("2021", "commune") == dt.date(2021, 11, 30)


def test_a_yearly_deadline_must_be_a_day_of_every_year(tmp_path):
    folder = copy_pack(tmp_path)
    edit(
        folder / "pack.yaml",
        '"2020": {commune: {before: 2020-10-25}}',
        'yearly: {commune: {before: "02-29"}}',
    )
    with pytest.raises(PackError) as caught:
        ce.load_pack(str(folder))
    assert "'02-29' is not a day of the year" in caught.value.render()


# --- ids, periods and parents --------------------------------------------------------------


def _roster_pack(tmp_path: Path):
    folder = copy_pack(tmp_path)
    (folder / "units.yaml").write_text(
        "commune:\n"
        "  - {id: xa-a, name: Xã An, parent: huyen-1}\n"
        "  - {id: xa-b, name: Xã Bình, parent: huyen-1}\n"
        "  - {id: xa-c, name: Xã Cường, parent: huyen-2}\n"
        "  - {id: huyen-1, name: Huyện Một}\n"
        "  - {id: huyen-2, name: Huyện Hai}\n",
        encoding="utf-8",
    )
    return ce.load_pack(str(folder))


def _errors(pack, record) -> list:
    with pytest.raises(ce.EvaluationError) as caught:
        ce.evaluate(pack, record)
    return caught.value.errors


def test_an_id_off_the_roster_is_refused_with_a_did_you_mean(tmp_path):
    pack = _roster_pack(tmp_path)
    (error,) = _errors(pack, {**_units()[0], "id": "xa-aa"})
    assert error.field == "id"
    assert "not on the roster of block 'commune' in 2020" in error.message
    assert "did you mean 'xa-a'" in error.message
    outcome = ce.run_batch(pack, units=[{**_units()[0], "id": "xa-aa"}, _units()[1]])
    table = _by_id(outcome)
    assert "xa-aa" not in table and table["xa-a"].status == MISSING
    assert [e.unit for e in outcome.errors] == ["xa-aa"]


def test_a_numeric_id_is_refused(tmp_path, minipack):
    for pack in (minipack, _roster_pack(tmp_path)):
        errors = _errors(pack, {**_units()[0], "id": Decimal(12)})
        assert any(e.field == "id" and "must be text" in e.message for e in errors)


def test_a_period_that_is_not_a_year_is_refused(minipack):
    (error,) = _errors(minipack, {**_units()[0], "period": "20x9"})
    assert error.field == "period" and "'20x9' is not a year" in error.message


def test_a_parent_off_the_roster_is_refused(tmp_path):
    pack = _roster_pack(tmp_path)
    (error,) = _errors(pack, {**_units()[0], "parent": "huyen-l"})
    assert error.field == "parent" and "did you mean" in error.message
    assert "'huyen-1'" in error.message.partition("did you mean")[2]
    assert ce.evaluate(pack, _units()[0]).parent == "huyen-1"


def test_the_roster_of_another_year_does_not_apply(tmp_path):
    folder = copy_pack(tmp_path)
    (folder / "units.yaml").write_text(
        '"2019":\n  commune:\n    - {id: xa-z, name: Xã Z}\n', encoding="utf-8"
    )
    pack = ce.load_pack(str(folder))
    assert ce.evaluate(pack, _units()[0]).unit_id == "xa-a"  # 2020 has no roster
    with pytest.raises(ce.EvaluationError, match="not on the roster"):
        ce.evaluate(pack, {**_units()[0], "period": "2019"})


# --- previous results ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory, minipack) -> Path:
    path = tmp_path_factory.mktemp("prev") / "2019.json"
    outcome = ce.run_batch(minipack, [EXAMPLE])
    path.write_text(json.dumps(ce.outcome_json(outcome, "2019")), encoding="utf-8")
    return path


def test_previous_results_are_typed(saved, minipack):
    previous = load_previous(saved, pack=minipack, period="2020")
    assert (previous.pack, previous.period, previous.state) == ("minipack@2020", "2019", "draft")
    row = previous.get("commune")["xa-a"]
    assert isinstance(row, ce.Standing) and row.rank == 1 and row.block == "commune"
    assert previous.get("district") == {}
    assert not hasattr(previous, "_meta") and "_meta" not in previous.blocks


def test_previous_results_of_another_pack_are_refused(minipack):
    hungyen_file = ROOT / "packs" / "backan" / "examples" / "2018"
    outcome = ce.run_batch(ce.load_pack("backan"), sorted(hungyen_file.glob("*.json")))
    data = ce.outcome_json(outcome, "2018")
    with pytest.raises(PreviousResultsError, match="results of 'backan@2018', not of 'minipack'"):
        _load(data, minipack)


def _load(data: dict, pack, period: str | None = "2020"):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prev.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return load_previous(path, pack=pack, period=period)


def test_previous_results_with_a_foreign_block_or_a_later_year_are_refused(saved, minipack):
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["blocks"]["department"] = data["blocks"].pop("commune")
    with pytest.raises(PreviousResultsError, match="block 'department' is not a block"):
        _load(data, minipack)
    later = json.loads(saved.read_text(encoding="utf-8"))
    later["period"] = "2021"
    with pytest.raises(PreviousResultsError, match="of 2021, after 2020"):
        _load(later, minipack)
    assert _load(later, minipack, period="2021").period == "2021"  # the same round: allowed


def test_the_cli_refuses_previous_results_of_another_province(tmp_path):
    saved = tmp_path / "backan-2018.json"
    done = run_cli(
        "evaluate", "backan", "packs/backan/examples/2018", "--format", "json", "-o", str(saved)
    )
    assert done.returncode == 0, done.stderr
    proc = run_cli(
        "report", "hatinh", "rank-change", "packs/hatinh/examples/2022", "--previous", str(saved)
    )
    assert proc.returncode == 2 and "not of 'hatinh'" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- approval state ------------------------------------------------------------------------


def test_a_batch_is_a_draft_until_marked(minipack):
    outcome = ce.run_batch(minipack, [EXAMPLE])
    assert outcome.state == "draft"
    assert ce.run_batch(minipack, [EXAMPLE], state="approved").state == "approved"
    assert outcome.with_state("published").state == "published"
    with pytest.raises(ValueError, match="state"):
        outcome.with_state("final")
    assert ce.RESULT_STATES == ("draft", "verified", "approved", "published")


def test_the_state_is_saved_and_read_back(minipack):
    outcome = ce.run_batch(minipack, [EXAMPLE], state="verified")
    data = ce.outcome_json(outcome, "2020")
    assert data["state"] == "verified"
    assert from_data(ce.BatchOutcome, to_data(outcome, period="2020"), pack=minipack).state == (
        "verified"
    )
    del data["state"]  # a file saved before states were kept
    assert from_data(ce.BatchOutcome, data, pack=minipack).state == "draft"


def test_the_ranking_table_says_the_state_and_the_measure(minipack):
    outcome = ce.run_batch(minipack, [EXAMPLE], state="approved")
    (table,) = ranking_tables(ReportContext(minipack, outcome))
    assert "Trạng thái kết quả: Đã được phê duyệt (chưa công bố)." in table.note
    assert "Xếp hạng theo tỷ lệ %" in table.note
    assert "Xếp hạng (theo tỷ lệ %)" in table.headers and "Điểm tối đa" in table.headers
    assert "Tổng điểm" in table.headers  # no "/100" over units whose maximum is 70


def test_the_cli_marks_the_state(tmp_path):
    out = tmp_path / "r.json"
    done = run_cli(
        "evaluate", str(MINIPACK), str(EXAMPLE), "--format", "json", "-o", str(out),
        "--state", "approved", "-q",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["state"] == "approved"
    table = run_cli("evaluate", str(MINIPACK), str(EXAMPLE), "--state", "published", "-q")
    assert "Trạng thái kết quả: Đã công bố." in table.stdout
    bad = run_cli("evaluate", str(MINIPACK), str(EXAMPLE), "--state", "final", "-q")
    assert bad.returncode == 2 and "final" in bad.stderr
