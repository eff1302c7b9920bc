"""One self-contained HTML report: rankings, level counts, charts and a score card per unit.

The file is meant to be mailed, archived and opened years later without a network, so it
fetches nothing: styles are inline, charts are SVG drawn here, and a Content-Security-
Policy forbids the browser from loading anything else. Templates are jinja2 with
autoescape, so a unit name can never inject markup. The same input gives the same bytes:
nothing here reads the clock or depends on dict or set order that the batch did not fix.

The figures come from the same report functions as the text tables
(:func:`~criteria_engine.reports.standard.ranking_tables`,
:func:`~criteria_engine.reports.workflow.rank_change_tables`), so the HTML and the text
can never disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ...evaluation.rounding import cell, published
from ...model.results import EXCLUDED, INTERIM, STATUS_LABELS
from ..caveats import CAVEATS_TITLE, context_caveats, is_file_note
from .html_analyses import Analyses, Hint, Why, analyses

if TYPE_CHECKING:
    import jinja2

    from ...model.pack import Pack
    from ...model.results import CriterionResult, Standing, UnitResult
    from ..base import ReportContext, Table

# One colour per level, best first; the last is reused when a pack has more levels.
LEVEL_COLOURS = ("#2e7d32", "#1565c0", "#f9a825", "#ef6c00", "#c62828")
CHART_WIDTH, LABEL_WIDTH, NOTE_WIDTH, BAR_HEIGHT, BAR_GAP = 860, 320, 190, 18, 6
LABEL_CHARS = 40  # what fits in LABEL_WIDTH at 12 px; longer labels end in … (full in <title>)
_ONE_PLACE = Decimal("0.1")


@attrs.frozen
class Bar:
    """One bar of a horizontal bar chart, already placed (SVG user units)."""

    label: str
    note: str
    y: int
    width: Decimal
    colour: str


@attrs.frozen
class Chart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    scale: int = CHART_WIDTH - LABEL_WIDTH - NOTE_WIDTH  # the length of a 100 % bar


@attrs.frozen
class Line:
    """One criterion on a score card, indented by its depth in the tree."""

    depth: int
    id: str
    title: str
    score: str
    max: str
    share: Decimal  # 0–100, the bar under the score
    applies: bool
    group: bool
    self_score: str
    reason: str


@attrs.frozen
class Card:
    unit_id: str
    name: str
    summary: str  # "455.59/500 điểm, 91.12 %, hạng 1"
    level: str
    colour: str
    lines: tuple[Line, ...]
    findings: tuple[str, ...]
    #: what is not official, on the card itself: a card is printed and handed out alone
    caveats: tuple[str, ...] = ()
    why: Why | None = None  # with a previous period: why the total and rank changed
    hint: Hint | None = None  # below the top level: what it takes to reach the next one

    @property
    def self_assessed(self) -> bool:
        """Whether to show the self-score and reason columns at all."""
        return any(line.self_score or line.reason for line in self.lines)


@attrs.frozen
class BlockView:
    id: str
    title: str
    ranking: Table
    level_column: int | None
    levels: tuple[tuple[str, int, str], ...]  # name, count, colour
    charts: tuple[Chart, ...]
    cards: tuple[Card, ...]
    changes: Table | None
    intervals: Table | None = None  # rank intervals when weights move (``--weights``)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("criteria_engine", "reports/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = cell  # the text tables' formatting, so both show the same figures
    return env


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def level_colours(pack: Pack) -> dict[str, str]:
    """Each level's colour, by its place in the pack's order (the best level first)."""
    return {
        lv.name: LEVEL_COLOURS[min(i, len(LEVEL_COLOURS) - 1)] for i, lv in enumerate(pack.levels)
    }


def _share(score: Decimal | None, maximum: Decimal | None) -> Decimal:
    """``score`` as a percentage of ``maximum``, held to 0–100 for drawing."""
    if score is None or not maximum:
        return Decimal(0)
    return min(max(score / maximum * 100, Decimal(0)), Decimal(100)).quantize(
        _ONE_PLACE, ROUND_HALF_UP
    )


def _chart(title: str, items: Iterable[tuple[str, Decimal, str, str]]) -> Chart:
    """A horizontal bar chart of (label, percent 0–100, note, colour) items."""
    bars = []
    for i, (label, share, note, colour) in enumerate(items):
        y = 8 + i * (BAR_HEIGHT + BAR_GAP)
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        width = (share * (CHART_WIDTH - LABEL_WIDTH - NOTE_WIDTH) / 100).quantize(_ONE_PLACE)
        bars.append(Bar(short, note, y, width, colour))
    return Chart(title, tuple(bars), height=16 + len(bars) * (BAR_HEIGHT + BAR_GAP))


def _group_chart(ctx: ReportContext, block_id: str, results: Sequence[UnitResult]) -> Chart:
    """Mean score of each top-level group as a share of its maximum, over the block's units."""
    items = []
    for group in ctx.pack.block(block_id).criteria:
        if not group.counts_in_max or not group.max:
            continue  # a bonus or deduction has no share of a maximum to show
        shares = [
            c.score / c.max * 100
            for r in results
            for c in r.criteria
            if c.id == group.id and c.score is not None and c.max
        ]
        mean = sum(shares, Decimal(0)) / len(shares) if shares else Decimal(0)
        mean = min(max(mean, Decimal(0)), Decimal(100)).quantize(_ONE_PLACE, ROUND_HALF_UP)
        items.append((f"{group.id}. {group.title}", mean, f"{mean} %", "#5c6bc0"))
    return _chart("Điểm trung bình theo nhóm tiêu chí (% điểm tối đa)", items)


def _totals_chart(ctx: ReportContext, block_id: str) -> Chart:
    colours = level_colours(ctx.pack)
    items = [
        (
            s.name,
            min(max(s.published_percent, Decimal(0)), Decimal(100)),
            f"{cell(s.published_total)} điểm ({cell(s.published_percent)} %)",
            colours.get(s.level or "", "#9e9e9e"),
        )
        for s in ctx.outcome.tables.get(block_id, ())
        if s.published_percent is not None and s.status != EXCLUDED
    ]
    return _chart("Tổng điểm của từng đơn vị (% điểm tối đa)", items)


def _lines(pack: Pack, criteria: Iterable[CriterionResult], depth: int = 0) -> Iterator[Line]:
    """Score-card lines; scores are shown rounded as the pack publishes its figures."""
    for c in criteria:
        yield Line(
            depth=depth,
            id=c.id,
            title=c.title,
            score=str(cell(published(pack, c.score))) if c.applies else "—",
            max=str(cell(c.max)),
            share=_share(c.score, c.max),
            applies=c.applies,
            group=bool(c.children),
            self_score=str(cell(published(pack, c.self_score))),
            reason=c.reason or "",
        )
        yield from _lines(pack, c.children, depth + 1)


def _summary(s: Standing, result: UnitResult | None) -> str:
    parts = []
    if s.published_total is not None and result is not None:
        parts.append(f"{cell(s.published_total)}/{cell(result.max_total)} điểm")
        parts.append(f"{cell(s.published_percent)} %")
    if s.rank is not None:
        parts.append(f"hạng {s.rank}")
    text = ", ".join(parts)
    status = STATUS_LABELS[s.status]
    return f"{text} — {status}" if text and status else text or status


def _cards(
    ctx: ReportContext,
    block_id: str,
    results: Sequence[UnitResult],
    found: Analyses | None = None,
) -> tuple[Card, ...]:
    """A card per unit, in the order of the ranking table (with what the analyses in
    ``found`` say of it)."""
    found = found or Analyses()
    colours = level_colours(ctx.pack)
    by_id = {r.unit_id: r for r in results}
    # the state and provenance, then the note of the unit's own file
    shared = tuple(c for c in context_caveats(ctx) if not is_file_note(c))
    file_notes = {n.file: n.note for n in ctx.outcome.notes}
    cards = []
    for s in ctx.outcome.tables.get(block_id, ()):
        result = by_id.get(s.unit_id)
        findings = tuple(
            (f"{f.criterion}: " if f.criterion else "") + f.message
            for f in (result.findings if result else ())
        )
        source = result.file if result else None
        own_note = (f"Số liệu: {file_notes[source]}",) if source in file_notes else ()
        cards.append(
            Card(
                unit_id=s.unit_id,
                name=s.name,
                summary=_summary(s, result),
                level=s.level or "",
                colour=colours.get(s.level or "", "#9e9e9e"),
                lines=tuple(_lines(ctx.pack, result.criteria)) if result else (),
                findings=findings,
                caveats=shared + own_note,
                why=found.why.get((block_id, s.unit_id)),
                hint=found.hints.get((block_id, s.unit_id)),
            )
        )
    return tuple(cards)


def _blocks(ctx: ReportContext) -> list[BlockView]:
    from ..standard import level_counts, ranking_tables
    from ..workflow import rank_change_tables

    colours = level_colours(ctx.pack)
    changes = {t.block: t for t in rank_change_tables(ctx)} if ctx.previous is not None else {}
    found = analyses(ctx)
    views = []
    for table in ranking_tables(ctx):
        block_id = table.block or ""
        results = [
            r for r in ctx.results if r.block == block_id and r.status not in (EXCLUDED, INTERIM)
        ]
        counts = level_counts(ctx.outcome.tables.get(block_id, ()))
        keys = table.keys or ()
        views.append(
            BlockView(
                id=block_id,
                title=ctx.pack.block(block_id).title,
                ranking=table,
                level_column=keys.index("level") if "level" in keys else None,
                levels=tuple(
                    (lv.name, counts.get(lv.name, 0), colours[lv.name]) for lv in ctx.pack.levels
                ),
                charts=(_group_chart(ctx, block_id, results), _totals_chart(ctx, block_id)),
                cards=_cards(ctx, block_id, results, found),
                changes=changes.get(block_id),
                intervals=found.intervals.get(block_id),
            )
        )
    return views


def full_report(ctx: ReportContext) -> str:
    """The whole batch as one HTML file that opens offline (``report PACK html``)."""
    from ..standard import errors_table

    return _render(
        "report.html.j2",
        pack=ctx.pack,
        title=f"{ctx.pack.title}",
        period=ctx.period,
        caveats=context_caveats(ctx),
        caveats_title=CAVEATS_TITLE,
        blocks=_blocks(ctx),
        errors=errors_table(ctx)[0] if ctx.outcome.errors else None,
        outcome=ctx.outcome,
        colours=level_colours(ctx.pack),
    )


def tables_html(
    tables: Sequence[Table], pack: Pack, title: str, caveats: Sequence[str] = ()
) -> str:
    """Any report's tables as a plain self-contained page (``--format html``), the
    ``caveats`` above them."""
    return _render(
        "tables.html.j2",
        pack=pack,
        title=title,
        tables=list(tables),
        colours=level_colours(pack),
        caveats=list(caveats),
        caveats_title=CAVEATS_TITLE,
    )


def html_tables(tables: Sequence[Table], ctx: ReportContext, title: str) -> str:
    """The registry's entry point: any report's tables as a page."""
    return tables_html(tables, ctx.pack, title, context_caveats(ctx))
