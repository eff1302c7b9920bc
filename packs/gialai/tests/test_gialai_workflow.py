"""Gia Lai (``gialai``): the 2019 round as letter 1252/STTTT-CNTT organised it.

The letter is a workflow more than a scale: units self-score every criterion and explain
each score below the maximum; figures come from 01/11/2018–31/10/2019; districts send their
communes' forms with their own; departments send before 18/10 and districts before 25/10,
and a unit that has not sent by then is not ranked; the province verifies the figures and
ranks on the verified ones. Each step is tested on the example batch, evaluated once per
module (see ``conftest.py``), and each rule that lives in the YAML is also removed from a
copy of the pack to show that the behaviour is the rule's and not the example figures'.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine import (
    LATE,
    MISSING,
    RANKED,
    STATUS_LABELS,
    BatchOutcome,
    Pack,
    Standing,
    UnitResult,
    rank_lookup,
    run_batch,
)

PACK_DIR = Path(__file__).resolve().parents[1]
BATCH = PACK_DIR / "examples" / "2019"

Key = tuple[str, str]  # (block, unit id)

LATE_UNITS = {
    "department": {"so-giao-thong-van-tai", "so-khoa-hoc-va-cong-nghe"},
    "district": {"huyen-krong-pa"},
    "commune": {"thi-tran-phu-tuc", "xa-ia-rsai", "xa-chu-gu", "xa-uar"},
}
MISSING_UNITS = {"department": {"ban-quan-ly-khu-kinh-te-tinh"}, "commune": {"xa-ia-tul"}}
MISSING_REASONS = {
    ("department", "so-lao-dong-thuong-binh-va-xa-hoi", "1.1"),
    ("district", "huyen-chu-prong", "1.1"),
    ("commune", "xa-ha-tam", "1.1"),
}
OUTSIDE_WINDOW = {
    ("department", "so-van-hoa-the-thao-va-du-lich", "inputs.it_plan_date"),
    ("district", "huyen-ia-grai", "inputs.security_check_date"),
    ("commune", "xa-an-thanh", "inputs.it_plan_date"),
}


def _codes(result: UnitResult, code: str) -> set[str | None]:
    return {f.criterion or f.field for f in result.findings if f.code == code}


def _declared_only(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the unit sent it, before the province's verification."""
    return {k: v for k, v in record.items() if k != "verified"}


def _report_json(cli, name: str) -> list[dict[str, Any]]:
    proc = cli("report", "gialai", name, str(BATCH), "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


# --- 4–5: self-assessment and reasons ------------------------------------------------------


def test_self_scores_match_inputs(results) -> None:
    """Rule 4: every applicable leaf carries a self-score equal to the score of the unit's
    own (declared, unverified) inputs; a criterion that does not apply has none."""
    for key, result in results.items():
        for c in result.all_criteria():
            if c.children:
                continue
            if not c.applies:
                assert c.self_score is None, (key, c.id)
                continue
            own = c.declared if c.declared is not None else c.score
            assert c.self_score == own, (key, c.id)


def test_reason_required_below_max(pack: Pack, results, standings) -> None:
    """Rule 5: exactly three self-scores below the maximum come without a reason; each is
    reported for its unit and criterion, and the unit is still evaluated and ranked."""
    found = {
        (key[0], key[1], f.criterion)
        for key, r in results.items()
        for f in r.findings
        if f.code == "missing-reason"
    }
    assert found == MISSING_REASONS
    assert not [f for r in results.values() for f in r.findings if f.code == "missing-self-score"]
    expected = {"so-lao-dong-thuong-binh-va-xa-hoi": 13, "huyen-chu-prong": 5, "xa-ha-tam": 36}
    for block, unit, _ in MISSING_REASONS:
        assert standings[(block, unit)].status == RANKED
        assert standings[(block, unit)].rank == expected[unit]


def test_reasons_report_lists_unit_and_criterion(cli) -> None:
    """Rule 5 from the CLI: ``report gialai reasons`` is the list sent back to the units."""
    (table,) = _report_json(cli, "reasons")
    rows = {(r["block"], r["unit_id"], r["criterion"]) for r in table["rows"]}
    assert rows == MISSING_REASONS
    assert {r["code"] for r in table["rows"]} == {"missing-reason"}


def test_without_below_max_no_reason_is_asked(evaluate, pack_copy) -> None:
    """Rule 5 is ``self_assessment: {reasons: below_max}``: without it in the department
    block, the missing reason of ``so-lao-dong-thuong-binh-va-xa-hoi`` goes unnoticed."""
    pack_copy.edit("criteria/department.yaml", "self_assessment:\n  reasons: below_max\n", "")
    relaxed = pack_copy.load()
    _, found = evaluate(relaxed, [BATCH / "departments.json"])
    assert not _codes(found[("department", "so-lao-dong-thuong-binh-va-xa-hoi")], "missing-reason")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_a_missing_reason_never_drops_the_unit(
    records, pack: Pack, aggregates, results, data: st.DataObject
) -> None:
    """Rule 5: whatever reasons a unit leaves out, it keeps its score and status, and
    exactly the criteria self-scored below the maximum without a reason are reported."""
    sent = records()
    key = data.draw(st.sampled_from(sorted(k for k, r in sent.items() if r.get("reasons"))))
    record = sent[key]
    dropped = data.draw(st.sets(st.sampled_from(sorted(record["reasons"])), min_size=1))
    record["reasons"] = {c: text for c, text in record["reasons"].items() if c not in dropped}
    result = ce.evaluate(pack, record, aggregates[key[0]])
    original = results[key]
    assert (result.total, result.status) == (original.total, original.status)
    maxima = {c.id: c.max for c in original.all_criteria()}
    below = {
        c
        for c, score in record["self_scores"].items()
        if Decimal(str(score)) < maxima[c] and c not in record["reasons"]
    }
    assert _codes(result, "missing-reason") == below
    assert dropped <= below


# --- 6: the data window --------------------------------------------------------------------


def test_data_window_2019(pack: Pack, results) -> None:
    """Rule 6: the 2019 window is 01/11/2018–31/10/2019, and exactly three dates fall
    outside it: flagged, never an error, score unchanged."""
    for block in pack.blocks:
        window = pack.period_for(block).window(2019)
        assert window == (dt.date(2018, 11, 1), dt.date(2019, 10, 31))
    found = {
        (key[0], key[1], f.field)
        for key, r in results.items()
        for f in r.findings
        if f.code == "outside-window"
    }
    assert found == OUTSIDE_WINDOW


@pytest.mark.parametrize(
    ("block", "unit", "field", "inside"),
    [
        ("department", "so-van-hoa-the-thao-va-du-lich", "it_plan_date", "2018-11-01"),
        ("commune", "xa-an-thanh", "it_plan_date", "2019-10-31"),
    ],
)
def test_outside_date_is_flagged_not_scored(
    records, pack: Pack, aggregates, results, block: str, unit: str, field: str, inside: str
) -> None:
    """Rule 6: moving the date onto the window's first or last day clears the flag and
    leaves the score as it was (the window is inclusive at both ends)."""
    record = records()[(block, unit)]
    record["inputs"][field] = inside
    moved = ce.evaluate(pack, record, aggregates[block])
    assert not _codes(moved, "outside-window")
    assert moved.total == results[(block, unit)].total


def test_without_the_window_no_date_is_flagged(files, evaluate, pack_copy) -> None:
    """Rule 6 is ``calendar.period``: without it the three dates go unflagged."""
    pack_copy.edit("pack.yaml", '  period: {start: "11-01", end: "10-31"}\n', "")
    _, found = evaluate(pack_copy.load(), files)
    assert not [f for r in found.values() for f in r.findings if f.code == "outside-window"]


# --- 8–9: districts forward their communes ---------------------------------------------------


def test_communes_forwarded_by_district(pack: Pack) -> None:
    """Rule 8: each district sends one file, its own record first, then only its communes."""
    sent = sorted((BATCH / "districts").glob("*.json"))
    districts = {u.id for u in pack.roster if u.block == "district"}
    assert {f.stem for f in sent} == districts and len(sent) == 17
    for path in sent:
        units = json.loads(path.read_text(encoding="utf-8"))["units"]
        assert (units[0]["id"], units[0]["block"]) == (path.stem, "district")
        for unit in units[1:]:
            assert (unit["block"], unit["parent"]) == ("commune", path.stem), unit["id"]
            assert unit["submitted"] == units[0]["submitted"]  # forwarded together


def test_district_summary_of_each_districts_communes(cli, pack: Pack, standings) -> None:
    """Rule 8 from the CLI: ``report gialai district-summary`` has one row per district,
    counting its communes (the missing ``xa-ia-tul`` and the late ones of Krông Pa too)."""
    proc = cli("report", "gialai", "district-summary", str(BATCH), "--format", "csv", "-q")
    assert proc.returncode == 0, proc.stderr
    # the CSV is what the office opens: what is not official first, then a blank row and
    # the table, whose header row names the columns
    lines = proc.stdout.removeprefix("\ufeff").splitlines()
    assert lines[0].startswith("Lưu ý") and "(reconstructed)" in proc.stdout
    reader = csv.DictReader(lines[lines.index("") + 1 :])
    rows = {row["Đơn vị"]: row for row in reader}
    names = {s.unit_id: s.name for s in standings.values()}
    assert len(rows) == 17
    for district in (u.id for u in pack.roster if u.block == "district"):
        communes = [s for s in standings.values() if s.parent == district]
        ranked = [s for s in communes if s.status == RANKED]
        row = rows[names[district]]
        counts = (row["Số đơn vị"], row["Được xếp hạng"], row["Không xếp hạng"])
        assert counts == tuple(
            str(n) for n in (len(communes), len(ranked), len(communes) - len(ranked))
        )
        if ranked:
            best = max(ranked, key=lambda s: s.published_total)
            worst = min(ranked, key=lambda s: s.published_total)
            assert (row["Cao nhất"], row["Thấp nhất"]) == (best.name, worst.name)
    assert (rows["Huyện Ia Pa"]["Số đơn vị"], rows["Huyện Ia Pa"]["Không xếp hạng"]) == ("5", "1")
    assert (rows["Huyện Krông Pa"]["Được xếp hạng"], rows["Huyện Krông Pa"]["Cao nhất"]) == (
        "0",
        "",
    )


def test_communes_ranked_within_district(outcome: BatchOutcome) -> None:
    """Rule 9: each ranked commune has a rank inside its district, restarting at 1 and
    following the province-wide order."""
    by_parent: dict[str, list[Standing]] = {}
    for s in outcome.tables["commune"]:
        if s.status == RANKED:
            by_parent.setdefault(s.parent, []).append(s)
        else:
            assert s.rank_in_parent is None, s.unit_id
    assert len(by_parent) == 16  # Krông Pa's communes are all late
    for parent, members in by_parent.items():
        inner = [s.rank_in_parent for s in members]
        assert inner[0] == 1 and inner == sorted(inner), parent
        assert max(inner) <= len(members)


def test_without_within_parent_no_district_rank(files, pack_copy) -> None:
    """Rule 9 is ``ranking.within_parent``: without it no commune has a district rank."""
    pack_copy.edit("pack.yaml", "within_parent: true", "within_parent: false")
    outcome = run_batch(pack_copy.load(), files)
    assert all(s.rank_in_parent is None for s in outcome.tables["commune"])


# --- 10–12: verification ------------------------------------------------------------------

VERIFIED = {
    ("department", "van-phong-ubnd-tinh"): ("439.58", "432.08"),
    ("department", "so-tai-nguyen-va-moi-truong"): ("283.99", "280.85"),
    ("department", "so-giao-duc-va-dao-tao"): ("347.19", "341.99"),
    ("district", "thanh-pho-pleiku"): ("220.02", "217.82"),
    ("district", "huyen-ia-grai"): ("202.23", "197.23"),
    ("commune", "xa-bien-ho"): ("118.78", "114.08"),
    ("commune", "thi-tran-phu-hoa"): ("105.17", "99.17"),
    ("commune", "xa-ia-rbol"): ("100.99", "104.74"),
}


@pytest.mark.parametrize(("key", "totals"), VERIFIED.items(), ids=[k[1] for k in VERIFIED])
def test_verified_values_replace_inputs(
    records, pack: Pack, aggregates, results, key: Key, totals: tuple[str, str]
) -> None:
    """Rule 10: the 8 verified units score on the verified values, not on what they sent."""
    self_total, verified_total = (Decimal(t) for t in totals)
    assert results[key].published_total == verified_total
    declared = ce.evaluate(pack, _declared_only(records()[key]), aggregates[key[0]])
    assert declared.published_total == self_total


def test_verification_can_change_the_level(results) -> None:
    """Rule 10: ``thi-tran-phu-hoa`` self-assessed Trung bình, verified Yếu."""
    assert results[("commune", "thi-tran-phu-hoa")].level == "Yếu"


def test_ranking_uses_verified_scores(standings) -> None:
    """Rule 11: ``so-giao-duc-va-dao-tao`` ranks 11th on its verified 341.99, below
    ``so-van-hoa-the-thao-va-du-lich`` (347.11), though its self-score 347.19 is higher."""
    giao_duc = standings[("department", "so-giao-duc-va-dao-tao")]
    van_hoa = standings[("department", "so-van-hoa-the-thao-va-du-lich")]
    assert (giao_duc.rank, giao_duc.published_total) == (11, Decimal("341.99"))
    assert (van_hoa.rank, van_hoa.published_total) == (10, Decimal("347.11"))


def test_unverified_batch_would_rank_the_other_way(records, pack: Pack) -> None:
    """Rule 11: without the verification the order of the two departments flips, so the
    ranking above is the verification's doing."""
    declared = [_declared_only(r) for r in records().values()]
    table = rank_lookup(run_batch(pack, units=declared).tables)
    giao_duc = table[("department", "so-giao-duc-va-dao-tao")]
    van_hoa = table[("department", "so-van-hoa-the-thao-va-du-lich")]
    assert giao_duc.published_total == Decimal("347.19")
    assert giao_duc.rank < van_hoa.rank


def test_verification_report_differences(cli) -> None:
    """Rule 12 from the CLI: per unit and criterion the self-assessed score, the verified
    score and the difference, e.g. ``thi-tran-phu-hoa`` 3.3: 15, 9, −6."""
    (table,) = _report_json(cli, "verification")
    rows = {(r["unit_id"], r["criterion"]): r for r in table["rows"]}

    def figures(unit: str, criterion: str) -> tuple[Decimal, Decimal, Decimal]:
        row = rows[(unit, criterion)]
        return tuple(Decimal(row[k]) for k in ("self_score", "verified_score", "difference"))

    assert figures("thi-tran-phu-hoa", "3.3") == (15, 9, -6)
    assert figures("van-phong-ubnd-tinh", "3.2") == (30, Decimal("22.50"), Decimal("-7.50"))
    assert figures("so-tai-nguyen-va-moi-truong", "2.3") == (15, 20, 5)  # a verified rise
    assert figures("xa-ia-rbol", "1.1") == (Decimal("11.25"), 15, Decimal("3.75"))
    assert figures("so-giao-duc-va-dao-tao", "5.3") == (10, 0, -10)
    for row in table["rows"]:  # every row: difference = verified − self
        diff = Decimal(row["verified_score"]) - Decimal(row["self_score"])
        assert Decimal(row["difference"]) == diff, row
    changed = {unit for (unit, _), row in rows.items() if Decimal(row["difference"]) != 0}
    assert changed == {key[1] for key in VERIFIED}


# --- 13–15: deadlines, late and missing units ----------------------------------------------


def test_deadline_is_exclusive(records, pack: Pack, aggregates, results) -> None:
    """Rule 13: *before* 18/10 and 25/10: sent on the day is late, the day before is not."""
    assert pack.deadline("2019", "department") == dt.date(2019, 10, 18)
    assert pack.deadline("2019", "district") == pack.deadline("2019", "commune")
    assert pack.deadline("2019", "district") == dt.date(2019, 10, 25)
    for block, unit, day_before in (
        ("department", "so-giao-thong-van-tai", "2019-10-17"),
        ("district", "huyen-krong-pa", "2019-10-24"),
        ("commune", "xa-uar", "2019-10-24"),
    ):
        assert results[(block, unit)].status == LATE
        assert {f.field for f in results[(block, unit)].findings if f.code == "late"} == {
            "submitted"
        }
        record = records()[(block, unit)]
        record["submitted"] = day_before
        assert ce.evaluate(pack, record, aggregates[block]).status == RANKED


def test_late_units_listed_after_ranked(outcome: BatchOutcome) -> None:
    """Rule 14: late units have no rank, come after every ranked unit of their block, are
    marked late (never missing) and their scores are still shown."""
    for block, rows in outcome.tables.items():
        statuses = [s.status for s in rows]
        late = [s for s in rows if s.status == LATE]
        assert {s.unit_id for s in late} == LATE_UNITS[block]
        assert all(s.rank is None and s.total is not None for s in late)
        first_unranked = statuses.index(LATE)
        assert set(statuses[:first_unranked]) == {RANKED}
        assert RANKED not in statuses[first_unranked:]


def test_cli_evaluate_prints_every_block_with_late_and_missing_marked(cli, pack: Pack) -> None:
    """Rules 14–15 from the CLI: the ranking of every block, late and missing units marked."""
    proc = cli("evaluate", "gialai", str(BATCH), "-q")
    assert proc.returncode == 0, proc.stderr
    for block in pack.blocks:
        assert block.title in proc.stdout
    lines = proc.stdout.splitlines()
    for name, label in (
        ("Sở Giao thông vận tải", STATUS_LABELS[LATE]),
        ("Huyện Krông Pa", STATUS_LABELS[LATE]),
        ("Xã Uar", STATUS_LABELS[LATE]),
        ("Ban Quản lý Khu kinh tế tỉnh", STATUS_LABELS[MISSING]),
        ("Xã Ia Tul", STATUS_LABELS[MISSING]),
    ):
        (line,) = [line for line in lines if f" {name} " in line]
        assert line.rstrip().endswith(label), line


def test_without_deadlines_late_units_would_be_ranked(files, pack_copy) -> None:
    """Rules 13–14 are ``calendar.deadlines``: without them the late units are ranked
    (Krông Pa 2nd, Xã Uar 3rd), which is what the deadline prevents."""
    pack_copy.cut("pack.yaml", "  deadlines:\n", "reports:")
    table = rank_lookup(run_batch(pack_copy.load(), files).tables)
    assert not [s for s in table.values() if s.status == LATE]
    assert table[("district", "huyen-krong-pa")].rank == 2
    assert table[("commune", "xa-uar")].rank == 3
    assert table[("department", "so-giao-thong-van-tai")].rank == 9


def test_missing_units_listed_last(outcome: BatchOutcome) -> None:
    """Rule 15: roster units that never sent are *missing*, after the late units."""
    for block, rows in outcome.tables.items():
        missing = [s for s in rows if s.status == MISSING]
        assert {s.unit_id for s in missing} == MISSING_UNITS.get(block, set())
        if missing:
            assert rows[-len(missing) :] == missing
            assert all(s.rank is None and s.total is None for s in missing)
