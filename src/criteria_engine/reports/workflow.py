"""Reports for the steps around scoring: reasons, verification, districts, interim updates,
and the change of rank from one period to the next."""

from __future__ import annotations

from ..analyses.attribution import group_parts, passes
from ..evaluation.rounding import published, round_published
from ..model.results import RANKED, STATUS_LABELS, Standing
from ..ranking.collation import sort_key
from .analyses import group_change_text, passes_text
from .base import ReportContext, Table
from .standard import findings_tables, level_counts, mean


def reasons_tables(ctx: ReportContext) -> list[Table]:
    """Criteria self-assessed below the maximum with no reason: the list sent back to units."""
    return findings_tables(
        ctx,
        ("missing-reason", "missing-self-score"),
        "Tiêu chí chưa giải trình (tự chấm dưới điểm tối đa)",
    )


def verification_tables(ctx: ReportContext) -> list[Table]:
    """Per unit and criterion: self-assessed score, verified score and the difference."""
    rows = []
    for result in ctx.results:
        for c in result.all_criteria():
            if c.children or c.self_score is None or not c.applies:
                continue
            shown = round_published(ctx.pack, c.score)
            declared = c.declared if c.declared is not None else c.score
            rows.append(
                (
                    result.block,
                    result.unit_id,
                    result.name,
                    c.id,
                    c.title,
                    c.self_score,
                    round_published(ctx.pack, declared),
                    shown,
                    shown - c.self_score,  # the difference of the figures shown
                    c.reason or "",
                )
            )
    return [
        Table(
            "Kết quả thẩm định: điểm tự chấm và điểm thẩm định",
            (
                "Khối",
                "Mã đơn vị",
                "Đơn vị",
                "Tiêu chí",
                "Nội dung",
                "Tự chấm",
                "Theo số liệu kê khai",
                "Thẩm định",
                "Chênh lệch",
                "Giải trình",
            ),
            tuple(rows),
            keys=(
                "block",
                "unit_id",
                "unit",
                "criterion",
                "title",
                "self_score",
                "declared_score",
                "verified_score",
                "difference",
                "reason",
            ),
        )
    ]


def district_tables(ctx: ReportContext) -> list[Table]:
    """Per parent unit (a district): its units' count, mean, best, worst and levels."""
    names = {s.unit_id: s.name for rows in ctx.outcome.tables.values() for s in rows}
    parents: dict[str, list] = {}
    for rows in ctx.outcome.tables.values():
        for s in rows:
            if s.parent:
                parents.setdefault(s.parent, []).append(s)
    level_names = [lv.name for lv in ctx.pack.levels]
    body = []
    for parent, members in sorted(parents.items(), key=lambda kv: names.get(kv[0], kv[0])):
        ranked = [s for s in members if s.status == RANKED]
        totals = [s.published_total for s in ranked]
        avg = mean(totals)
        best = max(ranked, key=lambda s: s.published_total, default=None)
        worst = min(ranked, key=lambda s: s.published_total, default=None)
        counts = level_counts(ranked)
        body.append(
            (
                names.get(parent, parent),
                len(members),
                len(ranked),
                published(ctx.pack, avg),
                best.name if best else "",
                worst.name if worst else "",
                *(counts.get(n, 0) for n in level_names),
                len(members) - len(ranked),
            )
        )
    return [
        Table(
            "Tổng hợp theo đơn vị cấp huyện",
            (
                "Đơn vị",
                "Số đơn vị",
                "Được xếp hạng",
                "Điểm trung bình",
                "Cao nhất",
                "Thấp nhất",
                *level_names,
                "Không xếp hạng",
            ),
            tuple(body),
            keys=(
                "unit",
                "units",
                "ranked",
                "mean_total",
                "best",
                "worst",
                *(f"level:{n}" for n in level_names),
                "unranked",
            ),
        )
    ]


def progress_tables(ctx: ReportContext) -> list[Table]:
    """Interim updates (3, 6, 9 months …): each unit's figures so far, never ranked."""
    stages = {u.id: (i, u.title) for i, u in enumerate(ctx.pack.calendar.updates)}
    interim = sorted(
        ctx.outcome.interim,
        key=lambda s: (s.block, sort_key(s.name), stages.get(s.stage, (99, ""))[0]),
    )
    rows = tuple(
        (
            s.block,
            s.unit_id,
            s.name,
            stages.get(s.stage, (0, s.stage))[1],
            s.published_total,
            s.published_percent,
            s.level,
        )
        for s in interim
    )
    return [
        Table(
            "Cập nhật số liệu giữa kỳ (không xếp hạng)",
            (
                "Khối",
                "Mã đơn vị",
                "Đơn vị",
                "Kỳ cập nhật",
                "Tổng điểm",
                "Tỷ lệ (%)",
                "Mức độ tạm tính",
            ),
            rows,
            keys=("block", "unit_id", "unit", "stage", "total", "percent", "level"),
        )
    ]


def _head(head) -> str:
    """The head of a unit as one line: name and title."""
    if not head:
        return ""
    return ", ".join(part for part in (head.get("name"), head.get("title")) if part)


def _why(ctx: ReportContext, block_id: str, now: Standing, old, before, rows, fell: bool):
    """The change in total split per group, and for a unit that fell, who passed it and
    on which groups (:mod:`criteria_engine.analyses.attribution`)."""
    if old is None or now.total is None or old.total is None:
        return "", ""
    parts = group_parts(ctx.pack, block_id, old, now)
    passed = ""
    if fell:
        after = {s.unit_id: s for s in rows}
        passed = passes_text(ctx.pack, passes(ctx.pack, block_id, now.unit_id, before, after))
    return group_change_text(ctx.pack, parts), passed


def rank_change_tables(ctx: ReportContext) -> list[Table]:
    """Per block: previous and current rank and score; units that fell are marked.

    A unit renamed between periods is matched through the pack's ``renamed_units``; a unit
    new this period has no previous rank; one that was ranked before and is absent or
    unranked now is listed and counts as fallen. Shared ranks compare as published (a
    unit 2nd-equal both years has not moved).
    """
    previous = ctx.previous
    renamed = dict(ctx.pack.renamed_units)
    tables = []
    for block_id, rows in ctx.outcome.tables.items():
        before: dict[str, tuple[str, Standing]] = {}
        for uid, row in (previous.get(block_id) if previous is not None else {}).items():
            key = renamed.get(uid, uid)
            kept = before.get(key)
            # two previous rows for one unit (its old and new id): the ranked one counts
            if kept is None or (kept[1].rank is None and row.rank is not None):
                before[key] = (uid, row)
        before_rows = {key: row for key, (_, row) in before.items()}
        body = []
        for s in rows:
            old_id, old = before.pop(s.unit_id, (None, None))
            prev_rank = old.rank if old else None
            prev_total = old.published_total if old else None
            notes = []
            if old is None:
                notes.append("mới")
            elif old_id != s.unit_id:
                notes.append(f"đổi mã từ {old_id}")
            fell = prev_rank is not None and (s.rank is None or s.rank > prev_rank)
            if s.status != RANKED:
                notes.append(STATUS_LABELS[s.status])
            change = (prev_rank - s.rank) if prev_rank is not None and s.rank else None
            body.append(
                (
                    s.unit_id,
                    s.name,
                    _head(s.head),
                    prev_rank,
                    s.rank,
                    change,
                    prev_total,
                    s.published_total,
                    "xuống hạng" if fell else "",
                    "; ".join(notes),
                    *_why(ctx, block_id, s, old, before_rows, rows, fell),
                )
            )
        for old_id, old in before.values():
            fell = old.rank is not None
            body.append(
                (
                    old_id,
                    old.name,
                    _head(old.head),
                    old.rank,
                    None,
                    None,
                    old.published_total,
                    None,
                    "xuống hạng" if fell else "",
                    "không có trong kỳ này",
                    "",
                    "",
                )
            )
        fallen = sum(1 for row in body if row[8])
        tables.append(
            Table(
                f"Thay đổi thứ hạng — {ctx.pack.block(block_id).title}",
                (
                    "Mã đơn vị",
                    "Đơn vị",
                    "Thủ trưởng",
                    "Hạng kỳ trước",
                    "Hạng kỳ này",
                    "Thay đổi",
                    "Điểm kỳ trước",
                    "Điểm kỳ này",
                    "Đánh dấu",
                    "Ghi chú",
                    "Thay đổi điểm theo nhóm",
                    "Bị vượt bởi (nhóm tạo khác biệt)",
                ),
                tuple(body),
                keys=(
                    "unit_id",
                    "unit",
                    "head",
                    "previous_rank",
                    "rank",
                    "change",
                    "previous_total",
                    "total",
                    "flag",
                    "note",
                    "group_changes",
                    "passed_by",
                ),
                block=block_id,
                note=f"{fallen} đơn vị xuống hạng so với kỳ trước.",
            )
        )
    return tables
