"""What it takes to reach the next level: plans that the engine confirms, and no smaller
set of the criteria with headroom that reaches the level (brute force on a small pack)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine.analyses._batch import at_least, evaluate_batch, with_values
from criteria_engine.analyses._probe import Probe
from criteria_engine.analyses.next_level import _headroom, plan_unit

from .helpers import MINIPACK, example_sets, mini_unit, pack_for, records

REFERENCE = mini_unit("ref", bandwidth=100, docs_electronic=100, has_portal=True)

units = st.builds(
    lambda total, electronic, portal, bandwidth, room, services, online, role, incidents: mini_unit(
        "x",
        docs_total=total,
        docs_electronic=min(electronic, total),
        has_portal=portal,
        bandwidth=bandwidth,
        has_server_room=room,
        services_total=services,
        services_online=min(online, services),
        head_role=role,
        incidents=incidents,
    ),
    st.integers(1, 300),
    st.integers(0, 300),
    st.booleans(),
    st.integers(0, 100),
    st.booleans(),
    st.integers(0, 20),
    st.integers(0, 20),
    st.sampled_from(["Chủ tịch", "Phó Chủ tịch", "Khác"]),
    st.integers(0, 6),
)


def _changes(room) -> dict:
    return {c.input: c.after for c in room.changes}


@settings(max_examples=60, deadline=None)
@given(units, st.sampled_from(["Tốt", "Khá", "Trung bình", None]))
def test_plan_reaches_the_level_and_no_smaller_set_does(record, target):
    pack = ce.load_pack(str(MINIPACK))
    batch = evaluate_batch(pack, [REFERENCE, record])
    unit = batch.units[("commune", "x")]
    plan = plan_unit(batch, unit, target)
    if plan is None:
        return
    items = [(room, changes) for room, changes in _headroom(Probe(batch, unit)) if room.gain > 0]
    if plan.reached:
        changes = {}
        for step in plan.plan:
            changes.update(_changes(step))
        after = batch.evaluate(with_values(unit.submission, changes))
        assert at_least(pack, after.level, plan.target)
        assert after.total == plan.total_after
    size = len(plan.plan) if plan.reached else len(items) + 1
    for smaller in range(size):
        for combo in itertools.combinations(items, smaller):
            merged = {}
            for _, changes in combo:
                merged.update(changes)
            after = batch.evaluate(with_values(unit.submission, merged))
            assert not at_least(pack, after.level, plan.target), (
                f"{[r.criterion for r, _ in combo]} reach {plan.target} with fewer criteria "
                f"than {[s.criterion for s in plan.plan]}"
            )


def test_missing_points_are_exact_on_a_small_pack():
    pack = ce.load_pack(str(MINIPACK))
    batch = evaluate_batch(pack, [REFERENCE, mini_unit("x")])
    plan = plan_unit(batch, batch.units[("commune", "x")])
    assert plan.level == "Yếu"
    # Trung bình is "percent >= 50%" of a maximum of 100: 50 points
    assert plan.target == "Trung bình" and plan.needed_total == 50
    assert plan.missing == 50 - plan.total and not plan.strict
    assert plan.reached and plan.total_after >= 50


@pytest.mark.parametrize(("name", "folder"), example_sets(), ids=lambda v: str(v)[-30:])
def test_every_bundled_example_gets_confirmed_plans(name, folder):
    pack = pack_for(name, folder)
    batch = evaluate_batch(pack, records(folder))
    plans = ce.next_level(pack, batch)
    assert plans, "some unit of the examples is below the top level"
    for plan in plans:
        unit = batch.units[(plan.block, plan.unit_id)]
        changes = {}
        for step in plan.plan:
            assert step.gain > 0 and step.changes
            changes.update(_changes(step))
        after = batch.evaluate(with_values(unit.submission, changes))
        assert at_least(pack, after.level, plan.target) == plan.reached
        if plan.reached:
            assert after.total >= plan.total + (plan.missing or 0)


def test_an_unknown_target_level_is_refused():
    pack = ce.load_pack(str(MINIPACK))
    with pytest.raises(ValueError, match="no level 'Xuất sắc'"):
        ce.next_level(pack, [REFERENCE], target="Xuất sắc")
