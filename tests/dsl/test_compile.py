"""The compiled Formula: its attributes, its generated source and constant folding."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

from criteria_engine.dsl import Formula, Scope, Type, check, compile_formula, parse
from criteria_engine.dsl.compile import compile_node
from criteria_engine.dsl.nodes import Arith, Boolean, Name, Number
from criteria_engine.dsl.optimize import optimize

N, B = Type.NUMBER, Type.BOOLEAN
SCOPE = Scope(
    names={"docs_electronic": N, "docs_total": N, "has_portal": B, "percent": N},
    criteria=["1.1", "1.2", "1.3"],
    aggregatable=["docs_total"],
)


def test_formula_attributes() -> None:
    text = (
        'min(10*ratio(docs_electronic,docs_total), 10)  # cap\n + score("1.2") + best(docs_total)'
    )
    formula = compile_formula(text, SCOPE)
    assert isinstance(formula, Formula)
    assert formula.text == (
        'min(10 * ratio(docs_electronic, docs_total), 10) + score("1.2") + best(docs_total)'
    )
    assert formula.type is N
    assert formula.inputs == frozenset({"docs_electronic", "docs_total"})
    assert formula.references == (("1.2", 2, 4),)
    assert formula.aggregates == frozenset({("best", "docs_total")})
    assert formula.node == parse(text)
    assert repr(formula) == f"Formula({formula.text!r}, type=number)"


def test_an_input_used_only_in_an_aggregate_is_not_an_input() -> None:
    formula = compile_formula("best(docs_total) + mean(docs_total)", SCOPE)
    assert formula.inputs == frozenset()
    assert formula.aggregates == {("best", "docs_total"), ("mean", "docs_total")}


def test_references_are_in_source_order_with_positions() -> None:
    formula = compile_formula('score("1.3") + score("1.1")\n+ score("1.3")', SCOPE)
    assert formula.references == (("1.3", 1, 1), ("1.1", 1, 16), ("1.3", 2, 3))


def test_formula_is_read_only() -> None:
    formula = compile_formula("1", SCOPE)
    with pytest.raises(AttributeError):
        formula.text = "2"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del formula.type


def test_formula_pickles_by_recompiling() -> None:
    formula = compile_formula("x / 2", Scope({"x": N}), origin="criterion 9")
    copy = pickle.loads(pickle.dumps(formula))
    assert copy.text == formula.text and copy.python_source == formula.python_source
    assert copy({"x": Decimal(3)}) == Decimal("1.5")


def test_generated_source_is_readable() -> None:
    formula = compile_formula("min(10 * ratio(docs_electronic, docs_total), 10)", SCOPE)
    assert formula.python_source == (
        "_c0 = Decimal('10')\n"
        "\n"
        "\n"
        "def formula(values, scores=_EMPTY, aggregates=_EMPTY):\n"
        "    try:\n"
        "        return min((_c0 * (values['docs_electronic'] / _t0 if (_t0 := "
        "values['docs_total']) else _ZERO)), _c0)\n"
        "    except _CAUGHT as exc:\n"
        "        raise _fail(exc, values, scores, aggregates) from exc\n"
    )


def test_step_table_computes_its_subject_once() -> None:
    formula = compile_formula("steps percent * 2 { >= 1 -> 2, > 0 -> 1, else -> 0 }", SCOPE)
    assert formula.python_source.count("values['percent']") == 1
    assert [formula({"percent": Decimal(v)}) for v in ("0.5", "0.2", "0")] == [2, 1, 0]


def test_compile_node_needs_a_checked_tree() -> None:
    with pytest.raises(ValueError, match="checked tree"):
        compile_node(parse("1 + 1"))


def test_same_shape_formulas_share_compiled_code() -> None:
    first = compile_formula("if has_portal then 2 else 0", SCOPE)
    second = compile_formula("if has_portal then 3 else 1", SCOPE)
    assert first.func.__code__ is second.func.__code__
    assert (first({"has_portal": True}), second({"has_portal": True})) == (2, 3)


# -- constant folding -----------------------------------------------------------------------


def folded(text: str, expect: Type | None = None) -> object:
    return optimize(check(parse(text), SCOPE, expect=expect))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2 * 5", "10"),
        ("85% * 20", "17.00"),
        ("1 / 4", "0.25"),
        ("-3", "-3"),
        ("min(1, 2) + abs(-2)", "3"),
        ("ratio(1, 0)", "0"),
        ("count(true, false, 1 > 0)", "2"),
        ("steps 0.9 { >= 80% -> 10, else -> 0 }", "10"),
        ("if 1 > 2 then 5 else 6", "6"),
    ],
)
def test_constants_are_folded_exactly(text: str, value: str) -> None:
    node = folded(text)
    assert isinstance(node, Number) and str(node.value) == value


def test_conditions_fold() -> None:
    assert folded("true and false", B) == Boolean(False)
    assert folded('"a" in ["a", "b"]', B) == Boolean(True)
    assert folded("true or has_portal", B) == Boolean(True)
    assert folded("false or has_portal", B) == Name("has_portal")
    assert folded("if true then docs_total else 0") == Name("docs_total")


@pytest.mark.parametrize(
    "text", ["1 / 3", "1 / 0", "docs_total * 2", "123456789012345678901234567890 * 9"]
)
def test_inexact_or_failing_or_data_dependent_parts_are_left_alone(text: str) -> None:
    assert isinstance(folded(text), Arith)


def test_folded_formulas_keep_their_canonical_text_and_inputs() -> None:
    formula = compile_formula("if true then docs_total else docs_electronic * (2 * 5)", SCOPE)
    assert formula.text == "if true then docs_total else docs_electronic * (2 * 5)"
    assert formula.inputs == {"docs_total", "docs_electronic"}
    assert "docs_electronic" not in formula.python_source
    assert formula({"docs_total": Decimal(4)}) == 4


def test_a_failing_constant_fails_at_run_time_with_its_message() -> None:
    formula = compile_formula("1 / 0 + docs_total", SCOPE)
    with pytest.raises(Exception, match=r"division by zero .* in '1 / 0'"):
        formula({"docs_total": Decimal(1)})
