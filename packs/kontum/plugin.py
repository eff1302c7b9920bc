"""Kon Tum's own report: what the Department of Home Affairs needs from the results.

Article 2 of Decision 966/QĐ-UBND has the Department of Information and Communications
work with the Department of Home Affairs (Sở Nội vụ) so that each commune's and
district's result counts in judging its head (người đứng đầu) and in the yearly emulation
and rewards. This report gives Home Affairs, per block, each unit with its head, score,
level and rank, in the order of the published ranking.
"""

from __future__ import annotations

from criteria_engine import STATUS_LABELS, hookimpl, published
from criteria_engine.reports import Report, ReportContext, Table


def home_affairs_tables(ctx: ReportContext) -> list[Table]:
    tables = []
    for block_id, rows in ctx.outcome.tables.items():
        block = ctx.pack.block(block_id)
        body = []
        for number, s in enumerate(rows, start=1):
            head = s.head or {}
            total = published(ctx.pack, s.total)
            body.append(
                (
                    number,
                    s.name,
                    head.get("name", ""),
                    head.get("title", ""),
                    total,
                    s.level,
                    s.rank,
                    STATUS_LABELS[s.status],
                )
            )
        tables.append(
            Table(
                f"Kết quả đánh giá mức độ Chính quyền điện tử — {block.title} "
                f"(phục vụ xét trách nhiệm người đứng đầu, thi đua, khen thưởng)",
                (
                    "STT",
                    "Đơn vị",
                    "Người đứng đầu",
                    "Chức vụ",
                    "Tổng điểm",
                    "Mức độ",
                    "Xếp hạng",
                    "Ghi chú",
                ),
                tuple(body),
                keys=("stt", "unit", "head", "head_title", "total", "level", "rank", "note"),
                block=block_id,
                note=f"Căn cứ Điều 2 Quyết định {ctx.pack.decision.number}: kết quả gửi Sở Nội vụ.",
            )
        )
    return tables


HOME_AFFAIRS = Report(
    "home-affairs",
    "Kết quả gửi Sở Nội vụ",
    home_affairs_tables,
    "per block: unit, its head, score, level and rank, for the heads' accountability and "
    "the yearly emulation and rewards",
)


@hookimpl
def criteria_engine_reports(pack):
    return [HOME_AFFAIRS] if pack.name == "kontum" else []
