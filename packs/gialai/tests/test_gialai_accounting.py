"""Gia Lai (``gialai``): every unit accounted for, as letter 1252/STTTT-CNTT asks.

"Sau thời gian này, đơn vị nào chưa gửi kết quả đánh giá sẽ không được xếp hạng (xem như
xếp hạng cuối)": a unit whose results cannot be shown to have come in time is not ranked
either, a late unit keeps its level (the letter withholds the rank only), ids off the
roster are refused, and the results are drafts until UBND tỉnh approves them.
"""

from __future__ import annotations

import json
from pathlib import Path

import criteria_engine as ce
from criteria_engine.reports import ReportContext, find_report


def _write(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps({"units": records}, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_undated_department_is_listed_unranked(pack, records, files, tmp_path) -> None:
    """Rule 14: the best department with its date removed is not ranked 1st: it is listed
    after the ranked units with a finding naming ``submitted``."""
    batch = records()
    best = batch[("department", "van-phong-ubnd-tinh")]
    del best["submitted"]
    outcome = ce.run_batch(pack, [_write(tmp_path, list(batch.values()))])
    rows = outcome.tables["department"]
    row = next(s for s in rows if s.unit_id == "van-phong-ubnd-tinh")
    assert (row.status, row.rank) == (ce.UNDATED, None)
    assert rows[0].unit_id != "van-phong-ubnd-tinh" and rows[0].rank == 1
    ranked = [s for s in rows if s.rank is not None]
    assert rows.index(row) > rows.index(ranked[-1])
    result = ce.evaluate(pack, best, ce.block_aggregates(pack, batch.values())["department"])
    assert [(f.code, f.field) for f in result.findings if f.code == "undated"] == [
        ("undated", "submitted")
    ]
    assert outcome.errors == []


def test_late_units_keep_their_level(pack, standings) -> None:
    """Rule 14 (interpretation): the letter withholds the rank ("không được xếp hạng"),
    not the assessment, so a late unit is shown with its level."""
    assert pack.ranking.unranked_level is True
    late = [s for s in standings.values() if s.status == ce.LATE]
    assert late and all(s.level is not None and s.rank is None for s in late)


def test_withholding_levels_is_a_pack_setting(pack_copy, files) -> None:
    """Rule 14 is ``ranking.unranked_level``: set to false, late units show no level."""
    pack_copy.edit("pack.yaml", "unranked_level: true", "unranked_level: false")
    outcome = ce.run_batch(pack_copy.load(), files)
    late = [s for rows in outcome.tables.values() for s in rows if s.status == ce.LATE]
    assert late and all(s.level is None for s in late)


def test_a_mistyped_id_is_refused_with_the_real_one(pack, records, tmp_path) -> None:
    """Rule 15: ``so-tai-chin`` is not on the roster; it is refused (did you mean
    ``so-tai-chinh``?) instead of being ranked while the real unit is listed missing."""
    batch = records()
    unit = batch[("department", "so-tai-chinh")]
    unit["id"] = "so-tai-chin"
    outcome = ce.run_batch(pack, [_write(tmp_path, list(batch.values()))])
    (error,) = outcome.errors
    assert (error.unit, error.field) == ("so-tai-chin", "id")
    assert "did you mean 'so-tai-chinh'" in error.message
    table = ce.rank_lookup(outcome.tables)
    assert ("department", "so-tai-chin") not in table
    assert table[("department", "so-tai-chinh")].status == ce.MISSING


def test_ranked_on_the_percent_of_each_units_maximum(standings, results) -> None:
    """Rule 17: ``huyen-ia-pa`` (204.95 of 280, 73.20 %) ranks above ``huyen-dak-doa``
    (210 of 300, 70 %), as its level is higher, although its total is lower."""
    ia_pa, dak_doa = ("district", "huyen-ia-pa"), ("district", "huyen-dak-doa")
    assert results[ia_pa].total < results[dak_doa].total
    assert results[ia_pa].percent > results[dak_doa].percent
    assert standings[ia_pa].rank < standings[dak_doa].rank


def test_with_the_total_as_measure_the_order_would_invert(pack_copy, files) -> None:
    """Rule 17 is ``ranking.measure: percent``: on the total, Ia Pa falls below Đak Đoa."""
    pack_copy.edit("pack.yaml", "  measure: percent", "  measure: total")
    table = ce.rank_lookup(ce.run_batch(pack_copy.load(), files).tables)
    assert table[("district", "huyen-ia-pa")].rank > table[("district", "huyen-dak-doa")].rank


def test_results_are_drafts_until_approved(pack, files) -> None:
    """Rule 18: UBND tỉnh approves and publishes; the tables say where the results stand."""
    draft = ce.run_batch(pack, files)
    assert draft.state == "draft"
    (first, *_) = find_report(pack, "ranking").build(ReportContext(pack, draft))
    assert "Dự thảo" in first.note
    approved = find_report(pack, "ranking").build(
        ReportContext(pack, draft.with_state("approved"))
    )[0]
    assert "Đã được phê duyệt" in approved.note
