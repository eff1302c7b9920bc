"""Evaluating units: exact figures, caps, not-applicable items, levels, findings."""

from __future__ import annotations

from decimal import Decimal

import pytest

import criteria_engine as ce
from criteria_engine.evaluation.batch import run_batch
from criteria_engine.inputs.records import read_records
from criteria_engine.loading.pack_dir import load_pack_dir

from .helpers import MINIPACK


@pytest.fixture(scope="module")
def pack():
    return load_pack_dir(MINIPACK)


@pytest.fixture(scope="module")
def results(pack):
    items = list(ce.evaluate_many(pack, read_records([MINIPACK / "examples/commune.json"])))
    return {r.unit_id: r for r in items}


def test_full_marks_with_bonus(results):
    a = results["xa-a"]
    assert a.total == Decimal(105) and a.max_total == 100
    assert a.level == "Tốt" and a.status == "ranked"
    assert a.score("4") == 5 and a.score("3.2") == 10


def test_exact_thirds_and_deduction(results):
    b = results["xa-b"]
    assert b.score("1.1") == 5 and b.score("1.3") == 5 and b.score("2.1") == 20
    assert b.score("3.2") == Decimal(10) / 3
    assert b.score("5") == -2
    assert b.total == Decimal(10) + 25 + 10 + Decimal(10) / 3 - 2
    assert b.published_total == Decimal("46.33") and b.level == "Yếu"


def test_not_applicable_reduces_the_maximum(results):
    c = results["xa-c"]
    assert c.score("2.1") is None
    assert c.max_total == 70 and c.total == 40
    assert c.published_percent == Decimal("57.14") and c.level == "Trung bình"


def test_late_unit_is_marked_and_explained(results):
    c = results["xa-c"]
    assert c.status == "late"
    assert any(f.code == "late" for f in c.findings)


def test_excluded_unit_is_not_an_error(results):
    assert results["xa-loai-tru"].status == "excluded"


def test_missing_self_scores_are_findings_not_errors(results):
    codes = {f.code for f in results["xa-a"].findings}
    assert "missing-self-score" in codes


def test_trace_carries_formula_and_inputs(results):
    one = next(c for c in results["xa-b"].all_criteria() if c.id == "1.1")
    assert one.formula == "max_points * ratio(docs_electronic, docs_total)"
    assert one.inputs == {"docs_electronic": 100, "docs_total": 200, "max_points": 10}


def _unit(**inputs):
    base = {
        "docs_total": 100,
        "docs_electronic": 85,
        "has_portal": True,
        "bandwidth": 10,
        "has_server_room": True,
        "services_total": 10,
        "services_online": 10,
        "head_role": "Chủ tịch",
    }
    return {
        "id": "u",
        "name": "Xã U",
        "block": "commune",
        "period": "2020",
        "inputs": {**base, **inputs},
    }


def test_levels_at_the_exact_boundary(pack):
    # 85 % of 100: docs 85/100 gives 8.5; remove the rest to land exactly on 85.
    unit = _unit(docs_electronic=100, has_portal=False, services_online=8)
    result = ce.evaluate(pack, unit)
    # 1: 10 + 0 + 10 + 5 = 25; 2: 30 + 8 = 38; 3: 20 + 25/3; no bonus
    assert result.total == Decimal(25) + 38 + 20 + Decimal(25) / 3
    boundary = ce.evaluate(
        pack,
        _unit(
            docs_electronic=0,
            has_portal=False,
            services_online=10,
            has_server_room=True,
            bandwidth=10,
        ),
    )
    assert boundary.total == Decimal(0) + 0 + 10 + 5 + 30 + 10 + 20 + 5 + 5
    assert boundary.percent == Decimal("0.85") and boundary.level == "Tốt"


def test_caps_are_recorded(pack):
    result = ce.evaluate(pack, _unit(services_online=25, services_total=30))
    two_two = next(c for c in result.all_criteria() if c.id == "2.2")
    assert two_two.score == 10 and two_two.capped and two_two.raw == 25


def test_invalid_unit_raises_with_every_error(pack):
    with pytest.raises(ce.EvaluationError) as info:
        ce.evaluate(pack, _unit(docs_total=-1, head_role="Thư ký", extra=1))
    fields = {e.field for e in info.value.errors}
    assert fields == {"inputs.docs_total", "inputs.head_role", "inputs.extra"}


def test_verified_values_replace_declared_ones_and_both_are_kept(pack):
    unit = _unit(docs_electronic=100)
    unit["verified"] = {"docs_electronic": 50}
    unit["self_scores"] = {"1.1": 10}
    result = ce.evaluate(pack, unit)
    one = next(c for c in result.all_criteria() if c.id == "1.1")
    assert (one.self_score, one.declared, one.score) == (10, 10, 5)


def test_batch_counts_in_equal_results_plus_errors(pack, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"units": [{"id": "x", "name": "X", "block": "commune", "inputs": {}},'
        ' {"id": "xa-a", "name": "Dup", "block": "nowhere"}]}',
        encoding="utf-8",
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    outcome = run_batch(pack, [MINIPACK / "examples/commune.json", bad, broken])
    assert outcome.results == 4
    assert outcome.units_in == 7
    assert {e.unit for e in outcome.errors} >= {"x", "xa-a", None}
    ranked = outcome.tables["commune"]
    assert [s.unit_id for s in ranked] == ["xa-a", "xa-b", "xa-c", "xa-loai-tru"]
    assert [s.rank for s in ranked] == [1, 2, None, None]


def test_a_few_units_score_as_in_the_whole_batch_given_its_figures() -> None:
    from pathlib import Path

    pack = ce.load_pack("hungyen")
    files = sorted(Path(__file__).parents[1].glob("packs/hungyen/examples/2019/department*.json"))
    records = list(ce.read_records(files))
    whole = {r.unit_id: r for r in ce.evaluate_many(pack, records)}
    figures = ce.block_aggregates(pack, records)
    few = list(ce.evaluate_many(pack, records[:2], aggregates=figures))
    assert [r.total for r in few] == [whole[r.unit_id].total for r in few]
    (alone,) = ce.evaluate_many(pack, records[:1])
    assert alone.total != whole[alone.unit_id].total  # best/mean over one unit differ
