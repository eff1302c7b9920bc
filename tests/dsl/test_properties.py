"""Properties over random formulas: round trip, compiled == reference, errors only DSL.

Formulas are generated as well-typed syntax trees (``st.recursive`` over every construct),
printed, parsed back and compared; then compiled and evaluated against the reference
evaluator on random exact inputs. Random text, and random soups of the language's own
tokens, must only ever raise the language's errors.
"""

from __future__ import annotations

import contextlib
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from criteria_engine.dsl import (
    DslError,
    DslEvaluationError,
    Node,
    Scope,
    Type,
    check,
    compile_formula,
    evaluate,
    parse,
    to_source,
    trace,
)
from criteria_engine.dsl.compile import compile_node
from criteria_engine.dsl.nodes import (
    And,
    Arith,
    Boolean,
    Call,
    Compare,
    If,
    Membership,
    Name,
    Neg,
    Not,
    Number,
    Or,
    Step,
    Steps,
    Text,
)

N, B, T = Type.NUMBER, Type.BOOLEAN, Type.TEXT
SCOPE = Scope(
    names={"x": N, "y": N, "z": N, "flag": B, "other": B, "kind": T},
    criteria=["1.1", "1.2", "2"],
    aggregatable=["x", "y"],
)
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- literals ------------------------------------------------------------------------

plain_decimals = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(0, 10**9),
    st.integers(0, 4),
)
numbers = st.builds(Number, plain_decimals)
percents = st.builds(
    lambda d, places: Number(Decimal(d).scaleb(-places - 2), percent=True),
    st.integers(0, 500),
    st.integers(0, 2),
)
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=6
).map(lambda s: Text(unicodedata.normalize("NFC", s)))
small_texts = st.sampled_from(["a", "b", "Sở Nội vụ", 'quote " and \\'])


def _signed(value: Decimal, percent: bool) -> Node:
    """A constant as the parser reads it: a literal, or '-' before a literal."""
    literal = Number(abs(value).scaleb(-2) if percent else abs(value), percent=percent)
    return Neg(literal) if value < 0 else literal


# -- typed trees -----------------------------------------------------------------------

Typed = tuple[Type, Node]

leaves: st.SearchStrategy[Typed] = st.one_of(
    st.tuples(st.just(N), st.one_of(numbers, percents)),
    st.tuples(st.just(N), st.sampled_from([Name("x"), Name("y"), Name("z")])),
    st.tuples(
        st.just(N), st.sampled_from(["1.1", "1.2", "2"]).map(lambda i: Call("score", [Text(i)]))
    ),
    st.tuples(
        st.just(N),
        st.builds(
            lambda f, n: Call(f, [Name(n)]),
            st.sampled_from(["best", "mean"]),
            st.sampled_from(["x", "y"]),
        ),
    ),
    st.tuples(st.just(B), st.builds(Boolean, st.booleans())),
    st.tuples(st.just(B), st.sampled_from([Name("flag"), Name("other")])),
    st.tuples(st.just(T), st.one_of(texts, small_texts.map(Text), st.just(Name("kind")))),
)


def coerce(typed: Typed, want: Type) -> Node:
    """Wrap a node of any type into a well-typed node of type ``want``."""
    kind, node = typed
    if kind is want:
        return node
    if want is N:
        if kind is B:
            return If(node, Number(Decimal(1)), Number(Decimal(0)))
        return If(Compare("==", node, Text("a")), Number(Decimal(1)), Number(Decimal(2)))
    if want is B:
        if kind is N:
            return Compare(">", node, Number(Decimal(0)))
        return Membership(node, [Text("a"), Text("b")])
    if kind is N:
        return If(Compare(">=", node, Number(Decimal(1))), Text("hi"), Text("lo"))
    return If(node, Text("yes"), Text("no"))


@st.composite
def step_tables(
    draw: st.DrawFn, subject: st.SearchStrategy[Node], value: st.SearchStrategy[Node]
) -> Node:
    """A step table the checker accepts: one direction, strictly ordered thresholds."""
    count = draw(st.integers(1, 4))
    raw = draw(st.lists(st.integers(-200, 200), min_size=count, max_size=count, unique=True))
    percent = draw(st.booleans())
    down = draw(st.booleans())
    thresholds = sorted((Decimal(t) for t in raw), reverse=down)
    ops = st.sampled_from([">=", ">"] if down else ["<=", "<"])
    steps = [Step(draw(ops), _signed(t, percent), draw(value)) for t in thresholds]
    if draw(st.booleans()):
        # An equality step is only reachable before the ranges that would cover it.
        steps.insert(
            0, Step("==", _signed(Decimal(draw(st.integers(300, 400))), False), draw(value))
        )
    return Steps(draw(subject), steps, draw(value))


def extend(children: st.SearchStrategy[Typed]) -> st.SearchStrategy[Typed]:
    num = st.tuples(children, st.just(N)).map(lambda p: coerce(*p))
    boo = st.tuples(children, st.just(B)).map(lambda p: coerce(*p))
    txt = st.tuples(children, st.just(T)).map(lambda p: coerce(*p))
    nums = st.lists(num, min_size=2, max_size=3)
    number_nodes = st.one_of(
        st.builds(Neg, num),
        st.builds(Arith, st.sampled_from(["+", "-", "*", "/"]), num, num),
        st.builds(If, boo, num, num),
        step_tables(num, num),
        st.builds(Call, st.sampled_from(["min", "max"]), nums),
        st.builds(lambda a, b, c: Call("clamp", [a, b, c]), num, num, num),
        st.builds(lambda a, b: Call("ratio", [a, b]), num, num),
        st.builds(lambda a, n: Call("round", [a, Number(Decimal(n))]), num, st.integers(0, 4)),
        st.builds(lambda a: Call("abs", [a]), num),
        st.builds(lambda a: Call("sum", a), st.lists(num, min_size=1, max_size=3)),
        st.builds(lambda a: Call("count", a), st.lists(boo, min_size=1, max_size=3)),
    )
    boolean_nodes = st.one_of(
        st.builds(Not, boo),
        st.builds(And, boo, boo),
        st.builds(Or, boo, boo),
        st.builds(Compare, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), num, num),
        st.builds(Compare, st.sampled_from(["==", "!="]), txt, txt),
        st.builds(Compare, st.sampled_from(["==", "!="]), boo, boo),
        st.builds(
            Membership,
            num,
            st.lists(st.one_of(numbers, percents), min_size=1, max_size=3),
            negated=st.booleans(),
        ),
        st.builds(
            Membership,
            txt,
            st.lists(small_texts.map(Text), min_size=1, max_size=3),
            negated=st.booleans(),
        ),
        st.builds(If, boo, boo, boo),
    )
    text_nodes = st.one_of(st.builds(If, boo, txt, txt), step_tables(num, txt))
    return st.one_of(
        st.tuples(st.just(N), number_nodes),
        st.tuples(st.just(B), boolean_nodes),
        st.tuples(st.just(T), text_nodes),
    )


formulas: st.SearchStrategy[Typed] = st.recursive(leaves, extend, max_leaves=12)

input_numbers = st.one_of(
    st.sampled_from([Decimal(0), Decimal(1), Decimal("0.5"), Decimal("0.85"), Decimal(-2)]),
    st.decimals(
        min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False
    ),
)
environments = st.fixed_dictionaries(
    {
        "values": st.fixed_dictionaries(
            {
                "x": input_numbers,
                "y": input_numbers,
                "z": input_numbers,
                "flag": st.booleans(),
                "other": st.booleans(),
                "kind": st.sampled_from(["a", "b", "c", "Sở Nội vụ"]),
            }
        ),
        "scores": st.fixed_dictionaries(
            {"1.1": input_numbers, "1.2": input_numbers, "2": input_numbers}
        ),
        "aggregates": st.fixed_dictionaries(
            {
                "best:x": input_numbers,
                "mean:x": input_numbers,
                "best:y": input_numbers,
                "mean:y": input_numbers,
            }
        ),
    }
)

ERROR = object()


def outcome(run: object) -> object:
    try:
        return run()  # type: ignore[operator]
    except DslEvaluationError:
        return ERROR


def assert_exact(value: object, kind: Type) -> None:
    assert not isinstance(value, float)
    if kind is N:
        assert type(value) is Decimal and value.is_finite()
    elif kind is B:
        assert type(value) is bool
    else:
        assert type(value) is str


# -- properties ------------------------------------------------------------------------


@FAST
@given(formulas)
def test_printed_formula_parses_back_to_the_same_tree(typed: Typed) -> None:
    _, node = typed
    assert parse(to_source(node)) == node


@FAST
@given(formulas)
def test_generated_formulas_check_with_their_type(typed: Typed) -> None:
    kind, node = typed
    assert check(node, SCOPE, expect=None).type is kind


@FAST
@given(formulas, st.lists(environments, min_size=1, max_size=3))
def test_compiled_formula_agrees_with_the_reference_evaluator(
    typed: Typed, envs: list[dict]
) -> None:
    kind, node = typed
    text = to_source(node)
    formula = compile_formula(text, SCOPE, expect=None)
    assert formula.type is kind
    for env in envs:
        args = (env["values"], env["scores"], env["aggregates"])
        expected = outcome(lambda: evaluate(formula.node, *args))  # noqa: B023
        got = outcome(lambda: formula(*args))  # noqa: B023
        if expected is ERROR or got is ERROR:
            assert expected is got, (text, expected, got)
            continue
        assert_exact(got, kind)
        assert type(got) is type(expected)
        assert got == expected and str(got) == str(expected), (text, got, expected)
        steps = trace(formula.node, *args)
        assert not steps or steps[-1].value == expected  # a lone literal has no steps


@FAST
@given(formulas, environments)
def test_recompiling_the_checked_tree_gives_the_same_function(typed: Typed, env: dict) -> None:
    _, node = typed
    typed_node = check(node, SCOPE, expect=None)
    first, second = compile_node(typed_node), compile_node(typed_node)
    assert first.python_source == second.python_source
    args = (env["values"], env["scores"], env["aggregates"])
    assert outcome(lambda: first(*args)) == outcome(lambda: second(*args))


@FAST
@given(st.text(max_size=200))
def test_any_text_raises_only_dsl_errors(text: str) -> None:
    with contextlib.suppress(DslError):
        parse(text)


TOKENS = [
    "x", "y", "flag", "kind", "min", "ratio", "score", "best", "steps", "if", "then", "else",
    "and", "or", "not", "in", "true", "false", "(", ")", "[", "]", "{", "}", ",", "->", "+",
    "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "=", "1", "0.5", "85%", '"a"', '"1.1"',
    "#", "\n", ".", "**", "_", "__x", "X", "'", '"', "\\", "%", ":", "đ",
]  # fmt: skip


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sampled_from(["", " "]))
def test_token_soup_raises_only_dsl_errors(tokens: list[str], glue: str) -> None:
    text = glue.join(tokens)
    try:
        node = parse(text)
    except DslError:
        return
    # Whatever parses also prints, and the printed text parses to the same tree.
    assert parse(to_source(node)) == node
    with contextlib.suppress(DslError):
        compile_formula(text, SCOPE, expect=None)


@FAST
@given(input_numbers, input_numbers)
def test_ratio_never_raises(a: Decimal, b: Decimal) -> None:
    formula = compile_formula("ratio(x, y)", SCOPE)
    result = formula({"x": a, "y": b})
    assert_exact(result, N)
    assert result == (a / b if b else 0)


@FAST
@given(st.decimals(min_value=0, max_value=2, places=10))
def test_percent_threshold_is_exact(value: Decimal) -> None:
    formula = compile_formula("x >= 85%", SCOPE, expect=Type.BOOLEAN)
    assert formula({"x": value}) is (value >= Decimal("0.85"))


@pytest.mark.parametrize("kind", [N, B, T])
def test_each_type_is_generated(kind: Type) -> None:
    # Guards the strategy itself: every result type must actually occur.
    quick = settings(database=None, phases=[Phase.generate])  # the first one found will do
    found = find(formulas, lambda typed: typed[0] is kind, settings=quick)
    assert found[0] is kind
