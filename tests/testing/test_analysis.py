"""What the analysis reads from formulas: shares, thresholds, divisors and level cuts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from criteria_engine.loading.finder import load_pack
from criteria_engine.testing.analysis import Cut, RatioCut, Share, analyse, level_cuts

from ..helpers import MINIPACK


def _facts(pack_path, block="commune"):
    pack = load_pack(str(pack_path))
    return analyse(pack, pack.block(block))


def test_a_ratio_makes_its_numerator_a_part_of_its_denominator(shared_pack):
    facts = _facts(shared_pack)
    assert Share(("staff_with_pc",), "staff_total", "1.1") in facts.shares
    assert Share(("records_online",), "records_total", "3.1") in facts.shares
    assert Share(("services_online",), "services_total", "3.2") in facts.shares


def test_a_sum_over_a_whole_is_one_share():
    facts = _facts("gialai", "department")
    assert Share(("dvc_level3", "dvc_level4"), "tthc_total", "4.1") in facts.shares


def test_wholes_come_before_their_parts(shared_pack):
    order = _facts(shared_pack).order
    assert order.index("staff_total") < order.index("staff_with_pc")
    assert order.index("records_total") < order.index("records_online")


def test_a_chain_of_shares_is_ordered_from_the_top():
    facts = _facts("gialai", "department")
    order = facts.order
    assert order.index("docs_out_total") < order.index("docs_out_electronic")
    assert order.index("docs_out_electronic") < order.index("docs_signed_digital")


def test_a_step_table_on_a_ratio_gives_ratio_thresholds(shared_pack):
    cuts = _facts(shared_pack).cuts
    ratios = {c.ratio for c in cuts if isinstance(c, RatioCut) and c.criterion == "3.1"}
    assert ratios == {Decimal("0.80"), Decimal("0.50"), Decimal(0)}


def test_a_comparison_with_a_constant_gives_a_threshold(shared_pack):
    assert Cut("services_total", Decimal(0), "3.2") in _facts(shared_pack).cuts


def test_a_percent_input_is_cut_in_percent_points():
    cuts = _facts("gialai", "commune").cuts
    assert Cut("ontime_rate", Decimal("95.00"), "3.3") in cuts


def test_divisors_are_found_in_ratios_and_divisions(shared_pack):
    divisors = _facts(shared_pack).divisors
    assert divisors["staff_total"] == ("1.1",)
    assert "staff_with_pc" not in divisors
    assert set(_facts(MINIPACK).divisors) >= {"docs_total", "services_total"}


def test_texts_compared_with_an_input_are_collected():
    facts = _facts(MINIPACK)
    assert facts.texts["head_role"] == ("Chủ tịch", "Phó Chủ tịch")


def test_bounds_use_the_declared_range_and_a_cap_where_none_is_declared():
    facts = _facts(MINIPACK)
    assert facts.low["docs_total"] == 0
    assert facts.high["docs_total"] == 10_000  # no max declared
    assert facts.high["bandwidth"] == 10_000


def test_the_data_window_comes_from_the_calendar():
    facts = _facts("gialai", "commune")
    assert facts.year == 2019
    assert facts.window == (dt.date(2018, 11, 1), dt.date(2019, 10, 31))


def test_level_cuts_are_the_percentages_of_the_scale(shared_pack):
    pack = load_pack(str(shared_pack))
    assert level_cuts(pack, pack.block("commune")) == [
        Decimal("0.50"),
        Decimal("0.70"),
        Decimal("0.85"),
    ]


def test_a_level_on_the_total_is_turned_into_a_percentage(new_pack):
    path = new_pack / "pack.yaml"
    text = path.read_text(encoding="utf-8").replace("'percent >= 70%'", "'total >= 70'")
    path.write_text(text, encoding="utf-8")
    pack = load_pack(str(new_pack))
    assert Decimal("0.7") in level_cuts(pack, pack.block("commune"))
