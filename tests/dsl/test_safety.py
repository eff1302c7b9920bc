"""What must stay impossible: running code, reaching Python objects, exhausting the stack.

Each case pins a door that is closed: a formula is data, can only call the listed
functions, and is translated into Python source made of fixed code, validated names and
repr'd literals. Huge or deeply nested input fails fast with a DSL error, never with a
RecursionError or a hang.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import time
import tokenize
from decimal import Decimal

import pytest

from criteria_engine.dsl import (
    DslError,
    DslLimitError,
    DslSyntaxError,
    Scope,
    Type,
    compile_formula,
    parse,
)
from criteria_engine.dsl.limits import MAX_DEPTH, MAX_SOURCE_LENGTH

N, B, T = Type.NUMBER, Type.BOOLEAN, Type.TEXT
SCOPE = Scope(
    names={"x": N, "y": N, "flag": B, "kind": T, "os": N, "open": N},
    criteria=["1.1", "1'); import os; ('", 'a"b\\c'],
    aggregatable=["x"],
)


@pytest.mark.parametrize(
    "text",
    [
        '__import__("os")',
        '__import__("os").system("true")',
        "x.__class__",
        "x.__class__.__mro__",
        "().__class__",
        'open("f")',
        'eval("1")',
        'exec("1")',
        'getattr(x, "y")',
        "lambda: 1",
        "lambda x: x",
        "[x for x in y]",
        "(x for x in y)",
        "{x: 1}",
        "a[0]",
        "x[1:2]",
        'f"{x}"',
        "f'{x}'",
        "__builtins__",
        "__x__",
        "X",
        "Os",
        "x; y",
        "x\ny",
        "import os",
        "x if flag else y",
        "x := 1",
        "10 ** 10 ** 10",
        "2 ** 1000000",
        "1e999999999",
        "9" * 31,
        "x @ y",
        "`x`",
        "$x",
        "x | y",
        "~x",
        "x << 2",
        "x // 2",
        "x % 2",
        '"a" * 1000000000',
        "min",
        "print(x)",
        "type(x)",
        "dict()",
    ],
)
def test_rejected(text: str) -> None:
    with pytest.raises(DslError):
        compile_formula(text, SCOPE, expect=None)


def test_text_times_a_number_is_not_string_repetition() -> None:
    with pytest.raises(DslError, match="must be a number, but it is a text"):
        compile_formula('"a" * 3', SCOPE)


# -- limits --------------------------------------------------------------------------------


def fails_fast(text: str, error: type[DslError] = DslError) -> DslError:
    start = time.perf_counter()
    with pytest.raises(error) as caught:
        compile_formula(text, SCOPE)
    assert time.perf_counter() - start < 1.0
    return caught.value


def test_ten_thousand_parentheses() -> None:
    text = "(" * 10_000 + "x" + ")" * 10_000
    assert len(text) > MAX_SOURCE_LENGTH
    error = fails_fast(text, DslLimitError)
    assert error.problems[0].message == "the formula is 20,001 characters long; the limit is 10,000"


def test_a_hundred_thousand_characters() -> None:
    fails_fast("x + " * 25_000 + "x", DslLimitError)
    fails_fast("(" * 100_000, DslLimitError)


DEEP = {
    "parentheses": "(" * 4_900 + "x" + ")" * 4_900,
    "minus signs": "-" * 9_000 + "x",
    "not": "not " * 2_400 + "flag",
    "a long sum": "x + " * 2_400 + "x",
    "calls": "abs(" * 1_600 + "x" + ")" * 1_600,
    "conditions": "if flag then " * 450 + "1" + " else 0" * 450,
    "arguments": "min(" * 1_200 + "x" + ", 1)" * 1_200,
    "step tables": "steps x { > 1 -> " * 300 + "1" + ", else -> 0 }" * 300,
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_a_limit_error_not_a_recursion_error(text: str) -> None:
    assert len(text) <= MAX_SOURCE_LENGTH
    error = fails_fast(text, DslLimitError)
    assert error.problems[0].message == "the formula nests more than 64 levels deep"


def test_unbalanced_parentheses_fail_fast() -> None:
    fails_fast("(" * 9_000, DslSyntaxError)


# Each template wraps a formula in `levels` more nesting levels.
WRAPPERS = {
    "({})": 1,
    "-{}": 1,
    "abs({})": 1,
    "{} + 1": 1,
    "1 + ({})": 2,
    "ratio(x, {})": 1,
    "min({}, x)": 1,
    "clamp({}, 0, 1)": 1,
    "steps {} { > 1 -> 1, else -> 0 }": 1,
    "if ({}) > 0 then 1 else 0": 3,
}


@pytest.mark.parametrize(("template", "levels"), WRAPPERS.items())
def test_the_deepest_allowed_formula_still_compiles_and_runs(template: str, levels: int) -> None:
    # The nesting limit leaves room for Python's own parser limits in the generated code.
    text = "x"
    for _ in range((MAX_DEPTH - 1) // levels):
        text = template.replace("{}", text)
    formula = compile_formula(text, SCOPE)
    assert isinstance(formula({"x": Decimal("0.5")}), Decimal)
    with pytest.raises(DslLimitError):
        parse(template.replace("{}", template.replace("{}", text)))


def test_depth_limit_is_the_documented_one() -> None:
    parse("(" * (MAX_DEPTH - 1) + "x" + ")" * (MAX_DEPTH - 1))
    with pytest.raises(DslLimitError):
        parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)


def test_long_numbers_names_and_texts() -> None:
    fails_fast("1" * 31, DslLimitError)
    fails_fast("1." + "1" * 30, DslLimitError)
    fails_fast("a" * 65, DslLimitError)
    fails_fast('"' + "a" * 501 + '"', DslLimitError)
    fails_fast("min(" + ", ".join(["1"] * 201) + ")", DslLimitError)
    fails_fast("steps x { " + "> 1 -> 1, " * 51 + "else -> 0 }", DslLimitError)
    compile_formula("9" * 30, SCOPE)


# -- the generated source ---------------------------------------------------------------------

ALLOWED_NAMES = {
    "def", "formula", "values", "scores", "aggregates", "try", "return", "except", "as", "exc",
    "raise", "from", "if", "else", "and", "or", "not", "in", "True", "False", "min", "max",
    "abs", "quantize", "Decimal", "frozenset", "_EMPTY", "_ZERO", "_HALF_UP", "_CAUGHT", "_fail",
}  # fmt: skip
GENERATED_NAME = re.compile(r"_[ctkn]\d+\Z")

NASTY = [
    "\"'); import os; os.system('x'); ('\" == kind",
    'kind in ["\\"", "\\\\", "\'\'\'", "\\"\\"\\"", "{x}", "\\\\n"]',
    'score("1\'); import os; (\'") + score("a\\"b\\\\c")',
    "os + open",
    "best(x) + mean(x) + ratio(x, y) + round(x, 3) + count(flag) + clamp(x, 0, 1)",
    "steps x { >= 80% -> 1, >= -5 -> 2, else -> 3 } + sum(x, 1)",
    "if kind == \"__import__('os')\" then 1 else 2",
]


@pytest.mark.parametrize("text", NASTY)
def test_generated_source_holds_only_safe_tokens(text: str) -> None:
    formula = compile_formula(text, SCOPE, expect=None)
    source = formula.python_source
    ast.parse(source)
    texts = {*SCOPE.names, *SCOPE.criteria, "best:x", "mean:x"}
    for node in _walk_strings(formula.node):
        texts.add(node)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME:
            assert token.string in ALLOWED_NAMES or GENERATED_NAME.match(token.string), token
        elif token.type == tokenize.STRING:
            value = ast.literal_eval(token.string)
            assert isinstance(value, str)
            assert value in texts or re.fullmatch(r"-?\d+(\.\d+)?", value), token
        elif token.type == tokenize.NUMBER:
            assert token.string in ("0", "1"), token
    namespace = formula.func.__globals__
    assert set(namespace["__builtins__"]) == {"min", "max", "abs"}


def _walk_strings(node: object) -> list[str]:
    from criteria_engine.dsl.nodes import Text, walk

    return [n.value for n in walk(node) if isinstance(n, Text)]  # type: ignore[arg-type]


def test_texts_reach_the_function_unchanged() -> None:
    formula = compile_formula(NASTY[0], SCOPE, expect=Type.BOOLEAN)
    assert formula({"kind": "'); import os; os.system('x'); ('"}) is True
    formula = compile_formula(NASTY[1], SCOPE, expect=Type.BOOLEAN)
    assert [formula({"kind": k}) for k in ('"', "\\", "'''", '"""', "{x}", "\\n", "x")] == [
        True, True, True, True, True, True, False,
    ]  # fmt: skip


def test_formula_text_never_goes_through_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval must not be used")

    monkeypatch.setattr(builtins, "eval", refuse)
    formula = compile_formula("min(10 * ratio(x, y), 10)", SCOPE)
    assert formula({"x": Decimal(1), "y": Decimal(2)}) == 5
