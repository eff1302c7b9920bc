"""Hà Tĩnh (``hatinh``): two versions of one pack, 365/QĐ-UBND (2019) and 2853/QĐ-UBND
(2021), which replaces it.

A batch picks the version in force when its year closes: 2022 and 2021 get 2853, 2020 gets
365, and 2018 gets none (365 took effect on 28/01/2019), which must be a clear error. These
tests check the choice through the library and through the CLI a user runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import criteria_engine as ce
from criteria_engine import EXCLUDED, MISSING, STATUS_LABELS, Pack, PackNotFound, run_batch

PACK_DIR = Path(__file__).resolve().parents[1]
BATCH = PACK_DIR / "examples" / "2022"
INVALID = PACK_DIR / "examples" / "invalid"
BATCH_2020 = PACK_DIR / "v2019" / "examples" / "2020"


# --- 17–18: versions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "version"), [("2022", "2021"), ("2021", "2021"), ("2020", "2019"), ("2019", "2019")]
)
def test_version_for_period(period: str, version: str) -> None:
    """Rule 17: a batch gets the version in force when its year closes."""
    assert ce.load_pack("hatinh", period=period).version == version


def test_version_chain(pack: Pack, pack_2019: Pack) -> None:
    """Rule 18: 2853 replaces 365/QĐ-UBND, the decision of the 2019 version."""
    assert (pack.name, pack_2019.name) == ("hatinh", "hatinh")
    assert pack.decision.replaces == pack_2019.decision.number == "365/QĐ-UBND"
    assert pack_2019.decision.effective < pack.decision.effective


def test_period_before_any_version_refused() -> None:
    """Rule 18: 2018 precedes 365/QĐ-UBND (28/01/2019): no version of hatinh applies."""
    with pytest.raises(PackNotFound, match=r"in force in 2018.*365/QĐ-UBND"):
        ce.load_pack("hatinh", period="2018")


def test_cli_lists_both_versions(cli) -> None:
    """Rule 18 from the CLI: ``criteria-engine packs`` lists both versions of hatinh."""
    proc = cli("packs")
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert "365/QĐ-UBND" in lines["hatinh@2019"] and "2019-01-28" in lines["hatinh@2019"]
    assert "2853/QĐ-UBND" in lines["hatinh@2021"] and "2021-08-11" in lines["hatinh@2021"]


def test_cli_evaluates_2022_with_2853_and_prints_every_block(cli, pack: Pack) -> None:
    """Rules 6–7, 17 from the CLI: ``evaluate hatinh examples/2022`` picks 2853, prints all
    four blocks, the commands as excluded and ``so-ngoai-vu`` as missing, and exits 0."""
    proc = cli("evaluate", "hatinh", str(BATCH), "-q")
    assert proc.returncode == 0, proc.stderr
    for block in pack.blocks:
        assert f"{block.title} (2853/QĐ-UBND)" in proc.stdout
    # the tables' lines: the caveats above them quote the files' notes, which name units too
    lines = [line for line in proc.stdout.splitlines() if not line.startswith("  - ")]
    for name, label in (
        ("Bộ Chỉ huy Quân sự tỉnh", STATUS_LABELS[EXCLUDED]),
        ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", STATUS_LABELS[EXCLUDED]),
        ("Sở Ngoại vụ", STATUS_LABELS[MISSING]),
    ):
        (line,) = [line for line in lines if f" {name} " in line]
        assert label in line, line


def test_cli_evaluates_2020_with_365(cli) -> None:
    """Rule 17 from the CLI: the 2020 batch is evaluated with ``hatinh@2019`` (365)."""
    proc = cli("evaluate", "hatinh", str(BATCH_2020), "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["pack"], data["decision"]["number"]) == ("hatinh@2019", "365/QĐ-UBND")
    assert data["counts"] == {"units": 41, "results": 41, "errors": 0}
    assert {b: len(rows) for b, rows in data["blocks"].items()} == {
        "department": 8,
        "district": 13,
        "commune": 20,
    }


def test_cli_refuses_a_period_before_any_version(cli) -> None:
    """Rule 18 from the CLI: a 2018 submission fails with a clear error, exit 2."""
    proc = cli("evaluate", "hatinh", str(INVALID / "period-before-any-version.json"))
    assert proc.returncode == 2
    assert "no version of pack 'hatinh' was in force in 2018" in proc.stderr
    assert "365/QĐ-UBND" in proc.stderr and "2019-01-28" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_a_version_refuses_a_period_before_it_took_effect(pack: Pack) -> None:
    """Rule 18 / cases/rules.yaml: the 2018 record is refused on ``period`` by the 2853
    version too, naming ``so-tai-chinh`` (no decision applies to 2018)."""
    outcome = run_batch(pack, [INVALID / "period-before-any-version.json"], roster=False)
    assert [(e.unit, e.field) for e in outcome.errors] == [("so-tai-chinh", "period")]
