"""Kon Tum (``kontum``): Decision 966/QĐ-UBND of 21/10/2021, on 2392/QĐ-BTTTT.

966 covers communes (Phụ lục 01) and districts (Phụ lục 02), not departments. Units assess
themselves, the Department of Information and Communications verifies their figures, and
the Department of Home Affairs uses the results to judge each unit's head. The 2021 round
took data from 01/11/2020 to 01/11/2021 and wanted the forms before 20/11/2021. Each rule
of the README checklist is tested on the pack's examples, evaluated once per module; the
rules that live in the YAML are also altered in a copy of the pack, to show that the
behaviour comes from the rule and not from a coincidence of the example figures.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine import (
    LATE,
    MISSING,
    RANKED,
    BatchOutcome,
    Pack,
    PackError,
    PackNotFound,
    Standing,
    UnitResult,
    check_record,
    run_batch,
)
from criteria_engine.reports import ReportContext, Table, available_reports, find_report
from criteria_engine.testing.packtools import (
    Key,
    PackCopy,
    a_cent_lower,
    block_aggregates,
    competition_rank,
    criterion_with_formula,
    evaluate_batch,
    example_records,
    level_of_share,
    lowered_by_a_better_input,
    run_cli_all,
)

# pytest fixtures over ``batch``: imported for pytest to find them, hence ``x as x``
from criteria_engine.testing.packtools import outcome as outcome
from criteria_engine.testing.packtools import results as results
from criteria_engine.testing.packtools import standings as standings

PACK_DIR = Path(__file__).resolve().parents[1]
ROOT = PACK_DIR.parents[1]
EXAMPLES = PACK_DIR / "examples" / "2021"
INVALID = PACK_DIR / "examples" / "invalid"
# what a copy of the pack altered by a test leaves out: it keeps the rules alone
RULES_ONLY = ("examples", "tests", "__pycache__", "*.md")
DEADLINE = dt.date(2021, 11, 20)
LATE_UNITS = {
    ("district", "huyen-ia-h-drai"): dt.date(2021, 11, 22),
    ("commune", "xa-dak-pek"): dt.date(2021, 11, 20),
    ("commune", "xa-ngok-tem"): dt.date(2021, 11, 25),
}
MISSING_UNITS = {"xa-dak-nhoong", "xa-mo-rai"}
# a criterion lowered by exactly 0.01 point to build a unit just below a threshold: its two
# inputs feed no other criterion, so nothing else moves
ON_TIME = "max_points * ratio(records_on_time, records_resolved)"
ON_TIME_INPUTS = ("records_on_time", "records_resolved")
# what a criterion's provenance may name as its basis: 2392 or a national idiom
NATIONAL_BASES = ("2392/QĐ-BTTTT", "idiom", "MIC Phụ lục 1B", "Deduction")


class Expected(NamedTuple):
    """One row of the README's table of boundary, tie and late units."""

    block: str
    unit: str
    self_total: str  # what the unit's own figures give, before verification
    total: str  # official (verified), as published
    max_total: int
    level: str
    rank: int | None  # None: late, not ranked


BOUNDARY_UNITS = (
    Expected("district", "huyen-dak-ha", "87", "85", 100, "Tốt", 2),
    Expected("district", "huyen-sa-thay", "72", "70", 100, "Khá", 5),
    Expected("district", "huyen-tu-mo-rong", "50", "50", 100, "Trung bình", 9),
    Expected("district", "huyen-dak-to", "79.5", "79.5", 100, "Khá", 3),
    Expected("district", "huyen-ngoc-hoi", "79.5", "79.5", 100, "Khá", 3),
    Expected("district", "tp-kon-tum", "88.75", "88.75", 100, "Tốt", 1),
    Expected("district", "huyen-ia-h-drai", "38.82", "38.82", 96, "Yếu", None),
    Expected("commune", "phuong-quyet-thang", "87", "85", 100, "Tốt", 6),
    Expected("commune", "tt-dak-to", "70", "70", 100, "Khá", 43),
    Expected("commune", "xa-tu-mo-rong", "53", "50", 100, "Trung bình", 83),
    Expected("commune", "xa-dak-ui", "66.5", "66.5", 100, "Trung bình", 52),
    Expected("commune", "xa-sa-binh", "66.5", "66.5", 100, "Trung bình", 52),
    Expected("commune", "xa-ngok-tem", "80.99", "80.99", 100, "Khá", None),
    Expected("commune", "xa-dak-pek", "63.65", "63.65", 100, "Trung bình", None),
)
# units exactly on a threshold (official figures), and the level just below it
ON_A_THRESHOLD = (
    ("district", "huyen-dak-ha", "Khá"),
    ("district", "huyen-sa-thay", "Trung bình"),
    ("district", "huyen-tu-mo-rong", "Yếu"),
    ("commune", "phuong-quyet-thang", "Khá"),
    ("commune", "tt-dak-to", "Trung bình"),
    ("commune", "xa-tu-mo-rong", "Yếu"),
)
# README: "Other districts" (official, and self where verification changed it)
OTHER_DISTRICTS = {
    "huyen-kon-ray": ("61.68", "59.68"),
    "huyen-kon-plong": ("57.56", "57.56"),
    "huyen-dak-glei": ("52.06", "50.06"),
}
# README: level counts over every submitted unit
LEVEL_COUNTS = {
    "district": {"Tốt": 2, "Khá": 3, "Trung bình": 4, "Yếu": 1},
    "commune": {"Tốt": 6, "Khá": 38, "Trung bình": 41, "Yếu": 15},
}
# each invalid example, the unit its error must name (None: any unit) and the field
INVALID_EXAMPLES = (
    pytest.param("duplicate-unit-id.json", "xa-dak-cam", "id", id="duplicate-unit-id"),
    pytest.param("invalid-date.json", "xa-dak-cam", "submitted", id="invalid-date"),
    pytest.param(
        "self-score-unknown-criterion.json",
        "xa-dak-cam",
        "self_scores.9.9",
        id="self-score-unknown-criterion",
    ),
    pytest.param("text-for-number.json", "xa-dak-cam", "inputs.staff_total", id="text"),
    pytest.param(
        "verified-unknown-input.json",
        "xa-dak-cam",
        "verified.so_diem_cau",
        id="verified-unknown-input",
    ),
    pytest.param("missing-block.json", None, "block", id="missing-block"),
    pytest.param(
        "missing-required-input.json",
        None,
        "inputs.records_total",
        id="missing-required-input",
    ),
)


# --- reading, altering and running the pack ------------------------------------------------


def _files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))


def _records() -> dict[Key, dict[str, Any]]:
    """The example records as plain dicts (numbers as exact decimal strings), keyed by block
    and id; a fresh copy on each call, so a test may change a record without touching
    another test's."""
    return example_records(_files())


def _altered(tmp_path: Path, file: str, old: str, new: str) -> Pack:
    """The pack's rules alone, loaded with one rule changed: the test then shows the behaviour
    moves. The rule must be written once, so that a rule that moved breaks the test loudly."""
    copy = PackCopy(PACK_DIR, tmp_path, ignore=RULES_ONLY)
    copy.edit(file, old, new, unique=True)
    return copy.load()


def _batch(pack: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    """The example batch ranked, with every unit's full result (the outcome keeps only
    standings)."""
    return evaluate_batch(pack, _files())


def _level_for(share: Decimal) -> str:
    """The reconstructed four-level scale, written out independently of the pack."""
    if share >= Decimal("0.85"):
        return "Tốt"
    if share >= Decimal("0.70"):
        return "Khá"
    if share >= Decimal("0.50"):
        return "Trung bình"
    return "Yếu"


def _own_figures(
    pack: Pack, record: Mapping[str, Any], aggregates: Mapping[str, Decimal]
) -> UnitResult:
    """The unit evaluated on the figures it declared, before the Sở TT&TT verified them."""
    declared = {k: v for k, v in record.items() if k != "verified"}
    return ce.evaluate(pack, declared, aggregates)


def _rows(table: Table) -> list[dict[str, Any]]:
    assert table.keys is not None
    return [dict(zip(table.keys, row, strict=True)) for row in table.rows]


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> Pack:
    """Loaded through the registry, which also registers ``plugin.py`` (home-affairs)."""
    return ce.load_pack(PACK_DIR)


@pytest.fixture(scope="module")
def batch(pack: Pack) -> tuple[BatchOutcome, dict[Key, UnitResult]]:
    return _batch(pack)


@pytest.fixture(scope="module")
def records() -> dict[Key, dict[str, Any]]:
    """The example records, read once for the tests that only look at them."""
    return _records()


@pytest.fixture(scope="module")
def aggregates(pack: Pack) -> dict[str, Mapping[str, Decimal]]:
    """Block-wide ``best`` of the 2021 batch, so a modified unit is scored among the others
    (alone, its own bandwidth would be the best and score full marks)."""
    return block_aggregates(pack, _records().values())


@pytest.fixture(scope="module")
def own(
    pack: Pack,
    records: dict[Key, dict[str, Any]],
    aggregates: dict[str, Mapping[str, Decimal]],
) -> dict[Key, UnitResult]:
    """Every unit evaluated on its own (declared) figures."""
    return {key: _own_figures(pack, r, aggregates[key[0]]) for key, r in records.items()}


@pytest.fixture(scope="module")
def report_context(pack: Pack, batch) -> ReportContext:
    outcome, results = batch
    return ReportContext(pack, outcome, list(results.values()))


@pytest.fixture(scope="module")
def cli() -> dict[str, subprocess.CompletedProcess[str]]:
    """``evaluate``, the pack's reports and the verification report, run once, side by
    side (each is a new process that loads the pack)."""
    examples = str(EXAMPLES)
    commands: dict[str, tuple[str, ...]] = {
        "evaluate": ("evaluate", "kontum", examples, "-q"),
        "check": ("check", str(PACK_DIR)),
    }
    for report in ("ranking", "scores", "home-affairs", "verification"):
        commands[report] = ("report", "kontum", report, examples, "--format", "json", "-q")
    return run_cli_all(commands, cwd=ROOT)


# --- 1–5: the decision, its basis and date, two blocks and no departments ------------------


def test_decision_identity(pack: Pack) -> None:
    assert pack.name == "kontum" and pack.province == "Kon Tum"
    assert pack.decision.number == "966/QĐ-UBND"
    assert pack.decision.signed == dt.date(2021, 10, 21)
    assert pack.decision.signer == "Y Ngọc"


def test_based_on_2392(pack: Pack) -> None:
    basis = pack.related[0]
    assert (basis["number"], basis["date"]) == ("2392/QĐ-BTTTT", dt.date(2017, 12, 25))
    for block in pack.blocks:
        for crit in block.all_criteria():
            assert crit.provenance is not None and crit.provenance.basis, crit.id
            assert any(m in crit.provenance.basis for m in NATIONAL_BASES), (block.id, crit.id)
    # the two group trees are 2392's: most items name it outright
    named = [c for b in pack.blocks for c in b.all_criteria() if "2392" in c.provenance.basis]
    assert len(named) > sum(1 for b in pack.blocks for _ in b.all_criteria()) / 2


def test_in_force_on_signing(pack: Pack) -> None:
    assert pack.decision.effective == pack.decision.signed == dt.date(2021, 10, 21)
    assert ce.find_pack("kontum", period="2021").resolve() == PACK_DIR
    with pytest.raises(PackNotFound, match="966/QĐ-UBND"):
        ce.find_pack("kontum", period="2020")


def test_two_blocks_with_annexes(pack: Pack) -> None:
    assert [(b.id, b.unit_kind, b.annex) for b in pack.blocks] == [
        ("commune", "commune", "Phụ lục 01"),
        ("district", "district", "Phụ lục 02"),
    ]
    assert [b.max_total for b in pack.blocks] == [100, 100]


def test_no_department_block(pack: Pack, records: dict[Key, dict[str, Any]]) -> None:
    record = {**records[("district", "tp-kon-tum")], "block": "department"}
    errors = check_record(pack, record)
    assert isinstance(errors, list)
    assert [(e.unit, e.field) for e in errors] == [("tp-kon-tum", "block")]
    assert "commune, district" in errors[0].message
    with pytest.raises(ce.EvaluationError):
        ce.evaluate(pack, record)


def test_example_unit_counts(pack: Pack, outcome: BatchOutcome) -> None:
    assert (outcome.units_in, outcome.results, outcome.errors) == (110, 110, [])
    assert {b: len(rows) for b, rows in outcome.tables.items()} == {
        "commune": 102,
        "district": 10,
    }
    roster = Counter(u.block for u in pack.roster)
    assert roster == {"commune": 102, "district": 10}
    kinds = Counter(
        "Thị trấn" if u.name.startswith("Thị trấn") else u.name.split()[0]
        for u in pack.roster
        if u.block == "commune"
    )
    assert kinds == {"Xã": 85, "Phường": 10, "Thị trấn": 7}


# --- 6: each block ranked on its own, shared ties -----------------------------------------


def test_ties_shared(pack: Pack, outcome: BatchOutcome, standings: dict[Key, Standing]) -> None:
    for block, pair, rank in [
        ("district", ("huyen-dak-to", "huyen-ngoc-hoi"), 3),
        ("commune", ("xa-dak-ui", "xa-sa-binh"), 52),
    ]:
        assert [standings[(block, u)].rank for u in pair] == [rank, rank]
        ranks = [s.rank for s in outcome.tables[block]]
        assert ranks.count(rank) == 2 and rank + 1 not in ranks and rank + 2 in ranks
    for block, rows in outcome.tables.items():
        # ranked on the published percent: maxima differ (items that may not apply)
        ranked = [s.published_percent for s in rows if s.status == RANKED]
        assert rows[0].rank == 1
        assert [s.rank for s in rows if s.status == RANKED] == [
            competition_rank(t, ranked) for t in ranked
        ]
        # README: no other equal published percents among on-time units
        assert sum(1 for n in Counter(ranked).values() if n > 1) == 1, block
        # ranked alone, a block gets the very same ranks: the other block plays no part
        alone = ce.rank(pack, rows, roster=False)[block]
        assert [(s.unit_id, s.rank) for s in alone] == [(s.unit_id, s.rank) for s in rows]


@settings(deadline=None)
@given(
    units=st.lists(
        st.tuples(st.decimals(min_value=0, max_value=100, places=2), st.booleans()),
        min_size=1,
        max_size=25,
    )
)
def test_shared_ranks_and_late_units_for_any_totals(
    pack: Pack, units: list[tuple[Decimal, bool]]
) -> None:
    """Whatever the totals: 1, 2, 2, 4 among the units on time; late ones never ranked and
    listed after all of them, however high their totals."""
    standings = [
        Standing(
            unit_id=f"xa-{i}",
            name=f"Xã {i}",
            block="commune",
            status=LATE if late else RANKED,
            total=total,
            published_total=total,
            max_total=Decimal(100),
            percent=total / 100,
            published_percent=total,  # of a maximum of 100
        )
        for i, (total, late) in enumerate(units)
    ]
    rows = ce.rank(pack, standings, roster=False)["commune"]
    statuses = [s.status for s in rows]
    assert statuses == sorted(statuses, key=lambda s: s != RANKED)
    on_time = [s.published_total for s in rows if s.status == RANKED]
    assert on_time == sorted(on_time, reverse=True)
    for s in rows:
        expected = competition_rank(s.published_total, on_time) if s.status == RANKED else None
        assert s.rank == expected


# --- 7–8: self-assessment kept, verified figures official ----------------------------------


def test_self_scores_kept(
    pack: Pack, results: dict[Key, UnitResult], own: dict[Key, UnitResult]
) -> None:
    assert not any(b.reasons_below_max for b in pack.blocks)
    over: list[tuple[str, str]] = []
    for key, result in results.items():
        declared = {c.id: c.score for c in own[key].all_criteria()}
        for c in result.all_criteria():
            if c.children or not c.counted or not c.applies:
                continue
            assert c.self_score is not None, (key, c.id)  # every scored leaf is self-assessed
            if c.self_score != ce.published(pack, declared[c.id]):
                over.append((key[1], c.id))
    # every self-score is its own figures' score, rounded, except Kon Rẫy's over-claim
    assert over == [("huyen-kon-ray", "2.3")]
    two_three = next(
        c for c in results[("district", "huyen-kon-ray")].all_criteria() if c.id == "2.3"
    )
    assert (two_three.self_score, two_three.score) == (4, Decimal("1.715"))
    # reasons come with some self-scores, and none is demanded of the others
    assert results[("district", "tp-kon-tum")].findings == ()


def test_verified_figures_are_official(
    results: dict[Key, UnitResult],
    own: dict[Key, UnitResult],
    records: dict[Key, dict[str, Any]],
) -> None:
    for key, official, level, declared, own_level in [
        (("district", "huyen-dak-ha"), "85", "Tốt", "87", "Tốt"),
        (("commune", "xa-kon-dao"), "49.09", "Yếu", "52.09", "Trung bình"),
        (("commune", "xa-dak-cam"), "89.58", "Tốt", "89.58", "Tốt"),
        (("commune", "xa-hoa-binh"), "89.21", "Tốt", "89.21", "Tốt"),
    ]:
        assert (results[key].published_total, results[key].level) == (Decimal(official), level)
        assert (own[key].published_total, own[key].level) == (Decimal(declared), own_level)
    verified = {key for key, r in records.items() if r.get("verified")}
    assert len(verified) == 18
    lost = {key for key in verified if results[key].total < own[key].total}
    assert verified - lost == {("commune", "xa-dak-cam"), ("commune", "xa-hoa-binh")}
    assert all(results[k].total == own[k].total for k in records if k not in verified)


def test_verification_report_shows_both_scores(report_context: ReportContext) -> None:
    report = find_report(report_context.pack, "verification")
    rows = {(r["unit_id"], r["criterion"]): r for r in _rows(report.build(report_context)[0])}
    assert len({unit for unit, _ in rows}) == 110  # every unit that sent a form
    # Kon Rẫy claimed 4 on 2.3; its own figures give 1.715, published as 1.72
    kon_ray = rows[("huyen-kon-ray", "2.3")]
    assert (kon_ray["self_score"], kon_ray["declared_score"], kon_ray["verified_score"]) == (
        4,
        Decimal("1.72"),
        Decimal("1.72"),
    )
    # Đắk Hà declared a security drill the Sở TT&TT did not find: 2 points lost
    drill = rows[("huyen-dak-ha", "4.4")]
    assert (drill["self_score"], drill["declared_score"], drill["verified_score"]) == (2, 2, 0)
    assert drill["difference"] == -2


def test_verification_report_shows_published_figures(report_context: ReportContext) -> None:
    """Figures as published (2 places), so a self-score that is its own figures' score,
    rounded, shows no difference."""
    report = find_report(report_context.pack, "verification")
    rows = _rows(report.build(report_context)[0])
    pack = report_context.pack
    for row in rows:
        for column in ("self_score", "declared_score", "verified_score", "difference"):
            assert row[column] == ce.published(pack, row[column]), (row["unit_id"], column)
    # Thành phố Kon Tum had nothing corrected and scored itself faithfully: no difference
    assert all(r["difference"] == 0 for r in rows if r["unit_id"] == "tp-kon-tum")


def test_verification_difference_is_verified_minus_self(report_context: ReportContext) -> None:
    report = find_report(report_context.pack, "verification")
    rows = _rows(report.build(report_context)[0])
    wrong = [
        (r["unit_id"], r["criterion"])
        for r in rows
        if r["difference"] != r["verified_score"] - r["self_score"]
    ]
    assert wrong == []


# --- 10: the Home Affairs report ----------------------------------------------------------


def test_home_affairs_report(
    pack: Pack,
    report_context: ReportContext,
    outcome: BatchOutcome,
    records: dict[Key, dict[str, Any]],
) -> None:
    assert "home-affairs" in pack.reports
    assert all(r["head"]["name"] and r["head"]["title"] for r in records.values())
    tables = find_report(pack, "home-affairs").build(report_context)
    assert [t.block for t in tables] == ["commune", "district"]
    for table in tables:
        assert table.headers[1:7] == (
            "Đơn vị",
            "Người đứng đầu",
            "Chức vụ",
            "Tổng điểm",
            "Mức độ",
            "Xếp hạng",
        )
        assert "966/QĐ-UBND" in (table.note or "") and "Sở Nội vụ" in (table.note or "")
        rows = _rows(table)
        standings = outcome.tables[table.block]
        assert len(rows) == len(standings)  # every unit, late and missing ones included
        for row, s in zip(rows, standings, strict=True):
            head = records.get((s.block, s.unit_id), {}).get("head", {})
            assert (row["unit"], row["head"], row["head_title"]) == (
                s.name,
                head.get("name", ""),
                head.get("title", ""),
            )
            assert (row["total"], row["level"], row["rank"]) == (
                s.published_total,
                s.level,
                s.rank,
            )
    district = {r["unit"]: r for r in _rows(tables[1])}
    assert district["Huyện Đắk Hà"]["total"] == Decimal("85.00")
    assert district["Huyện Ia H'Drai"]["note"] == "nộp muộn"
    commune = {r["unit"]: r for r in _rows(tables[0])}
    assert commune["Xã Mô Rai"]["note"] == "không nộp" and commune["Xã Mô Rai"]["rank"] is None


def test_declared_reports_exist(pack: Pack) -> None:
    assert pack.reports == ("ranking", "scores", "home-affairs")
    assert set(pack.reports) <= {r.name for r in available_reports(pack)}


# --- 11–13: the data window, the deadline, roster units that sent nothing ------------------


def test_data_window_2021(pack: Pack) -> None:
    """The notice's "01/11/2020 đến 01/11/2021", read literally: both ends included."""
    for block in pack.blocks:
        window = pack.period_for(block)
        assert window is not None
        assert window.window(2021) == (dt.date(2020, 11, 1), dt.date(2021, 11, 1))


def test_dates_outside_the_window_are_noticed(tmp_path: Path) -> None:
    """No Kon Tum input is a date, so the window shows only on one added for the test."""
    copy = PackCopy(PACK_DIR, tmp_path, ignore=RULES_ONLY)
    dated = "\ninputs:\n  data_date:\n    label: Ngày chốt số liệu\n    type: date\n"
    copy.edit("criteria/commune.yaml", "\ninputs:\n", dated, unique=True)
    pack = copy.load()
    record = _records()[("commune", "xa-dak-ui")]

    def outside(day: str) -> bool:
        record["inputs"]["data_date"] = day
        return any(f.code == "outside-window" for f in ce.evaluate(pack, record).findings)

    assert [outside(d) for d in ("2020-10-31", "2020-11-01", "2021-11-01", "2021-11-02")] == [
        True,
        False,
        False,
        True,
    ]
    copy.edit("pack.yaml", '  period: {start: "11-01", end: "11-01"}\n', "", unique=True)
    pack = copy.load()
    assert not outside("2020-10-31")


def test_deadline_before_20_november(
    pack: Pack, outcome: BatchOutcome, results: dict[Key, UnitResult]
) -> None:
    assert {b.id: pack.deadline("2021", b.id) for b in pack.blocks} == {
        "commune": DEADLINE,
        "district": DEADLINE,
    }
    late = {key for key, r in results.items() if r.status == LATE}
    assert late == set(LATE_UNITS)
    for key, day in LATE_UNITS.items():
        result = results[key]
        assert result.submitted == day.isoformat()
        assert [f.code for f in result.findings] == ["late"]
    for rows in outcome.tables.values():
        statuses = [s.status for s in rows]
        first_unranked = statuses.index(LATE)
        assert set(statuses[:first_unranked]) == {RANKED}
        assert RANKED not in statuses[first_unranked:]
        assert all(s.rank is None for s in rows[first_unranked:])
    record = _records()[("commune", "xa-dak-pek")]
    record["submitted"] = "2021-11-19"
    assert ce.evaluate(pack, record).status == RANKED


@settings(deadline=None)
@given(day=st.dates(min_value=dt.date(2021, 10, 1), max_value=dt.date(2021, 12, 31)))
def test_late_exactly_from_20_november(pack: Pack, day: dt.date) -> None:
    record = {**_records()[("commune", "xa-dak-ui")], "submitted": day.isoformat()}
    assert (ce.evaluate(pack, record).status == LATE) == (day >= DEADLINE)


def test_a_later_deadline_would_rank_the_form_sent_on_20_november(tmp_path: Path) -> None:
    pack = _altered(
        tmp_path, "pack.yaml", "commune: {before: 2021-11-20}", "commune: {before: 2021-11-21}"
    )
    _, results = _batch(pack)
    assert results[("commune", "xa-dak-pek")].status == RANKED
    assert results[("commune", "xa-ngok-tem")].status == LATE


def test_missing_units(outcome: BatchOutcome) -> None:
    rows = outcome.tables["commune"]
    assert [s.unit_id for s in rows if s.status == MISSING] == ["xa-dak-nhoong", "xa-mo-rai"]
    assert [s.status for s in rows[-4:]] == [LATE, LATE, MISSING, MISSING]
    assert all(s.rank is None and s.total is None for s in rows if s.status == MISSING)
    assert MISSING not in {s.status for s in outcome.tables["district"]}


def test_a_unit_off_the_roster_is_not_missing(tmp_path: Path) -> None:
    pack = _altered(
        tmp_path,
        "units.yaml",
        "- {id: xa-mo-rai, name: Xã Mô Rai, parent: huyen-sa-thay}\n",
        "",
    )
    outcome, _ = _batch(pack)
    missing = [s.unit_id for s in outcome.tables["commune"] if s.status == MISSING]
    assert missing == ["xa-dak-nhoong"]


# --- 14–16: the reconstructed levels, not applicable, weight 0 -----------------------------


def test_reconstructed_levels(pack: Pack, results: dict[Key, UnitResult]) -> None:
    assert [level.name for level in pack.levels] == ["Tốt", "Khá", "Trung bình", "Yếu"]
    text = (PACK_DIR / "pack.yaml").read_text(encoding="utf-8")
    assert text.index("# reconstructed:") < text.index("\nlevels:")
    for unit, share, level in [
        ("huyen-dak-ha", "0.85", "Tốt"),
        ("huyen-sa-thay", "0.70", "Khá"),
        ("huyen-tu-mo-rong", "0.50", "Trung bình"),
    ]:
        result = results[("district", unit)]
        assert (result.percent, result.level) == (Decimal(share), level)


@settings(deadline=None)
@given(share=st.decimals(min_value=0, max_value=1, places=4))
@example(share=Decimal("0.85"))
@example(share=Decimal("0.8499"))
@example(share=Decimal("0.70"))
@example(share=Decimal("0.6999"))
@example(share=Decimal("0.50"))
@example(share=Decimal("0.4999"))
def test_levels_cover_every_share(pack: Pack, share: Decimal) -> None:
    assert level_of_share(pack, share) == _level_for(share)


@pytest.mark.parametrize(("block", "unit", "lower"), ON_A_THRESHOLD)
def test_a_hundredth_below_a_threshold_is_the_lower_level(
    pack: Pack,
    results: dict[Key, UnitResult],
    records: dict[Key, dict[str, Any]],
    aggregates: dict[str, Mapping[str, Decimal]],
    block: str,
    unit: str,
    lower: str,
) -> None:
    on = results[(block, unit)]
    on_time = criterion_with_formula(pack.block(block), ON_TIME).id
    record = a_cent_lower(records[(block, unit)], pack.block(block), on_time, *ON_TIME_INPUTS)
    below = ce.evaluate(pack, record, aggregates[block])
    assert below.total == on.total - Decimal("0.01")
    assert (on.level, below.level) == (_level_for(on.percent), lower)


def test_not_applicable_reduces_maximum(results: dict[Key, UnitResult]) -> None:
    ia_h_drai = results[("district", "huyen-ia-h-drai")]
    three_six = next(c for c in ia_h_drai.all_criteria() if c.id == "3.6")
    assert not three_six.applies and three_six.score is None
    assert ia_h_drai.max_total == 96 and ia_h_drai.percent == ia_h_drai.total / 96
    assert ia_h_drai.published_percent == Decimal("40.44")
    maxima = Counter(r.max_total for (b, _), r in results.items() if b == "commune")
    assert maxima == {100: 64, 97: 36}
    for (block, _), r in results.items():
        if block == "commune" and r.max_total == 97:
            assert next(c for c in r.all_criteria() if c.id == "3.7").applies is False


def test_without_applies_the_maximum_stays_100(tmp_path: Path) -> None:
    pack = _altered(tmp_path, "criteria/district.yaml", "        applies: fee_tthc_total > 0\n", "")
    _, results = _batch(pack)
    assert results[("district", "huyen-ia-h-drai")].max_total == 100


def test_weight_zero_not_counted(pack: Pack, results: dict[Key, UnitResult]) -> None:
    block = pack.block("commune")
    assert block.criterion("3.8").weight == 0
    assert block.max_total == 100 and pack.block("commune").criterion("3").max == 35
    for (b, unit), result in results.items():
        if b != "commune":
            continue
        three = next(c for c in result.criteria if c.id == "3")
        eight = next(c for c in three.children if c.id == "3.8")
        assert eight.score is not None and not eight.counted, unit
        counted = [c.score for c in three.children if c.counted and c.applies]
        assert three.score == sum(counted) and three.max == result.max_total - 65
        assert result.total == sum(g for g in result.groups.values() if g is not None)
    assert results[("commune", "phuong-quyet-thang")].score("3.8") == Decimal("0.5335")


def test_without_weight_zero_the_group_no_longer_adds_up(tmp_path: Path) -> None:
    with pytest.raises(PackError) as refused:
        _altered(tmp_path, "criteria/commune.yaml", "        weight: 0\n", "")
    assert "3" in refused.value.render()


# --- 17–20: provenance, boundary units, invalid files, the deduction -----------------------


def test_provenance_on_every_criterion(pack: Pack) -> None:
    for block in pack.blocks:
        for crit in block.all_criteria():
            p = crit.provenance
            assert p is not None, (block.id, crit.id)
            assert p.status == "reconstructed", (block.id, crit.id)
            assert p.annex == block.annex and p.item and p.basis, (block.id, crit.id)


@pytest.mark.parametrize("row", BOUNDARY_UNITS, ids=lambda r: f"{r.block}:{r.unit}")
def test_boundary_units(
    results: dict[Key, UnitResult],
    standings: dict[Key, Standing],
    own: dict[Key, UnitResult],
    row: Expected,
) -> None:
    key = (row.block, row.unit)
    result = results[key]
    assert result.published_total == Decimal(row.total)
    if row.rank is not None:  # on time: the README's figures are exact
        assert result.total == Decimal(row.total)
    assert own[key].published_total == Decimal(row.self_total)
    assert result.max_total == row.max_total
    assert result.level == row.level
    assert standings[key].rank == row.rank
    assert (standings[key].status == LATE) == (row.rank is None)


def test_other_districts_and_level_counts(
    outcome: BatchOutcome, results: dict[Key, UnitResult], own: dict[Key, UnitResult]
) -> None:
    for unit, (self_total, total) in OTHER_DISTRICTS.items():
        key = ("district", unit)
        assert own[key].published_total == Decimal(self_total), unit
        assert results[key].published_total == Decimal(total), unit
    for block, counts in LEVEL_COUNTS.items():
        levels = Counter(s.level for s in outcome.tables[block] if s.status != MISSING)
        assert levels == counts, block


@pytest.mark.parametrize(("file", "unit", "field"), INVALID_EXAMPLES)
def test_invalid_examples_refused(pack: Pack, file: str, unit: str | None, field: str) -> None:
    outcome = run_batch(pack, [INVALID / file], roster=False)
    assert outcome.errors, file
    error = outcome.errors[-1]
    assert error.file == str(INVALID / file)
    assert error.unit is not None and error.unit == (unit or error.unit)
    assert error.field == field
    assert outcome.results == (1 if file == "duplicate-unit-id.json" else 0)


def test_every_invalid_example_is_listed() -> None:
    listed = {p.values[0] for p in INVALID_EXAMPLES}
    assert {p.name for p in INVALID.glob("*.json")} == listed


def test_deduction_floor(pack: Pack, results: dict[Key, UnitResult]) -> None:
    assert results[("district", "huyen-ia-h-drai")].score("6") == -2
    others = [r.score("6") for (b, u), r in results.items() if b == "district"]
    assert sorted(others) == [-2] + [0] * 9
    record = _records()[("district", "huyen-ia-h-drai")]
    record["inputs"]["security_incidents"] = 3
    six = next(c for c in ce.evaluate(pack, record).all_criteria() if c.id == "6")
    assert (six.raw, six.score, six.floored) == (-6, -4, True)


def test_without_the_floor_three_incidents_cost_6(tmp_path: Path) -> None:
    pack = _altered(tmp_path, "criteria/district.yaml", "floor: -4", "floor: -10")
    record = _records()[("district", "huyen-ia-h-drai")]
    record["inputs"]["security_incidents"] = 3
    assert ce.evaluate(pack, record).score("6") == -6


# --- the inputs' direction ------------------------------------------------------------------


def test_an_input_marked_better_never_lowers_the_total(
    pack: Pack, aggregates: dict[str, Mapping[str, Decimal]]
) -> None:
    """``better:`` says which way an input helps a unit (forms and property tests read it):
    on every example unit, one step that way must never cost points."""
    assert lowered_by_a_better_input(pack, _files(), aggregates) == {}


# --- the command line ----------------------------------------------------------------------


def test_cli_evaluate_prints_every_block(
    pack: Pack, outcome: BatchOutcome, cli: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    proc = cli["evaluate"]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    titles = [f"{b.title} ({pack.decision.number})" for b in pack.blocks]
    assert all(title in proc.stdout for title in titles)
    lines = proc.stdout.splitlines()
    for unit in pack.roster:
        assert any(unit.name in line for line in lines), unit.id
    # each block's lines in the order of its ranking: ranked, then late, then missing
    for title, (block, rows) in zip(titles, outcome.tables.items(), strict=True):
        start = lines.index(title)
        body = lines[start : start + 4 + len(rows)]
        for row, line in zip(rows, body[4:], strict=True):
            assert re.match(rf"\d+\s+{re.escape(row.name)}\s{{2}}", line), (block, line)
            note = {RANKED: "", LATE: "nộp muộn", MISSING: "không nộp"}[row.status]
            assert line.rstrip().endswith(note), (block, line)
    assert "Hạng trong huyện" not in proc.stdout  # 966 does not rank communes by district


def test_cli_reports(
    outcome: BatchOutcome, cli: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    for name in ("ranking", "scores", "home-affairs", "verification"):
        proc = cli[name]
        assert proc.returncode == 0, (name, proc.stderr)
        assert "Traceback" not in proc.stderr
    ranking = {t["block"]: t["rows"] for t in json.loads(cli["ranking"].stdout)}
    home = {t["block"]: t["rows"] for t in json.loads(cli["home-affairs"].stdout)}
    for block, rows in outcome.tables.items():
        expected = [(s.name, s.rank, s.level) for s in rows]
        assert [(r["unit"], r["rank"], r["level"]) for r in ranking[block]] == expected
        assert [(r["unit"], r["rank"], r["level"]) for r in home[block]] == expected
    kon_tum = next(r for r in home["district"] if r["unit"] == "Thành phố Kon Tum")
    assert (kon_tum["head_title"], kon_tum["total"]) == ("Chủ tịch UBND thành phố Kon Tum", "88.75")
    scores = [r for t in json.loads(cli["scores"].stdout) for r in t["rows"]]
    weight_zero = next(r for r in scores if (r["unit_id"], r["criterion"]) == ("xa-dak-ui", "3.8"))
    assert weight_zero["note"] == "không tính điểm"
    verification = json.loads(cli["verification"].stdout)[0]["rows"]
    kon_ray = next(
        r for r in verification if (r["unit_id"], r["criterion"]) == ("huyen-kon-ray", "2.3")
    )
    assert (kon_ray["self_score"], kon_ray["verified_score"]) == ("4", "1.72")


def test_cli_check(cli: dict[str, subprocess.CompletedProcess[str]]) -> None:
    proc = cli["check"]
    assert proc.returncode == 0, proc.stderr
    assert "2 blocks" in proc.stdout and "4 levels — ok" in proc.stdout
    assert "no provenance" not in proc.stderr


# --- 9, 21, 22: approval state, ranking measure, late units' level --------------------------


def test_results_are_official_only_once_approved(pack: Pack, outcome: BatchOutcome) -> None:
    """Rule 9: UBND tỉnh approves and publishes (Điều 2): a batch is a draft until marked,
    its ranking tables say so, and the saved results keep the state."""

    assert outcome.state == "draft"
    for state, words in (("draft", "Dự thảo"), ("approved", "Đã được phê duyệt")):
        marked = outcome.with_state(state)
        for table in find_report(pack, "ranking").build(ReportContext(pack, marked)):
            assert f"Trạng thái kết quả: {words}" in (table.note or "")
        assert ce.outcome_json(marked, "2021")["state"] == state


def test_communes_without_postal_requests_rank_on_their_percent(
    results: dict[Key, UnitResult], standings: dict[Key, Standing]
) -> None:
    """Rule 21: ``xa-ngok-bay`` (65.63 of 97, 67.66 %) ranks above ``xa-dak-choong``
    (66.93 of 100): the rank compares the percent, as the levels do."""
    ngok_bay, dak_choong = ("commune", "xa-ngok-bay"), ("commune", "xa-dak-choong")
    assert results[ngok_bay].max_total == 97 and results[ngok_bay].total < results[dak_choong].total
    assert standings[ngok_bay].rank < standings[dak_choong].rank


def test_on_the_total_the_commune_would_rank_below(tmp_path: Path) -> None:
    """Rule 21 is ``ranking.measure: percent``."""
    on_total = _altered(tmp_path, "pack.yaml", "  measure: percent", "  measure: total")
    table = ce.rank_lookup(run_batch(on_total, _files()).tables)
    assert table[("commune", "xa-ngok-bay")].rank > table[("commune", "xa-dak-choong")].rank


def test_late_units_keep_their_level(standings: dict[Key, Standing], tmp_path: Path) -> None:
    """Rule 22: the notice says nothing of a late form; late units are not ranked and keep
    their level (``ranking.unranked_level: true``); set to false, they show none."""
    late = [s for s in standings.values() if s.status == LATE]
    assert {s.unit_id for s in late} == {"huyen-ia-h-drai", "xa-dak-pek", "xa-ngok-tem"}
    assert all(s.level is not None for s in late)
    withheld = _altered(tmp_path, "pack.yaml", "unranked_level: true", "unranked_level: false")
    rows = run_batch(withheld, _files()).tables
    assert all(s.level is None for r in rows.values() for s in r if s.status == LATE)
