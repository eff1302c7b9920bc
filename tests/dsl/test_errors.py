"""Errors: one tree, problems as values, and the rendered form with line, caret and hint."""

from __future__ import annotations

import pickle

import pytest

from criteria_engine.dsl import (
    DslCheckError,
    DslError,
    DslEvaluationError,
    DslLimitError,
    DslSyntaxError,
    Problem,
    Scope,
    Type,
    compile_formula,
    parse,
)

SCOPE = Scope(
    names={"docs_total": Type.NUMBER, "docs_electronic": Type.NUMBER, "has_portal": Type.BOOLEAN}
)


def error_of(text: str, origin: str | None = None) -> DslError:
    with pytest.raises(DslError) as caught:
        compile_formula(text, SCOPE, origin=origin)
    return caught.value


def test_one_error_tree() -> None:
    for kind in (DslSyntaxError, DslCheckError, DslLimitError, DslEvaluationError):
        assert issubclass(kind, DslError)
    assert issubclass(DslError, Exception)


def test_rendered_form() -> None:
    error = error_of(
        "10 * ratio(docs_electronic, docs_totl)", origin="criteria/department.yaml criterion 1.1"
    )
    assert isinstance(error, DslCheckError)
    assert str(error) == (
        "criteria/department.yaml criterion 1.1:1:29: unknown name 'docs_totl'\n"
        "    10 * ratio(docs_electronic, docs_totl)\n"
        "                                ^^^^^^^^^\n"
        "  hint: did you mean 'docs_total'?"
    )
    assert (error.line, error.column, error.hint) == (1, 29, "did you mean 'docs_total'?")


def test_rendered_form_on_a_later_line_with_tabs() -> None:
    error = error_of("min(\n\tdocs_totl,\n\t1)")
    assert str(error) == (
        "2:2: unknown name 'docs_totl'\n"
        "    \tdocs_totl,\n"
        "    \t^^^^^^^^^\n"
        "  hint: did you mean 'docs_total'?"
    )


def test_all_problems_are_rendered_in_order() -> None:
    error = error_of("b + a")
    assert isinstance(error, DslCheckError)
    assert [p.message for p in error.problems] == ["unknown name 'b'", "unknown name 'a'"]
    assert str(error).count("unknown name") == 2
    assert error.message == "2 problems in the formula"


def test_problem_is_a_sortable_value() -> None:
    a = Problem("syntax", "x", 1, 5, 6)
    b = Problem("type-error", "y", 1, 2, None, "hint")
    c = Problem("type-error", "y", 2, 1)
    assert sorted([c, a, b]) == [b, a, c]
    assert a == Problem("syntax", "x", 1, 5, 6)
    assert len({a, Problem("syntax", "x", 1, 5, 6)}) == 1
    with pytest.raises(AttributeError):
        a.line = 3  # type: ignore[misc]


def test_problem_rendering_without_source_or_end() -> None:
    problem = Problem("unknown-name", "unknown name 'x'", 1, 3, None, "did you mean 'y'?")
    assert problem.render() == "1:3: unknown name 'x'\n  hint: did you mean 'y'?"
    assert (
        problem.render("a + x + 1", "f")
        == "f:1:3: unknown name 'x'\n    a + x + 1\n      ^^^^^^^\n  hint: did you mean 'y'?"
    )


def test_problem_shifted_into_a_file() -> None:
    first = Problem("syntax", "m", 1, 5, 8)
    assert first.shifted(10, 12) == Problem("syntax", "m", 10, 16, 19)
    later = Problem("syntax", "m", 3, 5, 8)
    assert later.shifted(10, 12) == Problem("syntax", "m", 12, 5, 8)


def test_errors_survive_pickling() -> None:
    error = error_of("docs_totl")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and copy.problems == error.problems and str(copy) == str(error)
    runtime = DslEvaluationError("boom", text="a / b", expression="a / b", values={"a": 1})
    copy = pickle.loads(pickle.dumps(runtime))
    assert str(copy) == str(runtime) and copy.values == {"a": 1}


# -- common slips get a name ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "message", "hint"),
    [
        ("docs_total = 1", 12, "'=' is not a comparison, use '=='", "write a == b to compare"),
        ("docs_total => 1", 12, "'=>' is not a comparison, use '>='", None),
        ("min(docs_total, 1", 18, "missing ')'", "the '(' at 1:4 is never closed"),
        ("(docs_total", 12, "missing ')'", None),
        ("docs_total)", 11, "')' has no matching '('", None),
        ("x in [1, 2", 11, "missing ']'", None),
        (
            "steps docs_total { >= 1 -> 2 }",
            30,
            "a step table needs a final 'else -> value'",
            "end it with, for example: else -> 0 }",
        ),
        ("steps docs_total { >= 1 -> 2,", 30, "a step table needs a final 'else -> value'", None),
        ("docs_total < 1 < 2", 16, "comparisons cannot be chained", None),
        ("if has_portal then 1", 21, "'if' needs an 'else' part: if C then A else B", None),
        (
            "if has_portal 1",
            15,
            "'then' is missing after the condition of 'if'",
            "if C then A else B",
        ),
        ("min(1 2)", 7, "an operator is missing before number 2", None),
        ("1 + * 2", 5, "unexpected '*'", "expected a value"),
        ("docs_total +", 13, "the formula ends too early: a value is missing after '+'", None),
        ("", 1, "the formula is empty", None),
        ("  # only a comment", 1, "the formula is empty", None),
        (
            "docs_total docs_electronic",
            12,
            "an operator is missing before name 'docs_electronic'",
            None,
        ),
        ("Docs_Total", 1, "names are written in lowercase: 'Docs_Total'", "write 'docs_total'"),
        ("docsTotal", 1, "names are written in lowercase: 'docsTotal'", "write 'docs_total'"),
        ("điểm + 1", 1, "names use only the letters a-z, digits and '_': 'điểm'", None),
        ("'xã'", 1, "text goes in double quotes, not single quotes", None),
        ('"xã', 1, "a text has no closing '\"' on this line", None),
        ('"a\\n"', 3, "unknown escape '\\n' in a text", None),
        ("docs_total ** 2", 13, "there is no power operator '**'", None),
        ("docs_total ^ 2", 12, "there is no power operator", None),
        ("has_portal && true", 12, "'&' is not an operator, use 'and'", None),
        ("!has_portal", 1, "'!' is not an operator", None),
        ("1e6", 2, "numbers are written without exponents", None),
        (".5", 1, "a number needs digits on both sides of '.', like 0.5", None),
        ("5 %", 3, "'%' must follow its number directly, like 85%", None),
        ("docs_total -> 1", 12, "'->' is only used inside a step table", None),
        ("x in y", 6, "'in' must be followed by a list of fixed values in '[...]'", None),
        (
            "1 + if has_portal then 1 else 0",
            5,
            "'if … then … else' must be in parentheses here",
            None,
        ),
        (
            "docs_total\u00a0+ 1",
            11,
            "invisible character U+00A0 (NO-BREAK SPACE) in the formula",
            None,
        ),
        ("2 (3)", 3, "only functions can be called with '(…)'", None),
        ("a is b", 3, "'is' is not an operator", "compare with '==' or '!='"),
        ("x elif y", 3, "'elif' is not a keyword", "write 'else if'"),
        ("steps x { >= 1: 2, else: 0 }", 15, "':' is not part of the language", None),
    ],
)
def test_common_slips(text: str, column: int, message: str, hint: str | None) -> None:
    with pytest.raises(DslSyntaxError) as caught:
        parse(text)
    (problem,) = caught.value.problems
    assert problem.code == "syntax"
    assert (problem.line, problem.column, problem.message) == (1, column, message)
    if hint is not None:
        assert problem.hint == hint


def test_syntax_error_on_a_later_line() -> None:
    with pytest.raises(DslSyntaxError) as caught:
        parse("min(\n  a,\n  b c)")
    assert (caught.value.line, caught.value.column) == (3, 5)
    assert "    b c)\n" in str(caught.value)


def test_the_caret_underlines_the_whole_token() -> None:
    with pytest.raises(DslSyntaxError) as caught:
        parse("docs_total -> 1", origin="x")
    assert str(caught.value).splitlines()[1:3] == ["    docs_total -> 1", "               ^^"]
