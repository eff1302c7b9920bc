"""Testing kit for pack authors: strategies, invariants, cases and a pytest plugin.

The pieces most authors need::

    from criteria_engine.testing import assert_pack_invariants, run_pack_cases

    def test_invariants():
        assert_pack_invariants("gialai")       # every property, on every block

Hypothesis strategies for one's own properties live in
:mod:`criteria_engine.testing.strategies`; running the command line, altering a copy of a
pack and evaluating its examples once, for a pack's own rule tests, in
:mod:`criteria_engine.testing.packtools` (its functions are named here too; its pytest
fixtures only there). Modules load on first use, so importing this package costs nothing
until a check runs.
"""

from __future__ import annotations

from .. import _lazy_exports

_LAZY = {
    "assert_pack_invariants": "invariants",
    "check_pack_deep": "invariants",
    "INVARIANTS": "invariants",
    "assert_submissions_valid": "invariants",
    "assert_scores_within_bounds": "invariants",
    "assert_totals_within_maximum": "invariants",
    "assert_monotone": "invariants",
    "assert_levels_cover": "invariants",
    "assert_ranking_rules": "invariants",
    "assert_order_independent": "invariants",
    "Case": "cases",
    "CaseResult": "cases",
    "load_cases": "cases",
    "run_case": "runner",
    "run_pack_cases": "runner",
    "case_files": "cases",
    "PackCopy": "packtools",
    "a_cent_lower": "packtools",
    "block_aggregates": "packtools",
    "cli_environment": "packtools",
    "competition_rank": "packtools",
    "copy_pack": "packtools",
    "criterion_with_formula": "packtools",
    "edit_file": "packtools",
    "evaluate_batch": "packtools",
    "example_records": "packtools",
    "level_of_share": "packtools",
    "lowered_by_a_better_input": "packtools",
    "one_step_better": "packtools",
    "run_cli": "packtools",
    "run_cli_all": "packtools",
    "start_cli": "packtools",
}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = _lazy_exports(__name__, _LAZY, __all__)
