"""The grammar: literals, precedence, every construct, positions, reserved words."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from criteria_engine.dsl import DslSyntaxError, parse
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
from criteria_engine.dsl.parse import _parser


def num(value: str, percent: bool = False) -> Number:
    return Number(Decimal(value), percent=percent)


# -- literals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", "12"),
        ("0.5", "0.5"),
        ("007", "7"),
        ("2.50", "2.50"),
        ("123456789.123456789", "123456789.123456789"),
    ],
)
def test_numbers_are_exact_decimals(text: str, value: str) -> None:
    node = parse(text)
    assert isinstance(node, Number) and not node.percent
    assert str(node.value) == value


@pytest.mark.parametrize(
    ("text", "value"), [("85%", "0.85"), ("12.5%", "0.125"), ("100%", "1.00"), ("0%", "0.00")]
)
def test_percentages_are_exact_and_remember_their_form(text: str, value: str) -> None:
    node = parse(text)
    assert isinstance(node, Number) and node.percent
    assert node.value == Decimal(value) and str(node.value) == value


def test_booleans_and_names() -> None:
    assert parse("true") == Boolean(True)
    assert parse("false") == Boolean(False)
    assert parse("docs_total") == Name("docs_total")
    assert parse("_x1") == Name("_x1")


def test_text_escapes_and_unicode() -> None:
    assert parse('"Sở Nội vụ"') == Text("Sở Nội vụ")
    assert parse(r'"say \"hi\" \\ done"') == Text('say "hi" \\ done')
    decomposed = unicodedata.normalize("NFD", "Hòa Bình")
    node = parse(f'"{decomposed}"')
    assert isinstance(node, Text) and node.value == unicodedata.normalize("NFC", "Hòa Bình")


def test_a_minus_sign_is_an_operator_not_part_of_the_number() -> None:
    assert parse("-5") == Neg(num("5"))
    assert parse("--5") == Neg(Neg(num("5")))


# -- precedence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("2 + 3 * 4", Arith("+", num("2"), Arith("*", num("3"), num("4")))),
        ("(2 + 3) * 4", Arith("*", Arith("+", num("2"), num("3")), num("4"))),
        ("a - b - c", Arith("-", Arith("-", Name("a"), Name("b")), Name("c"))),
        ("a / b * c", Arith("*", Arith("/", Name("a"), Name("b")), Name("c"))),
        ("-a * b", Arith("*", Neg(Name("a")), Name("b"))),
        ("not a and b", And(Not(Name("a")), Name("b"))),
        ("a or b and c", Or(Name("a"), And(Name("b"), Name("c")))),
        ("not a == b", Not(Compare("==", Name("a"), Name("b")))),
        (
            "a + 1 >= b * 2",
            Compare(">=", Arith("+", Name("a"), num("1")), Arith("*", Name("b"), num("2"))),
        ),
        ("if c then 1 else 2 + 3", If(Name("c"), num("1"), Arith("+", num("2"), num("3")))),
        (
            "if a then 1 else if b then 2 else 3",
            If(Name("a"), num("1"), If(Name("b"), num("2"), num("3"))),
        ),
        ("x in [1, 2]", Membership(Name("x"), [num("1"), num("2")])),
        ('x not in ["a",]', Membership(Name("x"), [Text("a")], negated=True)),
        ("not x in [1]", Not(Membership(Name("x"), [num("1")]))),
        ("x in [] ", Membership(Name("x"), [])),
    ],
)
def test_precedence(text: str, tree: object) -> None:
    assert parse(text) == tree


@pytest.mark.parametrize("text", ["a < b < c", "a == b == c", "a < b in [1]", "x in [1] in [2]"])
def test_comparisons_do_not_chain(text: str) -> None:
    with pytest.raises(DslSyntaxError, match="comparisons cannot be chained"):
        parse(text)


# -- constructs -------------------------------------------------------------------------


def test_step_table() -> None:
    text = """steps ratio(online_services, total_services) {
        >= 80% -> 10,
        >= 50% -> 6,
        > 0 -> 3,
        >= -5 -> 1,
        else -> 0,
    }"""
    assert parse(text) == Steps(
        Call("ratio", [Name("online_services"), Name("total_services")]),
        [
            Step(">=", num("0.80", True), num("10")),
            Step(">=", num("0.50", True), num("6")),
            Step(">", num("0"), num("3")),
            Step(">=", Neg(num("5")), num("1")),
        ],
        num("0"),
    )


def test_step_table_without_trailing_comma_and_with_expression_values() -> None:
    node = parse("steps x { <= 1 -> a + 1, else -> if b then 1 else 2 }")
    assert node == Steps(
        Name("x"),
        [Step("<=", num("1"), Arith("+", Name("a"), num("1")))],
        If(Name("b"), num("1"), num("2")),
    )


def test_step_table_is_an_operand() -> None:
    node = parse("2 * steps x { >= 1 -> 1, else -> 0 }")
    assert isinstance(node, Arith) and isinstance(node.right, Steps)


def test_calls() -> None:
    assert parse('score("1.2")') == Call("score", [Text("1.2")])
    assert parse("min(a, b, c,)") == Call("min", [Name("a"), Name("b"), Name("c")])
    assert parse("f()") == Call("f", [])


def test_comments_and_layout_are_ignored() -> None:
    text = "min(  # the cap\n  10 * ratio(a, b),\n\t10  # points\n)\n"
    assert parse(text) == parse("min(10 * ratio(a, b), 10)")


# -- reserved words --------------------------------------------------------------------


@pytest.mark.parametrize("word", ["if", "then", "else", "and", "or", "not", "in", "steps"])
def test_keywords_are_not_names(word: str) -> None:
    with pytest.raises(DslSyntaxError):
        parse(f"1 + {word}")


def test_names_may_contain_keywords() -> None:
    assert parse("stepsx + not_in + iff") == Arith(
        "+", Arith("+", Name("stepsx"), Name("not_in")), Name("iff")
    )


def test_text_must_be_a_str() -> None:
    with pytest.raises(TypeError):
        parse(b"1")  # type: ignore[arg-type]


def test_parser_is_built_once() -> None:
    assert _parser() is _parser()


# -- positions -----------------------------------------------------------------------------


def test_positions_are_one_based_and_end_exclusive() -> None:
    node = parse("a + docs_total")
    assert isinstance(node, Arith)
    assert (node.line, node.column, node.end_line, node.end_column) == (1, 1, 1, 15)
    assert (node.right.column, node.right.end_column) == (5, 15)


def test_positions_include_parentheses_and_span_lines() -> None:
    node = parse("(a + b)\n  * c")
    assert isinstance(node, Arith)
    assert (node.left.line, node.left.column, node.left.end_column) == (1, 1, 8)
    assert (node.line, node.end_line, node.end_column) == (1, 2, 6)
    assert (node.right.line, node.right.column) == (2, 5)


def test_positions_do_not_affect_equality() -> None:
    assert parse("a+b") == parse("  a   +   b")
    assert hash(parse("a+b")) == hash(parse(" a + b"))
