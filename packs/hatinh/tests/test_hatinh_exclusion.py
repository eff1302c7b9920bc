"""Hà Tĩnh (``hatinh``): the Military Command and the Border Guard Command are not assessed.

Điều 2.2 of 2853/QĐ-UBND assesses the provincial departments "except the Bộ Chỉ huy Quân
sự tỉnh and the Bộ Chỉ huy Bộ đội Biên phòng tỉnh". Both submit in the 2022 example batch and
are on the roster, so these tests show they come out *excluded*: never ranked, never an
error, never missing, and never a weight on the block-wide aggregates, and that this is the
pack's ``excluded`` declaration at work (a copy without it ranks them).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from criteria_engine import EXCLUDED, RANKED, BatchOutcome, Pack, UnitResult, rank_lookup, run_batch

BATCH = Path(__file__).resolve().parents[1] / "examples" / "2022"
EXCLUDED_IDS = {"bo-chi-huy-quan-su-tinh", "bo-chi-huy-bien-phong-tinh"}

Key = tuple[str, str]  # (block, unit id)


# --- 7–8: the two excluded commands ---------------------------------------------------------


def test_military_commands_excluded(outcome: BatchOutcome, standings) -> None:
    """Rule 7: both commands submit and come out *excluded*: no rank, no level, no score,
    no error, not missing; the 19 others rank 1–19."""
    assert outcome.errors == []
    for unit in EXCLUDED_IDS:
        s = standings[("department", unit)]
        assert s.status == EXCLUDED
        assert (s.rank, s.level, s.total) == (None, None, None)
        assert "2853/QĐ-UBND" in (s.note or "")
    assert {s.unit_id for s in outcome.excluded} == EXCLUDED_IDS
    rows = outcome.tables["department"]
    ranked = [s for s in rows if s.status == RANKED]
    assert rows[: len(ranked)] == ranked  # every ranked unit comes first
    assert (ranked[0].rank, ranked[-1].rank, len(ranked)) == (1, 19, 19)


def test_excluded_commands_are_never_missing(records, pack: Pack) -> None:
    """Rule 7: on the roster, yet not listed as missing when they send nothing."""
    assert {u.id for u in pack.roster} >= EXCLUDED_IDS
    others = [r for (_, unit, _), r in records(BATCH).items() if unit not in EXCLUDED_IDS]
    table = rank_lookup(run_batch(pack, units=others).tables)
    assert not EXCLUDED_IDS & {unit for _, unit in table}


def test_without_the_exclusion_the_commands_would_be_ranked(files, pack_copy) -> None:
    """Rule 7 is ``excluded``: without it both commands are scored and ranked (21 ranks)."""
    pack_copy.cut("pack.yaml", "excluded:", "renamed_units:")
    outcome = run_batch(pack_copy.load(), files(BATCH))
    rows = outcome.tables["department"]
    assert sum(s.status == RANKED for s in rows) == 21
    assert all(s.rank is not None for s in rows if s.unit_id in EXCLUDED_IDS)


def test_excluded_not_in_best(records, pack: Pack, results) -> None:
    """Rule 8: taking the two commands' records out leaves every department score as it is."""
    others = [r for (_, unit, _), r in records(BATCH).items() if unit not in EXCLUDED_IDS]
    found: dict[Key, UnitResult] = {}
    run_batch(pack, units=others, on_result=lambda r: found.__setitem__((r.block, r.unit_id), r))
    for key, result in results.items():
        if key[1] not in EXCLUDED_IDS:
            assert found[key].total == result.total, key


@settings(max_examples=8, deadline=None, derandomize=True)
@given(bandwidth=st.integers(min_value=0, max_value=100_000))
def test_whatever_an_excluded_unit_reports_no_score_moves(
    records, pack: Pack, results, bandwidth: int
) -> None:
    """Rule 8: an excluded command never enters the block-wide ``best(bandwidth)``, even
    with more bandwidth than the best department (1000 Mbps)."""
    departments = [r for (b, _, _), r in records(BATCH).items() if b == "department"]
    for record in departments:
        if record["id"] in EXCLUDED_IDS:
            record["inputs"]["bandwidth_mbps"] = bandwidth
    found: dict[str, Decimal] = {}
    run_batch(
        pack,
        units=departments,
        on_result=lambda r: found.__setitem__(r.unit_id, r.total),
        roster=False,
    )
    for (block, unit), result in results.items():
        if block == "department" and unit not in EXCLUDED_IDS:
            assert found[unit] == result.total, unit
