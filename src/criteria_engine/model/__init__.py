"""The pack model and the results it produces: frozen attrs classes, no behaviour that needs
the evaluator.

``pack`` holds what a pack's files declare; ``results`` what evaluating a unit gives;
``problems`` the located problems a pack (or a file) can have.
"""

from .pack import (
    Block,
    Calendar,
    Criterion,
    Decision,
    ExcludedUnit,
    Input,
    Level,
    Pack,
    Period,
    Provenance,
    Ranking,
    RosterUnit,
    Rounding,
    Update,
)
from .problems import PackError, Problem
from .results import (
    EXCLUDED,
    INTERIM,
    LATE,
    MISSING,
    RANKED,
    STATUS_LABELS,
    CriterionResult,
    Finding,
    Standing,
    UnitResult,
)

__all__ = [
    "EXCLUDED",
    "INTERIM",
    "LATE",
    "MISSING",
    "RANKED",
    "STATUS_LABELS",
    "Block",
    "Calendar",
    "Criterion",
    "CriterionResult",
    "Decision",
    "ExcludedUnit",
    "Finding",
    "Input",
    "Level",
    "Pack",
    "PackError",
    "Period",
    "Problem",
    "Provenance",
    "Ranking",
    "RosterUnit",
    "Rounding",
    "Standing",
    "UnitResult",
    "Update",
]
