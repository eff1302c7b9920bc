"""Save a batch's ranked results as JSON, and read them back as a previous period.

The JSON written by ``evaluate --format json`` is the saved form: it names the pack and
its decision, and lists every unit of every block with its status, figures, level and
rank. Given back with ``--previous``, it lets reports compare two periods.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..dsl.errors import CriteriaEngineError
from ..evaluation.batch import BatchOutcome
from ..evaluation.rounding import cell
from ..model.results import Standing

FORMAT_VERSION = 1


class PreviousResultsError(CriteriaEngineError, ValueError):
    """A previous-period file that cannot be used, with the reason."""


def _standing_json(s: Standing) -> dict[str, Any]:
    data = attrs.asdict(s, recurse=False)
    data["groups"] = {k: cell(v) for k, v in s.groups.items()}
    data["tie_keys"] = [cell(v) for v in s.tie_keys]
    for key in ("total", "published_total", "percent", "published_percent"):
        data[key] = None if data[key] is None else cell(data[key])
    data["head"] = dict(s.head) if s.head else None
    return data


def outcome_json(outcome: BatchOutcome, period: str | None = None) -> dict[str, Any]:
    pack = outcome.pack
    return {
        "format": FORMAT_VERSION,
        "pack": pack.label,
        "province": pack.province,
        "decision": {"number": pack.decision.number, "signed": pack.decision.signed.isoformat()},
        "period": period,
        "counts": {
            "units": outcome.units_in,
            "results": outcome.results,
            "errors": len(outcome.errors),
        },
        "blocks": {
            block: [_standing_json(s) for s in rows] for block, rows in outcome.tables.items()
        },
        "interim": [_standing_json(s) for s in outcome.interim],
        "errors": [attrs.asdict(e) for e in outcome.errors],
    }


def load_previous(path: str | Path) -> dict[str, dict[str, dict[str, Any]]]:
    """``{block: {unit id: standing fields}}`` from a saved results file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except OSError as exc:
        raise PreviousResultsError(f"{path}: cannot read the file: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PreviousResultsError(f"{path}: not a results JSON file: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("blocks"), dict):
        raise PreviousResultsError(
            f"{path}: not a results file written by `criteria-engine evaluate --format json`"
        )
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for block, rows in data["blocks"].items():
        if not isinstance(rows, list):
            raise PreviousResultsError(f"{path}: block {block!r} is not a list of units")
        out[block] = {}
        for row in rows:
            if not isinstance(row, dict) or "unit_id" not in row:
                raise PreviousResultsError(f"{path}: block {block!r} has a row without unit_id")
            out[block][str(row["unit_id"])] = row
    out["_meta"] = {"period": {"value": data.get("period")}, "pack": {"value": data.get("pack")}}
    return out
