"""The analyses as built-in reports, from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from criteria_engine.cli.main import main

from .helpers import ROOT

HUNGYEN = str(ROOT / "packs/hungyen/examples/2019")
BACKAN = ROOT / "packs/backan/examples"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_next_level_report_lists_plans_per_block():
    result = _run("report", "hungyen", "next-level", HUNGYEN, "-q", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = [row for table in data for row in table["rows"]]
    bac_son = [r for r in rows if r["unit_id"] == "xa-bac-son"]
    assert bac_son and bac_son[0]["criterion"] == "I.5"
    assert "→ 19" in bac_son[0]["changes"]


def test_sensitivity_report_takes_weights():
    result = _run("report", "hungyen", "sensitivity", "--weights", "10%", HUNGYEN, "-q")
    assert result.exit_code == 0, result.output
    assert "±10%" in result.stdout and "Hạng cao nhất" in result.stdout
    bad = _run("report", "hungyen", "sensitivity", "--weights", "much", HUNGYEN, "-q")
    assert bad.exit_code == 2 and "not a percentage" in bad.output


def test_why_and_rank_change_against_saved_results(tmp_path):
    saved = tmp_path / "2018.json"
    made = _run("evaluate", "backan", str(BACKAN / "2018"), "--format", "json", "-o", str(saved),
                "-q")
    assert made.exit_code == 0, made.output
    why = _run("report", "backan", "why", str(BACKAN / "2019"), "--previous", str(saved), "-q",
               "--format", "csv")
    assert why.exit_code == 0, why.output
    line = next(x for x in why.stdout.splitlines() if x.startswith("huyen-ngan-son,"))
    assert "-25.83" in line and "Huyện Pác Nặm" in line
    change = _run("report", "backan", "rank-change", str(BACKAN / "2019"), "--previous",
                  str(saved), "-q", "--format", "csv")
    line = next(x for x in change.stdout.splitlines() if x.startswith("huyen-ngan-son,"))
    assert "1: -9.70" in line and "Huyện Pác Nặm (2, 1, 4)" in line


def test_explain_ends_with_the_way_to_the_next_level():
    import criteria_engine as ce

    pack = ce.load_pack("hungyen")
    plan = next(p for p in ce.next_level(pack, ce.read_records(sorted(
        (ROOT / "packs/hungyen/examples/2019").glob("*.json")))) if p.plan)
    result = _run("explain", "hungyen", HUNGYEN, "--unit", plan.unit_id)
    assert result.exit_code == 0, result.output
    text = result.stdout
    head = f"Để đạt mức {plan.target}: còn thiếu"
    assert head in text and text.index(head) > text.index("Tổng:")
    for step in plan.plan:
        assert f"{step.item} {step.title}:" in text
    # a unit at the top level has no such lines
    top = next(s for s in ce.run_batch(pack, units=ce.read_records(sorted(
        (ROOT / "packs/hungyen/examples/2019").glob("*.json")))).tables["commune"]
        if s.level == pack.levels[0].name)
    assert "Để đạt mức" not in _run("explain", "hungyen", HUNGYEN, "--unit", top.unit_id).stdout
