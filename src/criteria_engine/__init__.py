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
import sys
from collections.abc import Callable, Mapping
from typing import Any


def _lazy_exports(
    package: str, table: Mapping[str, str | tuple[str, str]], names: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose public names load on first
    use: ``table`` maps each name to the submodule holding it (or to ``(submodule, name)``).

    The root package and its subpackages (``model``, ``testing``) share this one loader;
    it is defined before any import below, so a subpackage loaded while this module is
    still running finds it. Only the formula language keeps its own, as it imports
    nothing else of the project.
    """

    def __getattr__(name: str) -> Any:
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, attr = target if isinstance(target, tuple) else (target, name)
        value = getattr(importlib.import_module(f".{module_name}", package), attr)
        setattr(sys.modules[package], name, value)  # later look-ups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__


from .plugins.hookspecs import hookimpl  # noqa: E402  (after the loader the layers use)

__version__ = "0.1.0"

_LAZY = {
    # errors: every one the library raises for bad input derives from CriteriaEngineError
    "CriteriaEngineError": "dsl.errors",
    "DslError": "dsl.errors",
    "ValueProblem": "inputs.values",
    "PreviousResultsError": "reports.history",
    # loading packs
    "load_pack": "loading.finder",
    "installed_packs": ("loading.finder", "installed"),
    "find_pack": ("loading.finder", "find"),
    "PackNotFound": "loading.finder",
    "PackError": "model.problems",
    "Problem": "model.problems",
    # the model
    "Pack": "model.pack",
    "Block": "model.pack",
    "Criterion": "model.pack",
    "Input": "model.pack",
    # reading submissions
    "read_records": "inputs.records",
    "records_of": "inputs.records",
    "check_record": "inputs.records",
    "Record": "inputs.records",
    "Submission": "inputs.records",
    "SubmissionError": "inputs.records",
    # evaluating
    "evaluate": "evaluation.unit",
    "EvaluationError": "evaluation.unit",
    "evaluate_many": "evaluation.batch",
    "check_units": "evaluation.batch",
    "block_aggregates": "evaluation.batch",
    "run_batch": "evaluation.batch",
    "BatchOutcome": "evaluation.batch",
    "published": "evaluation.rounding",
    "UnitResult": "model.results",
    "CriterionResult": "model.results",
    "Standing": "model.results",
    "Finding": "model.results",
    "RANKED": "model.results",
    "LATE": "model.results",
    "EXCLUDED": "model.results",
    "MISSING": "model.results",
    "INTERIM": "model.results",
    "STATUS_LABELS": "model.results",
    "UNDATED": "model.results",
    "RESULT_STATES": "model.results",
    "STATE_LABELS": "model.results",
    # ranking
    "rank": "ranking.order",
    "rank_lookup": "ranking.order",
    "sort_key": "ranking.collation",
    # results as data, previous periods
    "outcome_json": "reports.history",
    "to_data": "evaluation.serialize",
    "from_data": "evaluation.serialize",
    "ResultsDataError": "evaluation.serialize",
    "load_previous": "reports.history",
    # analyses: next level, why a rank changed, how firm the order is
    "next_level": "analyses.next_level",
    "NextLevel": "analyses.next_level",
    "Headroom": "analyses.next_level",
    "InputChange": "analyses.next_level",
    "attribute": "analyses.attribution",
    "Change": "analyses.attribution",
    "Part": "analyses.attribution",
    "Pass": "analyses.attribution",
    "sensitivity": "analyses.sensitivity",
    "weighted_ranks": "analyses.sensitivity",
    "Sensitivity": "analyses.sensitivity",
    "RankInterval": "analyses.sensitivity",
    "Fragile": "analyses.sensitivity",
}

__all__ = ["__version__", "hookimpl", *_LAZY]


__getattr__, __dir__ = _lazy_exports(__name__, _LAZY, __all__)
