"""Batches of the bundled packs' examples, and a small pack's units, for the analyses' tests."""

from __future__ import annotations

from pathlib import Path

import criteria_engine as ce

ROOT = Path(__file__).resolve().parents[2]
MINIPACK = ROOT / "tests" / "fixtures" / "minipack"


def example_sets() -> list[tuple[str, Path]]:
    """(pack name, examples folder of one period) for every bundled pack."""
    found = []
    for pack_dir in sorted((ROOT / "packs").iterdir()):
        for root in (pack_dir / "examples", pack_dir / "v2019" / "examples"):
            if not root.is_dir():
                continue
            for period in sorted(p for p in root.iterdir() if p.is_dir()):
                if period.name[:4].isdigit() and "updates" not in period.name:
                    found.append((pack_dir.name, period))
    return found


def records(folder: Path) -> list:
    return list(ce.read_records(sorted(folder.rglob("*.json"))))


def pack_for(name: str, folder: Path):
    return ce.load_pack(name, period=folder.name[:4])


def mini_unit(uid: str, **inputs) -> dict:
    base = {
        "docs_total": 100, "docs_electronic": 50, "has_portal": False, "bandwidth": 50,
        "has_server_room": False, "services_total": 10, "services_online": 3,
        "head_role": "Khác", "incidents": 0,
    }
    base.update(inputs)
    return {"id": uid, "name": f"Xã {uid}", "block": "commune", "period": "2020",
            "submitted": "2020-10-01", "inputs": base}
