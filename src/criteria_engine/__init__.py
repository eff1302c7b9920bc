"""criteria-engine: province e-government evaluation criteria as declarative, tested packs.

The public API::

    import criteria_engine as ce
    pack = ce.load_pack("hungyen")                 # by name, name@version, or folder
    result = ce.evaluate(pack, unit_record)        # one unit: scores, total, level
    results = ce.evaluate_many(pack, records)      # a stream of results and errors
    tables = ce.rank(pack, results)                # per block: 1, 2, 2, 4 …

Heavy modules load on first use, so ``import criteria_engine`` (and the CLI) start fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from .plugins.hookspecs import hookimpl

__version__ = "0.1.0"

_LAZY = {
    "load_pack": "registry",
    "installed_packs": ("registry", "installed"),
    "PackNotFound": "registry",
    "evaluate": "evaluation",
    "EvaluationError": "evaluation",
    "evaluate_many": "batch",
    "run_batch": "batch",
    "rank": "ranking",
    "read_records": "submissions",
    "check_record": "submissions",
    "Submission": "submissions",
    "SubmissionError": "submissions",
    "UnitResult": "results",
    "CriterionResult": "results",
    "Standing": "results",
    "Finding": "results",
    "Pack": "model",
    "Block": "model",
    "Criterion": "model",
    "PackError": "problems",
    "Problem": "problems",
    "sort_key": "collation",
}

__all__ = ["__version__", "hookimpl", *_LAZY]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'criteria_engine' has no attribute {name!r}")
    module_name, attr = target if isinstance(target, tuple) else (target, name)
    value = getattr(importlib.import_module(f".{module_name}", __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
