"""Why a total or rank changed: the parts add up to the change exactly, per group and per
criterion; across pack versions the unit's and the rules' parts add up too."""

from __future__ import annotations

import decimal
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import criteria_engine as ce
from criteria_engine.analyses.attribution import WIDE

from .helpers import MINIPACK, ROOT, example_sets, mini_unit, pack_for, records


def _sum(parts):
    with decimal.localcontext(WIDE):
        return sum((p.change for p in parts), decimal.Decimal(0))


def _check_exact(changes):
    for ch in changes:
        if ch.change is None:
            continue
        assert _sum(ch.groups) == ch.change, ch.unit_id
        if ch.criteria and ch.unit_part is None:
            assert _sum(ch.criteria) == ch.change, ch.unit_id


mini_inputs = st.fixed_dictionaries(
    {
        "docs_electronic": st.integers(0, 100),
        "has_portal": st.booleans(),
        "bandwidth": st.integers(0, 100),
        "has_server_room": st.booleans(),
        "services_online": st.integers(0, 10),
        "head_role": st.sampled_from(["Chủ tịch", "Phó Chủ tịch", "Khác"]),
        "incidents": st.integers(0, 9),
    }
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(mini_inputs, mini_inputs), min_size=2, max_size=5))
def test_parts_add_up_to_the_change_exactly(pairs):
    pack = ce.load_pack(str(MINIPACK))
    before = [mini_unit(f"u{i}", **a) for i, (a, _) in enumerate(pairs)]
    after = [mini_unit(f"u{i}", **b) for i, (_, b) in enumerate(pairs)]
    changes = ce.attribute(pack, after, before)
    assert len(changes) == len(pairs)
    _check_exact(changes)
    for ch in changes:
        assert ch.criteria or ch.change == 0
        if ch.fell:
            assert ch.passed_by, "a unit that fell was passed by someone"
            for p in ch.passed_by:
                assert all(g > 0 for _, g in p.groups)


def test_backan_two_years_from_submissions_and_from_saved_results(tmp_path):
    pack = ce.load_pack("backan")
    now = records(ROOT / "packs/backan/examples/2019")
    then = records(ROOT / "packs/backan/examples/2018")
    full = ce.attribute(pack, now, then)
    _check_exact(full)
    assert any(ch.fell and ch.passed_by for ch in full)
    saved = tmp_path / "2018.json"
    outcome = ce.run_batch(pack, units=then)
    saved.write_text(json.dumps(ce.outcome_json(outcome, "2018"), ensure_ascii=False))
    from_file = ce.attribute(pack, now, ce.load_previous(saved, pack=pack, period="2019"))
    _check_exact(from_file)
    by_id = {c.unit_id: c for c in full}
    for ch in from_file:
        if ch.unit_id in by_id and ch.change is not None:
            assert ch.change == by_id[ch.unit_id].change
            assert ch.rank_before == by_id[ch.unit_id].rank_before


def test_hatinh_rules_and_unit_parts_across_versions():
    new, old = ce.load_pack("hatinh"), ce.load_pack("hatinh@2019")
    now = records(ROOT / "packs/hatinh/examples/2022")
    then = records(ROOT / "packs/hatinh/v2019/examples/2020")
    changes = [c for c in ce.attribute(new, now, then, previous_pack=old) if c.change is not None]
    both = [c for c in changes if c.total_before is not None and c.total_after is not None]
    assert both
    for ch in both:
        with decimal.localcontext(WIDE):
            assert ch.unit_part + ch.rules_part == ch.change
        # criteria whose inputs the 2019 form did not ask for are said to have no counterpart
        assert ch.unmatched
        assert _sum(ch.criteria) == ch.unit_part
    _check_exact(changes)


@pytest.mark.parametrize(("name", "folder"), example_sets(), ids=lambda v: str(v)[-30:])
def test_every_bundled_example_against_itself_changes_nothing(name, folder):
    pack = pack_for(name, folder)
    units = records(folder)
    for ch in ce.attribute(pack, units, units):
        assert ch.change in (0, None)
        assert all(p.change == 0 for p in (*ch.groups, *ch.criteria))
        assert not ch.fell
