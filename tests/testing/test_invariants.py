"""Each invariant holds on a sound pack and fails, readably, when the rule is broken.

A sound pack is the one ``criteria-engine new`` makes. To break a rule that loading
cannot catch, the tests edit the pack; to break one the engine itself guarantees (scores
held at their maximum, ranks 1-2-2-4), they break the engine for the duration of a test.
"""

from __future__ import annotations

import attrs
import pytest

from criteria_engine.loading.finder import load_pack
from criteria_engine.ranking import order as ranking
from criteria_engine.testing import _base
from criteria_engine.testing.invariants import (
    INVARIANTS,
    assert_levels_cover,
    assert_monotone,
    assert_order_independent,
    assert_pack_invariants,
    assert_ranking_rules,
    assert_scores_within_bounds,
    assert_totals_within_maximum,
    check_pack_deep,
)

from ..helpers import MINIPACK, edit

SMALL = 15  # examples per invariant: enough for these packs, fast in CI


def test_a_new_pack_keeps_every_invariant(shared_pack):
    assert check_pack_deep(str(shared_pack), max_examples=SMALL) == []


def test_each_invariant_can_be_called_alone(shared_pack):
    for invariant in INVARIANTS.values():
        invariant(str(shared_pack), "commune", max_examples=5)


def test_an_unknown_block_is_an_error(shared_pack):
    with pytest.raises(ValueError, match="no block 'nope'"):
        assert_monotone(str(shared_pack), "nope", max_examples=5)


def test_a_divisor_marked_better_fails_monotonicity_in_the_units_terms():
    with pytest.raises(AssertionError) as failure:
        assert_monotone(str(MINIPACK), max_examples=SMALL)
    message = str(failure.value)
    assert "Tổng số văn bản đi (docs_total) is marked `better: higher`" in message
    assert "raising it from 1 to 2 lowered the total" in message
    assert "1.1 Tỷ lệ văn bản đi điện tử: 10 → 5" in message
    assert "hint: docs_total divides in criterion 1.1" in message


def test_a_monotonicity_failure_names_every_input_that_fails(new_pack):
    criteria = new_pack / "criteria" / "commune.yaml"
    for name in ("staff_total", "records_total"):
        edit(criteria, f"  {name}:\n    label:", f"  {name}:\n    better: higher\n    label:")
    with pytest.raises(AssertionError) as failure:
        assert_monotone(str(new_pack), max_examples=SMALL)
    assert "(staff_total) is marked" in str(failure.value)
    assert "(records_total) is marked" in str(failure.value)


def test_a_threshold_that_excludes_its_own_value_fails_the_level_invariant(new_pack):
    edit(new_pack / "pack.yaml", "'percent >= 85%'", "'percent > 85%'")
    with pytest.raises(AssertionError) as failure:
        assert_levels_cover(str(new_pack))
    assert (
        "a unit exactly on 85 % gets 'Khá' but one just above it gets 'Tốt': a total exactly "
        "on a threshold must get the higher level"
    ) in str(failure.value)


def test_a_level_listed_after_a_wider_one_is_never_given(new_pack):
    edit(new_pack / "pack.yaml", "'percent >= 70%'", "'percent >= 90%'")
    with pytest.raises(AssertionError, match="level 'Khá' is never given"):
        assert_levels_cover(str(new_pack))


def test_a_level_that_stops_short_lets_a_lower_level_overlap_it(new_pack):
    edit(new_pack / "pack.yaml", "'percent >= 70%'", "'percent >= 70% and percent < 80%'")
    with pytest.raises(AssertionError) as failure:
        assert_levels_cover(str(new_pack))
    assert "levels overlap: a unit at 80 % gets 'Trung bình' but one at" in str(failure.value)


def test_a_score_above_its_maximum_is_reported_with_the_criterion(shared_pack, monkeypatch):
    evaluate = _base.evaluate

    def inflated(pack, unit, aggregates=None):
        result = evaluate(pack, unit, aggregates)
        top = result.criteria[0]
        child = attrs.evolve(top.children[0], score=top.children[0].max + 1)
        return attrs.evolve(
            result,
            criteria=(attrs.evolve(top, children=(child, *top.children[1:])), *result.criteria[1:]),
        )

    monkeypatch.setattr(_base, "evaluate", inflated)
    with pytest.raises(AssertionError) as failure:
        assert_scores_within_bounds(str(shared_pack), max_examples=5)
    message = str(failure.value)
    assert "criterion 1.1 Tỷ lệ cán bộ, công chức được trang bị máy tính scored 21" in message
    assert "outside 0 … 20" in message
    assert "Tổng số cán bộ, công chức (staff_total) =" in message
    with pytest.raises(AssertionError, match="group 1 Hạ tầng kỹ thuật scored"):
        assert_totals_within_maximum(str(shared_pack), max_examples=5)


def test_dense_ranks_break_the_ranking_rule(shared_pack, monkeypatch):
    def dense(values):
        ranks = []
        for i, value in enumerate(values):
            ranks.append(
                ranks[-1] if i and value == values[i - 1] else (ranks[-1] + 1 if ranks else 1)
            )
        return ranks

    monkeypatch.setattr(ranking, "_competition_ranks", dense)
    # dense ranks differ only after a tie with a lower total behind it; Hypothesis mixes the
    # constants of every loaded module into what it draws, so which batches come up depends
    # on what else the run imported: 40 examples did not always hold such a batch, 100 leave
    # a wide margin
    with pytest.raises(AssertionError) as failure:
        assert_ranking_rules(str(shared_pack), max_examples=100)
    assert "equal totals share a rank and the next rank is skipped (1, 2, 2, 4)" in str(
        failure.value
    )


def test_input_order_deciding_ties_breaks_order_independence(shared_pack, monkeypatch):
    monkeypatch.setattr(ranking, "sort_key", lambda name: 0)
    with pytest.raises(AssertionError, match="the same units in another order gave another table"):
        assert_order_independent(str(shared_pack), max_examples=40)


def test_assert_pack_invariants_raises_every_failure_together():
    with pytest.raises(AssertionError) as failure:
        assert_pack_invariants(str(MINIPACK), max_examples=SMALL)
    assert str(failure.value).startswith("minipack@2020: monotonicity: block commune:")


def test_a_pack_can_be_given_loaded(shared_pack):
    assert check_pack_deep(load_pack(str(shared_pack)), max_examples=5) == []
