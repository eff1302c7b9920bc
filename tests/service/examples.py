"""The bundled example submissions, as unit records to send to the service."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

PACKS = Path(__file__).resolve().parents[2] / "packs"


def records(pack: str, period: str = "2019", pattern: str = "*.json") -> list[dict[str, Any]]:
    """Every unit record of ``packs/<pack>/examples/<period>``, without the fields the
    service sets itself (period, submitted date) or the reviewer enters (verified)."""
    out = []
    for path in sorted((PACKS / pack / "examples" / period).rglob(pattern)):
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        for unit in data["units"]:
            out.append(unit)
    return out


def unit_body(record: dict[str, Any], *, dated: bool = False) -> dict[str, Any]:
    """The record a unit (or, ``dated``, the admin typing in its paper form) sends."""
    drop = ("period", "verified") if dated else ("period", "submitted", "verified")
    return {k: v for k, v in record.items() if k not in drop}


def as_json(data: Any) -> str:
    from criteria_engine.service.engine import dumps

    return dumps(data)
