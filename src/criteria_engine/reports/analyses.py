"""Reports of the analyses: what it takes to reach the next level, why totals and ranks
changed, and how firm the ranks are. They evaluate the batch's submission files again
(``ReportContext.files``), since each analysis moves inputs and asks the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..analyses.attribution import attribute
from ..analyses.next_level import next_level
from ..analyses.sensitivity import sensitivity
from ..evaluation.rounding import published, round_published
from ..inputs.records import read_records
from .base import ReportContext, Table

#: how far weights move in the sensitivity report unless ``--weights`` says otherwise
DEFAULT_WEIGHTS = Decimal("0.1")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal):
        whole = value == value.to_integral()
        return format(value.normalize() if whole else value, "f")
    return "" if value is None else str(value)


def _needs_files(ctx: ReportContext, title: str) -> list[Table] | None:
    if ctx.files:
        return None
    return [Table(title, ("Ghi chú",), (("Cần các tệp số liệu của kỳ đánh giá",),))]


def _block_wide(step) -> str:
    return "phụ thuộc số liệu toàn khối (giữ nguyên)" if step.block_wide else ""


def changes_text(changes) -> str:
    """Input changes as one line: ``label: 40 → 60``."""
    return "; ".join(f"{c.label}: {_value(c.before)} → {_value(c.after)}" for c in changes)


def next_level_tables(ctx: ReportContext) -> list[Table]:
    """Per unit below the next level: points missing and the smallest set of criteria
    (with the input values) that reaches it."""
    title = "Điều kiện để đạt mức độ cao hơn"
    missing = _needs_files(ctx, title)
    if missing:
        return missing
    pack = ctx.pack
    target = ctx.options.get("target")
    found = next_level(pack, read_records(ctx.files), target=target)
    tables = []
    for block in pack.blocks:
        rows = []
        for plan in (p for p in found if p.block == block.id):
            head = (
                plan.unit_id,
                plan.name,
                plan.level,
                plan.target,
                round_published(pack, plan.total),
                published(pack, plan.missing),
            )
            gates = "; ".join(f"điều kiện bắt buộc: {g.label}" for g in plan.gates)
            if not plan.plan:
                rows.append((*head, "", "", None, None, None, "", plan.note or gates))
            for step in plan.plan:
                rows.append(
                    (
                        *head,
                        step.item,
                        step.title,
                        round_published(pack, step.score),
                        step.max,
                        round_published(pack, step.best),
                        changes_text(step.changes),
                        "; ".join(x for x in (gates, _block_wide(step)) if x),
                    )
                )
        if rows:
            tables.append(
                Table(
                    f"{title} — {block.title}",
                    ("Mã đơn vị", "Đơn vị", "Mức độ", "Mức cần đạt", "Tổng điểm",
                     "Điểm còn thiếu", "Tiêu chí", "Nội dung", "Điểm hiện tại", "Điểm tối đa",
                     "Điểm sau thay đổi", "Số liệu cần đạt", "Ghi chú"),
                    tuple(rows),
                    keys=("unit_id", "unit", "level", "target", "total", "missing", "criterion",
                          "title", "score", "max", "score_after", "changes", "note"),
                    block=block.id,
                    note="Tập tiêu chí ít nhất đủ bù số điểm còn thiếu; mỗi tiêu chí chỉ nâng "
                    "tới mức cần thiết (đã kiểm tra lại bằng cách chấm điểm lại).",
                )
            )
    return tables


def next_level_lines(pack, plan) -> list[str]:
    """One unit's way to the next level as lines of text (score card, ``explain``): the
    points missing, any gate first, then each criterion of the smallest set with the input
    values and the points they give."""
    head = f"Để đạt mức {plan.target}"
    if plan.missing is not None:
        more = "hơn " if plan.strict else ""
        need = f"{round_published(pack, plan.needed_total)}/{plan.max_total}"
        head += f": còn thiếu {more}{round_published(pack, plan.missing)} điểm (cần {need})"
    lines = [head + "."]
    lines += [f"Điều kiện bắt buộc: {g.label} (mức tối đa {g.at_most})." for g in plan.gates]
    for step in plan.plan:
        gain = round_published(pack, step.gain)
        change = changes_text(step.changes)
        wide = f" — {_block_wide(step)}" if step.block_wide else ""
        lines.append(f"{step.item} {step.title}: {change} (+{gain} điểm){wide}")
    if not plan.plan and plan.note:
        lines.append(plan.note)
    return lines


def group_change_text(pack, parts) -> str:
    """Per-group changes of one unit as one line: ``1: +2.00; 3: -14.25``."""
    shown = ((p.criterion, round_published(pack, p.change)) for p in parts)
    return "; ".join(f"{gid}: {value:+}" for gid, value in shown if value)


def passes_text(pack, passes, limit: int = 5) -> str:
    """The units that passed one, each with the groups that made the pass."""
    out = []
    for p in passes[:limit]:
        groups = ", ".join(g for g, _ in p.groups[:3])
        out.append(f"{p.name} ({groups})" if groups else p.name)
    more = len(passes) - limit
    return "; ".join(out) + (f"; và {more} đơn vị khác" if more > 0 else "")


def why_tables(ctx: ReportContext) -> list[Table]:
    """Per unit: the change in total split per group, the rank before and now, and for a
    unit that fell, who passed it and on which groups."""
    title = "Vì sao điểm và thứ hạng thay đổi"
    missing = _needs_files(ctx, title)
    if missing:
        return missing
    pack = ctx.pack
    found = attribute(pack, read_records(ctx.files), ctx.previous)
    tables = []
    for block in pack.blocks:
        groups = [c for c in block.criteria if c.weight]
        rows = []
        for ch in (c for c in found if c.block == block.id):
            by_group = {p.criterion: p.change for p in ch.groups}
            rows.append(
                (
                    ch.unit_id,
                    ch.name,
                    ch.rank_before,
                    ch.rank_after,
                    published(pack, ch.total_before),
                    published(pack, ch.total_after),
                    published(pack, ch.change),
                    *(published(pack, by_group.get(g.id)) for g in groups),
                    passes_text(pack, ch.passed_by) if ch.fell else "",
                    ch.note or "",
                )
            )
        if rows:
            tables.append(
                Table(
                    f"{title} — {block.title}",
                    ("Mã đơn vị", "Đơn vị", "Hạng kỳ trước", "Hạng kỳ này", "Điểm kỳ trước",
                     "Điểm kỳ này", "Thay đổi", *(f"Nhóm {g.id}" for g in groups),
                     "Bị vượt bởi (nhóm tạo khác biệt)", "Ghi chú"),
                    tuple(rows),
                    keys=("unit_id", "unit", "previous_rank", "rank", "previous_total", "total",
                          "change", *(f"group:{g.id}" for g in groups), "passed_by", "note"),
                    block=block.id,
                    note="Thay đổi theo nhóm cộng lại đúng bằng thay đổi tổng điểm (số liệu "
                    "chính xác; bảng hiển thị đã làm tròn).",
                )
            )
    return tables


def parse_weights(text: str | None) -> Decimal:
    """``10%``, ``10`` or ``0.1`` as the fraction weights may move by (0.1)."""
    if text is None or text == "":
        return DEFAULT_WEIGHTS
    raw = text.strip().rstrip("%").strip()
    value = Decimal(raw)
    if text.strip().endswith("%") or value >= 1:
        value /= 100
    return value


def sensitivity_tables(ctx: ReportContext) -> list[Table]:
    """Rank intervals when each group's weight moves within ±x %, and the units whose
    level or rank one smallest step of one input changes."""
    title = "Độ vững của thứ hạng"
    missing = _needs_files(ctx, title)
    if missing:
        return missing
    pack = ctx.pack
    x = ctx.options.get("weights") or DEFAULT_WEIGHTS
    by = ctx.options.get("weights_by") or "group"
    found = sensitivity(pack, read_records(ctx.files), weights=x, by=by)
    tables = []
    for block in pack.blocks:
        table = interval_table(pack, block, found.intervals, x)
        if table is not None:
            tables.append(table)
        fragile = tuple(
            (
                f.unit_id,
                f.name,
                ", ".join(f.criteria),
                f"{f.label}: {_value(f.before)} → {_value(f.after)}",
                f.rank_before,
                f.rank_after,
                f.level_before,
                f.level_after,
            )
            for f in found.fragile
            if f.block == block.id
        )
        if fragile:
            tables.append(
                Table(
                    f"Đơn vị cần thẩm tra trước (một bước nhỏ nhất đổi hạng hoặc mức độ) — "
                    f"{block.title}",
                    ("Mã đơn vị", "Đơn vị", "Tiêu chí", "Số liệu thay đổi", "Hạng", "Hạng mới",
                     "Mức độ", "Mức độ mới"),
                    fragile,
                    keys=("unit_id", "unit", "criteria", "change", "rank", "rank_after",
                          "level", "level_after"),
                    block=block.id,
                )
            )
    return tables


def interval_table(pack, block, intervals, x: Decimal) -> Table | None:
    """One block's rank intervals (weights within ±``x``), best rank first."""
    pct = format((x * 100).normalize(), "f")
    rows = tuple(
        (
            i.unit_id,
            i.name,
            i.rank,
            i.best,
            i.worst,
            "" if i.corner_best is None else f"{i.corner_best}–{i.corner_worst}",
            "" if i.exact else "cận an toàn (tối đa không giống nhau)",
        )
        for i in sorted(intervals, key=lambda i: i.rank)
        if i.block == block.id
    )
    if not rows:
        return None
    return Table(
        f"Khoảng thứ hạng khi trọng số mỗi nhóm thay đổi ±{pct}% — {block.title}",
        ("Mã đơn vị", "Đơn vị", "Hạng", "Hạng cao nhất", "Hạng thấp nhất",
         "Hạng tại các góc", "Ghi chú"),
        rows,
        keys=("unit_id", "unit", "rank", "best", "worst", "corners", "note"),
        block=block.id,
        note="Không có bộ trọng số nào trong khoảng đưa đơn vị ra ngoài khoảng hạng; "
        "hai đầu khoảng không nhất thiết cùng đạt được với một bộ trọng số.",
    )
