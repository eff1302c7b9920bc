"""Hà Tĩnh (``hatinh``): 2853/QĐ-UBND's structure and its reconstructed scoring rules.

2853 fixes six criteria groups, four kinds of assessed unit and the annexes that score them;
the items, maxima and level scale were not obtained and are reconstructed. These tests pin
both on the 2022 example batch (and the 2020 batch of the 365 version), each evaluated once
per module (see ``conftest.py``): levels at their exact boundaries and a cent below, shared
ranks, the published order, items that do not apply, the consistency the formula language
cannot enforce, monotone inputs and refused submissions. Exclusion, the calendar and the
versions have their own modules.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine import MISSING, RANKED, BatchOutcome, Pack, UnitResult, rank_lookup, run_batch
from criteria_engine.reports import ReportContext, find_report, render_tables
from criteria_engine.testing.packtools import a_cent_lower

PACK_DIR = Path(__file__).resolve().parents[1]
V2019_DIR = PACK_DIR / "v2019"
BATCH = PACK_DIR / "examples" / "2022"
UPDATES = PACK_DIR / "examples" / "2022-updates"
INVALID = PACK_DIR / "examples" / "invalid"
BATCH_2020 = V2019_DIR / "examples" / "2020"
EXCLUDED_IDS = {"bo-chi-huy-quan-su-tinh", "bo-chi-huy-bien-phong-tinh"}

Key = tuple[str, str]  # (block, unit id)

GROUPS = (
    "Nhóm tiêu chí về Môi trường chính sách",
    "Nhóm tiêu chí về Nhân lực chuyển đổi số",
    "Nhóm tiêu chí về Cơ sở hạ tầng số",
    "Nhóm tiêu chí về Cơ sở dữ liệu số",
    "Nhóm tiêu chí về An toàn thông tin",
    "Nhóm tiêu chí về Kết quả phát triển Chính quyền số",
)


# --- 1–6: the decision, its structure, who is assessed -------------------------------------


def test_decision_identity(pack: Pack) -> None:
    """Rule 1: 2853/QĐ-UBND of 11/8/2021, in force on issue, on Tờ trình 41/TTr-STTTT."""
    assert pack.decision.number == "2853/QĐ-UBND"
    assert str(pack.decision.signed) == str(pack.decision.effective) == "2021-08-11"
    related = {act["number"]: act for act in pack.related}
    assert str(related["41/TTr-STTTT"]["date"]) == "2021-08-02"


def test_bases_listed(pack: Pack) -> None:
    """Rule 2: based on NĐ 64/2007, 749/QĐ-TTg and 1726/QĐ-BTTTT."""
    assert {"64/2007/NĐ-CP", "749/QĐ-TTg", "1726/QĐ-BTTTT"} <= {a["number"] for a in pack.related}


def test_six_groups_every_block(pack: Pack) -> None:
    """Rule 3: every block has the six groups of Điều 1, in order."""
    for block in pack.blocks:
        assert tuple(c.title for c in block.criteria) == GROUPS, block.id
        assert [c.id for c in block.criteria] == ["1", "2", "3", "4", "5", "6"]


def test_four_annexes_four_blocks(pack: Pack) -> None:
    """Rule 4: Phụ lục 1–4 in the order Điều 2.2 names the kinds of unit."""
    assert [(b.id, b.unit_kind, b.annex) for b in pack.blocks] == [
        ("department", "department", "Phụ lục 1"),
        ("central", "central", "Phụ lục 2"),
        ("district", "district", "Phụ lục 3"),
        ("commune", "commune", "Phụ lục 4"),
    ]


def test_every_criterion_reconstructed(pack: Pack, pack_2019: Pack) -> None:
    """Rule 5: the annexes were not obtained, so every criterion of both versions says it is
    reconstructed and on what basis."""
    for version in (pack, pack_2019):
        for block in version.blocks:
            for c in block.all_criteria():
                assert c.provenance is not None, (version.label, block.id, c.id)
                assert c.provenance.status == "reconstructed", (version.label, c.id)
                assert (c.provenance.basis or "").strip(), (version.label, c.id)


def test_blocks_cover_all_kinds(outcome: BatchOutcome) -> None:
    """Rule 6: the 2022 batch ranks 19 departments, 8 central agencies, 13 districts and 67
    communes, with no error."""
    assert outcome.errors == []
    ranked = {b: sum(s.status == RANKED for s in rows) for b, rows in outcome.tables.items()}
    assert ranked == {"department": 19, "central": 8, "district": 13, "commune": 67}


# --- 9–10: reports and districts' communes --------------------------------------------------


def test_reports_declared(files, pack: Pack, with_updates: BatchOutcome) -> None:
    """Rule 9: the three reports the pack declares render for the 2022 batch."""
    assert pack.reports == ("ranking", "scores", "progress")
    collected: list[UnitResult] = []
    run_batch(pack, files(BATCH), on_result=collected.append)
    for name in pack.reports:
        report = find_report(pack, name)
        tables = report.build(ReportContext(pack, with_updates, collected))
        assert tables and all(t.rows for t in tables), name
        assert render_tables(tables, "table").strip(), name


def test_communes_ranked_within_district(outcome: BatchOutcome) -> None:
    """Rule 10: each district assesses and publishes its communes: within TP Hà Tĩnh the
    ranks are 1, 2, 3, 4, 5, 5; every commune has a district as parent."""
    districts = {s.unit_id for s in outcome.tables["district"]}
    communes = outcome.tables["commune"]
    assert all(s.parent in districts for s in communes)
    city = [(s.unit_id, s.rank_in_parent) for s in communes if s.parent == "tp-ha-tinh"]
    assert city == [
        ("xa-thach-ha", 1),
        ("phuong-thach-quy", 2),
        ("phuong-thach-linh", 3),
        ("phuong-nam-ha", 4),
        ("phuong-bac-ha", 5),
        ("phuong-tran-phu", 5),
    ]


# --- 19–21: levels, ties, not applicable, missing -------------------------------------------

BOUNDARIES_2022 = [
    ("department", "so-tu-phap", "425", "Tốt", 6),
    ("department", "so-xay-dung", "350", "Khá", 14),
    ("department", "ban-quan-ly-khu-kinh-te-tinh", "250", "Trung bình", 18),
    ("central", "kho-bac-nha-nuoc-ha-tinh", "255", "Tốt", 4),
    ("central", "cuc-hai-quan-ha-tinh", "210", "Khá", 6),
    ("central", "cuc-thong-ke-tinh", "150", "Trung bình", 8),
    ("district", "huyen-can-loc", "425", "Tốt", 3),
    ("district", "huyen-thach-ha", "350", "Khá", 11),
    ("district", "huyen-vu-quang", "250", "Trung bình", 13),
    ("commune", "thi-tran-nghen", "255", "Tốt", 8),
    ("commune", "xa-ky-dong", "210", "Khá", 40),
    ("commune", "xa-son-kim-1", "150", "Trung bình", 62),
]


@pytest.mark.parametrize(("block", "unit", "total", "level", "rank"), BOUNDARIES_2022)
def test_boundary_units(
    pack: Pack, results, standings, block: str, unit: str, total: str, level: str, rank: int
) -> None:
    """Rule 19: exactly 85 / 70 / 50 % of the block's maximum is Tốt / Khá / Trung bình."""
    result = results[(block, unit)]
    assert result.total == Decimal(total)
    assert result.max_total == pack.block(block).max_total
    assert result.level == level
    assert standings[(block, unit)].rank == rank


@pytest.mark.parametrize(
    ("block", "unit", "total", "level", "rank"),
    [
        ("district", "tx-hong-linh", "423.67", "Khá", 4),
        ("department", "thanh-tra-tinh", "249.06", "Yếu", 19),
    ],
)
def test_just_below_a_boundary(
    results, standings, block: str, unit: str, total: str, level: str, rank: int
) -> None:
    """Rule 19: 84.73 % is Khá and 49.81 % is Yếu."""
    assert results[(block, unit)].published_total == Decimal(total)
    assert results[(block, unit)].level == level
    assert standings[(block, unit)].rank == rank


BOUNDARIES_2020 = [
    ("department", "so-tu-phap", "170", "Tốt", 3),
    ("department", "so-noi-vu", "140", "Khá", 7),
    ("department", "so-giao-duc-va-dao-tao", "100", "Trung bình", 8),
    ("district", "huyen-can-loc", "170", "Tốt", 1),
    ("district", "huyen-cam-xuyen", "140", "Khá", 6),
    ("district", "huyen-vu-quang", "100", "Trung bình", 13),
    ("commune", "phuong-bac-ha", "85", "Tốt", 1),
    ("commune", "xa-tung-anh", "70", "Khá", 7),
    ("commune", "xa-son-hong", "50", "Trung bình", 18),
]


@pytest.mark.parametrize(("block", "unit", "total", "level", "rank"), BOUNDARIES_2020)
def test_boundary_units_2020(
    batch_2020, block: str, unit: str, total: str, level: str, rank: int
) -> None:
    """Rule 19 under 365 (``hatinh@2019``): the same scale, on its own maxima."""
    outcome, found = batch_2020
    assert outcome.errors == []
    assert found[(block, unit)].total == Decimal(total)
    assert found[(block, unit)].level == level
    assert rank_lookup(outcome.tables)[(block, unit)].rank == rank


# In every block of 2853, item 6.1 is ``max * ratio(docs_out_electronic, docs_out_total)``:
# the pair feeds nothing else and the maximum (20 or 25) has only 2 and 5 as prime factors,
# so a score exactly 0.01 lower is an exact decimal.
PROPORTIONAL = ("6.1", "docs_out_electronic", "docs_out_total")
LOWER = {"Tốt": "Khá", "Khá": "Trung bình", "Trung bình": "Yếu"}


@pytest.mark.parametrize(("block", "unit", "total", "level", "rank"), BOUNDARIES_2022)
def test_a_cent_below_the_threshold_is_the_lower_level(
    unit_record,
    pack: Pack,
    aggregates,
    block: str,
    unit: str,
    total: str,
    level: str,
    rank: int,
) -> None:
    """Rule 19: 0.01 point below 85 / 70 / 50 % is the lower level (levels on exact %)."""
    record = a_cent_lower(unit_record(block, unit), pack.block(block), *PROPORTIONAL)
    lowered = ce.evaluate(pack, record, aggregates[block])
    assert lowered.total == Decimal(total) - Decimal("0.01")
    assert lowered.level == LOWER[level]


TIES_2022 = [
    ("department", ("so-cong-thuong", "so-y-te"), "390.50", 9),
    ("central", ("cuc-thue-tinh", "bao-hiem-xa-hoi-tinh"), "262.40", 2),
    ("district", ("huyen-duc-tho", "huyen-nghi-xuan"), "372.25", 7),
    ("commune", ("phuong-bac-ha", "phuong-tran-phu"), "236.50", 24),
]


@pytest.mark.parametrize(("block", "units", "total", "rank"), TIES_2022)
def test_ties_shared(
    outcome: BatchOutcome, results, block: str, units: tuple[str, ...], total: str, rank: int
) -> None:
    """Rule 19: equal totals share a rank and the next rank is skipped."""
    rows = outcome.tables[block]
    by_id = {s.unit_id: s for s in rows}
    assert {results[(block, u)].total for u in units} == {Decimal(total)}
    assert [by_id[u].rank for u in units] == [rank, rank]
    assert not any(s.rank == rank + 1 for s in rows)
    last = max(i for i, s in enumerate(rows) if s.unit_id in units)
    assert rows[last + 1].rank == rank + 2


@pytest.mark.parametrize(
    ("block", "units", "total", "rank"),
    [
        ("department", ("so-ke-hoach-va-dau-tu", "so-y-te"), "150.50", 5),
        ("district", ("huyen-huong-son", "huyen-thach-ha"), "128.40", 8),
        ("commune", ("thi-tran-nghen", "xa-cam-binh"), "63.50", 10),
    ],
)
def test_ties_shared_2020(batch_2020, block: str, units: tuple[str, ...], total: str, rank: int):
    """Rule 19 under 365: ties shared too, across districts for communes."""
    outcome, found = batch_2020
    table = rank_lookup(outcome.tables)
    assert {found[(block, u)].published_total for u in units} == {Decimal(total)}
    assert [table[(block, u)].rank for u in units] == [rank, rank]


FULL_TABLES = {
    "department": [
        "so-tai-chinh",
        "so-thong-tin-va-truyen-thong",
        "van-phong-ubnd-tinh",
        "so-ke-hoach-va-dau-tu",
        "so-tai-nguyen-va-moi-truong",
        "so-tu-phap",
        "so-khoa-hoc-va-cong-nghe",
        "so-giao-duc-va-dao-tao",
        "so-cong-thuong",
        "so-y-te",
        "so-lao-dong-thuong-binh-va-xa-hoi",
        "so-noi-vu",
        "so-giao-thong-van-tai",
        "so-xay-dung",
        "so-van-hoa-the-thao-va-du-lich",
        "van-phong-doan-dbqh-va-hdnd-tinh",
        "so-nong-nghiep-va-phat-trien-nong-thon",
        "ban-quan-ly-khu-kinh-te-tinh",
        "thanh-tra-tinh",
    ],
    "central": [
        "cong-an-tinh",
        "bao-hiem-xa-hoi-tinh",
        "cuc-thue-tinh",
        "kho-bac-nha-nuoc-ha-tinh",
        "ngan-hang-nha-nuoc-chi-nhanh-ha-tinh",
        "cuc-hai-quan-ha-tinh",
        "cuc-quan-ly-thi-truong-tinh",
        "cuc-thong-ke-tinh",
    ],
    "district": [
        "tp-ha-tinh",
        "tx-ky-anh",
        "huyen-can-loc",
        "tx-hong-linh",
        "huyen-cam-xuyen",
        "huyen-huong-khe",
        "huyen-duc-tho",
        "huyen-nghi-xuan",
        "huyen-huong-son",
        "huyen-loc-ha",
        "huyen-thach-ha",
        "huyen-ky-anh",
        "huyen-vu-quang",
    ],
}


@pytest.mark.parametrize("block", FULL_TABLES)
def test_full_tables_in_published_order(outcome: BatchOutcome, block: str) -> None:
    """Rule 19: the published order of the smaller blocks, ties in alphabetical order."""
    ranked = [s.unit_id for s in outcome.tables[block] if s.status == RANKED]
    assert ranked == FULL_TABLES[block]


@pytest.mark.parametrize(
    ("block", "unit", "maximum", "total", "level", "rank"),
    [
        ("department", "van-phong-doan-dbqh-va-hdnd-tinh", 400, "266.36", "Trung bình", 16),
        ("central", "ngan-hang-nha-nuoc-chi-nhanh-ha-tinh", 250, "191.47", "Khá", 5),
        ("district", "huyen-loc-ha", 485, "349.89", "Khá", 10),
        ("commune", "xa-huong-minh", 290, "232.14", "Khá", 20),
    ],
)
def test_not_applicable_reduces_max(
    results, standings, block: str, unit: str, maximum: int, total: str, level: str, rank: int
) -> None:
    """Rule 20: items that do not apply leave the unit's maximum (400, 250, 485, 290)."""
    result = results[(block, unit)]
    assert (result.max_total, result.published_total, result.level) == (
        maximum,
        Decimal(total),
        level,
    )
    assert any(not c.applies for c in result.all_criteria())
    assert standings[(block, unit)].rank == rank


def test_loc_ha_ranks_on_percent_not_total(results, standings) -> None:
    """Rule 20: where maxima differ, ranks compare the published percent (as levels do),
    so ``huyen-loc-ha`` (72.14 % of 485) ranks above ``huyen-thach-ha`` (70 % of 500)
    although its total is lower."""
    loc_ha, thach_ha = (
        results[("district", "huyen-loc-ha")],
        results[("district", "huyen-thach-ha")],
    )
    assert loc_ha.percent > thach_ha.percent and loc_ha.total < thach_ha.total
    assert (
        standings[("district", "huyen-loc-ha")].rank
        < standings[("district", "huyen-thach-ha")].rank
    )


def test_deduction_and_best_bandwidth(results, standings) -> None:
    """Two idioms of the reconstruction: 2 incidents cost 10 points (5.5); the unit with the
    best bandwidth of its block gets all of item 3.2."""
    gtvt = results[("department", "so-giao-thong-van-tai")]
    assert gtvt.score("5.5") == -10 and gtvt.published_total == Decimal("374.16")
    assert standings[("department", "so-giao-thong-van-tai")].rank == 13
    for block, unit, total in (
        ("department", "so-thong-tin-va-truyen-thong", "467.34"),
        ("central", "cong-an-tinh", "279.22"),
        ("district", "tp-ha-tinh", "469.43"),
        ("commune", "phuong-nam-ha", "246.67"),
    ):
        best = results[(block, unit)]
        node = next(c for c in best.all_criteria() if c.id == "3.2")
        assert node.score == node.max and best.published_total == Decimal(total), unit


def test_missing_unit_listed(outcome: BatchOutcome) -> None:
    """Rule 21: ``so-ngoai-vu`` is on the roster and sent nothing: *missing*, last."""
    rows = outcome.tables["department"]
    assert [s.unit_id for s in rows if s.status == MISSING] == ["so-ngoai-vu"]
    assert rows[-1].unit_id == "so-ngoai-vu"
    statuses = [s.status for s in rows]
    assert statuses.index(MISSING) > max(i for i, s in enumerate(statuses) if s == RANKED)


# --- 22–25: consistency, totals, monotonicity, invalid examples -----------------------------


def test_plan_date_consistent_with_on_time_flag(records) -> None:
    """Rule 22: the formula scores ``cds_plan_on_time``; it must agree with the date
    beside it (issued by 31/3 of the year) in every example."""
    checked = 0
    for folder in (BATCH, UPDATES):
        for key, record in records(folder).items():
            inputs = record.get("inputs") or {}
            if "cds_plan_date" not in inputs:
                continue
            issued = dt.date.fromisoformat(inputs["cds_plan_date"])
            deadline = dt.date(int(record["period"]), 3, 31)
            assert inputs["cds_plan_on_time"] == (issued <= deadline), key
            checked += 1
    assert checked >= 109 + 27


def test_totals_consistent(pack: Pack, pack_2019: Pack) -> None:
    """Rule 23: both versions load; maxima 500/300/500/300 (2853) and 200/200/100 (365)."""
    assert [b.max_total for b in pack.blocks] == [500, 300, 500, 300]
    assert [b.max_total for b in pack_2019.blocks] == [200, 200, 100]
    for version in (pack, pack_2019):
        for block in version.blocks:
            if block.total is not None:
                assert block.total == block.max_total, (version.label, block.id)


def _directed_inputs(version: Pack) -> list[tuple[str, str, str]]:
    return [
        (block.id, name, spec.better)
        for block in version.blocks
        for name, spec in block.inputs.items()
        if spec.better in ("higher", "lower") and (spec.is_numeric or spec.type == "boolean")
    ]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_monotone_inputs(records, pack: Pack, pack_2019: Pack, data: st.DataObject) -> None:
    """Rule 24: raising a ``better: higher`` input (or lowering a ``better: lower`` one)
    never lowers a unit's total in a one-unit batch, in either version."""
    version = data.draw(st.sampled_from([pack, pack_2019]))
    folder = BATCH if version is pack else BATCH_2020
    block, name, better = data.draw(st.sampled_from(_directed_inputs(version)))
    candidates = [
        r for (b, u, _), r in records(folder).items() if b == block and u not in EXCLUDED_IDS
    ]
    record = data.draw(st.sampled_from(candidates))
    spec = version.block(block).inputs[name]
    before = ce.evaluate(version, record).total
    changed = json.loads(json.dumps(record))
    value = record["inputs"][name]
    if spec.type == "boolean":
        assume(value is (better == "lower"))
        changed["inputs"][name] = better == "higher"
    else:
        value = Decimal(str(value))
        low = spec.min if spec.min is not None else Decimal(0)
        high = spec.max if spec.max is not None else value + 1000
        if spec.type == "percent":
            high = min(high, Decimal(100))
        room = (high - value) if better == "higher" else (value - low)
        assume(room >= 1)
        step = data.draw(st.integers(min_value=1, max_value=int(room)))
        changed["inputs"][name] = str(value + step if better == "higher" else value - step)
    assert ce.evaluate(version, changed).total >= before


INVALID_FILES = [
    (INVALID / "block-not-in-version.json", "cuc-thue-tinh", "block"),
    (INVALID / "unknown-stage.json", "so-tai-chinh", "stage"),
    (INVALID / "choice-not-in-list.json", "so-tai-chinh", "inputs.head_role"),
    (INVALID / "bad-date-format.json", "so-tai-chinh", "inputs.cds_plan_date"),
    (INVALID / "value-above-maximum.json", "so-tai-chinh", "inputs.server_room_standards"),
    (INVALID / "boolean-not-yes-no.json", "xa-dong-loc", "inputs.tslcd_connected"),
    (
        V2019_DIR / "examples/invalid/input-from-newer-version.json",
        "xa-dong-loc",
        "inputs.cds_team_active",
    ),
]


@pytest.mark.parametrize(
    ("path", "unit", "field"), INVALID_FILES, ids=lambda v: getattr(v, "name", None)
)
def test_invalid_examples_refused(path: Path, unit: str, field: str) -> None:
    """Rule 25: each invalid file, evaluated with the version its period picks, gives one
    error naming its unit and field."""
    period = json.loads(path.read_text(encoding="utf-8"))["period"]
    version = ce.load_pack("hatinh", period=period)
    outcome = run_batch(version, [path], roster=False)
    assert outcome.results == 0
    assert [(e.unit, e.field) for e in outcome.errors] == [(unit, field)]


def test_on_the_total_loc_ha_would_rank_below_thach_ha(pack_copy, files) -> None:
    """Rule 27 is ``ranking.measure: percent``: on the total, the order inverts."""
    pack_copy.edit("pack.yaml", "  measure: percent", "  measure: total")
    outcome = ce.run_batch(pack_copy.load(), files(Path(pack_copy.folder) / "examples" / "2022"))
    table = rank_lookup(outcome.tables)
    assert table[("district", "huyen-loc-ha")].rank == 11
    assert table[("district", "huyen-thach-ha")].rank == 10


def test_a_late_commune_keeps_its_level(pack: Pack, unit_record, pack_copy) -> None:
    """Rule 28: 2853 says nothing of a late report: not ranked, level kept
    (``unranked_level: true``); the setting set to false withholds it."""
    record = {**unit_record("commune", "thi-tran-nghen"), "submitted": "2022-11-20"}
    late = ce.evaluate(pack, record)
    assert (late.status, late.level) == (ce.LATE, "Tốt")
    pack_copy.edit("pack.yaml", "unranked_level: true", "unranked_level: false")
    assert ce.evaluate(pack_copy.load(), record).level is None


def test_an_id_off_the_roster_is_refused(pack: Pack, unit_record) -> None:
    """Rule 21: ``so-tai-chin`` is refused, naming the roster's ``so-tai-chinh``."""
    record = {**unit_record("department", "so-tai-chinh"), "id": "so-tai-chin"}
    with pytest.raises(ce.EvaluationError) as caught:
        ce.evaluate(pack, record)
    (error,) = caught.value.errors
    assert error.field == "id" and "did you mean 'so-tai-chinh'" in error.message
