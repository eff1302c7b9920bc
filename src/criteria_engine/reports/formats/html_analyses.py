"""The analyses on the HTML score cards: why a unit's total changed since the previous
period (split by group, drawn as an inline SVG chart), what it takes to reach the next
level, and, per block, the rank intervals when weights move (``--weights``).

They need the batch's submission files (``ReportContext.files``): each analysis moves
inputs and asks the engine again. The batch is checked and evaluated once for all three.
Everything is drawn here from sorted data, so the same input still gives the same bytes.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import attrs

from ...evaluation.rounding import round_published

if TYPE_CHECKING:
    from ..base import ReportContext, Table

CHART_WIDTH, LABEL_WIDTH, NOTE_WIDTH, BAR_HEIGHT, BAR_GAP = 860, 320, 110, 16, 6
LABEL_CHARS = 40
GAIN, LOSS = "#2e7d32", "#c62828"
_ONE_PLACE = Decimal("0.1")


@attrs.frozen
class DeltaBar:
    """One group's change: a bar to the right of the zero line (gain) or to its left."""

    label: str
    note: str
    y: int
    x: Decimal
    width: Decimal
    colour: str


@attrs.frozen
class DeltaChart:
    title: str
    bars: tuple[DeltaBar, ...]
    height: int
    zero: Decimal  # where the zero line is
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    scale: int = CHART_WIDTH - LABEL_WIDTH - NOTE_WIDTH


@attrs.frozen
class Why:
    """Why one unit's total and rank changed: a line of figures, the chart, who passed."""

    summary: str
    chart: DeltaChart | None
    passed_by: str = ""


@attrs.frozen
class Hint:
    """What it takes one unit to reach the next level, as lines of text."""

    lines: tuple[str, ...]
    reached: bool


@attrs.frozen
class Analyses:
    """What the score cards and block sections of one report show of the analyses."""

    why: dict[tuple[str, str], Why] = attrs.Factory(dict)
    hints: dict[tuple[str, str], Hint] = attrs.Factory(dict)
    intervals: dict[str, Table] = attrs.Factory(dict)


def _signed(value: Decimal) -> str:
    return f"{value:+}" if value else "0"


def delta_chart(title: str, items: list[tuple[str, Decimal, str]]) -> DeltaChart | None:
    """A chart of (label, change, note) items, bars from a zero line in the middle of the
    drawing area, the largest change reaching its edge; None when nothing moved."""
    largest = max((abs(v) for _, v, _ in items), default=Decimal(0))
    if not largest:
        return None
    scale = CHART_WIDTH - LABEL_WIDTH - NOTE_WIDTH
    half = Decimal(scale) / 2
    zero = Decimal(LABEL_WIDTH) + half
    bars = []
    for i, (label, value, note) in enumerate(items):
        y = 8 + i * (BAR_HEIGHT + BAR_GAP)
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        width = (abs(value) / largest * half).quantize(_ONE_PLACE, ROUND_HALF_UP)
        x = zero if value >= 0 else zero - width
        bars.append(DeltaBar(short, note, y, x, width, GAIN if value >= 0 else LOSS))
    height = 16 + len(bars) * (BAR_HEIGHT + BAR_GAP)
    return DeltaChart(title, tuple(bars), height, zero)


def _why(pack, change) -> Why:
    from ..analyses import passes_text

    def rounded(value):
        return "—" if value is None else str(round_published(pack, value))

    rank = (
        f"; hạng {change.rank_before or '—'} → {change.rank_after or '—'}"
        if change.rank_before is not None or change.rank_after is not None
        else ""
    )
    moved = "" if change.change is None else f" ({_signed(round_published(pack, change.change))})"
    summary = f"Tổng điểm {rounded(change.total_before)} → {rounded(change.total_after)}{moved}"
    items = [
        (f"{p.item or p.criterion}. {p.title}", p.change,
         f"{_signed(round_published(pack, p.change))} điểm")
        for p in change.groups
    ]
    chart = delta_chart("Thay đổi điểm theo nhóm tiêu chí so với kỳ trước", items)
    passed = passes_text(pack, change.passed_by) if change.fell else ""
    return Why(summary + rank + ".", chart, passed)


def analyses(ctx: ReportContext) -> Analyses:
    """The analyses the report's cards show: why (with ``--previous``), the next level,
    and rank intervals (with ``--weights``); nothing without the submission files."""
    if not ctx.files:
        return Analyses()
    from ...analyses._batch import evaluate_batch
    from ...analyses.attribution import attribute
    from ...analyses.next_level import next_level
    from ...analyses.sensitivity import sensitivity
    from ...inputs.records import read_records
    from ..analyses import interval_table, next_level_lines

    pack = ctx.pack
    batch = evaluate_batch(pack, read_records(ctx.files))
    found = Analyses()
    for plan in next_level(pack, batch):
        found.hints[(plan.block, plan.unit_id)] = Hint(
            tuple(next_level_lines(pack, plan)), plan.reached
        )
    if ctx.previous is not None:
        for change in attribute(pack, batch, ctx.previous):
            found.why[(change.block, change.unit_id)] = _why(pack, change)
    weights = ctx.options.get("weights")
    if weights is not None:
        by = ctx.options.get("weights_by") or "group"
        firm = sensitivity(pack, batch, weights=weights, by=by, steps=False)
        for block in pack.blocks:
            table = interval_table(pack, block, firm.intervals, weights)
            if table is not None:
                found.intervals[block.id] = table
    return found
