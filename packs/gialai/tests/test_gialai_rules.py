"""Gia Lai (``gialai``): the acts, the three sets and their reconstructed scoring rules.

169/QĐ-UBND's sets were not obtained, so items, maxima, the level scale and the rounding are
reconstructed; these tests pin them on the 2019 example batch, evaluated once per module
(see ``conftest.py``): levels at their exact boundaries and a cent below, shared ranks,
items that do not apply, deductions, weight-0 items, scoring against the best unit, and
refused submissions. The round's workflow (letter 1252/STTTT-CNTT) is in
``test_gialai_workflow.py``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import criteria_engine as ce
from criteria_engine import BatchOutcome, Pack, UnitResult, run_batch
from criteria_engine.testing.packtools import a_cent_lower

PACK_DIR = Path(__file__).resolve().parents[1]
INVALID = PACK_DIR / "examples" / "invalid"
BLOCKS = ("department", "district", "commune")


def _codes(result: UnitResult, code: str) -> set[str | None]:
    return {f.criterion or f.field for f in result.findings if f.code == code}


# --- 1–3: the acts and the three sets ------------------------------------------------------


def test_decision_identity(pack: Pack) -> None:
    """Rule 1: the round follows 169/QĐ-UBND of 05/4/2019, reached as ``gialai@2019``."""
    assert pack.decision.number == "169/QĐ-UBND"
    assert str(pack.decision.signed) == "2019-04-05"
    assert pack.label == "gialai@2019"
    assert ce.load_pack("gialai@2019").path.resolve() == PACK_DIR
    assert ce.load_pack("gialai", period="2019").path.resolve() == PACK_DIR


def test_related_acts(pack: Pack) -> None:
    """Rule 2: plan 83/KH-STTTT, letter 1252/STTTT-CNTT (Đặng Quang Khanh), 337/QĐ-UBND."""
    related = {act["number"]: act for act in pack.related}
    assert str(related["83/KH-STTTT"]["date"]) == "2019-08-19"
    assert str(related["1252/STTTT-CNTT"]["date"]) == "2019-10-04"
    assert "Đặng Quang Khanh" in related["1252/STTTT-CNTT"]["title"]
    assert str(related["337/QĐ-UBND"]["date"]) == "2019-06-20"


def test_three_blocks(pack: Pack) -> None:
    """Rule 3: one set per level, cấp Sở / huyện / xã, out of 500 / 300 / 200."""
    assert [b.id for b in pack.blocks] == list(BLOCKS)
    assert [b.max_total for b in pack.blocks] == [500, 300, 200]


def test_examples_load_without_errors(outcome: BatchOutcome, results) -> None:
    """Rule 7: 19 + 17 + 69 = 105 submitted units, all evaluated, no error."""
    assert outcome.errors == []
    assert (outcome.units_in, outcome.results, len(results)) == (105, 105, 105)
    counts = {b: sum(key[0] == b for key in results) for b in BLOCKS}
    assert counts == {"department": 19, "district": 17, "commune": 69}


def test_examples_name_heads(records) -> None:
    """Rule 16: units answer for their results, so every example record names its head."""
    for key, record in records().items():
        head = record.get("head") or {}
        assert head.get("name") and head.get("title"), key


# --- 20–21: ties and levels ----------------------------------------------------------------

TIES = [
    ("department", ("so-cong-thuong", "so-y-te"), "398.75", 5),
    ("district", ("huyen-duc-co", "huyen-mang-yang"), "231.50", 3),
    ("commune", ("xa-glar", "xa-ia-hrung"), "126.40", 38),
]


@pytest.mark.parametrize(("block", "units", "total", "rank"), TIES)
def test_ties_shared(
    outcome: BatchOutcome, results, block: str, units: tuple[str, ...], total: str, rank: int
) -> None:
    """Rule 20: equal totals share a rank, and the next rank is skipped (5, 5, 7)."""
    rows = outcome.tables[block]
    by_id = {s.unit_id: s for s in rows}
    assert {results[(block, u)].total for u in units} == {Decimal(total)}
    assert [by_id[u].rank for u in units] == [rank, rank]
    last = max(i for i, s in enumerate(rows) if s.unit_id in units)
    assert rows[last + 1].rank == rank + 2


BOUNDARIES = [
    ("department", "so-tu-phap", "425", "Tốt", 2),
    ("department", "so-xay-dung", "350", "Khá", 9),
    ("department", "so-ngoai-vu", "250", "Trung bình", 16),
    ("district", "huyen-chu-se", "255", "Tốt", 1),
    ("district", "huyen-dak-doa", "210", "Khá", 12),
    ("district", "huyen-kong-chro", "150", "Trung bình", 16),
    ("commune", "phuong-dien-hong", "170", "Tốt", 2),
    ("commune", "xa-ia-dom", "140", "Khá", 25),
    ("commune", "xa-chu-krey", "100", "Trung bình", 58),
]


@pytest.mark.parametrize(("block", "unit", "total", "level", "rank"), BOUNDARIES)
def test_level_boundaries_exact(
    pack: Pack, results, standings, block: str, unit: str, total: str, level: str, rank: int
) -> None:
    """Rule 21: exactly 85 / 70 / 50 % of the block's maximum is Tốt / Khá / Trung bình."""
    result = results[(block, unit)]
    assert result.total == Decimal(total)
    assert result.max_total == pack.block(block).max_total
    assert result.level == level
    assert standings[(block, unit)].rank == rank


# One input pair that feeds only this proportional item (``max * ratio(a, b)``), with a
# maximum whose only prime factors are 2 and 5, so a score 0.01 lower is an exact decimal.
PROPORTIONAL = {
    "department": ("4.2", "records_online", "records_total"),
    "district": ("1.4", "pcs_lan", "pcs_total"),
    "commune": ("2.2", "docs_out_electronic", "docs_out_total"),
}
LOWER = {"Tốt": "Khá", "Khá": "Trung bình", "Trung bình": "Yếu"}


@pytest.mark.parametrize(("block", "unit", "total", "level", "rank"), BOUNDARIES)
def test_a_cent_below_the_threshold_is_the_lower_level(
    records,
    pack: Pack,
    aggregates,
    block: str,
    unit: str,
    total: str,
    level: str,
    rank: int,
) -> None:
    """Rule 21: 0.01 point below 85 / 70 / 50 % is the lower level (levels on exact %)."""
    criterion, numerator, denominator = PROPORTIONAL[block]
    record = records()[(block, unit)]
    assert not {numerator, denominator} & set(record.get("verified") or {})
    record = a_cent_lower(record, pack.block(block), criterion, numerator, denominator)
    lowered = ce.evaluate(pack, record, aggregates[block])
    assert lowered.total == Decimal(total) - Decimal("0.01")
    assert lowered.level == LOWER[level]


# --- 22–25: reconstructed scoring rules -----------------------------------------------------


def test_not_applicable_reduces_maximum(results, standings) -> None:
    """Rule 22: an item that does not apply leaves the unit's maximum and asks no
    self-score: ``ban-dan-toc`` out of 400, ``huyen-ia-pa`` out of 280."""
    ban = results[("department", "ban-dan-toc")]
    assert (ban.max_total, ban.published_total, ban.level) == (400, Decimal("262.84"), "Trung bình")
    assert ban.groups["4"] is None and standings[("department", "ban-dan-toc")].rank == 12
    ia_pa = results[("district", "huyen-ia-pa")]
    assert (ia_pa.max_total, ia_pa.published_total, ia_pa.level) == (280, Decimal("204.95"), "Khá")
    assert ia_pa.score("3.3") is None
    for result in (ban, ia_pa):
        skipped = [c for c in result.all_criteria() if not c.applies]
        assert skipped and all(c.self_score is None for c in skipped)
        assert not _codes(result, "missing-self-score")


@pytest.mark.parametrize(
    ("block", "unit", "criterion", "score", "floor"),
    [
        ("department", "so-nong-nghiep-va-phat-trien-nong-thon", "7", -10, -20),
        ("district", "huyen-chu-puh", "6", -5, -15),
    ],
)
def test_deduction_floor(
    records,
    pack: Pack,
    aggregates,
    results,
    block: str,
    unit: str,
    criterion: str,
    score: int,
    floor: int,
) -> None:
    """Rule 23: one incident takes 10 (department) or 5 (district) points off; however many
    incidents there are, the deduction stops at its floor."""
    assert results[(block, unit)].score(criterion) == score
    record = records()[(block, unit)]
    record["inputs"]["security_incidents"] = 9
    worse = ce.evaluate(pack, record, aggregates[block])
    assert worse.score(criterion) == floor
    node = next(c for c in worse.all_criteria() if c.id == criterion)
    assert node.floored and node.max == 0


def test_weight_zero_not_counted(results) -> None:
    """Rule 24: 2.5.4 is collected and shown, never counted; group 2.5 never exceeds 40."""
    for (block, _), result in results.items():
        if block != "department":
            continue
        tree = {c.id: c for c in result.all_criteria()}
        assert tree["2.5.4"].score is not None and not tree["2.5.4"].counted
        counted = sum(tree[c].score for c in ("2.5.1", "2.5.2", "2.5.3"))
        assert tree["2.5"].score == min(Decimal(40), counted) <= 40


def test_best_normalisation_per_batch(results) -> None:
    """Rule 25: bandwidth against the best department: 100 Mbps gets 15, 50 Mbps 7.50."""
    departments = {u: r for (b, u), r in results.items() if b == "department"}
    assert departments["so-thong-tin-va-truyen-thong"].score("1.3") == 15
    for result in departments.values():
        node = next(c for c in result.all_criteria() if c.id == "1.3")
        assert node.score == 15 * (Decimal(node.inputs["bandwidth_mbps"]) / 100)
    half = [r for r in departments.values() if r.score("1.3") == Decimal("7.5")]
    assert half  # some department has 50 Mbps


INVALID_FILES = [
    ("date-not-iso.json", "so-tai-chinh", "inputs.it_plan_date"),
    ("unknown-criterion-in-self-scores.json", "xa-ayun-ha", "self_scores.9.9"),
    ("unknown-input-in-verified.json", "thi-xa-an-khe", "verified.docs_electronic"),
    ("submitted-not-a-date.json", "so-tu-phap", "submitted"),
    ("block-name-in-vietnamese.json", "thi-tran-dak-po", "block"),
]


@pytest.mark.parametrize(("name", "unit", "field"), INVALID_FILES)
def test_invalid_examples_refused(pack: Pack, name: str, unit: str, field: str) -> None:
    """Rule 26: each invalid file gives one error naming its unit and field."""
    outcome = run_batch(pack, [INVALID / name], roster=False)
    assert outcome.results == 0
    assert [(e.unit, e.field) for e in outcome.errors] == [(unit, field)]
