"""to_source: canonical text with minimal parentheses, which parses back to the same tree."""

from __future__ import annotations

from decimal import Decimal

import pytest

from criteria_engine.dsl import parse, to_source
from criteria_engine.dsl.nodes import Arith, Name, Neg, Number, Text
from criteria_engine.dsl.printer import format_number


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("1+2*3", "1 + 2 * 3"),
        ("(1+2)*3", "(1 + 2) * 3"),
        ("a-(b-c)", "a - (b - c)"),
        ("(a-b)-c", "a - b - c"),
        ("a/(b*c)", "a / (b * c)"),
        ("-(a+b)", "-(a + b)"),
        ("-a*b", "-a * b"),
        ("- -a", "--a"),
        ("a - -b", "a - -b"),
        ("not(a and b)", "not (a and b)"),
        ("(not a) and b", "not a and b"),
        ("a and (b and c)", "a and (b and c)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("(a < b) == (c < d)", "(a < b) == (c < d)"),
        ("(a + 1) >= 2", "a + 1 >= 2"),
        ("x in [1,2,]", "x in [1, 2]"),
        ('x   not in ["a"]', 'x not in ["a"]'),
        ("(x in [1]) == true", "(x in [1]) == true"),
        ("85%", "85%"),
        ("12.50%", "12.50%"),
        ("0.5", "0.5"),
        ("007", "7"),
        ('"say \\"hi\\" \\\\"', '"say \\"hi\\" \\\\"'),
        ("min( a ,b )", "min(a, b)"),
        ('score( "1.1" )', 'score("1.1")'),
        ("if a then 1 else if b then 2 else 3", "if a then 1 else if b then 2 else 3"),
        ("if (if a then b else c) then 1 else 2", "if (if a then b else c) then 1 else 2"),
        ("if a then (if b then 1 else 2) else 3", "if a then (if b then 1 else 2) else 3"),
        ("1 + (if a then 1 else 2)", "1 + (if a then 1 else 2)"),
        ("min(if a then 1 else 2, 3)", "min(if a then 1 else 2, 3)"),
        (
            "steps x {\n >= 80% -> 10, # top\n >= -5 -> 1,\n else -> 0,\n}",
            "steps x { >= 80% -> 10, >= -5 -> 1, else -> 0 }",
        ),
        ("2 * steps x { < 1 -> 1, else -> 0 }", "2 * steps x { < 1 -> 1, else -> 0 }"),
        (
            "steps (if a then x else y) { < 1 -> 1, else -> 0 }",
            "steps (if a then x else y) { < 1 -> 1, else -> 0 }",
        ),
    ],
)
def test_canonical_text(written: str, canonical: str) -> None:
    tree = parse(written)
    assert to_source(tree) == canonical
    assert parse(canonical) == tree
    assert to_source(parse(canonical)) == canonical


def test_sub_expressions_print_too() -> None:
    tree = parse("10 * ratio(docs_electronic, docs_total)")
    assert isinstance(tree, Arith)
    assert to_source(tree.right) == "ratio(docs_electronic, docs_total)"


def test_numbers_never_print_with_an_exponent() -> None:
    assert to_source(Number(Decimal("1E+3"))) == "1000"
    assert to_source(Number(Decimal("0.85"), percent=True)) == "85%"
    assert format_number(Decimal("1.5E-7")) == "0.00000015"


def test_negative_numbers_from_folding_print_as_a_sign() -> None:
    tree = Arith("*", Name("a"), Number(Decimal(-5)))
    assert to_source(tree) == "a * -5"
    assert parse(to_source(tree)) == Arith("*", Name("a"), Neg(Number(Decimal(5))))


def test_texts_are_normalised_and_escaped() -> None:
    assert to_source(Text('a"b\\c')) == '"a\\"b\\\\c"'
    assert to_source(Text("Hoa\u0300")) == '"Hoà"'
