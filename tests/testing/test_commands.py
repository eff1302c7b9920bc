"""``criteria-engine test`` and ``new`` with CliRunner; ``check --deep`` as a user runs it."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from criteria_engine.cli.main import main

from ..helpers import MINIPACK, edit, run_cli


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_test_passes_on_a_new_pack(shared_pack):
    result = _run("test", str(shared_pack))
    assert result.exit_code == 0, result.output
    assert "ok    A commune exactly on 70 % is Khá" in result.output
    assert result.output.rstrip().endswith("9 cases: 9 passed, 0 failed")


def test_test_exits_1_and_prints_each_failure(new_pack):
    edit(new_pack / "pack.yaml", "'percent >= 70%'", "'percent >= 70.01%'")
    result = _run("test", str(new_pack), "-q")
    assert result.exit_code == 1
    assert "FAIL  A commune exactly on 70 % is Khá" in result.output
    assert "level: expected Khá, got Trung bình (total 70, 70 % of 100)" in result.output
    assert "9 cases: 8 passed, 1 failed" in result.output
    assert "ok    " not in result.output  # -q prints failures only


def test_test_runs_only_the_cases_named_with_k(shared_pack):
    result = _run("test", str(shared_pack), "-k", "rank 4")
    assert result.exit_code == 0
    assert "2 cases: 2 passed, 0 failed" in result.output


def test_test_exits_2_for_a_pack_that_does_not_load(new_pack):
    edit(new_pack / "pack.yaml", "name: vidu", "name: Vidu")
    result = _run("test", str(new_pack))
    assert result.exit_code == 2
    assert "pack.yaml:5" in result.output


def test_test_says_so_when_a_pack_has_no_cases(new_pack):
    for path in (new_pack / "cases").iterdir():
        path.unlink()
    result = _run("test", str(new_pack))
    assert result.exit_code == 0
    assert "no cases in" in result.output


def test_new_writes_a_pack_folder(tmp_path):
    result = _run("new", "quangbinh", "--dir", str(tmp_path), "--province", "Quảng Bình")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "quangbinh" / "pack.yaml").is_file()
    assert "Quảng Bình" in (tmp_path / "quangbinh" / "README.md").read_text(encoding="utf-8")


def test_new_refuses_a_bad_name_and_an_existing_folder(tmp_path):
    bad = _run("new", "Quang-Binh", "--dir", str(tmp_path))
    assert bad.exit_code == 2
    assert "is not a pack name" in bad.output
    _run("new", "x", "--dir", str(tmp_path))
    again = _run("new", "x", "--dir", str(tmp_path))
    assert again.exit_code == 2
    assert "already exists and is not empty" in again.output


def test_check_deep_prints_the_smallest_counterexample():
    done = run_cli("check", "--deep", str(MINIPACK), "--examples", "15")
    assert done.returncode == 2
    assert "minipack@2020: 1 blocks, 13 criteria, 4 levels — ok" in done.stdout
    assert (
        "monotonicity: block commune: Tổng số văn bản đi (docs_total) is marked "
        "`better: higher`, but raising it from 1 to 2 lowered the total"
    ) in done.stderr
    assert "Error: 1 invariant(s) failed" in done.stderr


def test_check_deep_passes_on_a_new_pack(shared_pack):
    done = run_cli("check", "--deep", str(shared_pack), "--examples", "10")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("all invariants hold")


def test_the_commands_load_nothing_heavy_until_they_run():
    code = (
        "import sys, criteria_engine.cli.main\n"
        "heavy = [m for m in ('hypothesis', 'yaml', 'jsonschema', 'lark',"
        " 'criteria_engine.testing.invariants', 'criteria_engine.scaffold') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
