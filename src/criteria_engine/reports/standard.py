"""The reports every pack has: the published ranking table, scores, findings, errors."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..evaluation.rounding import cell, published
from ..model.pack import Block, Criterion, Pack
from ..model.results import STATE_LABELS, STATUS_LABELS, Standing
from .base import ReportContext, Table


def _block_title(ctx: ReportContext, block_id: str) -> str:
    block = ctx.pack.block(block_id)
    return f"{block.title} ({ctx.pack.decision.number})"


def ranked_on(pack: Pack, block: Block) -> str:
    """What the ranks of ``block`` compare, in words, for a table's note."""
    exact = pack.ranking.compare == "exact"
    if pack.rank_measure(block) == "percent":
        what = "tỷ lệ % điểm đạt được so với điểm tối đa của từng đơn vị"
        if block.maxima_can_differ:
            what += " (điểm tối đa giảm khi có tiêu chí không áp dụng)"
    else:
        what = "tổng điểm"
    how = "giá trị chính xác" if exact else "làm tròn như công bố"
    shared = "đồng hạng" + (" (hạng kế tiếp không bỏ số)" if pack.ranking.ties == "dense" else "")
    if pack.ranking.tie_break:
        steps = "; ".join(f"{i}. {s.title}" for i, s in enumerate(pack.ranking.tie_break, 1))
        chain = f"bằng nhau thì xét lần lượt: {steps}; vẫn bằng nhau thì {shared}"
    else:
        chain = f"bằng nhau thì {shared}"
    return f"Xếp hạng theo {what}, {how}; {chain}."


def ranking_tables(ctx: ReportContext, *, lazy: bool = False) -> list[Table]:
    """Per block: STT, unit, score per group, total (and the unit's own maximum where
    maxima differ), percentage, level, rank, note; the note under the table says what the
    rank compares and where the results stand (draft … published).

    ``lazy``: each table's rows are a one-pass iterator, made as they are read, so that a
    writer can stream 100,000 lines without holding them all (``evaluate --format csv``).
    """
    tables = []
    for block_id, rows in ctx.outcome.tables.items():
        block = ctx.pack.block(block_id)
        groups = list(block.criteria)
        within = ctx.pack.ranking.within_parent and any(s.parent for s in rows)
        own_max = block.maxima_can_differ
        on_percent = ctx.pack.rank_measure(block) == "percent"
        maximum = block.max_total
        headers = [
            "STT",
            "Đơn vị",
            # maxima with the places the pack publishes its figures with (/100.00)
            *(f"Nhóm {g.id} (/{cell(published(ctx.pack, g.max))})" for g in groups),
            "Tổng điểm" if own_max else f"Tổng điểm (/{cell(published(ctx.pack, maximum))})",
            *(["Điểm tối đa"] if own_max else []),
            "Tỷ lệ (%)",
            "Mức độ",
            "Xếp hạng (theo tỷ lệ %)" if on_percent else "Xếp hạng (theo tổng điểm)",
        ]
        keys = [
            "stt",
            "unit",
            *(f"group_{g.id}" for g in groups),
            "total",
            *(["max_total"] if own_max else []),
            "percent",
            "level",
            "rank",
        ]
        if within:
            headers.append("Hạng trong huyện")
            keys.append("rank_in_parent")
        headers.append("Ghi chú")
        keys.append("note")
        body = _ranking_rows(ctx, rows, groups, own_max=own_max, within=within)
        legend = "; ".join(f"Nhóm {g.id}: {g.title}" for g in groups)
        legend += f"\n{ranked_on(ctx.pack, block)}"
        legend += f"\nTrạng thái kết quả: {STATE_LABELS[ctx.outcome.state]}."
        tables.append(
            Table(
                _block_title(ctx, block_id),
                tuple(headers),
                body if lazy else tuple(body),  # type: ignore[arg-type]
                keys=tuple(keys),
                block=block_id,
                note=legend,
            )
        )
    return tables


def _ranking_rows(
    ctx: ReportContext,
    rows: list[Standing],
    groups: list[Criterion],
    *,
    own_max: bool,
    within: bool,
) -> Iterator[tuple[Any, ...]]:
    """The lines of one block's ranking table, made one at a time."""
    for i, s in enumerate(rows, start=1):
        note = STATUS_LABELS[s.status]
        if s.note:
            note = f"{note}: {s.note}" if note else s.note
        if s.tie_step:
            note = f"{note}; " if note else ""
            note += f"hơn đơn vị cùng điểm nhờ: {s.tie_step}"
        line = [
            i,
            s.name,
            *(published(ctx.pack, s.groups.get(g.id)) for g in groups),
            s.published_total,
            *([published(ctx.pack, s.max_total)] if own_max else []),
            s.published_percent,
            s.level,
            s.rank,
        ]
        if within:
            line.append(s.rank_in_parent)
        yield (*line, note)


def score_tables(ctx: ReportContext) -> list[Table]:
    """Per block, one row per unit and criterion: score, maximum, and how it came about."""
    by_block: dict[str, list[tuple]] = {}
    for result in ctx.results:
        for c in result.all_criteria():
            notes = []
            if not c.applies:
                notes.append("không áp dụng")
            if c.capped:
                notes.append(f"giới hạn từ {published(ctx.pack, c.raw)}")
            if c.floored:
                notes.append(f"sàn từ {published(ctx.pack, c.raw)}")
            if not c.counted:
                notes.append("không tính điểm")
            by_block.setdefault(result.block, []).append(
                (
                    result.unit_id,
                    result.name,
                    c.id,
                    c.title,
                    published(ctx.pack, c.score),
                    c.max,
                    "; ".join(notes),
                )
            )
    return [
        Table(
            f"Điểm chi tiết — {_block_title(ctx, b)}",
            ("Mã đơn vị", "Đơn vị", "Tiêu chí", "Nội dung", "Điểm", "Tối đa", "Ghi chú"),
            tuple(rows),
            keys=("unit_id", "unit", "criterion", "title", "score", "max", "note"),
            block=b,
        )
        for b, rows in by_block.items()
    ]


def findings_tables(
    ctx: ReportContext, codes: tuple[str, ...] | None = None, title: str = "Lưu ý"
) -> list[Table]:
    """Every finding (or those with the given codes), per unit."""
    rows = []
    for result in ctx.results:
        for f in result.findings:
            if codes is None or f.code in codes:
                rows.append(
                    (
                        result.block,
                        result.unit_id,
                        result.name,
                        f.criterion or "",
                        f.field or "",
                        f.code,
                        f.message,
                    )
                )
    return [
        Table(
            title,
            ("Khối", "Mã đơn vị", "Đơn vị", "Tiêu chí", "Trường", "Mã", "Nội dung"),
            tuple(rows),
            keys=("block", "unit_id", "unit", "criterion", "field", "code", "message"),
        )
    ]


def errors_table(ctx: ReportContext) -> list[Table]:
    rows = tuple(
        (e.file, e.where or "", e.unit or "", e.field or "", e.message) for e in ctx.outcome.errors
    )
    return [
        Table(
            "Lỗi dữ liệu",
            ("Tệp", "Vị trí", "Đơn vị", "Trường", "Lỗi"),
            rows,
            keys=("file", "where", "unit", "field", "message"),
        )
    ]


def level_counts(rows) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in rows:
        if s.level:
            counts[s.level] = counts.get(s.level, 0) + 1
    return counts


def mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None
