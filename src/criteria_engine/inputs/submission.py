"""What a unit's submission is, as read and as checked: the shapes every reader produces
(JSON, YAML, CSV, Excel) and the error that stands for a unit that cannot be evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

UNIT_FIELDS = (
    "id",
    "name",
    "block",
    "period",
    "submitted",
    "parent",
    "head",
    "stage",
    "inputs",
    "self_scores",
    "reasons",
    "verified",
)
KNOWN_FIELDS = frozenset((*UNIT_FIELDS, "note", "pack", "description"))
MAX_SUBMISSION_BYTES = 50_000_000


@attrs.frozen
class SubmissionError:
    """Why one unit (or one whole file) could not be evaluated."""

    file: str
    message: str
    unit: str | None = None
    field: str | None = None
    where: str | None = None  # a finer place: "line 3", "Sheet1!C14"

    def render(self) -> str:
        place = self.file + (f" ({self.where})" if self.where else "")
        who = f" unit {self.unit!r}" if self.unit else ""
        what = f" field {self.field!r}" if self.field else ""
        return f"{place}:{who}{what}: {self.message}" if who or what else f"{place}: {self.message}"


@attrs.frozen
class Record:
    """A raw unit record as read from a file, before it is checked against a pack."""

    data: Mapping[str, Any]
    file: str
    where: str | None = None
    places: Mapping[str, str] = attrs.Factory(dict)  # field -> its own place ("Sheet!C14")
    #: the remark at the top of the file it came from (the bundled examples say they are
    #: invented): every output repeats it, so invented figures never pass for official ones
    note: str | None = None
    #: what the reader found wrong with fields of this record (a formula in a cell) and
    #: reported just before it: checking then reports every other problem of the record
    #: too (all in one pass) and never lets the record through
    problems: tuple[SubmissionError, ...] = ()


@attrs.frozen
class Submission:
    """One unit's checked submission: values converted, ready to evaluate."""

    id: str
    name: str
    block: str
    inputs: Mapping[str, Any]
    file: str = "<memory>"
    period: str | None = None
    submitted: dt.date | None = None
    parent: str | None = None
    head: Mapping[str, str] | None = None
    stage: str = "year"
    self_scores: Mapping[str, Decimal] = attrs.Factory(dict)
    reasons: Mapping[str, str] = attrs.Factory(dict)
    verified: Mapping[str, Any] = attrs.Factory(dict)

    @property
    def values(self) -> dict[str, Any]:
        """The values that count: declared inputs, replaced by verified ones."""
        return {**self.inputs, **self.verified} if self.verified else dict(self.inputs)
