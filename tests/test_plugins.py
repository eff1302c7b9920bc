"""Plugins: an outside distribution adds a pack, a report and findings via entry points."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from criteria_engine.loading.finder import installed, load_pack
from criteria_engine.plugins import get_plugin_manager

from .helpers import MINIPACK, ROOT, edit

PLUGIN_CODE = textwrap.dedent('''
    """An outside pack distribution, as a province would publish one."""
    from pathlib import Path

    from criteria_engine import Finding, hookimpl
    from criteria_engine.reports import Report, Table

    HERE = Path(__file__).parent


    @hookimpl
    def criteria_engine_pack_dirs():
        return [HERE / "pack"]


    def _heads(ctx):
        rows = tuple((s.name, s.rank) for s in ctx.outcome.tables["commune"])
        return [Table("Đơn vị và thứ hạng", ("Đơn vị", "Hạng"), rows)]


    @hookimpl
    def criteria_engine_reports(pack):
        if pack.name != "outsidepack":
            return []
        return [Report("heads", "Thứ hạng", _heads, "units and ranks")]


    @hookimpl
    def criteria_engine_unit_findings(pack, unit, result):
        if pack.name == "outsidepack" and unit.inputs.get("docs_total") == 0:
            return [Finding("no-documents", "the unit reports no outgoing documents")]
        return []
''')


@pytest.fixture(scope="module")
def outside_site(tmp_path_factory):
    """Build and install an outside pack distribution into its own site folder."""
    base = tmp_path_factory.mktemp("outside")
    project = base / "project"
    package = project / "outside_pack"
    shutil.copytree(MINIPACK, package / "pack")
    edit(package / "pack" / "pack.yaml", "name: minipack", "name: outsidepack")
    (package / "__init__.py").write_text(PLUGIN_CODE, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        textwrap.dedent("""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "outside-pack"
        version = "1.0"

        [project.entry-points.criteria_engine]
        outside = "outside_pack"

        [tool.setuptools]
        packages = ["outside_pack"]

        [tool.setuptools.package-data]
        outside_pack = ["pack/*.yaml", "pack/**/*.yaml", "pack/**/*.json"]
    """),
        encoding="utf-8",
    )
    site = base / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(project),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (site / "outside_pack" / "pack" / "criteria" / "commune.yaml").is_file()
    return site


def _cli(site, *args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT / "src")])}
    return subprocess.run(
        [sys.executable, "-m", "criteria_engine", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        cwd=site,
    )


@pytest.mark.slow
def test_outside_distribution_is_listed_and_evaluates(outside_site):
    listing = _cli(outside_site, "packs")
    assert listing.returncode == 0, listing.stderr
    assert "outsidepack@2020" in listing.stdout and "hungyen" in listing.stdout
    examples = str(outside_site / "outside_pack" / "pack" / "examples")
    result = _cli(outside_site, "evaluate", "outsidepack", examples, "--format", "json", "-q")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["blocks"]["commune"][0]["unit_id"] == "xa-a"


@pytest.mark.slow
def test_outside_report_and_findings_hooks(outside_site, tmp_path):
    unit = {
        "id": "x",
        "name": "Xã X",
        "block": "commune",
        "period": "2020",
        "inputs": {
            "docs_total": 0,
            "docs_electronic": 0,
            "has_portal": False,
            "bandwidth": 1,
            "has_server_room": False,
            "services_total": 0,
            "services_online": 0,
            "head_role": "Khác",
        },
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(unit), encoding="utf-8")
    report = _cli(outside_site, "report", "outsidepack", "heads", str(path), "-q")
    assert report.returncode == 0, report.stderr
    assert "Xã X" in report.stdout
    findings = _cli(outside_site, "report", "outsidepack", "findings", str(path), "-q")
    assert "no-documents" in findings.stdout


def test_bundled_packs_register_through_the_entry_point_group():
    pm = get_plugin_manager()
    names = {name for name, _ in pm.list_name_plugin()}
    assert "bundled-packs" in names  # the entry point's name, as for any outside pack
    assert {"hungyen", "backan", "gialai", "hatinh"} <= {r.name for r in installed()}


def test_pack_folder_loads_by_path_without_installing():
    assert load_pack(str(MINIPACK)).name == "minipack"


def test_misspelt_hook_fails_at_registration():
    import pluggy

    from criteria_engine import hookimpl

    class Bad:
        @hookimpl
        def criteria_engine_pack_dir(self):  # missing the final "s"
            return []

    pm = get_plugin_manager()
    pm.register(Bad(), name="bad-plugin")
    try:
        with pytest.raises(pluggy.PluginValidationError):
            pm.check_pending()
    finally:
        pm.unregister(name="bad-plugin")
