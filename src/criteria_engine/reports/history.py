"""Save a batch's ranked results as JSON, and read them back as a previous period.

The JSON written by ``evaluate --format json`` is the saved form
(:func:`~criteria_engine.evaluation.serialize.outcome_json`): it names the pack and its
decision, and lists every unit of every block with its status, figures, level and rank.
Given back with ``--previous``, it lets reports compare two periods.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..dsl.errors import CriteriaEngineError
from ..evaluation.serialize import ResultsDataError, from_data
from ..evaluation.serialize import outcome_json as _outcome_json
from ..model.results import DRAFT, Standing

if TYPE_CHECKING:
    from ..evaluation.batch import BatchOutcome
    from ..model.pack import Pack

__all__ = ["PreviousResults", "PreviousResultsError", "load_previous", "outcome_json"]


def outcome_json(outcome: BatchOutcome, period: str | None = None) -> dict[str, Any]:
    """A batch as its saved results (``evaluate --format json``), with a top-level
    ``caveats`` list (after ``state``): what is not official about them, in the same words
    as every other output (:func:`~criteria_engine.reports.caveats.caveats`). Readers of
    older files ignore the key; :func:`load_previous` does not need it."""
    from .caveats import caveats

    data = _outcome_json(outcome, period)
    keys = list(data)
    at = keys.index("state") + 1 if "state" in keys else len(keys)
    lines = caveats(outcome.pack, outcome)
    return {**{k: data[k] for k in keys[:at]}, "caveats": lines, **{k: data[k] for k in keys[at:]}}


class PreviousResultsError(CriteriaEngineError, ValueError):
    """A previous-period file that cannot be used, with the reason."""


@attrs.frozen
class PreviousResults:
    """A previous period's saved results: which pack and year they are of, and every
    unit's standing per block (``{block: {unit id: standing}}``)."""

    pack: str | None
    period: str | None
    blocks: Mapping[str, Mapping[str, Standing]]
    state: str = DRAFT

    def get(self, block_id: str, default: Any = None) -> Mapping[str, Standing]:
        """The standings of ``block_id`` by unit id (``default`` when it has none)."""
        return self.blocks.get(block_id, {} if default is None else default)


def _year(period: str | None) -> int | None:
    return int(period) if period and len(period) == 4 and period.isdigit() else None


def _check_against(path: str | Path, data: dict, pack: Pack, period: str | None) -> None:
    """Refuse results of another pack, with blocks this pack does not have, or of a year
    after ``period``: a rank compared with those means nothing. (The same year is allowed:
    the draft and the verified results of one round can be compared.)"""
    saved = str(data.get("pack") or "")
    if saved.split("@")[0] != pack.name:
        raise PreviousResultsError(
            f"{path}: these are results of {saved or 'an unnamed pack'!r}, not of "
            f"{pack.name!r}; give the previous period's results of the same pack"
        )
    known = [b.id for b in pack.blocks]
    for block in data["blocks"]:
        if block not in known:
            raise PreviousResultsError(
                f"{path}: block {block!r} is not a block of {pack.label} ({', '.join(known)})"
            )
    before, now = _year(data.get("period")), _year(period)
    if before is not None and now is not None and before > now:
        raise PreviousResultsError(f"{path}: these results are of {before}, after {now}")


def load_previous(
    path: str | Path, pack: Pack | None = None, period: str | None = None
) -> PreviousResults:
    """A saved results file as the previous period of ``pack`` for ``period``.

    With ``pack``, results of another pack, or naming a block it does not have, are
    refused; with ``period`` too, so are results of a later year.
    """
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
    if pack is not None:
        _check_against(path, data, pack, period)
    blocks: dict[str, dict[str, Standing]] = {}
    for block, rows in data["blocks"].items():
        if not isinstance(rows, list):
            raise PreviousResultsError(f"{path}: block {block!r} is not a list of units")
        blocks[block] = {}
        for row in rows:
            if not isinstance(row, dict) or "unit_id" not in row:
                raise PreviousResultsError(f"{path}: block {block!r} has a row without unit_id")
            try:
                standing = from_data(Standing, {"block": block, "name": row["unit_id"], **row})
            except ResultsDataError as exc:
                raise PreviousResultsError(
                    f"{path}: unit {row['unit_id']!r} of block {block!r}: {exc}"
                ) from None
            blocks[block][standing.unit_id] = standing
    state = data.get("state")
    return PreviousResults(
        pack=data.get("pack"),
        period=None if data.get("period") is None else str(data["period"]),
        blocks=blocks,
        state=state if isinstance(state, str) else DRAFT,
    )
