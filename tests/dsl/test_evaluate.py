"""Exact semantics, checked on both paths: the compiled function and the reference evaluator.

Every case runs through ``compile_formula`` (the fast path the engine uses) and through
``evaluate`` on the checked tree (the definition); they must agree on values and on
failing with DslEvaluationError.
"""

from __future__ import annotations

import decimal
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
    trace,
)

N, B, T = Type.NUMBER, Type.BOOLEAN, Type.TEXT
SCOPE = Scope(
    names={
        "docs_electronic": N,
        "docs_total": N,
        "percent": N,
        "x": N,
        "y": N,
        "has_portal": B,
        "has_email": B,
        "unit_type": T,
    },
    criteria=["1.1", "1.2", "1.3"],
    aggregatable=["docs_total"],
)
D = Decimal


def both(
    text: str,
    values: Mapping[str, object],
    scores: Mapping[str, object] | None = None,
    aggregates: Mapping[str, object] | None = None,
) -> object:
    """The value both paths agree on (or the error both raise, re-raised)."""
    formula = compile_formula(text, SCOPE, expect=None)
    args = (values, scores or {}, aggregates or {})
    try:
        reference = evaluate(formula.node, *args)
    except DslEvaluationError as error:
        with pytest.raises(DslEvaluationError) as compiled_error:
            formula(*args)
        assert str(compiled_error.value) == str(error)
        raise
    compiled = formula(*args)
    assert type(compiled) is type(reference)
    assert compiled == reference and str(compiled) == str(reference)
    return compiled


# -- exactness -------------------------------------------------------------------------


def test_percent_threshold_is_exact() -> None:
    assert both("percent >= 85%", {"percent": D("0.85")}) is True
    assert both("percent >= 85%", {"percent": D("0.8499999999")}) is False
    assert both("percent >= 85%", {"percent": D("0.850000000000000000000001")}) is True


def test_decimal_arithmetic() -> None:
    assert both("0.1 + 0.2 == 0.3", {}) is True
    assert both("85% * 20", {}) == D("17.00")
    assert str(both("85% * 20", {})) == "17.00"
    assert str(both("x / 3", {"x": D(1)})) == "0.3333333333333333333333333333"


def test_results_have_python_types() -> None:
    assert type(both("x > 1", {"x": D(2)})) is bool
    assert type(both('if has_portal then "a" else "b"', {"has_portal": True})) is str
    assert type(both("count(has_portal, true)", {"has_portal": False})) is Decimal
    assert both("count(has_portal, true, x > 1)", {"has_portal": True, "x": D(2)}) == 3


# -- functions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "x", "expected"),
    [
        ("ratio(x, 4)", "1", "0.25"),
        ("ratio(x, 0)", "7", "0"),
        ("round(x, 2)", "2.345", "2.35"),
        ("round(x, 2)", "2.344999", "2.34"),
        ("round(x, 0)", "2.5", "3"),
        ("round(x, 0)", "-2.5", "-3"),
        ("round(x, 1)", "7", "7.0"),
        ("abs(x)", "-3.50", "3.50"),
        ("min(x, 2, 3)", "5", "2"),
        ("max(x, 2, 3)", "5", "5"),
        ("clamp(x, 0, 10)", "-1", "0"),
        ("clamp(x, 0, 10)", "11", "10"),
        ("clamp(x, 0, 10)", "4.5", "4.5"),
        ("clamp(x, 10, 0)", "5", "0"),
        ("sum(x)", "4", "4"),
        ("sum(x, 1, 2)", "4", "7"),
    ],
)
def test_functions(text: str, x: str, expected: str) -> None:
    result = both(text, {"x": D(x)})
    assert type(result) is Decimal and str(result) == expected


def test_ratio_does_not_compute_the_dividend_when_the_divisor_is_zero() -> None:
    assert both("ratio(1 / x, x)", {"x": D(0)}) == 0


def test_score_and_aggregates() -> None:
    scores = {"1.1": D("1.5"), "1.2": D(2), "1.3": D("0.25")}
    assert both('score("1.1") + score("1.2") + score("1.3")', {}, scores) == D("3.75")
    aggregates = {"best:docs_total": D(200), "mean:docs_total": D(50)}
    result = both(
        "ratio(docs_total, best(docs_total)) - mean(docs_total)",
        {"docs_total": D(100)},
        None,
        aggregates,
    )
    assert result == D("-49.5")


def test_if_and_steps_choose_lazily() -> None:
    assert both("if x > 0 then 1 / x else 0", {"x": D(0)}) == 0
    assert both("has_portal or 1 / x > 0", {"has_portal": True, "x": D(0)}) is True
    assert both("has_portal and 1 / x > 0", {"has_portal": False, "x": D(0)}) is False
    text = "steps x { >= 80% -> 10, >= 50% -> 6, > 0 -> 3, else -> 1 / x }"
    assert [both(text, {"x": D(v)}) for v in ("0.9", "0.8", "0.5", "0.01")] == [10, 10, 6, 3]
    with pytest.raises(DslEvaluationError):
        both(text, {"x": D(0)})


def test_membership() -> None:
    assert both('unit_type in ["xã", "phường"]', {"unit_type": "xã"}) is True
    assert both('unit_type not in ["xã", "phường"]', {"unit_type": "xã"}) is False
    assert both("x in [1, 50%]", {"x": D("0.500")}) is True
    assert both("x in [-1]", {"x": D(-1)}) is True


# -- failures --------------------------------------------------------------------------------


def test_division_by_zero_names_the_formula_and_the_values() -> None:
    with pytest.raises(DslEvaluationError) as caught:
        both("docs_electronic / docs_total", {"docs_electronic": D(3), "docs_total": D(0)})
    error = caught.value
    assert error.expression == "docs_electronic / docs_total"
    assert error.values == {"docs_electronic": D(3), "docs_total": D(0)}
    assert str(error) == (
        "division by zero (use ratio(a, b) to get 0 instead) in 'docs_electronic / docs_total'\n"
        "  formula: docs_electronic / docs_total\n"
        "  values: docs_electronic = 3, docs_total = 0"
    )


def test_the_failing_part_is_named() -> None:
    with pytest.raises(DslEvaluationError) as caught:
        both("1 + x / (y - 2)", {"x": D(1), "y": D(2)})
    assert caught.value.expression == "x / (y - 2)"


def test_overflow_is_an_evaluation_error() -> None:
    with pytest.raises(DslEvaluationError, match="cannot compute"):
        both("x * x", {"x": D("9E+999990")})


def test_quantize_beyond_the_precision_is_an_evaluation_error() -> None:
    with pytest.raises(DslEvaluationError):
        both("round(x, 10)", {"x": D(10) ** 25})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"x": 0.5}, "input 'x' is a float (0.5); numbers must be Decimal"),
        ({"x": True}, "input 'x' is a bool (True)"),
        ({"x": 1}, "input 'x' is an int (1)"),
        ({"x": D("NaN")}, "input 'x' is NaN, which is not a finite number"),
        ({"x": D("Infinity")}, "input 'x' is Infinity, which is not a finite number"),
        ({}, "no value for input 'x'"),
    ],
)
def test_the_reference_evaluator_refuses_bad_inputs(
    values: dict[str, object], message: str
) -> None:
    formula = compile_formula("x * 2 + 1", SCOPE)
    with pytest.raises(DslEvaluationError) as caught:
        evaluate(formula.node, values)
    assert caught.value.message == message


@pytest.mark.parametrize("values", [{"x": 0.5}, {}, {"x": "1"}, {"x": None}])
def test_the_compiled_path_refuses_what_breaks_its_arithmetic(values: dict[str, object]) -> None:
    # The fast path trusts its caller for speed; what it cannot compute still ends in a
    # DslEvaluationError with the reference evaluator's explanation.
    formula = compile_formula("x * 2 + 1", SCOPE)
    with pytest.raises(DslEvaluationError) as caught:
        formula(values)
    assert caught.value.message.startswith(("input 'x' is", "no value for input 'x'"))


def test_missing_score_and_aggregate() -> None:
    with pytest.raises(DslEvaluationError, match=r"no value for score\(\"1.1\"\)"):
        both('score("1.1")', {})
    with pytest.raises(DslEvaluationError, match=r"no value for best\(docs_total\)"):
        both("best(docs_total)", {})


def test_a_boolean_input_must_be_a_bool() -> None:
    with pytest.raises(DslEvaluationError, match="input 'has_portal' is an int"):
        evaluate(compile_formula("if has_portal then 1 else 0", SCOPE).node, {"has_portal": 1})


def test_results_are_the_same_under_the_engines_context() -> None:
    context = decimal.Context(
        prec=28,
        rounding=decimal.ROUND_HALF_EVEN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )
    with decimal.localcontext(context):
        assert both("ratio(x, 3) * 3", {"x": D(1)}) == D("0.9999999999999999999999999999")
        with pytest.raises(DslEvaluationError):
            both("x / 0", {"x": D(1)})


def test_keyword_call() -> None:
    formula = compile_formula('x + score("1.1")', SCOPE)
    assert formula(values={"x": D(1)}, scores={"1.1": D(2)}, aggregates={}) == 3
    assert formula({"x": D(1)}, {"1.1": D(2)}) == 3


# -- trace ------------------------------------------------------------------------------------


def test_trace_explains_a_score_step_by_step() -> None:
    formula = compile_formula("10 * ratio(docs_electronic, docs_total)", SCOPE)
    steps = trace(formula.node, {"docs_electronic": D(8), "docs_total": D(10)})
    assert [(s.text, s.value) for s in steps] == [
        ("docs_total", D(10)),
        ("docs_electronic", D(8)),
        ("ratio(docs_electronic, docs_total)", D("0.8")),
        ("10 * ratio(docs_electronic, docs_total)", D(8)),
    ]
    assert all(isinstance(s, TraceStep) for s in steps)


def test_trace_skips_literals_and_branches_not_taken() -> None:
    formula = compile_formula("if has_portal then x + 1 else y * -2", SCOPE)
    steps = trace(formula.node, {"has_portal": False, "x": D(1), "y": D(3)})
    assert [s.text for s in steps] == [
        "has_portal",
        "y",
        "y * -2",
        "if has_portal then x + 1 else y * -2",
    ]
    assert steps[-1].value == D(-6)
