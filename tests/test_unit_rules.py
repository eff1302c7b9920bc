"""One unit's evaluation at its edges: caps and floors exactly at the limit, self-assessment
findings, the data window's inclusive ends, levels on the published figure, verified values,
and what ``evaluate`` says when block-wide figures come from the unit alone."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest

import criteria_engine as ce
from criteria_engine.evaluation.unit import _effective_max
from criteria_engine.model.pack import Criterion, ExcludedUnit
from criteria_engine.model.results import EXCLUDED, INTERIM

from .helpers import MINIPACK

EXAMPLE = MINIPACK / "examples" / "commune.json"
BEST = {"best:bandwidth": Decimal(100)}


@pytest.fixture(scope="module")
def pack():
    return ce.load_pack(str(MINIPACK))


def _unit(index: int = 0, **inputs) -> dict:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    unit = {**data["units"][index], "period": data["period"]}
    unit["inputs"] = {**unit["inputs"], **inputs}
    return unit


def _criterion(result, cid: str):
    return next(c for c in result.all_criteria() if c.id == cid)


def _codes(result) -> list[tuple[str, str | None]]:
    return [(f.code, f.criterion) for f in result.findings]


def test_an_excluded_unit_without_a_reason_gets_the_default_one(pack) -> None:
    bare = attrs.evolve(pack, excluded=(ExcludedUnit(id="xa-a"),))
    result = ce.evaluate(bare, _unit(), BEST)
    assert result.status == EXCLUDED
    assert [f.message for f in result.findings] == ["not evaluated under this decision"]


def test_an_interim_update_is_not_a_yearly_result(pack) -> None:
    result = ce.evaluate(pack, {**_unit(), "stage": "6m"}, BEST)
    assert result.status == INTERIM
    assert not [f for f in result.findings if f.code in ("late", "undated")]


def test_a_score_exactly_at_its_maximum_or_floor_is_not_capped_nor_floored(pack) -> None:
    at = ce.evaluate(pack, _unit(services_online=10, incidents=5), BEST)
    assert (_criterion(at, "2.2").capped, _criterion(at, "5").floored) == (False, False)
    over = ce.evaluate(pack, _unit(services_online=11, incidents=6), BEST)
    assert (_criterion(over, "2.2").capped, _criterion(over, "5").floored) == (True, True)
    assert (_criterion(over, "2.2").raw, _criterion(over, "5").raw) == (11, -6)


def test_a_capped_group_keeps_the_smaller_of_its_cap_and_what_applies() -> None:
    child = [Criterion(id=f"1.{i}", title="x", max=Decimal(m)) for i, m in enumerate((4, 4, 3))]
    group = Criterion(id="1", title="g", max=Decimal(9), children=tuple(child), cap=True)
    own = {"1": True, "1.0": True, "1.1": True, "1.2": True}
    assert _effective_max(group, own) == 9  # 11 of children, capped at 9
    assert _effective_max(group, {**own, "1.0": False}) == 7  # 4 + 3 left, below the cap


def test_the_declared_score_is_the_score_of_the_unit_s_own_figures(pack) -> None:
    unit = {**_unit(services_online=12), "verified": {"services_online": 5}}
    result = ce.evaluate(pack, unit, BEST)
    two_two = _criterion(result, "2.2")
    assert (two_two.score, two_two.declared) == (5, 10)  # 12 declared, capped at 10


def test_no_self_assessment_at_all_is_one_finding(pack) -> None:
    result = ce.evaluate(pack, _unit(), BEST)
    assert _codes(result).count(("missing-self-score", None)) == 1
    assert not [c for c in _codes(result) if c[0] == "missing-reason"]


def test_self_assessment_findings_per_criterion(pack) -> None:
    leaves = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4", "5"]
    scores = dict.fromkeys(leaves, 0)
    scores.update({"1.1": 10, "1.2": 3, "3.1": 21})  # at max, below max, above max
    del scores["1.3"]
    unit = {**_unit(services_total=0), "self_scores": scores, "reasons": {"3.2": "lý do"}}
    codes = _codes(ce.evaluate(pack, unit, BEST))
    assert ("missing-self-score", "1.3") in codes
    assert ("missing-reason", "1.2") in codes and ("missing-reason", "1.1") not in codes
    assert ("missing-reason", "3.2") not in codes  # a reason is given
    assert not [c for c in codes if c[1] in ("1", "2", "3")]  # groups are not self-assessed
    assert not [c for c in codes if c[1] == "2.1"]  # does not apply (no procedures)
    assert ("self-score-above-max", "3.1") in codes
    assert ("self-score-above-max", "1.1") not in codes  # equal to the maximum


def test_the_data_window_includes_both_ends(pack) -> None:
    start, end = pack.period_for(pack.block("commune")).window(2020)
    after, before = end + dt.timedelta(days=1), start - dt.timedelta(days=1)
    for day, outside in ((start, False), (end, False), (after, True), (before, True)):
        result = ce.evaluate(pack, _unit(plan_date=day.isoformat()), BEST)
        assert (("outside-window", None) in _codes(result)) == outside, day
    undated_year = {**_unit(plan_date="1999-01-01"), "period": None}
    assert ("outside-window", None) not in _codes(ce.evaluate(pack, undated_year, BEST))


def test_levels_on_the_published_percent(pack) -> None:
    """84.9987 % is published as 85.00 %: Khá on the exact share, Tốt on the published."""
    unit = _unit(docs_total=10000, docs_electronic=9999, head_role="Khác")
    exact = ce.evaluate(pack, unit, BEST)
    assert exact.published_percent == 85 and exact.percent < Decimal("0.85")
    assert exact.level == "Khá"
    published = ce.evaluate(attrs.evolve(pack, levels_on="published"), unit, BEST)
    assert published.level == "Tốt"
    weak = ce.evaluate(attrs.evolve(pack, levels_on="published"), _unit(1), BEST)
    assert weak.level == ce.evaluate(pack, _unit(1), BEST).level != "Tốt"


def test_given_aggregates_are_used_as_they_are(pack) -> None:
    alone = ce.evaluate(pack, _unit(1))  # bandwidth 50 is its own best: full marks
    among = ce.evaluate(pack, _unit(1), BEST)  # the batch's best is 100: half
    assert (_criterion(alone, "1.3").score, _criterion(among, "1.3").score) == (10, 5)
    assert "aggregates-from-this-unit" in [f.code for f in alone.findings]
    assert "aggregates-from-this-unit" not in [f.code for f in among.findings]


def test_without_block_wide_figures_there_is_no_note() -> None:
    pack = ce.load_pack("kontum")
    folder = pack.path / "examples" / "2021"
    record = json.loads((folder / "commune.json").read_text(encoding="utf-8"))
    unit = {**record["units"][0], "period": record.get("period", "2021")}
    result = ce.evaluate(pack, unit)
    assert result.unit_id == unit["id"]
    assert "aggregates-from-this-unit" not in [f.code for f in result.findings]


def test_a_top_level_item_of_weight_zero_is_shown_not_counted(tmp_path) -> None:
    from .helpers import copy_pack

    folder = copy_pack(tmp_path)
    with (folder / "criteria" / "commune.yaml").open("a", encoding="utf-8") as f:
        f.write(
            '  - id: "6"\n    title: Thông tin thêm (không tính điểm)\n    max: 5\n'
            "    weight: 0\n    formula: 5\n"
            '    provenance: {status: reconstructed, annex: Test, item: "6"}\n'
        )
    pack = ce.load_pack(str(folder))
    result = ce.evaluate(pack, _unit(), BEST)
    assert result.groups["6"] == 5 and _criterion(result, "6").counted is False
    assert (result.total, result.max_total) == (105, 100)  # 100 + the bonus 5, not 110
