"""The static checker: every kind of problem, all collected, with positions and hints."""

from __future__ import annotations

from decimal import Decimal

import pytest

from criteria_engine.dsl import (
    DslCheckError,
    DslLimitError,
    Node,
    Problem,
    Scope,
    Type,
    check,
    parse,
)
from criteria_engine.dsl import nodes as n
from criteria_engine.dsl.check import _Checker
from criteria_engine.dsl.compile import _CodeGenerator
from criteria_engine.dsl.evaluate import _Evaluator
from criteria_engine.dsl.optimize import _Folder
from criteria_engine.dsl.printer import _Printer
from criteria_engine.dsl.visitor import Visitor

N, B, T = Type.NUMBER, Type.BOOLEAN, Type.TEXT
SCOPE = Scope(
    names={
        "docs_total": N,
        "docs_electronic": N,
        "percent": N,
        "has_portal": B,
        "unit_type": T,
    },
    criteria=["1.1", "1.2", "2.1"],
    aggregatable=["docs_total"],
)


def problems(text: str, expect: Type | None = None) -> list[Problem]:
    with pytest.raises(DslCheckError) as caught:
        check(parse(text), SCOPE, expect=expect, text=text)
    return list(caught.value.problems)


def only(text: str, expect: Type | None = None) -> Problem:
    found = problems(text, expect)
    assert len(found) == 1, found
    return found[0]


# -- scope --------------------------------------------------------------------------------


def test_scope_is_frozen_and_hashable() -> None:
    scope = Scope(names={"a": N}, criteria=["1"], aggregatable=["a"])
    assert scope == Scope(names={"a": N}, criteria=("1",), aggregatable={"a"})
    assert hash(scope) == hash(Scope(names={"a": N}, criteria=["1"], aggregatable=["a"]))
    with pytest.raises(TypeError):
        scope.names["b"] = B  # type: ignore[index]
    with pytest.raises(AttributeError):
        scope.criteria = frozenset()  # type: ignore[misc]


def test_scope_refuses_a_type_that_is_not_a_type() -> None:
    with pytest.raises(TypeError):
        Scope(names={"a": "number"})  # type: ignore[dict-item]


def test_empty_scope() -> None:
    assert check(parse("1 + 2"), Scope()).type is N


# -- typed result --------------------------------------------------------------------------


def test_every_node_gets_its_type() -> None:
    typed = check(parse("if has_portal then docs_total else 0"), SCOPE)
    assert typed.type is N
    assert [node.type for node in n.walk(typed)] == [N, B, N, N]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("percent >= 85%", B),
        ('unit_type == "xã"', B),
        ('if true then "a" else "b"', T),
        ("count(true)", N),
    ],
)
def test_result_type(text: str, kind: Type) -> None:
    assert check(parse(text), SCOPE, expect=None).type is kind
    assert check(parse(text), SCOPE, expect=kind).type is kind


def test_expected_type_mismatch() -> None:
    problem = only("has_portal", expect=N)
    assert problem.code == "result-type"
    assert (
        problem.message
        == "the formula gives a condition (true/false), but a number is expected here"
    )
    assert problem.hint == "give points for it: if <condition> then 2 else 0"
    assert only("docs_total", expect=B).hint == "compare the number, e.g. percent >= 85%"


# -- names --------------------------------------------------------------------------------


def test_unknown_name_with_did_you_mean() -> None:
    problem = only("10 * ratio(docs_electronic, docs_totl)")
    assert problem.code == "unknown-name"
    assert problem.message == "unknown name 'docs_totl'"
    assert problem.hint == "did you mean 'docs_total'?"
    assert (problem.line, problem.column, problem.end_column) == (1, 29, 38)


def test_unknown_name_without_a_close_match() -> None:
    assert only("zzz").hint is None


def test_function_name_without_arguments() -> None:
    problem = only("ratio")
    assert problem.message == "'ratio' is a function and needs arguments"
    assert problem.hint == "write ratio(a, b)"


# -- types ----------------------------------------------------------------------------------


COND = "a condition (true/false)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("docs_total and has_portal", f"the left side of 'and' must be {COND}, but it is a number"),
        ("has_portal or 1", f"the right side of 'or' must be {COND}, but it is a number"),
        ("not percent", f"the value after 'not' must be {COND}, but it is a number"),
        ("has_portal + 1", f"the left side of '+' must be a number, but it is {COND}"),
        ('1 * "a"', "the right side of '*' must be a number, but it is a text"),
        ("-has_portal", f"the value after '-' must be a number, but it is {COND}"),
        ('unit_type < "b"', "the left side of '<' must be a number, but it is a text"),
        (
            'docs_total == "10"',
            "'==' compares values of the same type, but the left side is a number "
            "and the right side is a text",
        ),
        (
            "if percent then 1 else 0",
            f"the condition after 'if' must be {COND}, but it is a number",
        ),
        (
            'if has_portal then 1 else "0"',
            "the 'else' part gives a text, but the 'then' part gives a number; "
            "both must give the same type",
        ),
        ('unit_type in ["xã", 1]', "list item 1 is a number, but the value before 'in' is a text"),
        (
            "docs_total in [1, docs_total]",
            "list items must be fixed values: numbers, percentages, texts, true or false",
        ),
        ("docs_total in []", "the list after 'in' is empty"),
        ("min(1, has_portal)", f"argument 2 of min() must be a number, but it is {COND}"),
        ("count(has_portal, 1)", f"argument 2 of count() must be {COND}, but it is a number"),
    ],
)
def test_type_errors(text: str, message: str) -> None:
    assert message in [p.message for p in problems(text)]


def test_a_wrong_part_does_not_cause_a_cascade() -> None:
    # Only the unknown name is reported, not the '+' or the comparison above it.
    found = problems("(docs_totl + 1) * 2 > 3", expect=B)
    assert [p.code for p in found] == ["unknown-name"]


# -- functions and references -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "message", "hint"),
    [
        ("mni(1, 2)", "unknown-function", "unknown function 'mni'", "did you mean 'min'?"),
        ("sqrt(4)", "unknown-function", "unknown function 'sqrt'", None),
        ("docs_total(1)", "unknown-function", "'docs_total' is an input, not a function", None),
        (
            "min(1)",
            "wrong-arity",
            "min() takes at least 2 arguments, but got 1",
            "write min(a, b, …)",
        ),
        ("clamp(1, 2)", "wrong-arity", "clamp() takes exactly 3 arguments, but got 2", None),
        ("abs(1, 2)", "wrong-arity", "abs() takes exactly 1 argument, but got 2", None),
        ("sum()", "wrong-arity", "sum() takes at least 1 argument, but got 0", None),
        ('score("1.3")', "unknown-criterion", "unknown criterion '1.3'", "did you mean '1.2'?"),
        ("score(unit_type)", "bad-argument", "score() needs a criterion id in double quotes", None),
        ('score("1.1", "1.2")', "wrong-arity", "score() takes exactly 1 argument, but got 2", None),
        (
            "best(percent)",
            "not-aggregatable",
            "best() cannot be used with 'percent': it is not an input summarised over the batch",
            None,
        ),
        ("mean(docs_total + 1)", "bad-argument", "mean() needs the name of an input", None),
        (
            "best(has_portal)",
            "type-error",
            f"the input in best() must be a number, but it is {COND}",
            None,
        ),
        (
            "round(percent, 11)",
            "bad-argument",
            "the places in round(x, n) must be a whole number from 0 to 10",
            "write, for example: round(x, 2)",
        ),
        ("round(percent, 1.5)", "bad-argument", None, None),
        ("round(percent, 50%)", "bad-argument", None, None),
        ("round(percent, docs_total)", "bad-argument", None, None),
    ],
)
def test_call_problems(text: str, code: str, message: str | None, hint: str | None) -> None:
    problem = only(text)
    assert problem.code == code
    if message is not None:
        assert problem.message == message
    if hint is not None:
        assert problem.hint == hint


def test_every_function_is_listed_in_a_hint_when_nothing_is_close() -> None:
    assert only("sqrt(4)").hint == (
        "the functions are min, max, clamp, ratio, round, abs, sum, count, score, best, mean"
    )


def test_valid_calls() -> None:
    text = (
        "min(1, 2) + max(1, 2, 3) + clamp(percent, 0, 1) + ratio(1, 0) + round(percent, 2)"
        ' + abs(-1) + sum(1) + count(has_portal) + score("2.1")'
        " + best(docs_total) + mean(docs_total)"
    )
    assert check(parse(text), SCOPE).type is N


# -- step tables ----------------------------------------------------------------------------


def test_unreachable_step() -> None:
    problem = only("steps percent { >= 50% -> 6, >= 80% -> 10, else -> 0 }")
    assert problem.code == "unreachable-step"
    assert (
        problem.message == "step 2 (>= 80%) can never be chosen: step 1 (>= 50%) already covers it"
    )
    assert (problem.column, problem.end_column) == (30, 42)


@pytest.mark.parametrize(
    ("steps", "unreachable"),
    [
        (">= 5 -> 1, >= 5 -> 2", True),
        (">= 5 -> 1, > 5 -> 2", True),
        ("> 5 -> 1, >= 5 -> 2", False),
        ("> 5 -> 1, > 4 -> 2", False),
        ("> 5 -> 1, == 6 -> 2", True),
        ("> 5 -> 1, == 5 -> 2", False),
        ("== 5 -> 1, == 5 -> 2", True),
        ("== 5 -> 1, >= 5 -> 2", False),
        ("<= 1 -> 1, < 1 -> 2", True),
        ("< 1 -> 1, <= 1 -> 2", False),
        ("< 1 -> 1, <= 2 -> 2, <= 3 -> 3", False),
        ("<= -1 -> 1, <= -2 -> 2", True),
    ],
)
def test_overlap_analysis(steps: str, unreachable: bool) -> None:
    text = f"steps percent {{ {steps}, else -> 0 }}"
    if unreachable:
        assert only(text).code == "unreachable-step"
    else:
        assert check(parse(text), SCOPE).type is N


def test_mixed_directions() -> None:
    problem = only("steps percent { >= 50% -> 6, <= 80% -> 10, else -> 0 }")
    assert problem.code == "mixed-steps"
    assert problem.message == "step 2 (<= 80%) goes the other way from step 1 (>= 50%)"


def test_threshold_must_be_constant() -> None:
    found = problems("steps percent { >= docs_total -> 1, >= 1 + 1 -> 2, else -> 0 }")
    assert [p.code for p in found] == ["step-threshold", "step-threshold"]
    assert found[0].message == "a step threshold must be a fixed number or percentage"


def test_other_step_problems() -> None:
    assert only("steps percent { != 1 -> 1, else -> 0 }").code == "step-operator"
    assert only("steps percent { else -> 0 }").code == "empty-steps"
    assert only("steps unit_type { >= 1 -> 1, else -> 0 }").code == "type-error"
    problem = only('steps percent { >= 1 -> "a", else -> 0 }')
    assert problem.message == (
        "step 1 gives a text, but 'else' gives a number; all steps must give the same type"
    )


# -- collecting everything -------------------------------------------------------------------


def test_all_problems_are_collected_in_order() -> None:
    text = 'mni(docs_totl, 1) + score("9")\n  + best(percent)'
    found = problems(text)
    assert [(p.line, p.column, p.code) for p in found] == [
        (1, 1, "unknown-function"),
        (1, 5, "unknown-name"),
        (1, 27, "unknown-criterion"),
        (2, 10, "not-aggregatable"),
    ]
    assert found == sorted(found)


def test_error_message_counts_problems() -> None:
    with pytest.raises(DslCheckError) as caught:
        check(parse("a + b"), SCOPE)
    assert caught.value.message == "2 problems in the formula"


def test_a_hand_built_tree_that_is_too_deep_is_refused() -> None:
    node: Node = n.Number(Decimal(1))
    for _ in range(1000):
        node = n.Neg(node)
    with pytest.raises(DslLimitError):
        check(node, SCOPE)


# -- every pass handles every node ----------------------------------------------------------

EXPRESSIONS = [
    n.Number, n.Boolean, n.Text, n.Name, n.Neg, n.Not, n.Arith, n.Compare, n.And, n.Or, n.If,
    n.Membership, n.Steps, n.Call,
]  # fmt: skip
PASSES = [_Checker, _Printer, _Evaluator, _Folder, _CodeGenerator]


@pytest.mark.parametrize("visitor", PASSES, ids=lambda v: v.__name__)
@pytest.mark.parametrize("node_type", EXPRESSIONS, ids=lambda t: t.__name__)
def test_every_pass_has_a_rule_for_every_node(visitor: type, node_type: type) -> None:
    assert callable(getattr(visitor, f"visit_{node_type.__name__}", None))


def test_every_node_class_is_covered() -> None:
    classes = {c for c in vars(n).values() if isinstance(c, type) and issubclass(c, n.Node)}
    assert classes == {n.Node, n.Step, *EXPRESSIONS}


def test_a_node_without_a_rule_is_an_internal_error() -> None:
    class Partial(Visitor[str]):
        def visit_Number(self, node: n.Number) -> str:
            return "number"

    with pytest.raises(TypeError, match="internal error: Partial has no rule for Name nodes"):
        Partial().visit(n.Name("x"))
