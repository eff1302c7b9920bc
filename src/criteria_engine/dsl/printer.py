"""Syntax tree → canonical formula text, with as few parentheses as precedence allows.

The canonical text is what the engine shows next to a score, what ``trace`` prints for
each step, and the round-trip property ``parse(to_source(tree)) == tree`` ties printer
and grammar together: a change to one that the other does not follow breaks the tests.
Layout is fixed (one line, one space around binary operators), so two formulas that
mean the same thing print the same, whatever spacing or comments the pack used.
"""

from __future__ import annotations

from decimal import Decimal

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
from .visitor import Visitor

__all__ = ["format_number", "format_text", "precedence", "to_source"]

# Binding strength, weakest first; these mirror the grammar's levels.
_IF, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(9)


def to_source(node: Node) -> str:
    """The canonical text of ``node`` (any node of the tree, not only a whole formula)."""
    return _Printer().visit(node)


def precedence(node: Node) -> int:
    """How strongly ``node`` binds: it needs parentheses inside anything stronger."""
    kind = type(node)
    if kind is Arith:
        return _SUM if node.op in "+-" else _PRODUCT  # type: ignore[attr-defined]
    if kind is Number:
        return _UNARY if node.value.is_signed() else _ATOM  # type: ignore[attr-defined]
    return _LEVELS.get(kind, _ATOM)


_LEVELS: dict[type[Node], int] = {
    If: _IF,
    Or: _OR,
    And: _AND,
    Not: _NOT,
    Compare: _COMPARE,
    Membership: _COMPARE,
    Neg: _UNARY,
}


def format_number(value: Decimal, percent: bool = False) -> str:
    """A number as the language writes it: plain digits, never an exponent."""
    if percent:
        return format(value.scaleb(2), "f") + "%"
    return format(value, "f")


def format_text(value: str) -> str:
    """A text literal in double quotes, with ``"`` and ``\\`` escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Printer(Visitor[str]):
    def operand(self, node: Node, weakest: int) -> str:
        """``node``'s text, in parentheses if it binds more weakly than ``weakest``."""
        text = self.visit(node)
        return f"({text})" if precedence(node) < weakest else text

    def visit_Number(self, node: Number) -> str:
        return format_number(node.value, node.percent)

    def visit_Boolean(self, node: Boolean) -> str:
        return "true" if node.value else "false"

    def visit_Text(self, node: Text) -> str:
        return format_text(node.value)

    def visit_Name(self, node: Name) -> str:
        return node.name

    def visit_Neg(self, node: Neg) -> str:
        return "-" + self.operand(node.operand, _UNARY)

    def visit_Not(self, node: Not) -> str:
        return "not " + self.operand(node.operand, _NOT)

    def visit_Arith(self, node: Arith) -> str:
        level = precedence(node)
        left = self.operand(node.left, level)
        right = self.operand(node.right, level + 1)
        return f"{left} {node.op} {right}"

    def visit_Compare(self, node: Compare) -> str:
        left = self.operand(node.left, _SUM)
        right = self.operand(node.right, _SUM)
        return f"{left} {node.op} {right}"

    def visit_And(self, node: And) -> str:
        return f"{self.operand(node.left, _AND)} and {self.operand(node.right, _NOT)}"

    def visit_Or(self, node: Or) -> str:
        return f"{self.operand(node.left, _OR)} or {self.operand(node.right, _AND)}"

    def visit_If(self, node: If) -> str:
        # A nested `if` in the condition or the `then` part is bracketed for the reader;
        # in the `else` part it reads as an `else if` chain.
        condition = self.operand(node.condition, _OR)
        then = self.operand(node.then, _OR)
        otherwise = self.operand(node.otherwise, _IF)
        return f"if {condition} then {then} else {otherwise}"

    def visit_Membership(self, node: Membership) -> str:
        subject = self.operand(node.subject, _SUM)
        items = ", ".join(self.operand(item, _SUM) for item in node.items)
        keyword = "not in" if node.negated else "in"
        return f"{subject} {keyword} [{items}]"

    def visit_Call(self, node: Call) -> str:
        args = ", ".join(self.operand(arg, _IF) for arg in node.args)
        return f"{node.function}({args})"

    def visit_Step(self, node: Step) -> str:
        threshold = self.operand(node.threshold, _SUM)
        return f"{node.op} {threshold} -> {self.operand(node.value, _IF)}"

    def visit_Steps(self, node: Steps) -> str:
        rows = [self.visit(step) for step in node.steps]
        rows.append(f"else -> {self.operand(node.otherwise, _IF)}")
        return f"steps {self.operand(node.subject, _OR)} {{ {', '.join(rows)} }}"
