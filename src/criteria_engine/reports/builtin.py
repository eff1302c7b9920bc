"""The built-in reports, registered through the same hook a pack's plugin uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..plugins.hookspecs import hookimpl
from . import analyses, standard, workflow
from .base import Report

if TYPE_CHECKING:
    from ..model.pack import Pack

BUILTIN_REPORTS = (
    Report(
        "ranking",
        "Bảng xếp hạng theo khối",
        standard.ranking_tables,
        "per block: score per group, total, percentage, level and rank",
    ),
    Report(
        "scores",
        "Điểm chi tiết từng tiêu chí",
        standard.score_tables,
        "every unit's score on every criterion",
        needs_results=True,
    ),
    Report(
        "findings",
        "Lưu ý về hồ sơ",
        standard.findings_tables,
        "everything noticed about the submissions: late, missing reasons, dates outside "
        "the data window …",
        needs_results=True,
    ),
    Report(
        "errors",
        "Lỗi dữ liệu",
        standard.errors_table,
        "submissions that could not be evaluated, with file, unit and field",
    ),
    Report(
        "reasons",
        "Tiêu chí chưa giải trình",
        workflow.reasons_tables,
        "criteria self-assessed below the maximum without a reason",
        needs_results=True,
    ),
    Report(
        "verification",
        "Điểm tự chấm và điểm thẩm định",
        workflow.verification_tables,
        "self-assessed vs verified score per unit and criterion",
        needs_results=True,
    ),
    Report(
        "district-summary",
        "Tổng hợp theo huyện",
        workflow.district_tables,
        "per district: its communes' count, mean, best, worst and levels",
    ),
    Report(
        "progress",
        "Cập nhật giữa kỳ",
        workflow.progress_tables,
        "interim (3/6/9-month) updates, shown as progress and never ranked",
    ),
    Report(
        "html",
        "Báo cáo tổng hợp (HTML)",
        standard.ranking_tables,
        "one self-contained HTML file: rankings, level distribution, charts, score cards; "
        "rank changes with --previous",
        needs_results=True,
        document="html",
    ),
    Report(
        "next-level",
        "Điều kiện để đạt mức độ cao hơn",
        analyses.next_level_tables,
        "per unit below the next level: points missing and the fewest criteria, with the "
        "input values, that reach it",
    ),
    Report(
        "why",
        "Vì sao điểm và thứ hạng thay đổi",
        analyses.why_tables,
        "change in total split exactly per group, and who passed each unit that fell "
        "(needs --previous)",
        needs_previous=True,
    ),
    Report(
        "sensitivity",
        "Độ vững của thứ hạng",
        analyses.sensitivity_tables,
        "sure rank intervals when each group's weight moves within ±x % (--weights), and "
        "the units one smallest step of one input moves",
    ),
    Report(
        "rank-change",
        "Thay đổi thứ hạng",
        workflow.rank_change_tables,
        "previous vs current rank per unit; units that fell are marked (needs --previous)",
        needs_previous=True,
    ),
)


@hookimpl
def criteria_engine_reports(pack: Pack) -> list[Report]:
    return list(BUILTIN_REPORTS)
