"""Look reports up by name, across the built-ins and every plugin's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..plugins.manager import register_plugin

if TYPE_CHECKING:
    from ..model.pack import Pack
    from .base import Report


def available_reports(pack: Pack) -> list[Report]:
    """Every report offered for ``pack``; two with one name is the plugin author's error."""
    from . import builtin  # registered like any plugin, only once reports are asked for

    pm = register_plugin(builtin, "criteria_engine.reports.builtin")
    found: dict[str, Report] = {}
    for reports in pm.hook.criteria_engine_reports(pack=pack):
        for report in reports or ():
            if report.name in found and found[report.name] is not report:
                raise LookupError(f"two plugins offer a report named {report.name!r}")
            found[report.name] = report
    return sorted(found.values(), key=lambda r: r.name)


def find_report(pack: Pack, name: str) -> Report:
    reports = {r.name: r for r in available_reports(pack)}
    if name not in reports:
        raise LookupError(
            f"no report {name!r} for {pack.label}; available: {', '.join(sorted(reports))}"
        )
    return reports[name]
