"""Tables as aligned text, Markdown or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...evaluation.rounding import cell

if TYPE_CHECKING:
    from ..base import ReportContext, Table


def _tabulated(tables: Sequence[Table], style: str, heading: str) -> str:
    from tabulate import tabulate

    parts = []
    for t in tables:
        body = tabulate(
            [[cell(v) for v in row] for row in t.rows],
            headers=list(t.headers),
            tablefmt=style,
            disable_numparse=True,
        )
        note = f"\n\n{t.note}" if t.note else ""
        parts.append(f"{heading}{t.title}\n\n{body}{note}")
    return "\n\n".join(parts) + "\n"


def plain_tables(tables: Sequence[Table], ctx: ReportContext | None = None, title: str = "") -> str:
    """Aligned text for a terminal."""
    return _tabulated(tables, "simple", "")


def markdown_tables(
    tables: Sequence[Table], ctx: ReportContext | None = None, title: str = ""
) -> str:
    """GitHub-style Markdown tables, one ``##`` heading each."""
    return _tabulated(tables, "github", "## ")


def csv_tables(tables: Sequence[Table], ctx: ReportContext | None = None, title: str = "") -> str:
    """CSV; several tables are separated by a blank row and a title row."""
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



