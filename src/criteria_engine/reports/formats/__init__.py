"""Output formats: one registry, looked up by name, that every command and report uses.

Each format renders two things: any report's tables (``render_tables``) and, for
``evaluate``, a whole evaluated batch (``render_batch``; formats without a batch form of
their own render the ranking tables). The renderers live in one module per format and are
imported only when that format is used, so that openpyxl and jinja2 load only for Excel and
HTML. A new format is one entry in :data:`FORMATS` and one module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ...dsl.errors import CriteriaEngineError

if TYPE_CHECKING:
    from ..base import ReportContext, Table


def _resolve(target: str) -> Callable[..., Any]:
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(f".{module}", __name__), function)


@attrs.frozen
class OutputFormat:
    """A file type the results can be written in."""

    name: str
    description: str
    binary: bool
    #: ``"module:function"`` rendering tables: ``f(tables, ctx, title) -> str | bytes``
    tables_renderer: str
    #: ``"module:function"`` rendering a whole batch: ``f(ctx) -> str | bytes``; None: the
    #: ranking tables through :attr:`tables_renderer`
    batch_renderer: str | None = None
    #: whether the batch form reads every unit's full result tree (score cards)
    batch_needs_results: bool = False
    #: ``"module:function"`` rendering a whole batch as pieces of text, ``f(ctx) ->
    #: Iterator[str]``, joined the same as :meth:`render_batch`: a writer then holds one
    #: piece at a time, not 100,000 lines; None: the batch in one piece
    batch_streamer: str | None = None

    def render_tables(self, tables: Sequence[Table], ctx: ReportContext, title: str) -> str | bytes:
        return _resolve(self.tables_renderer)(tables, ctx, title)

    def render_batch(self, ctx: ReportContext) -> str | bytes:
        if self.batch_renderer is None:
            from ..standard import ranking_tables

            return self.render_tables(ranking_tables(ctx), ctx, ctx.pack.title)
        return _resolve(self.batch_renderer)(ctx)

    def stream_batch(self, ctx: ReportContext) -> Iterator[str | bytes]:
        """:meth:`render_batch` in pieces, for a writer that streams them to a file."""
        if self.batch_streamer is None:
            yield self.render_batch(ctx)
        else:
            yield from _resolve(self.batch_streamer)(ctx)


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("table", "aligned text for a terminal", False, "text:plain_tables"),
        OutputFormat("markdown", "Markdown tables", False, "text:markdown_tables"),
        OutputFormat(
            "csv",
            "CSV, UTF-8 with a BOM so Excel reads Vietnamese",
            False,
            "text:csv_tables",
            batch_streamer="text:csv_batch",
        ),
        OutputFormat(
            "json",
            "JSON; for a batch, the saved results that --previous reads back",
            False,
            "json:json_tables",
            "json:json_batch",
        ),
        OutputFormat(
            "xlsx",
            "an Excel workbook: ranking sheets per block and every score",
            True,
            "xlsx:xlsx_tables",
            "xlsx:results_workbook",
            batch_needs_results=True,
        ),
        OutputFormat(
            "html",
            "one self-contained HTML page: rankings, charts, score cards",
            False,
            "html:html_tables",
            "html:full_report",
            batch_needs_results=True,
        ),
    )
}


class UnknownFormat(CriteriaEngineError, LookupError):
    """No output format of that name."""


def output_format(name: str) -> OutputFormat:
    """The format called ``name``, or :class:`UnknownFormat` naming the ones there are."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormat(
            f"no output format {name!r}; there are: {', '.join(FORMATS)}"
        ) from None


def render_tables(
    tables: Sequence[Table], fmt: str, ctx: ReportContext | None = None, title: str = ""
) -> str | bytes:
    """Render tables in the format called ``fmt`` (text formats need no context)."""
    return output_format(fmt).render_tables(tables, ctx, title)  # type: ignore[arg-type]
