"""What a report is, and the one place tables become text, CSV, Markdown or JSON.

A report builds :class:`Table` values from a :class:`ReportContext`; it never formats
text itself. :func:`render_tables` turns tables into any output format, so every report,
built-in or from a pack's plugin, speaks every format the same way.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..evaluation.rounding import cell

if TYPE_CHECKING:
    from ..evaluation.batch import BatchOutcome
    from ..model.pack import Pack
    from ..model.results import UnitResult

TEXT_FORMATS = ("table", "markdown", "csv", "json")


@attrs.frozen
class Table:
    """A titled table: the unit of every report."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    keys: tuple[str, ...] | None = None  # machine names of the columns, for JSON
    block: str | None = None
    note: str | None = None


@attrs.frozen
class ReportContext:
    """What a report may read: the pack, the ranked batch, full results, a previous period."""

    pack: Pack
    outcome: BatchOutcome
    results: Sequence[UnitResult] = ()
    previous: dict[str, Any] | None = None
    options: dict[str, Any] = attrs.Factory(dict)


@attrs.frozen
class Report:
    """A named report: ``build`` makes its tables from a context."""

    name: str
    title: str
    build: Callable[[ReportContext], list[Table]]
    description: str = ""
    needs_results: bool = False  # whether it reads full result trees, not just standings
    needs_previous: bool = False


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return cell(value)
    return value


def render_tables(tables: list[Table], fmt: str) -> str:
    """Render tables as ``table`` (aligned text), ``markdown``, ``csv`` or ``json``."""
    if fmt == "json":
        out = []
        for t in tables:
            keys = t.keys or t.headers
            out.append(
                {
                    "title": t.title,
                    "block": t.block,
                    "note": t.note,
                    "rows": [
                        {k: _json_value(v) for k, v in zip(keys, row, strict=True)}
                        for row in t.rows
                    ],
                }
            )
        return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for i, t in enumerate(tables):
            if len(tables) > 1:
                if i:
                    writer.writerow([])
                writer.writerow([t.title])
            writer.writerow(t.headers)
            writer.writerows([cell(v) for v in row] for row in t.rows)
        return "\ufeff" + buffer.getvalue()  # BOM: Excel then opens Vietnamese text right
    from tabulate import tabulate

    style = "github" if fmt == "markdown" else "simple"
    parts = []
    for t in tables:
        heading = f"## {t.title}" if fmt == "markdown" else t.title
        body = tabulate(
            [[cell(v) for v in row] for row in t.rows],
            headers=list(t.headers),
            tablefmt=style,
            disable_numparse=True,
        )
        note = f"\n\n{t.note}" if t.note else ""
        parts.append(f"{heading}\n\n{body}{note}")
    return "\n\n".join(parts) + "\n"
