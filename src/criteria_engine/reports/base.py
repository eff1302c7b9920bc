"""What a report is: named tables built from a batch's results.

A report builds :class:`Table` values from a :class:`ReportContext`; it never formats
text itself. The output formats (:mod:`.formats`) turn tables into any file type, so every
report, built-in or from a pack's plugin, speaks every format the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ..evaluation.batch import BatchOutcome
    from ..model.pack import Pack
    from ..model.results import UnitResult
    from .history import PreviousResults

@attrs.frozen
class Table:
    """A titled table: the unit of every report."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    keys: tuple[str, ...] | None = None  # machine names of the columns, for JSON
    block: str | None = None
    note: str | None = None


@attrs.frozen
class ReportContext:
    """What a report may read: the pack, the ranked batch, full results, a previous period."""

    pack: Pack
    outcome: BatchOutcome
    results: Sequence[UnitResult] = ()
    previous: PreviousResults | None = None  # the previous period (``--previous``)
    options: dict[str, Any] = attrs.Factory(dict)
    period: str | None = None  # the evaluation year the submissions declare
    #: the submission files of the batch: reports that evaluate units again with changed
    #: inputs (the analyses: next level, why, sensitivity) read them from here
    files: tuple[Any, ...] = ()


@attrs.frozen
class Report:
    """A named report: ``build`` makes its tables from a context."""

    name: str
    title: str
    build: Callable[[ReportContext], list[Table]]
    description: str = ""
    needs_results: bool = False  # whether it reads full result trees, not just standings
    needs_previous: bool = False
    #: a report that is a whole document in one format (the HTML report) rather than
    #: tables: the name of that format, whose batch renderer writes it
    document: str | None = None
