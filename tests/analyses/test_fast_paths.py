"""The analyses' shortcuts give what the slow, plain way gives, on every bundled pack's
examples: ranks at the box's corners by sorting against the engine's own ranking, pairs
settled from each unit's extremes against deciding every pair, a move scored by one
formula or the scorer against a full evaluation, best scores shared across units against
a search per unit, and group parts kept per unit against working them out each time."""

from __future__ import annotations

import decimal
import itertools
from decimal import Decimal

import attrs
import pytest

from criteria_engine.analyses import attribution, sensitivity
from criteria_engine.analyses._batch import evaluate_batch, level_at, ranked_value, with_values
from criteria_engine.analyses._box import corner_ranks
from criteria_engine.analyses._steps import _rank_with, fragile_units
from criteria_engine.analyses._threshold import percent_levels
from criteria_engine.analyses.next_level import next_level, plan_unit
from criteria_engine.model.results import RANKED, Standing

from .helpers import example_sets, pack_for, records

X = Decimal("0.1")
SETS = example_sets()


@pytest.fixture(scope="module", params=SETS, ids=[f"{n}-{f.name}" for n, f in SETS])
def example(request):
    name, folder = request.param
    pack = pack_for(name, folder)
    return pack, evaluate_batch(pack, records(folder))


def _ranked(batch, block):
    return [u for u in batch.block_units(block.id) if u.result.status == RANKED]


def test_corner_ranks_are_the_engines(example):
    pack, batch = example
    for block in pack.blocks:
        units = _ranked(batch, block)
        coords = sensitivity._coordinates(block, "group")
        if not units or len(coords) > sensitivity.MAX_CORNER_WEIGHTS:
            continue
        vectors = {u.result.unit_id: sensitivity._vectors(batch, block, u, coords) for u in units}
        ties = {u.result.unit_id: ranked_value(pack, block, u.standing)[1:] for u in units}
        ids = list(vectors)
        with decimal.localcontext(sensitivity._WIDE):
            fast = corner_ranks(pack, block, ids, vectors, ties, X, len(coords))
            weights = itertools.product((1 - X, 1 + X), repeat=len(coords))
            for i, w in enumerate(weights):
                engine = sensitivity.ranks_at(pack, block, units, vectors, list(w))
                assert {uid: fast[uid][i] for uid in ids} == engine, (block.id, w)


def _every_pair(batch, block, x):
    """Each unit's (sure, possible) counts, every pair decided exactly, one by one."""
    pack = batch.pack
    units = _ranked(batch, block)
    coords = sensitivity._coordinates(block, "group")
    vectors = {u.result.unit_id: sensitivity._vectors(batch, block, u, coords) for u in units}
    percent = pack.rank_measure(block) == "percent"
    q = Decimal(1).scaleb(-pack.rounding.places) if pack.ranking.compare == "published" else 0
    q = Decimal(q)
    ties = {u.result.unit_id: ranked_value(pack, block, u.standing)[1:] for u in units}
    counts = {}
    with decimal.localcontext(sensitivity._WIDE):
        ext = {}
        if percent:
            for v in vectors.values():
                low = sensitivity._ratio_extreme(*v, x, False)
                high = sensitivity._ratio_extreme(*v, x, True)
                ext[id(v)] = (low, high, sensitivity._percent_at(v, low),
                              sensitivity._percent_at(v, high))
        for a in vectors:
            sure = possible = 0
            for b in vectors:
                if a == b:
                    continue
                pair = sensitivity._Pair(pack, block, vectors[a], vectors[b], x, ext)
                surely, can = sensitivity._decide(pair, q, ties[b] > ties[a])
                sure, possible = sure + surely, possible + can
            counts[a] = (sure, possible)
    return counts


@pytest.mark.parametrize("x", [X, Decimal("0.3")])
def test_settled_pairs_agree_with_every_pair_decided(example, x):
    pack, batch = example
    for block in pack.blocks:
        found = sensitivity._intervals(batch, block, x, "group")
        counts = _every_pair(batch, block, x)
        for iv in found:
            sure, possible = counts[iv.unit_id]
            if pack.ranking.ties == "dense":
                best, worst = (1 if sure == 0 else 2), 1 + possible
            else:
                best, worst = 1 + sure, 1 + possible
            assert (iv.best, iv.worst) == (min(best, iv.rank), max(worst, iv.rank)), iv


def test_fragile_moves_are_the_engines(example):
    """Each fragile unit's move, evaluated by the engine whole, gives the total, level and
    rank reported."""
    pack, batch = example
    for block in pack.blocks:
        units = {u.result.unit_id: u for u in _ranked(batch, block)}
        values = {uid: ranked_value(pack, block, u.standing) for uid, u in units.items()}
        ordered = sorted(values.values())
        for f in fragile_units(batch, block):
            moved = batch.evaluate(with_values(units[f.unit_id].submission, {f.input: f.after}))
            assert (moved.total, moved.level) == (f.total_after, f.level_after), f.unit_id
            assert str(moved.total) == str(f.total_after)  # to the last digit, as written
            value = ranked_value(pack, block, Standing.of(moved))
            assert _rank_with(pack, ordered, values[f.unit_id], value) == f.rank_after


def test_best_scores_shared_across_units_match_a_search_per_unit(example):
    """A batch keeps each criterion's best score once found; a fresh batch for one unit
    (nothing kept) plans it alike."""
    pack, batch = example
    submissions = [u.submission for u in batch.units.values()]
    for plan in next_level(pack, batch)[:: 7]:
        fresh = evaluate_batch(pack, submissions)
        again = plan_unit(fresh, fresh.units[(plan.block, plan.unit_id)], plan.target)
        assert again == plan, plan.unit_id


def test_group_parts_kept_per_unit_match_parts_worked_out_each_time(example):
    pack, batch = example
    changes = attribution.attribute(pack, batch, batch)
    assert all(not c.passed_by for c in changes)  # nothing moved
    for block in pack.blocks:
        after = {u.result.unit_id: u.standing for u in batch.block_units(block.id)}
        # the previous period: every unit's standing with the order reversed
        # the previous period: each unit had the figures of another, in reverse order
        ranked = sorted((s for s in after.values() if s.rank is not None), key=lambda s: s.rank)
        before = {
            s.unit_id: attrs.evolve(other, unit_id=s.unit_id, name=s.name)
            for s, other in zip(ranked, reversed(ranked), strict=True)
        }
        known: dict = {}
        fell = 0
        for uid in before:
            plain = attribution.passes(pack, block.id, uid, before, after)
            kept = attribution.passes(pack, block.id, uid, before, after, known)
            assert plain == kept
            fell += bool(plain)
        assert fell or len(ranked) < 2  # the reversed order makes the lower half fall


def test_levels_read_off_a_table_are_the_formulas(example):
    pack, _ = example
    table = percent_levels(pack)
    if table is None:
        return
    edges = {c for lv in pack.levels for c in _level_constants(lv)}
    tiny = Decimal("1e-20")
    points = {e + d for e in edges for d in (-tiny, 0, tiny)}
    points |= {Decimal(i) / 1000 for i in range(-50, 1150, 7)}
    for p in points:
        assert table(p) == level_at(pack, p, Decimal(1)), p


def _level_constants(level):
    from criteria_engine.dsl.nodes import Number, walk

    return [n.value for n in walk(level.when.node) if isinstance(n, Number)]


def test_sets_tried_by_the_probe_match_sets_tried_by_the_engine(example):
    pack, batch = example
    for plan in next_level(pack, batch):
        unit = batch.units[(plan.block, plan.unit_id)]
        assert plan_unit(batch, unit, plan.target, probe_sets=False) == plan, plan.unit_id


@pytest.mark.parametrize("ties", ["shared", "dense"])
def test_the_rank_band_is_where_the_rank_stays(ties):
    """Every value a unit can move to keeps its rank exactly where the band says so."""
    import types

    from criteria_engine.analyses._steps import _band, _keeps_rank

    pack = types.SimpleNamespace(ranking=types.SimpleNamespace(ties=ties))
    ordered = sorted((Decimal(v),) for v in (1, 3, 3, 5, 8, 8, 8, 10))
    probes = [(Decimal(v) / 2,) for v in range(0, 23)]
    for own in set(ordered):
        band = _band(pack, ordered, own)
        here = _rank_with(pack, ordered, own, own)
        for value in probes:
            same = _rank_with(pack, ordered, own, value) == here
            assert _keeps_rank(band, own, value) == same, (ties, own, value)


def test_a_step_that_makes_a_criterion_apply_is_found():
    """One more request for postal delivery makes criterion 3.5 apply: the maximum grows
    and a commune at the edge of its level falls, with no score of its own moving."""
    import criteria_engine as ce

    from .helpers import ROOT

    pack = ce.load_pack("hungyen")
    batch = evaluate_batch(pack, records(ROOT / "packs/hungyen/examples/2019"))
    found = ce.sensitivity(pack, batch, weights="0.1", block="commune").fragile
    moved = [f for f in found if f.input == "postal_requested" and f.before == 0]
    assert moved
    for f in moved:
        unit = batch.units[("commune", f.unit_id)]
        after = batch.evaluate(with_values(unit.submission, {f.input: f.after}))
        assert after.max_total != unit.result.max_total
        assert (after.total, after.level) == (f.total_after, f.level_after)
        assert f.criteria  # the criterion that now applies is named
