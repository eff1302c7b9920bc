"""The three analyses on a pack written from the authoring guide alone (``criteria-engine
new``'s scaffold, which docs/authoring.md builds on), not on a bundled pack."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import criteria_engine as ce
from criteria_engine.scaffold import create_pack


def test_next_level_attribution_and_sensitivity_on_a_new_pack(tmp_path: Path) -> None:
    folder = create_pack("vidu", tmp_path, year=2026)
    pack = ce.load_pack(folder)
    records = [r.data for r in ce.read_records(sorted((folder / "examples").rglob("*.json")))]
    outcome = ce.run_batch(pack, units=records)
    ranked = [s for rows in outcome.tables.values() for s in rows if s.rank is not None]
    assert ranked

    plans = ce.next_level(pack, records)
    assert plans, "some example unit is below the top level"
    for plan in plans:
        assert plan.reached, plan.unit_id
        changed = {c.input: c.after for step in plan.plan for c in step.changes}
        record = next(copy.deepcopy(r) for r in records if r["id"] == plan.unit_id)
        record["inputs"].update(changed)
        figures = ce.block_aggregates(pack, [record, *(r for r in records if r is not record)])
        after = ce.evaluate(pack, record, figures[record["block"]])
        order = [level.name for level in pack.levels]
        assert order.index(after.level) <= order.index(plan.target), plan.unit_id

    lowered = copy.deepcopy(records)
    for record in lowered:
        record["inputs"] = {  # last year: every count half as high
            k: (v // 2 if isinstance(v, Decimal) else v) for k, v in record["inputs"].items()
        }
    changes = ce.attribute(pack, records, lowered)
    for change in changes:
        if change.change is not None:
            assert sum((p.change for p in change.groups), Decimal(0)) == change.change

    assert any(c.change for c in changes)

    found = ce.sensitivity(pack, records, weights="10%")
    actual = {s.unit_id: s.rank for s in ranked}
    for interval in found.intervals:
        if interval.unit_id in actual:
            assert interval.best <= actual[interval.unit_id] <= interval.worst
