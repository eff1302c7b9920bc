"""Bắc Kạn (``backan``): the rules of the README checklist other than the rank change.

290/QĐ-UBND publishes the 2018 ranking of three blocks (19 departments, 8 districts, 109
communes); the criteria, the level scale and the rounding of 2015/QĐ-UBND are reconstructed.
These tests pin both kinds of rule on the 2018 and 2019 example rounds, each evaluated once
per module (see ``conftest.py``). Where a rule lives in the pack's YAML, a test removes it
from a copy of the pack and shows that the behaviour goes with it. Article 2 (the rank
change) is in ``test_backan_rank_change.py``.
"""

from __future__ import annotations

import itertools
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine import MISSING, RANKED, Pack, Standing, UnitResult, rank_lookup, run_batch
from criteria_engine.testing.packtools import a_cent_lower

PACK_DIR = Path(__file__).resolve().parents[1]
EXAMPLES = PACK_DIR / "examples"
YEARS = ("2018", "2019")
LEVELS = ("Tốt", "Khá", "Trung bình", "Yếu")

# --- 1–2: the acts -------------------------------------------------------------------------


def test_decision_identity(pack: Pack) -> None:
    """Rule 1: the set is 2015/QĐ-UBND of 29/11/2018, and users reach it as ``backan@2018``."""
    assert pack.decision.number == "2015/QĐ-UBND"
    assert str(pack.decision.signed) == "2018-11-29"
    assert pack.label == "backan@2018"
    assert ce.load_pack("backan@2018").path.resolve() == PACK_DIR
    # one version serves both rounds, so the name alone must find it for either period
    for year in YEARS:
        assert ce.load_pack("backan", period=year).path.resolve() == PACK_DIR


def test_related_acts(pack: Pack) -> None:
    """Rule 2: 290/QĐ-UBND (21/02/2019, Chairman Lê Thái Hải) on proposal 143/TTr-STTTT."""
    related = {act["number"]: act for act in pack.related}
    assert str(related["143/TTr-STTTT"]["date"]) == "2019-02-13"
    assert str(related["290/QĐ-UBND"]["date"]) == "2019-02-21"
    assert "Lê Thái Hải" in related["290/QĐ-UBND"]["title"]


# --- 3–5, 9, 13, 20–21: blocks, counts, ranks, examples --------------------------------------


def test_blocks_and_2018_unit_counts(pack: Pack, batches) -> None:
    """Rule 3: 290/QĐ-UBND ranks 19 departments, 08 districts and 109 communes in 2018."""
    assert [b.id for b in pack.blocks] == ["department", "district", "commune"]
    outcome, _ = batches["2018"]
    assert outcome.errors == []
    counts = {
        block: sum(s.status == RANKED for s in rows) for block, rows in outcome.tables.items()
    }
    assert counts == {"department": 19, "district": 8, "commune": 109}
    assert outcome.units_in == outcome.results == 136


@pytest.mark.parametrize("year", YEARS)
def test_blocks_ranked_separately(batches, year: str) -> None:
    """Rule 4: each block is its own ranking, so ranks restart at 1 in every block."""
    outcome, _ = batches[year]
    for block, rows in outcome.tables.items():
        ranks = [s.rank for s in rows if s.status == RANKED]
        assert ranks[0] == 1, block
        assert ranks == sorted(ranks), block
        assert max(ranks) <= len(ranks), block


@pytest.mark.parametrize("year", YEARS)
def test_every_unit_gets_rank_and_level(batches, year: str) -> None:
    """Rule 5: the result is a ranking *and* an assessment, for every evaluated unit."""
    outcome, _ = batches[year]
    for rows in outcome.tables.values():
        for s in rows:
            assert s.status == RANKED, s
            assert s.rank is not None and s.level in LEVELS, s


def test_communes_ranked_province_wide(batches) -> None:
    """Rule 9: the 109 communes are one list across districts, with no in-district rank."""
    for year in YEARS:
        rows = batches[year][0].tables["commune"]
        assert len(rows) == 109
        assert len({s.parent for s in rows}) == 8  # communes of all 8 districts, one list
        assert rows[0].rank == 1 and rows[-1].rank <= 109
        assert all(s.rank_in_parent is None for s in rows)


def test_same_pack_evaluates_both_years(batches) -> None:
    """Rule 13: one version (``backan@2018``) evaluates the 2018 and the 2019 round."""
    for year in YEARS:
        outcome, found = batches[year]
        assert outcome.errors == [] and outcome.units_in == 136
        assert {r.pack for r in found.values()} == {"backan@2018"}
        assert {r.period for r in found.values()} == {year}


def test_examples_name_heads(records) -> None:
    """Rule 14: the heads answer for the results, so every example record names one."""
    for year in YEARS:
        for key, data in records(year).items():
            head = data.get("head") or {}
            assert head.get("name") and head.get("title"), key


def test_examples_load_without_errors(batches) -> None:
    """Rule 20: 136 + 136 example units are evaluated with no error."""
    for year in YEARS:
        outcome, found = batches[year]
        assert (outcome.units_in, outcome.results, len(found), outcome.errors) == (
            136,
            136,
            136,
            [],
        )


INVALID = [
    ("choice-not-in-list.json", "so-noi-vu", "inputs.it_leader_role"),
    ("fractional-integer.json", "phuong-xuat-hoa", "inputs.staff_total"),
    ("above-input-max.json", "so-ke-hoach-va-dau-tu", "inputs.portal_sections"),
    ("missing-unit-id.json", None, "id"),
    ("negative-percent.json", "xa-nong-thuong", "inputs.ontime_rate"),
]


@pytest.mark.parametrize(("name", "unit", "field"), INVALID)
def test_invalid_examples_refused(pack: Pack, name: str, unit: str | None, field: str) -> None:
    """Rule 20: each invalid file is refused with one error naming its unit and field."""
    outcome = run_batch(pack, [EXAMPLES / "invalid" / name], roster=False)
    assert outcome.results == 0
    assert [(e.unit, e.field) for e in outcome.errors] == [(unit, field)]
    assert name in outcome.errors[0].file


def test_roster_matches_2019_batch(pack: Pack, batches) -> None:
    """Rule 21: the roster is the 2019 round, 19/8/109 units, each commune under a district."""
    roster_2019 = [u for u in pack.roster if u.period in (None, "2019")]
    counts = {b: sum(u.block == b for u in roster_2019) for b in ("department", "district")}
    communes = [u for u in roster_2019 if u.block == "commune"]
    assert counts == {"department": 19, "district": 8} and len(communes) == 109
    districts = {u.id for u in roster_2019 if u.block == "district"}
    assert all(u.parent in districts for u in communes)
    for year in YEARS:
        outcome, _ = batches[year]
        assert not [s for rows in outcome.tables.values() for s in rows if s.status == MISSING]


# --- 6: levels at their exact boundaries -------------------------------------------------

BOUNDARIES = [
    ("2018", "department", "so-tu-phap", "85", "Tốt", 1),
    ("2018", "department", "so-xay-dung", "70", "Khá", 9),
    ("2018", "department", "ban-quan-ly-cac-khu-cong-nghiep", "50", "Trung bình", 16),
    ("2018", "district", "huyen-cho-moi", "85", "Tốt", 1),
    ("2018", "district", "huyen-bach-thong", "70", "Khá", 7),
    ("2018", "district", "huyen-pac-nam", "50", "Trung bình", 8),
    ("2018", "commune", "phuong-song-cau", "85", "Tốt", 2),
    ("2018", "commune", "xa-cam-giang", "70", "Khá", 33),
    ("2018", "commune", "xa-bang-thanh", "50", "Trung bình", 84),
    ("2019", "department", "so-y-te", "85", "Tốt", 2),
    ("2019", "department", "so-lao-dong-thuong-binh-va-xa-hoi", "70", "Khá", 8),
    ("2019", "department", "so-tai-chinh", "50", "Trung bình", 17),
    ("2019", "district", "huyen-pac-nam", "85", "Tốt", 1),
    ("2019", "district", "huyen-cho-moi", "70", "Khá", 5),
    ("2019", "district", "huyen-ngan-son", "50", "Trung bình", 8),
    ("2019", "commune", "xa-dong-vien", "85", "Tốt", 9),
    ("2019", "commune", "phuong-song-cau", "70", "Khá", 54),
    ("2019", "commune", "xa-nhan-mon", "50", "Trung bình", 89),
]


@pytest.mark.parametrize(("year", "block", "unit", "total", "level", "rank"), BOUNDARIES)
def test_level_boundaries_exact(
    results, standings, year: str, block: str, unit: str, total: str, level: str, rank: int
) -> None:
    """Rule 6: a total of exactly 85 / 70 / 50 of 100 reaches Tốt / Khá / Trung bình."""
    result = results[year][(block, unit)]
    assert result.total == Decimal(total)  # exact, not merely after rounding
    assert result.max_total == 100 and result.percent == Decimal(total) / 100
    assert result.level == level
    assert standings[year][(block, unit)].rank == rank


# The one input pair that feeds only this proportional item (``max * ratio(a, b)``), with a
# maximum whose only prime factors are 2 and 5, so a score 0.01 lower is an exact decimal.
PROPORTIONAL = {
    "district": ("1.4", "pcs_lan", "pcs_total"),
    "commune": ("2.2", "docs_out_electronic", "docs_out_total"),
}


BELOW = [
    ("2018", "district", "huyen-cho-moi", "84.99", "Khá"),
    ("2018", "district", "huyen-bach-thong", "69.99", "Trung bình"),
    ("2018", "district", "huyen-pac-nam", "49.99", "Yếu"),
    ("2018", "commune", "phuong-song-cau", "84.99", "Khá"),
    ("2018", "commune", "xa-cam-giang", "69.99", "Trung bình"),
    ("2018", "commune", "xa-bang-thanh", "49.99", "Yếu"),
]


@pytest.mark.parametrize(("year", "block", "unit", "total", "level"), BELOW)
def test_a_cent_below_the_threshold_is_the_lower_level(
    pack: Pack,
    records,
    aggregates,
    year: str,
    block: str,
    unit: str,
    total: str,
    level: str,
) -> None:
    """Rule 6: 0.01 below 85 / 70 / 50 % is the lower level (``levels_on: exact``)."""
    record = a_cent_lower(records(year)[(block, unit)], pack.block(block), *PROPORTIONAL[block])
    result = ce.evaluate(pack, record, aggregates[(year, block)])
    assert result.total == Decimal(total)
    assert result.published_total == Decimal(total)
    assert result.level == level


# --- 7–8: ties ---------------------------------------------------------------------------

TIES = [
    ("2018", "department", ("so-cong-thuong", "so-giao-thong-van-tai"), "76.45", 4),
    ("2018", "district", ("huyen-ba-be", "huyen-na-ri"), "78.20", 2),
    ("2018", "commune", ("xa-nam-mau", "xa-kim-hy"), "72.50", 22),
    ("2018", "commune", ("xa-yen-nhuan", "xa-thanh-van"), "64.30", 48),
    ("2019", "department", ("so-noi-vu", "so-ke-hoach-va-dau-tu"), "81.25", 4),
    ("2019", "district", ("huyen-ba-be", "huyen-cho-don"), "80.60", 2),
    ("2019", "commune", ("xa-phuong-linh", "xa-cu-le"), "74.80", 38),
]


def _next_rank_after(rows: list[Standing], units: tuple[str, ...]) -> int | None:
    last = max(i for i, s in enumerate(rows) if s.unit_id in units)
    return rows[last + 1].rank if last + 1 < len(rows) else None


@pytest.mark.parametrize(("year", "block", "units", "total", "rank"), TIES)
def test_ties_shared(
    batches, results, year: str, block: str, units: tuple[str, ...], total: str, rank: int
) -> None:
    """Rule 7: equal totals share a rank and the next rank is skipped (… 4, 4, 6 …)."""
    rows = batches[year][0].tables[block]
    by_id = {s.unit_id: s for s in rows}
    assert {results[year][(block, u)].total for u in units} == {Decimal(total)}
    assert [by_id[u].rank for u in units] == [rank] * len(units)
    assert not any(s.rank == rank + 1 for s in rows)
    assert _next_rank_after(rows, units) == rank + len(units)


PUBLISHED_TIES = [
    ("2018", ("xa-binh-van", "xa-nghien-loan"), "70.95", 28),
    ("2019", ("xa-ha-vi", "xa-duong-son"), "84.94", 10),
]
# equal published totals that are not equal published percents: 59.65 of 100 and of 92
# (3.2 does not apply), 43.91 and 43.91 of 92 (47.72 % and 47.73 %)
UNEQUAL_SHARES = [
    ("2018", ("xa-kim-lu", "xa-quang-phong"), "59.65", (60, 46)),
    ("2018", ("xa-hoa-muc", "xa-an-thang"), "43.91", (88, 87)),
]


@pytest.mark.parametrize(("year", "units", "published", "rank"), PUBLISHED_TIES)
def test_ties_on_published_total(
    results, standings, year: str, units: tuple[str, ...], published: str, rank: int
) -> None:
    """Rule 8: units whose totals differ only beyond 2 places share the published rank."""
    found = [results[year][("commune", u)] for u in units]
    assert found[0].total != found[1].total
    assert {r.published_total for r in found} == {Decimal(published)}
    assert [standings[year][("commune", u)].rank for u in units] == [rank, rank]


@pytest.mark.parametrize(("year", "units", "published", "ranks"), UNEQUAL_SHARES)
def test_equal_totals_of_unequal_shares_do_not_tie(
    results, standings, year: str, units: tuple[str, ...], published: str, ranks: tuple
) -> None:
    """Rule 8: the rank compares the published percent, which the levels use; equal
    published totals over different maxima (or whose percents round apart) do not tie."""
    found = [results[year][("commune", u)] for u in units]
    assert {r.published_total for r in found} == {Decimal(published)}
    assert found[0].published_percent < found[1].published_percent
    assert tuple(standings[year][("commune", u)].rank for u in units) == ranks


def test_published_tie_stays_at_its_exact_level(results) -> None:
    """Rule 8: 84.94 is shown, the level is on the exact percent: Khá, not Tốt."""
    for unit in ("xa-ha-vi", "xa-duong-son"):
        result = results["2019"][("commune", unit)]
        assert result.percent < Decimal("0.85") and result.level == "Khá"


def test_ties_split_when_ranking_compares_exact_totals(pack_copy, files) -> None:
    """Rule 8 is the pack's ``compare: published``: with ``exact`` the same pairs split."""
    pack_copy.edit("pack.yaml", "compare: published", "compare: exact")
    exact = pack_copy.load()
    for year, units, _, rank in PUBLISHED_TIES:
        table = rank_lookup(run_batch(exact, files(year)).tables)
        ranks = sorted(table[("commune", u)].rank for u in units)
        assert ranks == [rank, rank + 1], (year, units)


# --- 15–19: reconstructed scoring rules -----------------------------------------------------


def test_not_applicable_reduces_maximum(results) -> None:
    """Rule 15: ``ban-dan-toc`` has no procedures, so group 4 leaves its maximum (80);
    ``xa-luong-bang`` has no online services, so 3.2 leaves it (92), and 80.46 is Tốt."""
    for year, total in (("2018", "50.89"), ("2019", "37.75")):
        ban = results[year][("department", "ban-dan-toc")]
        assert ban.max_total == 80 and ban.published_total == Decimal(total)
        assert ban.score("4") is None and ban.groups["4"] is None
    xa = results["2018"][("commune", "xa-luong-bang")]
    assert xa.max_total == 92 and xa.score("3.2") is None
    assert xa.published_total == Decimal("80.46") and xa.level == "Tốt"
    assert xa.total / 100 < Decimal("0.85")  # out of 100 it would only be Khá


def test_bonus_not_in_maximum_total(pack: Pack, results) -> None:
    """Rule 16: item 7 is a bonus: +1.5 for one initiative, outside the maximum of 100."""
    assert pack.block("department").max_total == 100
    for year in YEARS:
        unit = results[year][("department", "so-tai-nguyen-va-moi-truong")]
        assert unit.score("7") == Decimal("1.5") and unit.max_total == 100
        assert unit.total == sum(v for v in unit.groups.values() if v is not None)


def test_weight_zero_not_counted(results) -> None:
    """Rule 17: 5.5 (budget) is reported but group 5 is the capped sum of 5.1–5.4 only."""
    for year in YEARS:
        for (block, _), unit in results[year].items():
            if block != "department":
                continue
            tree = {c.id: c for c in unit.all_criteria()}
            assert tree["5.5"].score is not None and not tree["5.5"].counted
            parts = sum(tree[c].score for c in ("5.1", "5.2", "5.3", "5.4"))
            assert tree["5"].score == min(Decimal(8), parts)


def test_capped_group(results) -> None:
    """Rule 18: 2.5 never exceeds 9 and group 5 never exceeds 8, and the caps do bite."""
    bitten = set()
    for year in YEARS:
        for (block, _), unit in results[year].items():
            if block != "department":
                continue
            tree = {c.id: c for c in unit.all_criteria()}
            for group, cap in (("2.5", 9), ("5", 8)):
                assert tree[group].score <= cap
                children = sum(c.score for c in tree[group].children if c.counted)
                if children > cap:
                    bitten.add(group)
    assert bitten == {"2.5", "5"}


@pytest.mark.parametrize(
    ("block", "criterion", "best"),
    [("department", "1.4", {"2018": 100, "2019": 200}), ("district", "1.8", None)],
)
def test_best_normalisation_per_batch(
    pack: Pack, results, block: str, criterion: str, best: dict[str, int] | None
) -> None:
    """Rule 19: bandwidth scores against the best unit of the same batch and block."""
    maximum = pack.block(block).criterion(criterion).max
    for year in YEARS:
        units = {u: r for (b, u), r in results[year].items() if b == block}
        top = max(_bandwidth(r, criterion) for r in units.values())
        if best is not None:
            assert top == best[year]
            assert units["so-thong-tin-va-truyen-thong"].score(criterion) == maximum
        for unit in units.values():
            # the formula's own order: max_points * ratio(bandwidth, best(bandwidth))
            assert unit.score(criterion) == maximum * (_bandwidth(unit, criterion) / top)


def _bandwidth(result: UnitResult, criterion: str) -> Decimal:
    node = next(c for c in result.all_criteria() if c.id == criterion)
    return node.inputs["bandwidth_mbps"]


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_ranking_does_not_depend_on_submission_order(
    pack: Pack, records, standings, seed: int
) -> None:
    """Rules 4 and 7: ranks, shared ranks included, are the same whatever the file order."""
    shuffled_records = list(records("2019").values())
    random.Random(seed).shuffle(shuffled_records)
    shuffled = rank_lookup(run_batch(pack, units=shuffled_records).tables)
    assert {k: s.rank for k, s in shuffled.items()} == {
        k: s.rank for k, s in standings["2019"].items()
    }


def _better_inputs(pack: Pack) -> list[tuple[str, str]]:
    return [
        (block.id, name)
        for block in pack.blocks
        for name, spec in block.inputs.items()
        if spec.better == "higher" and spec.is_numeric
    ]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_more_of_a_better_input_never_lowers_the_total(
    pack: Pack, records, aggregates, data: st.DataObject
) -> None:
    """Inputs marked ``better: higher`` are where more effort never costs a unit points."""
    block, name = data.draw(st.sampled_from(_better_inputs(pack)))
    candidates = [r for (b, _), r in records("2019").items() if b == block]
    record = data.draw(st.sampled_from(candidates))
    spec = pack.block(block).inputs[name]
    value = Decimal(str(record["inputs"][name]))
    ceiling = spec.max if spec.max is not None else value + 1000
    if spec.type == "percent":
        ceiling = min(ceiling, Decimal(100))
    assume(ceiling - value >= 1)
    step = data.draw(st.integers(min_value=1, max_value=int(ceiling - value)))
    batch = aggregates[("2019", block)]
    before = ce.evaluate(pack, record, batch).total
    raised = json.loads(json.dumps(record))
    raised["inputs"][name] = str(value + step)
    assert ce.evaluate(pack, raised, batch).total >= before


# --- 23: the rank compares what the levels use ----------------------------------------------


def test_a_tot_commune_never_ranks_below_a_kha_one(results, standings) -> None:
    """Rule 23: ``xa-luong-bang`` (80.46 of 92, 87.46 %, Tốt) ranks above ``xa-dia-linh``
    (84.97 of 100, Khá): ranks follow the published percent, as the levels do."""
    tot, kha = ("commune", "xa-luong-bang"), ("commune", "xa-dia-linh")
    assert (results["2018"][tot].level, results["2018"][kha].level) == ("Tốt", "Khá")
    assert results["2018"][tot].total < results["2018"][kha].total
    assert standings["2018"][tot].rank < standings["2018"][kha].rank
    for year in ("2018", "2019"):
        ranked = sorted((s for s in standings[year].values() if s.rank), key=_place)
        for above, below in itertools.pairwise(ranked):
            if above.block == below.block:
                assert above.published_percent >= below.published_percent


def _place(standing: Standing) -> tuple[str, int]:
    return standing.block, standing.rank or 0


def test_on_the_total_the_tot_commune_would_rank_below(pack_copy, files) -> None:
    """Rule 23 is ``ranking.measure: percent``: on the total the order inverts."""
    pack_copy.edit("pack.yaml", "  measure: percent", "  measure: total")
    table = rank_lookup(run_batch(pack_copy.load(), files("2018")).tables)
    assert table[("commune", "xa-luong-bang")].rank > table[("commune", "xa-dia-linh")].rank
