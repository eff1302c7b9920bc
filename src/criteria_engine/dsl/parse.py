"""Text → syntax tree: the one entry point that reads formula text.

The grammar (``grammar.lark``) is built into an LALR parser once per process. Parsing
runs in three steps, none of which can recurse deeper than the limits allow:

1. lark's LALR parser builds a parse tree (iteratively, whatever the input);
2. :func:`_check_tree` walks that tree with an explicit stack and enforces the limits
   (nesting depth, list sizes, literal lengths) and the lexical rules a regular
   expression cannot state well (string escapes, no dunder names);
3. only then does :class:`_Builder` turn the tree into :mod:`.nodes`, recursively but
   at most ``MAX_DEPTH`` levels deep.

Every failure becomes a :class:`DslSyntaxError` or :class:`DslLimitError`; no other
exception escapes :func:`parse` for any input string.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import attrs
from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError

from . import limits
from ._syntax_errors import problem_for
from .errors import DslError, DslLimitError, DslSyntaxError, Problem
from .nodes import (
    And,
    Arith,
    Boolean,
    Call,
    Compare,
    If,
    Membership,
    Name,
    Neg,
    Node,
    Not,
    Number,
    Or,
    Step,
    Steps,
    Text,
)

__all__ = ["parse"]


@functools.cache
def _parser() -> Lark:
    """The LALR parser, built on first use and then shared by every formula."""
    return Lark.open_from_package(
        "criteria_engine.dsl",
        "grammar.lark",
        parser="lalr",
        # The basic lexer reserves the keywords everywhere: `1 + if` is an error, not a
        # name called "if" (lark's contextual lexer would only reserve them where the
        # grammar expects them).
        lexer="basic",
        propagate_positions=True,
    )


def parse(text: str, *, origin: str | None = None) -> Node:
    """Parse formula ``text`` into an (unchecked) syntax tree.

    ``origin`` labels the formula in error messages. Raises :class:`DslSyntaxError` when
    the text is not a formula, :class:`DslLimitError` when it is too big or too deep.
    """
    if not isinstance(text, str):
        raise TypeError(f"a formula is a str, not {type(text).__name__}")
    if len(text) > limits.MAX_SOURCE_LENGTH:
        problem = Problem(
            "limit",
            f"the formula is {len(text):,} characters long; "
            f"the limit is {limits.MAX_SOURCE_LENGTH:,}",
            1,
            1,
            hint="split it into several criteria that refer to each other with score(...)",
        )
        raise DslLimitError(problem.message, problems=[problem], text=None, origin=origin)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        problem = problem_for(exc, text)
        raise DslSyntaxError(
            problem.message, problems=[problem], text=text, origin=origin
        ) from None
    except LarkError as exc:  # pragma: no cover - lark raises UnexpectedInput for bad input
        problem = Problem("syntax", f"cannot read the formula: {exc}", 1, 1)
        raise DslSyntaxError(
            problem.message, problems=[problem], text=text, origin=origin
        ) from None
    found = _check_tree(tree)
    if found is not None:
        error, problem = found
        raise error(problem.message, problems=[problem], text=text, origin=origin)
    try:
        node = _Builder().transform(tree)
    except VisitError as exc:  # pragma: no cover - the builder only builds
        if isinstance(exc.orig_exc, DslError):
            raise exc.orig_exc from None
        raise
    assert isinstance(node, Node)
    return node


# -- step 2: limits and lexical rules, without recursion -----------------------------

#: Rules that group other parts and add no nesting level of their own.
_GROUPING_RULES = frozenset({"arguments", "list", "step"})

_LimitFinding = tuple[type[DslError], Problem]


def _check_tree(tree: Tree[Any]) -> _LimitFinding | None:
    """The first limit or lexical rule the parse tree breaks, or ``None``."""
    stack: list[tuple[Tree[Any], int]] = [(tree, 0)]
    while stack:
        current, level = stack.pop()
        if current.data not in _GROUPING_RULES:
            level += 1
        if level > limits.MAX_DEPTH:
            return DslLimitError, _problem_at(
                current,
                "limit",
                f"the formula nests more than {limits.MAX_DEPTH} levels deep",
                "simplify it, or split it into criteria that use score(...)",
            )
        found = _check_counts(current)
        if found is not None:
            return found
        for child in current.children:
            if isinstance(child, Tree):
                stack.append((child, level))
            elif isinstance(child, Token):
                found = _check_token(child)
                if found is not None:
                    return found
    return None


def _check_counts(tree: Tree[Any]) -> _LimitFinding | None:
    kids = [c for c in tree.children if c is not None]
    if tree.data == "steps" and len(kids) - 2 > limits.MAX_STEPS:
        what = f"a step table may have at most {limits.MAX_STEPS} steps"
    elif tree.data == "arguments" and len(kids) > limits.MAX_ARGS:
        what = f"a function takes at most {limits.MAX_ARGS} arguments"
    elif tree.data == "list" and len(kids) > limits.MAX_ARGS:
        what = f"a list may hold at most {limits.MAX_ARGS} items"
    else:
        return None
    return DslLimitError, _problem_at(tree, "limit", what, None)


def _check_token(token: Token) -> _LimitFinding | None:
    kind, value = token.type, str(token)
    if kind in ("NUMBER", "PERCENT"):
        digits = sum(ch.isdigit() for ch in value)
        if digits > limits.MAX_NUMBER_DIGITS:
            message = f"a number may have at most {limits.MAX_NUMBER_DIGITS} digits"
            return DslLimitError, _token_problem(token, "limit", message)
    elif kind == "NAME":
        if value.startswith("__"):
            message = f"names cannot start with '__': '{value}'"
            return DslSyntaxError, _token_problem(token, "syntax", message)
        if len(value) > limits.MAX_NAME_LENGTH:
            message = f"a name may have at most {limits.MAX_NAME_LENGTH} characters"
            return DslLimitError, _token_problem(token, "limit", message)
    elif kind == "STRING":
        return _check_string(token)
    return None


def _check_string(token: Token) -> _LimitFinding | None:
    body = str(token)[1:-1]
    index = body.find("\\")
    while index != -1:
        escaped = body[index + 1]
        if escaped not in '"\\':
            column = token.column + 1 + index
            problem = Problem(
                "syntax",
                f"unknown escape '\\{escaped}' in a text",
                token.line,
                column,
                column + 2,
                hint='only \\" (a double quote) and \\\\ (a backslash) can be escaped',
            )
            return DslSyntaxError, problem
        index = body.find("\\", index + 2)
    if len(body) > limits.MAX_TEXT_LENGTH:
        message = f"a text may have at most {limits.MAX_TEXT_LENGTH} characters"
        return DslLimitError, _token_problem(token, "limit", message)
    return None


def _token_problem(token: Token, code: str, message: str) -> Problem:
    return Problem(code, message, token.line, token.column, token.end_column)


def _problem_at(tree: Tree[Any], code: str, message: str, hint: str | None) -> Problem:
    meta = tree.meta
    end = meta.end_column if meta.end_line == meta.line else None
    return Problem(code, message, meta.line, meta.column, end, hint)


# -- step 3: parse tree → nodes --------------------------------------------------------


def _decode(token: Token) -> str:
    """The text a STRING token stands for (escapes were validated in step 2)."""
    body = str(token)[1:-1]
    if "\\" not in body:
        return body
    out, index = [], 0
    while index < len(body):
        ch = body[index]
        if ch == "\\":
            index += 1
            ch = body[index]
        out.append(ch)
        index += 1
    return "".join(out)


def _present(items: tuple[Any, ...]) -> list[Any]:
    """Children without lark's placeholders for absent optional parts."""
    return [item for item in items if item is not None]


@v_args(meta=True, inline=True)
class _Builder(Transformer[Token, Node]):
    """One short method per grammar alias; builds nodes and nothing else."""

    def if_(self, meta: Any, condition: Node, then: Node, otherwise: Node) -> Node:
        return If(condition, then, otherwise, **_span(meta))

    def or_(self, meta: Any, left: Node, right: Node) -> Node:
        return Or(left, right, **_span(meta))

    def and_(self, meta: Any, left: Node, right: Node) -> Node:
        return And(left, right, **_span(meta))

    def not_(self, meta: Any, operand: Node) -> Node:
        return Not(operand, **_span(meta))

    def compare(self, meta: Any, left: Node, op: Token, right: Node) -> Node:
        return Compare(str(op), left, right, **_span(meta))

    def in_(self, meta: Any, subject: Node, items: list[Node]) -> Node:
        return Membership(subject, items, negated=False, **_span(meta))

    def not_in(self, meta: Any, subject: Node, items: list[Node]) -> Node:
        return Membership(subject, items, negated=True, **_span(meta))

    def list(self, meta: Any, *items: Node | None) -> list[Node]:
        return _present(items)

    def add(self, meta: Any, left: Node, right: Node) -> Node:
        return Arith("+", left, right, **_span(meta))

    def sub(self, meta: Any, left: Node, right: Node) -> Node:
        return Arith("-", left, right, **_span(meta))

    def mul(self, meta: Any, left: Node, right: Node) -> Node:
        return Arith("*", left, right, **_span(meta))

    def div(self, meta: Any, left: Node, right: Node) -> Node:
        return Arith("/", left, right, **_span(meta))

    def neg(self, meta: Any, operand: Node) -> Node:
        return Neg(operand, **_span(meta))

    def number(self, meta: Any, token: Token) -> Node:
        return Number(Decimal(str(token)), **_span(meta))

    def percent(self, meta: Any, token: Token) -> Node:
        return Number(Decimal(str(token)[:-1]).scaleb(-2), percent=True, **_span(meta))

    def true(self, meta: Any) -> Node:
        return Boolean(True, **_span(meta))

    def false(self, meta: Any) -> Node:
        return Boolean(False, **_span(meta))

    def text(self, meta: Any, token: Token) -> Node:
        return Text(_decode(token), **_span(meta))

    def name(self, meta: Any, token: Token) -> Node:
        return Name(str(token), **_span(meta))

    def call(self, meta: Any, function: Token, args: list[Node] | None) -> Node:
        return Call(str(function), args or (), **_span(meta))

    def arguments(self, meta: Any, *args: Node | None) -> list[Node]:
        return _present(args)

    def group(self, meta: Any, inner: Node) -> Node:
        # Parentheses make no node; the inner node's position grows to include them.
        return _evolve_span(inner, meta)

    def steps(self, meta: Any, subject: Node, *rest: Node | None) -> Node:
        parts = _present(rest)
        *steps, otherwise = parts
        return Steps(subject, steps, otherwise, **_span(meta))

    def step(self, meta: Any, op: Token, threshold: Node, value: Node) -> Node:
        return Step(str(op), threshold, value, **_span(meta))


def _span(meta: Any) -> dict[str, int]:
    return {
        "line": meta.line,
        "column": meta.column,
        "end_line": meta.end_line,
        "end_column": meta.end_column,
    }


def _evolve_span(node: Node, meta: Any) -> Node:
    return attrs.evolve(node, **_span(meta))
