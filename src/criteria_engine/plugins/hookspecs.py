"""The hooks a plugin may implement.

A plugin is any module or object with functions marked ``@criteria_engine.hookimpl`` and
named like the specs below. Installed distributions register plugins through the
entry-point group ``criteria_engine``; a pack folder's ``plugin.py`` is registered when
the pack is loaded. Every hook is called with keyword arguments and returns data: no hook
changes the engine or a result in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ..inputs.records import Submission
    from ..model.pack import Pack
    from ..model.results import Finding, UnitResult
    from ..reports.base import Report

hookspec = pluggy.HookspecMarker("criteria_engine")
hookimpl = pluggy.HookimplMarker("criteria_engine")

# --------------------------------------------------------------------------------------
# Discovery: what packs and reports exist
# --------------------------------------------------------------------------------------


@hookspec
def criteria_engine_pack_dirs() -> list[Any]:
    """Return the folders of the packs this plugin provides.

    Called once when the engine lists or looks up packs. Each item is a path-like object
    (or an ``importlib.resources`` traversable) of a folder holding ``pack.yaml``. The
    results of every plugin are combined into one list; several versions of one pack
    (same ``name``, different decisions) may be returned side by side.

    :return: a list of pack folders (may be empty).
    """


@hookspec
def criteria_engine_reports(pack: Pack) -> list[Report]:
    """Return the reports this plugin offers for ``pack``.

    Called when a report is listed or run. Built-in reports answer for every pack; a
    pack's own ``plugin.py`` should answer only when ``pack.name`` is its pack. The lists
    of every plugin are combined; a later plugin's report with the same name as an earlier
    one's is refused with an error, never silently replaced.

    :param pack: the loaded pack the report would run on.
    :return: a list of :class:`~criteria_engine.reports.base.Report` (may be empty).
    """


# --------------------------------------------------------------------------------------
# Evaluation: pack-specific checks that data cannot express
# --------------------------------------------------------------------------------------


@hookspec
def criteria_engine_unit_findings(
    pack: Pack, unit: Submission, result: UnitResult
) -> list[Finding]:
    """Return extra findings about one evaluated unit.

    Called after each unit is evaluated, for rules a pack cannot declare as data (for
    example a cross-check between two inputs that a province asks its verifiers to make).
    Findings never change a score; they are shown beside it. Lists are combined.

    :param pack: the pack in use.
    :param unit: the checked submission.
    :param result: its evaluation.
    :return: a list of :class:`~criteria_engine.results.Finding` (may be empty).
    """
