"""Hà Tĩnh (``hatinh``): the calendar of Điều 2.2 of 2853/QĐ-UBND.

Communes report their figures from 11/11 to 10/11 and the other blocks from 16/11 to 15/11
(the shared endpoints read as "ends on that day"); districts send their communes' results
before 15/11; every unit updates its data at 3, 6 and 9 months, stored and shown as
progress, never ranked. Each rule is tested on the 2022 examples, and each one that lives in
the YAML is also removed from a copy of the pack to show that the behaviour is the rule's.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import criteria_engine as ce
from criteria_engine import INTERIM, LATE, RANKED, BatchOutcome, Pack, UnitResult, run_batch

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BATCH = EXAMPLES / "2022"
UPDATES = EXAMPLES / "2022-updates"


def _outside(result: UnitResult) -> set[str | None]:
    return {f.field for f in result.findings if f.code == "outside-window"}


# --- 11, 16: deadlines ---------------------------------------------------------------------


def test_commune_deadline_15_11(unit_record, pack: Pack, aggregates) -> None:
    """Rule 11: districts report their communes *before* 15/11: the 14th is on time, the
    15th is late."""
    assert pack.deadline("2022", "commune") == dt.date(2022, 11, 15)
    record = unit_record("commune", "xa-ky-dong")
    for day, status in (("2022-11-14", RANKED), ("2022-11-15", LATE)):
        record["submitted"] = day
        assert ce.evaluate(pack, record, aggregates["commune"]).status == status, day


def test_commune_deadline_every_year(unit_record, pack: Pack) -> None:
    """Rule 11: "trước ngày 15 tháng 11 hằng năm" is one yearly rule, so a commune whose
    results come on 20/11/2023 is late in 2023 as in 2022, with no year to add."""
    assert pack.deadline("2023", "commune") == dt.date(2023, 11, 15)
    record = {**unit_record("commune", "xa-ky-dong"), "period": "2023"}
    record["submitted"] = "2023-11-20"
    assert ce.evaluate(pack, record).status == LATE
    record["submitted"] = "2023-11-14"
    assert ce.evaluate(pack, record).status == RANKED


def test_without_the_yearly_rule_2023_has_no_commune_deadline(unit_record, pack_copy) -> None:
    """Rule 11 is the ``yearly`` rule: written for 2022 only, 20/11/2023 would be ranked."""
    pack_copy.edit(
        "pack.yaml",
        '    yearly:\n      commune: {before: "11-15"}\n    "2022":\n',
        '    "2022":\n      commune: {before: 2022-11-15}\n',
    )
    dated = pack_copy.load()
    assert dated.deadline("2022", "commune") == dt.date(2022, 11, 15)
    record = {**unit_record("commune", "xa-ky-dong"), "period": "2023"}
    record["submitted"] = "2023-11-20"
    assert ce.evaluate(dated, record).status == RANKED


@pytest.fixture(scope="module")
def late_commune_batch(records, pack: Pack) -> BatchOutcome:
    """The 2022 batch with ``phuong-nam-ha`` sent on 15/11 (late) by TP Hà Tĩnh."""
    sent = records(BATCH)
    sent[("commune", "phuong-nam-ha", "year")]["submitted"] = "2022-11-15"
    return run_batch(pack, units=list(sent.values()))


def test_late_commune_listed_after_ranked(late_commune_batch: BatchOutcome) -> None:
    """Rule 11: a late commune is not ranked, comes after every ranked commune, is marked
    late (never missing), and its district ranks the others without it."""
    rows = late_commune_batch.tables["commune"]
    late = [s for s in rows if s.status == LATE]
    assert [s.unit_id for s in late] == ["phuong-nam-ha"]
    assert rows[-1] is late[0] and late[0].rank is None and late[0].rank_in_parent is None
    assert sum(s.status == RANKED for s in rows) == 66
    city = [s.rank_in_parent for s in rows if s.parent == "tp-ha-tinh" and s.status == RANKED]
    assert city == [1, 2, 3, 4, 4]


def test_without_the_commune_deadline_a_late_commune_is_ranked(unit_record, pack_copy) -> None:
    """Rule 11 is ``calendar.deadlines.yearly.commune``: without it, 15/11 is on time."""
    pack_copy.edit("pack.yaml", '    yearly:\n      commune: {before: "11-15"}\n', "")
    relaxed = pack_copy.load()
    record = unit_record("commune", "phuong-nam-ha")
    record["submitted"] = "2022-11-15"
    aggregates = ce.block_aggregates(relaxed, [record])["commune"]
    assert ce.evaluate(relaxed, record, aggregates).status == RANKED


def test_reconstructed_deadlines(pack: Pack, outcome: BatchOutcome) -> None:
    """Rule 16: departments, central agencies and districts send before 01/12/2022, and
    nobody in the 2022 batch is late."""
    for block in ("department", "central", "district"):
        assert pack.deadline("2022", block) == dt.date(2022, 12, 1)
    assert not [s for rows in outcome.tables.values() for s in rows if s.status == LATE]


# --- 12–14: data windows per block ---------------------------------------------------------


def test_commune_window(pack: Pack) -> None:
    """Rule 12: communes report from 11/11 of the previous year to 10/11, inclusive."""
    window = pack.period_for(pack.block("commune")).window(2022)
    assert window == (dt.date(2021, 11, 11), dt.date(2022, 11, 10))


def test_other_window(pack: Pack) -> None:
    """Rule 13: the other blocks report from 16/11 of the previous year to 15/11."""
    for block in ("department", "central", "district"):
        window = pack.period_for(pack.block(block)).window(2022)
        assert window == (dt.date(2021, 11, 16), dt.date(2022, 11, 15)), block


def test_windows_do_not_overlap(pack: Pack) -> None:
    """Rule 14: the shared endpoint is read as the last day, so consecutive windows of
    every block neither overlap nor leave a gap."""
    for block in pack.blocks:
        period = pack.period_for(block)
        assert period.window(2021)[1] + dt.timedelta(days=1) == period.window(2022)[0]


@pytest.mark.parametrize(
    ("block", "unit", "inside", "outside"),
    [
        ("commune", "xa-ky-dong", ("2021-11-11", "2022-11-10"), ("2021-11-10", "2022-11-11")),
        ("district", "huyen-can-loc", ("2021-11-16", "2022-11-15"), ("2021-11-15", "2022-11-16")),
        ("central", "cuc-thue-tinh", ("2021-11-16", "2022-11-15"), ("2021-11-15", "2022-11-16")),
    ],
)
def test_dates_are_checked_against_their_blocks_window(
    unit_record,
    pack: Pack,
    aggregates,
    block: str,
    unit: str,
    inside: tuple[str, ...],
    outside: tuple[str, ...],
) -> None:
    """Rules 12–13 in use: a date on either end of its block's window passes; a day
    beyond is flagged (not refused)."""
    record = unit_record(block, unit)
    for day in inside:
        record["inputs"]["cds_plan_date"] = day
        assert not _outside(ce.evaluate(pack, record, aggregates[block])), day
    for day in outside:
        record["inputs"]["cds_plan_date"] = day
        result = ce.evaluate(pack, record, aggregates[block])
        assert _outside(result) == {"inputs.cds_plan_date"}, day
        assert result.status == RANKED


def test_without_the_commune_period_communes_use_the_pack_window(
    unit_record, pack: Pack, pack_copy
) -> None:
    """Rule 12 is the commune block's own ``period``: without it, 12/11 is inside the
    pack's 16/11 → 15/11 window and goes unflagged."""
    record = unit_record("commune", "xa-ky-dong")
    record["inputs"]["cds_plan_date"] = "2022-11-12"
    assert _outside(ce.evaluate(pack, record)) == {"inputs.cds_plan_date"}
    pack_copy.cut("criteria/commune.yaml", "period:", "inputs:")
    assert not _outside(ce.evaluate(pack_copy.load(), record))


# --- 15: interim updates --------------------------------------------------------------------


def test_update_dates(pack: Pack) -> None:
    """Rule 15: updates 3m / 6m / 9m, due before 15/02, 15/05 and 15/08."""
    assert [(u.id, u.before) for u in pack.calendar.updates] == [
        ("3m", "02-15"),
        ("6m", "05-15"),
        ("9m", "08-15"),
    ]


def test_interim_updates_not_ranked(outcome: BatchOutcome, with_updates: BatchOutcome) -> None:
    """Rule 15: the 27 interim records are stored (9 units × 3 stages) and never ranked:
    the yearly ranking is the same with or without them."""
    assert with_updates.errors == [] and with_updates.units_in == 109 + 27
    interim = with_updates.interim
    assert len(interim) == 27
    assert {s.stage for s in interim} == {"3m", "6m", "9m"}
    assert all(s.status == INTERIM and s.rank is None for s in interim)
    assert len({s.unit_id for s in interim}) == 9
    for block, rows in with_updates.tables.items():
        assert all(s.stage == "year" for s in rows)
        assert [(s.unit_id, s.rank, s.total) for s in rows] == [
            (s.unit_id, s.rank, s.total) for s in outcome.tables[block]
        ]


def test_progress_report_shows_every_update(cli) -> None:
    """Rule 15 from the CLI: ``report hatinh progress`` lists the 27 updates with their
    stage titles, figures growing towards the year's."""
    proc = cli("report", "hatinh", "progress", str(UPDATES), "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    (table,) = json.loads(proc.stdout)
    rows = table["rows"]
    assert len(rows) == 27
    assert {r["stage"] for r in rows} == {f"Cập nhật số liệu {n} tháng" for n in (3, 6, 9)}
    assert "rank" not in rows[0]
    by_unit: dict[str, list[Decimal]] = {}
    for row in rows:
        by_unit.setdefault(row["unit_id"], []).append(Decimal(row["total"]))
    assert all(totals == sorted(totals) for totals in by_unit.values())


def test_without_declared_updates_the_interim_records_are_refused(files, pack_copy) -> None:
    """Rule 15 is ``calendar.updates``: without it a 3m/6m/9m record is not a known stage."""
    pack_copy.cut("pack.yaml", '  # Điều 2.2.c: "cập nhật số liệu', "excluded:")
    outcome = run_batch(pack_copy.load(), files(UPDATES))
    assert outcome.results == 0 and outcome.interim == []
    assert {e.field for e in outcome.errors} == {"stage"} and len(outcome.errors) == 27
