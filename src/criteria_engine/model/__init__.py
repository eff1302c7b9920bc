"""The pack model and the results it produces: frozen attrs classes, no behaviour that needs
the evaluator.

``pack`` holds what a pack's files declare; ``results`` what evaluating a unit gives;
``problems`` the located problems a pack (or a file) can have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

if TYPE_CHECKING:
    from .pack import (
        Block,
        Calendar,
        Criterion,
        Decision,
        ExcludedUnit,
        Input,
        Level,
        LevelGate,
        Pack,
        Period,
        Provenance,
        Ranking,
        RosterUnit,
        Rounding,
        TieStep,
        Update,
    )
    from .problems import PackError, Problem
    from .results import (
        EXCLUDED,
        INTERIM,
        LATE,
        MISSING,
        RANKED,
        RESULT_STATES,
        STATE_LABELS,
        STATUS_LABELS,
        UNDATED,
        CriterionResult,
        Finding,
        Standing,
        UnitResult,
    )

#: Each name and the module that defines it, loaded on first use: a command that only
#: needs one of them (``criteria-engine packs``) does not build every class of the model.
_LAZY = {
    "Block": "pack",
    "Calendar": "pack",
    "Criterion": "pack",
    "Decision": "pack",
    "ExcludedUnit": "pack",
    "Input": "pack",
    "Level": "pack",
    "LevelGate": "pack",
    "Pack": "pack",
    "Period": "pack",
    "Provenance": "pack",
    "Ranking": "pack",
    "RosterUnit": "pack",
    "Rounding": "pack",
    "TieStep": "pack",
    "Update": "pack",
    "PackError": "problems",
    "Problem": "problems",
    "EXCLUDED": "results",
    "INTERIM": "results",
    "LATE": "results",
    "MISSING": "results",
    "RANKED": "results",
    "RESULT_STATES": "results",
    "STATE_LABELS": "results",
    "STATUS_LABELS": "results",
    "UNDATED": "results",
    "CriterionResult": "results",
    "Finding": "results",
    "Standing": "results",
    "UnitResult": "results",
}


__all__ = [
    "EXCLUDED",
    "INTERIM",
    "LATE",
    "MISSING",
    "RANKED",
    "RESULT_STATES",
    "STATE_LABELS",
    "STATUS_LABELS",
    "UNDATED",
    "Block",
    "Calendar",
    "Criterion",
    "CriterionResult",
    "Decision",
    "ExcludedUnit",
    "Finding",
    "Input",
    "Level",
    "LevelGate",
    "Pack",
    "PackError",
    "Period",
    "Problem",
    "Provenance",
    "Ranking",
    "RosterUnit",
    "Rounding",
    "Standing",
    "TieStep",
    "UnitResult",
    "Update",
]

__getattr__, __dir__ = _lazy_exports(__name__, _LAZY, __all__)
