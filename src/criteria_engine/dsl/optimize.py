"""Constant folding: compute at load time what does not depend on the data.

``2 * 5`` becomes ``10`` and ``85% * 20`` becomes ``17.00``; ``if true then a else b``
becomes ``a``. Folding evaluates the constant part with the reference evaluator itself,
under a decimal context that traps any rounding, so a folded value is exactly what the
formula would have computed at run time (an inexact ``1 / 3`` is left for run time), and
an expression that would fail (``1 / 0``) is left alone to fail with its own message.
The pass works on checked trees and keeps their types.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import attrs

from .errors import DslEvaluationError
from .evaluate import EMPTY, evaluate
from .functions import FUNCTIONS
from .nodes import (
    And,
    Arith,
    Boolean,
    Call,
    Compare,
    If,
    Membership,
    Neg,
    Node,
    Not,
    Number,
    Or,
    Step,
    Steps,
    Text,
    constant_value,
)
from .visitor import Visitor

__all__ = ["optimize"]


def optimize(node: Node) -> Node:
    """``node`` with its constant sub-expressions computed."""
    return _Folder().visit(node)


def _literal(node: Node) -> bool:
    return isinstance(node, (Number, Boolean, Text))


def _fold(node: Node) -> Node:
    """``node`` replaced by its value as a literal, if it can be computed exactly."""
    with decimal.localcontext() as context:
        context.traps[decimal.Inexact] = True
        context.traps[decimal.Rounded] = True
        try:
            value = evaluate(node, EMPTY)
        except DslEvaluationError:
            return node
    position = {
        "line": node.line,
        "column": node.column,
        "end_line": node.end_line,
        "end_column": node.end_column,
        "type": node.type,
    }
    if isinstance(value, bool):
        return Boolean(value, **position)
    if isinstance(value, Decimal):
        return Number(value, **position)
    return Text(value, **position)


class _Folder(Visitor[Node]):
    def leaf(self, node: Node) -> Node:
        return node

    visit_Number = visit_Boolean = visit_Text = visit_Name = leaf

    def visit_Neg(self, node: Neg) -> Node:
        operand = self.visit(node.operand)
        new = attrs.evolve(node, operand=operand)
        return _fold(new) if _literal(operand) else new

    def visit_Not(self, node: Not) -> Node:
        operand = self.visit(node.operand)
        new = attrs.evolve(node, operand=operand)
        return _fold(new) if _literal(operand) else new

    def _binary(self, node: Arith | Compare) -> Node:
        left, right = self.visit(node.left), self.visit(node.right)
        new = attrs.evolve(node, left=left, right=right)
        return _fold(new) if _literal(left) and _literal(right) else new

    visit_Arith = visit_Compare = _binary

    def visit_And(self, node: And) -> Node:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(left, Boolean):
            return right if left.value else left
        return attrs.evolve(node, left=left, right=right)

    def visit_Or(self, node: Or) -> Node:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(left, Boolean):
            return left if left.value else right
        return attrs.evolve(node, left=left, right=right)

    def visit_If(self, node: If) -> Node:
        condition = self.visit(node.condition)
        then, otherwise = self.visit(node.then), self.visit(node.otherwise)
        if isinstance(condition, Boolean):
            return then if condition.value else otherwise
        return attrs.evolve(node, condition=condition, then=then, otherwise=otherwise)

    def visit_Membership(self, node: Membership) -> Node:
        subject = self.visit(node.subject)
        new = attrs.evolve(node, subject=subject)
        return _fold(new) if _literal(subject) else new

    def visit_Step(self, node: Step) -> Node:
        return attrs.evolve(node, value=self.visit(node.value))

    def visit_Steps(self, node: Steps) -> Node:
        subject = self.visit(node.subject)
        steps = tuple(self.visit(step) for step in node.steps)
        otherwise = self.visit(node.otherwise)
        new = attrs.evolve(node, subject=subject, steps=steps, otherwise=otherwise)
        if not isinstance(subject, Number):
            return new
        for step in steps:
            assert isinstance(step, Step)
            probe = Compare(step.op, subject, Number(_threshold(step)))
            held = _fold(probe)
            if not isinstance(held, Boolean):
                return new
            if held.value:
                return step.value
        return otherwise

    def visit_Call(self, node: Call) -> Node:
        if FUNCTIONS[node.function].reads_data:
            return node
        args = tuple(self.visit(arg) for arg in node.args)
        new = attrs.evolve(node, args=args)
        return _fold(new) if all(_literal(arg) for arg in args) else new


def _threshold(step: Step) -> Decimal:
    value = constant_value(step.threshold)
    assert isinstance(value, Decimal)
    return value
