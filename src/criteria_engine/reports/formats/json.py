"""JSON: report tables as rows keyed by column, and a batch as its saved results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...evaluation.rounding import cell
from ..caveats import context_caveats
from ..history import outcome_json

if TYPE_CHECKING:
    from ..base import ReportContext, Table


def _value(value: Any) -> Any:
    return cell(value) if isinstance(value, Decimal) else value


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def json_tables(tables: Sequence[Table], ctx: ReportContext | None = None, title: str = "") -> str:
    """A list of tables, each with its rows as objects keyed by the columns' machine names."""
    out = []
    caveats = context_caveats(ctx)
    for t in tables:
        keys = t.keys or t.headers
        out.append(
            {
                "title": t.title,
                "block": t.block,
                "note": t.note,
                # on every table: the list of tables stays a list, as readers expect
                "caveats": caveats,
                "rows": [
                    {k: _value(v) for k, v in zip(keys, row, strict=True)} for row in t.rows
                ],
            }
        )
    return _dumps(out)


def json_batch(ctx: ReportContext) -> str:
    """The batch's saved results: what ``--previous`` reads back next period."""
    data = outcome_json(ctx.outcome, ctx.period)
    if ctx.previous is not None:  # the state of the results compared with, too
        data["caveats"] = context_caveats(ctx)
    return _dumps(data)
