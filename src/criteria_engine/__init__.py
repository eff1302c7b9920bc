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
