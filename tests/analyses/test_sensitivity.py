"""How firm the order is: every rank at weights in the box (random, at the corners, on a
fine grid) lies in the unit's interval; the gap to the grid's ranks is reported."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine.analyses._batch import evaluate_batch

from .helpers import ROOT, example_sets, pack_for, records

X = Decimal("0.1")


def _contains(intervals, ranks):
    for uid, r in ranks.items():
        iv = intervals[uid]
        assert iv.best <= r <= iv.worst, f"{uid}: rank {r} outside {iv.best}–{iv.worst}"


@pytest.fixture(scope="module")
def hungyen():
    pack = ce.load_pack("hungyen")
    batch = evaluate_batch(pack, records(ROOT / "packs/hungyen/examples/2019"))
    return pack, batch, ce.sensitivity(pack, batch, weights=X, steps=False)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_weights_in_the_box_stay_in_the_intervals(hungyen, data):
    pack, batch, found = hungyen
    intervals = {i.unit_id: i for i in found.intervals}
    for block in pack.blocks:
        weights = {
            c.id: Decimal(1) + Decimal(data.draw(st.integers(-100, 100), label=c.id)) / 1000
            for c in block.criteria
        }
        _contains(intervals, ce.weighted_ranks(pack, batch, block.id, weights))


def test_actual_ranks_and_corners_are_in_the_intervals(hungyen):
    _, _, found = hungyen
    for iv in found.intervals:
        assert iv.best <= iv.rank <= iv.worst
        assert iv.best <= iv.corner_best <= iv.corner_worst <= iv.worst


@pytest.mark.parametrize(("name", "block"), [("hungyen", "district"), ("backan", "district")])
def test_against_a_fine_grid_with_the_gap_reported(name, block, capsys):
    pack = ce.load_pack(name)
    folder = {"hungyen": "packs/hungyen/examples/2019", "backan": "packs/backan/examples/2019"}
    batch = evaluate_batch(pack, records(ROOT / folder[name]))
    found = ce.sensitivity(pack, batch, weights=X, block=block, steps=False)
    intervals = {i.unit_id: i for i in found.intervals}
    groups = [c.id for c in pack.block(block).criteria if c.weight]
    steps = [Decimal(1) + X * k / 2 for k in (-2, -1, 0, 1, 2)]
    if len(groups) > 5:
        steps = [Decimal(1) - X, Decimal(1), Decimal(1) + X]
    seen = {uid: set() for uid in intervals}
    for point in itertools.product(steps, repeat=len(groups)):
        ranks = ce.weighted_ranks(pack, batch, block, dict(zip(groups, point, strict=True)))
        _contains(intervals, ranks)
        for uid, r in ranks.items():
            seen[uid].add(r)
    gap = sum(
        (min(seen[u]) - iv.best) + (iv.worst - max(seen[u])) for u, iv in intervals.items()
    )
    with capsys.disabled():
        print(f"\n{name}/{block}: {len(intervals)} units, grid of {len(steps)}^{len(groups)}: "
              f"interval ends beyond the grid's ranks, in total {gap} rank(s)")
    # ranks on the grid are part of the box: the interval is as wide as they are, or wider
    assert gap >= 0


def test_criterion_weights_random_points():
    pack = ce.load_pack("backan")
    batch = evaluate_batch(pack, records(ROOT / "packs/backan/examples/2019"))
    found = ce.sensitivity(pack, batch, weights=X, by="criterion", block="district", steps=False)
    intervals = {i.unit_id: i for i in found.intervals}
    leaves = [c.id for c in pack.block("district").all_criteria() if c.formula is not None]
    rng = random.Random(7)
    for _ in range(20):
        weights = {c: Decimal(1) + Decimal(rng.randint(-100, 100)) / 1000 for c in leaves}
        _contains(intervals, ce.weighted_ranks(pack, batch, "district", weights, by="criterion"))


@pytest.mark.parametrize(("name", "folder"), example_sets(), ids=lambda v: str(v)[-30:])
def test_every_bundled_example(name, folder):
    pack = pack_for(name, folder)
    batch = evaluate_batch(pack, records(folder))
    found = ce.sensitivity(pack, batch, weights="0.05")
    assert found.intervals
    for iv in found.intervals:
        assert iv.best <= iv.rank <= iv.worst
    for f in found.fragile:
        assert f.rank_before != f.rank_after or f.level_before != f.level_after
        assert f.before != f.after


def test_weights_out_of_range_are_refused():
    with pytest.raises(ValueError, match="less than 100 %"):
        ce.sensitivity(ce.load_pack("hungyen"), [], weights="1.5")
