"""Bắc Kạn (``backan``): Article 2 of 290/QĐ-UBND, the rank change from 2018 to 2019.

Article 2 makes the head of every unit ranked lower in 2019 than in 2018 answer to the
Chairman of UBND tỉnh. The province runs it in two steps, and so do these tests: the 2018
results are saved as JSON by ``criteria-engine evaluate … --format json``, then given back
as the previous period of ``criteria-engine report backan rank-change``. The CLI output is
checked as a user sees it; the same report built in-process gives the full-precision rows
for the finer checks, and a copy of the pack without ``renamed_units`` shows what that
declaration is for.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from criteria_engine import MISSING, BatchOutcome, Pack, load_previous, run_batch
from criteria_engine.reports import ReportContext, Table, find_report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RENAMED_FROM, RENAMED_TO = "van-phong-ubnd-tinh", "van-phong-doan-dbqh-hdnd-va-ubnd-tinh"
OFFICE = "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh"
ABSENT_NOTE = "không có trong kỳ này"
FELL = "xuống hạng"


def _rank_change(pack: Pack, outcome: BatchOutcome, previous_file: Path) -> dict[str, Table]:
    """The rank-change report built in-process, per block."""
    ctx = ReportContext(pack, outcome, previous=load_previous(previous_file))
    return {t.block: t for t in find_report(ctx.pack, "rank-change").build(ctx) if t.block}


def _rows(table: Table) -> list[dict[str, Any]]:
    assert table.keys is not None
    return [dict(zip(table.keys, row, strict=True)) for row in table.rows]


def _row_for(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [row for row in rows if row["unit"] == name]
    assert len(found) == 1, (name, found)
    return found[0]


@pytest.fixture(scope="module")
def saved_2018(tmp_path_factory: pytest.TempPathFactory, cli) -> Path:
    """The 2018 results saved by the CLI, exactly as the province would keep them."""
    out = tmp_path_factory.mktemp("backan") / "prev.json"
    proc = cli("evaluate", "backan", str(EXAMPLES / "2018"), "--format", "json", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out


@pytest.fixture(scope="module")
def cli_rank_change(saved_2018: Path, cli) -> dict[str, dict[str, Any]]:
    """The rank-change report of 2019 against the saved 2018 results, from the CLI."""
    proc = cli(
        "report",
        "backan",
        "rank-change",
        str(EXAMPLES / "2019"),
        "--previous",
        str(saved_2018),
        "--format",
        "json",
        "-q",
    )
    assert proc.returncode == 0, proc.stderr
    return {table["block"]: table for table in json.loads(proc.stdout)}


@pytest.fixture(scope="module")
def rank_change(pack: Pack, batches, saved_2018: Path) -> dict[str, list[dict[str, Any]]]:
    """The same report in-process, with its rows as dicts (the full-precision values)."""
    tables = _rank_change(pack, batches["2019"][0], saved_2018)
    return {block: _rows(table) for block, table in tables.items()}


# --- 10: who fell ----------------------------------------------------------------------------


def test_saved_results_are_the_2018_round(saved_2018: Path) -> None:
    """Rule 10: the file the CLI saves holds 19 / 8 / 109 ranked units, 0 errors."""
    data = json.loads(saved_2018.read_text(encoding="utf-8"))
    assert data["pack"] == "backan@2018" and data["period"] == "2018"
    assert data["counts"] == {"units": 136, "results": 136, "errors": 0}
    assert {b: len(rows) for b, rows in data["blocks"].items()} == {
        "department": 19,
        "district": 8,
        "commune": 109,
    }


def test_rank_change_lists_every_unit_with_both_ranks_and_scores(
    cli_rank_change, standings
) -> None:
    """Rule 10: per block, every unit of either year with its previous and current rank and
    score, as the 2018 and 2019 batches give them."""
    before, now = standings["2018"], standings["2019"]
    for block, table in cli_rank_change.items():
        rows = {row["unit"]: row for row in table["rows"]}
        names_now = {s.name: s for (b, _), s in now.items() if b == block}
        names_before = {s.name: s for (b, _), s in before.items() if b == block}
        # the renamed office's old name is matched to its new one, not listed twice
        assert set(rows) == set(names_now) | (set(names_before) - {"Văn phòng UBND tỉnh"})
        for name, current in names_now.items():
            row = rows[name]
            assert row["rank"] == current.rank
            assert Decimal(row["total"]) == current.published_total
        for name, old in names_before.items():
            if name in rows:
                assert rows[name]["previous_rank"] == old.rank
                assert Decimal(rows[name]["previous_total"]) == old.published_total


FALLEN = {
    "department": {
        "so-tu-phap": (1, 9),
        "so-cong-thuong": (4, 16),
        "so-xay-dung": (9, 19),
        "so-giao-thong-van-tai": (4, 7),
        "so-giao-duc-va-dao-tao": (11, 15),
        "ban-dan-toc": (15, 18),
        "so-lao-dong-thuong-binh-va-xa-hoi": (7, 8),
        RENAMED_TO: (8, 14),
    },
    "district": {"huyen-cho-moi": (1, 5), "huyen-ngan-son": (5, 8), "huyen-na-ri": (2, 4)},
}
FALLEN_COUNTS = {"department": 8, "district": 3, "commune": 58}


def test_rank_change_flags_fallen_units(rank_change, standings) -> None:
    """Rule 10: 8 departments, 3 districts and 58 communes present in both years fell; the
    absent ``xa-cao-tri`` (17th in 2018) is listed as fallen too."""
    now = standings["2019"]
    for block, rows in rank_change.items():
        present = [row for row in rows if row["note"] != ABSENT_NOTE]
        assert sum(row["flag"] == FELL for row in present) == FALLEN_COUNTS[block], block
        for row in present:  # the flag is exactly "a larger rank number than last year"
            fell = row["previous_rank"] is not None and row["rank"] > row["previous_rank"]
            assert (row["flag"] == FELL) == fell, row
    for block, units in FALLEN.items():
        for unit, (previous, current) in units.items():
            row = _row_for(rank_change[block], now[(block, unit)].name)
            assert (row["previous_rank"], row["rank"], row["flag"]) == (previous, current, FELL)
    absent = _row_for(rank_change["commune"], "Xã Cao Trĩ")
    assert (absent["previous_rank"], absent["rank"], absent["flag"]) == (17, None, FELL)
    assert absent["note"] == ABSENT_NOTE


def test_rank_change_keeps_risers_and_equal_ties_unflagged(rank_change) -> None:
    """Rule 10: a rise is no fall, and 2nd-equal in both years (Ba Bể) has not moved."""
    pac_nam = _row_for(rank_change["district"], "Huyện Pác Nặm")
    noi_vu = _row_for(rank_change["department"], "Sở Nội vụ")
    ba_be = _row_for(rank_change["district"], "Huyện Ba Bể")
    assert (pac_nam["previous_rank"], pac_nam["rank"], pac_nam["flag"]) == (8, 1, "")
    assert (noi_vu["previous_rank"], noi_vu["rank"], noi_vu["flag"]) == (17, 4, "")
    assert (ba_be["previous_rank"], ba_be["rank"], ba_be["flag"]) == (2, 2, "")


def test_rank_change_cli_marks_the_same_units(cli_rank_change) -> None:
    """Rule 10 from the CLI: the counts of fallen units per block, absent unit included."""
    for block, table in cli_rank_change.items():
        flagged = sum(row["flag"] == FELL for row in table["rows"])
        absent = sum(row["note"] == ABSENT_NOTE for row in table["rows"])
        assert flagged == FALLEN_COUNTS[block] + absent, block
        assert table["note"].startswith(f"{flagged} đơn vị xuống hạng")
    assert [r["unit"] for r in cli_rank_change["commune"]["rows"] if r["note"] == ABSENT_NOTE] == [
        "Xã Cao Trĩ"
    ]


def test_fallen_units_have_a_head_to_answer(standings) -> None:
    """Rule 10: the head who answers (Art. 2) is known for every unit that fell."""
    now = standings["2019"]
    for block, units in FALLEN.items():
        for unit in units:
            head = now[(block, unit)].head or {}
            assert head.get("name") and head.get("title"), unit


def test_rank_change_report_names_the_head_of_each_fallen_unit(cli_rank_change, standings):
    """Rule 10: the list sent to the Chairman names who answers for each fall."""
    heads = {s.name: s.head for s in standings["2019"].values()}
    for table in cli_rank_change.values():
        for row in table["rows"]:
            if row["flag"] == FELL and row["note"] != ABSENT_NOTE:
                assert heads[row["unit"]]["name"] in json.dumps(row, ensure_ascii=False)


def test_rank_change_follows_renamed_unit(rank_change) -> None:
    """Rule 11: the merged office keeps the 2018 rank of Văn phòng UBND tỉnh: 8 → 14, fell."""
    row = _row_for(rank_change["department"], OFFICE)
    assert (row["previous_rank"], row["rank"], row["change"], row["flag"]) == (8, 14, -6, FELL)
    assert row["previous_total"] == Decimal("70.15") and RENAMED_FROM in row["note"]
    assert not [r for r in rank_change["department"] if r["unit"] == "Văn phòng UBND tỉnh"]


def test_without_renamed_units_the_history_is_lost(pack_copy, files, saved_2018: Path) -> None:
    """Rule 11 is ``renamed_units``: without it the office looks new and escapes Art. 2,
    while its old id shows up as a unit that is no longer there."""
    pack_copy.edit("pack.yaml", f"  {RENAMED_FROM}: {RENAMED_TO}\n", "")
    pack_copy.edit("pack.yaml", "renamed_units:\n", "renamed_units: {}\n")
    plain = pack_copy.load()
    assert dict(plain.renamed_units) == {}
    rows = _rows(_rank_change(plain, run_batch(plain, files("2019")), saved_2018)["department"])
    office = _row_for(rows, OFFICE)
    assert (office["previous_rank"], office["flag"], office["note"]) == (None, "", "mới")
    old = _row_for(rows, "Văn phòng UBND tỉnh")
    assert (old["previous_rank"], old["rank"], old["note"]) == (8, None, ABSENT_NOTE)


def test_rank_change_new_and_absent_units(rank_change) -> None:
    """Rule 12: ``xa-dong-vien`` is new (no previous rank, not fallen); ``xa-cao-tri`` is
    absent in 2019 and shown with its 2018 rank and score."""
    new = _row_for(rank_change["commune"], "Xã Đông Viên")
    assert (new["previous_rank"], new["rank"], new["flag"], new["note"]) == (None, 9, "", "mới")
    assert new["previous_total"] is None and new["total"] == Decimal("85.00")
    absent = _row_for(rank_change["commune"], "Xã Cao Trĩ")
    assert Decimal(str(absent["previous_total"])) == Decimal("74.22")
    assert absent["total"] is None


def test_absent_unit_previous_score_is_a_number(rank_change) -> None:
    """Rule 12: the absent unit's 2018 score is a figure like every other previous score."""
    absent = _row_for(rank_change["commune"], "Xã Cao Trĩ")
    assert isinstance(absent["previous_total"], Decimal)


def test_missing_row_of_the_new_id_does_not_shadow_the_renamed_unit(
    pack: Pack, batches, saved_2018: Path, tmp_path: Path
) -> None:
    """Rule 11 (README, format limits): previous results evaluated with a roster that already
    lists the new id carry a *missing* row under it; the ranked, renamed row must win."""
    data = json.loads(saved_2018.read_text(encoding="utf-8"))
    data["blocks"]["department"].append({"unit_id": RENAMED_TO, "name": OFFICE, "status": MISSING})
    previous = tmp_path / "prev-with-missing.json"
    previous.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rows = _rows(_rank_change(pack, batches["2019"][0], previous)["department"])
    row = _row_for(rows, OFFICE)
    assert (row["previous_rank"], row["rank"], row["flag"]) == (8, 14, FELL)


# --- 13: each round on its own, from the CLI -------------------------------------------------


def test_cli_evaluates_2019_and_prints_every_block(pack: Pack, cli) -> None:
    """Rule 13: ``criteria-engine evaluate backan examples/2019`` exits 0 with all 3 blocks
    (the 2018 round is saved the same way by the ``saved_2018`` fixture)."""
    proc = cli("evaluate", "backan", str(EXAMPLES / "2019"), "-q")
    assert proc.returncode == 0, proc.stderr
    for block in pack.blocks:
        assert block.title in proc.stdout
    assert "Xã Đông Viên" in proc.stdout and "Xã Cao Trĩ" not in proc.stdout
