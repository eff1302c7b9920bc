"""A new pack passes check, check --deep and test at once, installs as its own distribution,
and catches a formula broken on purpose with a readable message."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from criteria_engine.loading.finder import load_pack
from criteria_engine.scaffold import ScaffoldError, create_pack, template_files
from criteria_engine.testing import check_pack_deep, run_pack_cases
from criteria_engine.testing.invariants import assert_levels_cover, assert_monotone

from ..helpers import edit
from .support import environment, pip_install


def _failures(pack):
    return [r.render() for r in run_pack_cases(pack) if not r.passed]


def test_every_template_file_is_written(shared_pack):
    written = {p.relative_to(shared_pack).as_posix() for p in shared_pack.rglob("*") if p.is_file()}
    assert written == {
        ".gitignore",
        "README.md",
        "__init__.py",
        "pyproject.toml",
        "pack.yaml",
        "criteria/commune.yaml",
        "cases/commune.yaml",
        "examples/2024/communes.json",
    }
    assert len(template_files()) == len(written)
    assert "$" not in (shared_pack / "pack.yaml").read_text(encoding="utf-8")


def test_a_new_pack_loads_with_provenance_on_every_criterion(shared_pack):
    pack = load_pack(str(shared_pack))
    assert pack.label == "vidu@2024"
    assert pack.province == "Tỉnh Ví Dụ"
    assert all(c.provenance for b in pack.blocks for c in b.all_criteria())


def test_a_new_pack_passes_its_cases_and_every_invariant(shared_pack):
    assert _failures(shared_pack) == []
    assert check_pack_deep(str(shared_pack), max_examples=15) == []


def test_the_examples_are_valid_json_for_the_evaluation_year(shared_pack):
    data = json.loads((shared_pack / "examples" / "2024" / "communes.json").read_text("utf-8"))
    assert data["period"] == "2024" and len(data["units"]) == 6


@pytest.mark.parametrize("name", ["Vidu", "1tinh", "quang-binh", ""])
def test_a_name_users_cannot_type_is_refused(tmp_path, name):
    with pytest.raises(ScaffoldError, match="is not a pack name"):
        create_pack(name, tmp_path)


def test_an_existing_folder_is_never_overwritten(shared_pack):
    with pytest.raises(ScaffoldError, match="already exists"):
        create_pack("vidu", shared_pack.parent)


# -- a formula broken on purpose ------------------------------------------------------------


def test_a_threshold_moved_by_001_fails_the_boundary_case(new_pack):
    edit(new_pack / "criteria" / "commune.yaml", ">= 80% -> 20", ">= 80.01% -> 20")
    failures = "\n".join(_failures(new_pack))
    assert "Exactly 80 % of records sent online earns the top step of 3.1" in failures
    assert "criterion 3.1 Tỷ lệ hồ sơ được nộp trực tuyến (max 20): expected 20, got 12" in failures


def test_a_level_threshold_moved_by_001_fails_the_boundary_case(new_pack):
    edit(new_pack / "pack.yaml", "'percent >= 85%'", "'percent >= 85.01%'")
    failures = "\n".join(_failures(new_pack))
    assert "A commune exactly on 85 % is Tốt" in failures
    assert "level: expected Tốt, got Khá (total 85, 85 % of 100)" in failures


def test_a_cap_removed_fails_the_capped_group_case(new_pack):
    criteria = new_pack / "criteria" / "commune.yaml"
    edit(criteria, "    max: 30\n    cap: true", "    max: 40\n   ")
    edit(criteria, "total: 100", "total: 110")
    failures = "\n".join(_failures(new_pack))
    assert "the capped group 2 gives 30, not 40" in failures
    assert (
        "criterion 2 Ứng dụng công nghệ thông tin trong nội bộ (max 40): expected 30, got 40"
        in (failures)
    )
    assert "sum of its children: 2.1 = 15, 2.2 = 15, 2.3 = 10" in failures


def test_a_strict_level_threshold_fails_an_invariant_and_a_case(new_pack):
    edit(new_pack / "pack.yaml", "'percent >= 70%'", "'percent > 70%'")
    with pytest.raises(AssertionError, match="a unit exactly on 70 % gets 'Trung bình'"):
        assert_levels_cover(str(new_pack))
    assert any("A commune exactly on 70 % is Khá" in f for f in _failures(new_pack))


def test_a_divisor_marked_better_fails_monotonicity(new_pack):
    edit(
        new_pack / "criteria" / "commune.yaml",
        "  records_total:\n",
        "  records_total:\n    better: higher\n",
    )
    with pytest.raises(AssertionError) as failure:
        assert_monotone(str(new_pack), max_examples=15)
    message = str(failure.value)
    assert "(records_total) is marked `better: higher`, but raising it from" in message
    assert "hint: records_total divides in criterion 3.1" in message


# -- published as its own distribution --------------------------------------------------------


@pytest.fixture(scope="module")
def installed_site(tmp_path_factory):
    """``criteria-engine new`` then ``pip install`` into a folder of its own: the site."""
    base = tmp_path_factory.mktemp("published")
    subprocess.run(
        [sys.executable, "-m", "criteria_engine", "new", "quangtri", "--dir", str(base)],
        check=True,
        capture_output=True,
        env=environment(),
        timeout=120,
    )
    site = base / "site"
    pip_install(base / "quangtri", site)
    return site


def _cli(site, *args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "criteria_engine", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment(site),
        timeout=300,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_an_installed_new_pack_is_listed_and_evaluates(installed_site, tmp_path):
    site = installed_site
    listing = _cli(site, "packs", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "quangtri@" in listing.stdout and "gialai@2019" in listing.stdout
    examples = next((site / "criteria_pack_quangtri" / "examples").iterdir())
    result = _cli(site, "evaluate", "quangtri", str(examples), "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Xã An Bình" in result.stdout and "nộp muộn" in result.stdout
    tested = _cli(site, "test", "quangtri", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout
    assert "9 cases: 9 passed, 0 failed" in tested.stdout
