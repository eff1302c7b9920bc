"""Tables as aligned text, Markdown or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ...evaluation.rounding import cell
from ..caveats import CAVEATS_TITLE, context_caveats

if TYPE_CHECKING:
    from ..base import ReportContext, Table


def _caveat_lines(ctx: ReportContext | None, markdown: bool) -> list[str]:
    """The caveats as the first part of a text output, so no reader misses them."""
    lines = context_caveats(ctx)
    if not lines:
        return []
    if markdown:
        return ["\n".join([f"> **{CAVEATS_TITLE}**", ">", *(f"> - {x}" for x in lines)])]
    return ["\n".join([f"{CAVEATS_TITLE}:", *(f"  - {x}" for x in lines)])]


def _tabulated(
    tables: Sequence[Table], style: str, heading: str, ctx: ReportContext | None = None
) -> str:
    from tabulate import tabulate

    parts = _caveat_lines(ctx, markdown=heading.startswith("#"))
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
    return _tabulated(tables, "simple", "", ctx)


def markdown_tables(
    tables: Sequence[Table], ctx: ReportContext | None = None, title: str = ""
) -> str:
    """GitHub-style Markdown tables, one ``##`` heading each."""
    return _tabulated(tables, "github", "## ", ctx)


def csv_tables(tables: Sequence[Table], ctx: ReportContext | None = None, title: str = "") -> str:
    """CSV; several tables are separated by a blank row and a title row."""
    return "".join(csv_chunks(tables, ctx))


#: how many lines one chunk of a streamed CSV holds
CHUNK_ROWS = 2000


def csv_chunks(tables: Sequence[Table], ctx: ReportContext | None = None) -> Iterator[str]:
    """:func:`csv_tables` a piece at a time: a table's rows may be a one-pass iterator, so
    100,000 lines are written without the whole text (or every row) held at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write("\ufeff")  # BOM: Excel then opens Vietnamese text right
    caveats = context_caveats(ctx)
    if caveats:  # above the tables, where a reader opening the file in Excel sees them
        writer.writerow([CAVEATS_TITLE])
        writer.writerows([line] for line in caveats)
        writer.writerow([])
    for i, t in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([t.title])
        writer.writerow(t.headers)
        for count, row in enumerate(t.rows, start=1):
            writer.writerow([cell(v) for v in row])
            if count % CHUNK_ROWS == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def csv_batch(ctx: ReportContext) -> Iterator[str]:
    """A whole batch's ranking tables as CSV, streamed (what ``evaluate --format csv``
    writes): the rows are made as they are written."""
    from ..standard import ranking_tables

    return csv_chunks(ranking_tables(ctx, lazy=True), ctx)



