"""The pytest plugin, as a pack author uses it: pytest run in a new process on a pack folder."""

from __future__ import annotations

from ..helpers import edit
from .support import run_pytest


def test_each_case_is_a_test_item(shared_pack):
    done = run_pytest("--collect-only", "-q", str(shared_pack), cwd=shared_pack.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "9 tests collected" in done.stdout
    assert "commune.yaml::A commune exactly on 70 % is Khá" in done.stdout


def test_a_failed_case_shows_expected_and_got_with_its_line(new_pack):
    edit(new_pack / "criteria" / "commune.yaml", ">= 80% -> 20", ">= 80.01% -> 20")
    done = run_pytest("-q", str(new_pack), cwd=new_pack.parent)
    assert done.returncode == 1
    out = done.stdout
    assert "2 failed, 7 passed" in out
    assert (
        "cases/commune.yaml:31: Exactly 80 % of records sent online earns the top step of 3.1"
    ) in out
    assert (
        "line 40: criterion 3.1 Tỷ lệ hồ sơ được nộp trực tuyến (max 20): expected 20, got 12"
    ) in out
    assert "inputs: records_online = 80, records_total = 100" in out
    assert "Traceback" not in out and "runtest" not in out


def test_pack_option_adds_one_item_per_invariant_and_block(shared_pack, tmp_path):
    done = run_pytest(
        "-q", "--pack", str(shared_pack), "--pack-examples", "5", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout


def test_pack_option_reports_a_broken_invariant(new_pack, tmp_path):
    edit(new_pack / "pack.yaml", "'percent >= 85%'", "'percent > 85%'")
    done = run_pytest(
        "-q", "--pack", str(new_pack), "--pack-examples", "5", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 1
    assert "vidu@2024::levels[commune]" in done.stdout
    assert "a unit exactly on 85 % gets 'Khá' but one just above it gets 'Tốt'" in done.stdout


def test_the_fixture_and_the_function_run_every_invariant(shared_pack, tmp_path):
    (tmp_path / "test_pack.py").write_text(
        "from criteria_engine.testing import assert_pack_invariants\n\n\n"
        "def test_function():\n"
        f"    assert_pack_invariants({str(shared_pack)!r}, max_examples=5)\n\n\n"
        "def test_fixture(pack_invariants):\n"
        f"    pack_invariants({str(shared_pack)!r}, max_examples=5)\n",
        encoding="utf-8",
    )
    done = run_pytest("-q", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_an_unreadable_case_file_is_a_collection_error(new_pack):
    (new_pack / "cases" / "broken.yaml").write_text("- name: [unclosed\n", encoding="utf-8")
    done = run_pytest("-q", str(new_pack), cwd=new_pack.parent)
    assert done.returncode != 0
    assert "ERROR collecting" in done.stdout
    assert "broken.yaml: the case file cannot be read" in done.stdout


def test_yaml_files_outside_a_pack_are_left_alone(tmp_path):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "notes.yaml").write_text("- a\n", encoding="utf-8")
    done = run_pytest("-q", "--collect-only", str(tmp_path), cwd=tmp_path)
    assert "no tests collected" in done.stdout
