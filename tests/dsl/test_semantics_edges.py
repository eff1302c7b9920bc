"""Formula semantics at their edges, on both paths (compiled and reference): every comparison
on equal values, negation, membership, a step table that falls through, and values of the
wrong kind at run time."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest

from criteria_engine.dsl import (
    DslEvaluationError,
    Scope,
    TraceStep,
    Type,
    compile_formula,
    evaluate,
)

N, B, T = Type.NUMBER, Type.BOOLEAN, Type.TEXT
SCOPE = Scope(names={"x": N, "y": N, "flag": B, "kind": T}, criteria=[])
D = Decimal


def both(text: str, values: Mapping[str, object]) -> object:
    """The value the compiled formula and the reference evaluator agree on."""
    formula = compile_formula(text, SCOPE, expect=None)
    try:
        reference = evaluate(formula.node, values, {}, {})
    except DslEvaluationError as error:
        with pytest.raises(DslEvaluationError) as compiled:
            formula(values, {}, {})
        assert str(compiled.value) == str(error)
        raise
    assert formula(values, {}, {}) == reference
    return reference


@pytest.mark.parametrize(
    ("op", "results"),
    [
        ("==", (True, False, False)),
        ("!=", (False, True, True)),
        ("<", (False, True, False)),
        ("<=", (True, True, False)),
        (">", (False, False, True)),
        (">=", (True, False, True)),
    ],
)
def test_every_comparison_on_equal_smaller_and_larger(op: str, results: tuple) -> None:
    pairs = ((D(1), D(1)), (D(1), D(2)), (D(2), D(1)))
    assert tuple(both(f"x {op} y", {"x": a, "y": b}) for a, b in pairs) == results


def test_not_negates() -> None:
    assert both("not flag", {"flag": True}) is False
    assert both("not flag", {"flag": False}) is True


def test_text_and_booleans_compare_for_equality_only() -> None:
    assert both('kind == "xã"', {"kind": "xã"}) is True
    assert both('kind != "xã"', {"kind": "xã"}) is False
    assert both("flag == true", {"flag": True}) is True


def test_membership_needs_an_equal_item() -> None:
    assert both('kind in ["xã", "phường"]', {"kind": "phường"}) is True
    assert both('kind in ["xã", "phường"]', {"kind": "thị trấn"}) is False
    assert both('kind not in ["xã", "phường"]', {"kind": "thị trấn"}) is True


def test_a_step_table_falls_through_to_its_else() -> None:
    table = "steps x { >= 10 -> 3, >= 5 -> 2, else -> 1 }"
    assert [both(table, {"x": D(v)}) for v in (10, 5, 4)] == [3, 2, 1]


def test_trace_steps_compare_and_show_without_their_node() -> None:
    one = compile_formula("x + 1", SCOPE).node
    other = compile_formula("y + 2", SCOPE).node
    assert TraceStep("x", D(1), one) == TraceStep("x", D(1), other)
    assert "node" not in repr(TraceStep("x", D(1), one))
