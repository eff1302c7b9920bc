"""Reference evaluator: walks the tree, checks every value, and explains itself.

This is the slow, obviously-correct definition of what a formula means. The compiled
fast path (:mod:`.compile`) must agree with it on every input, which the property tests
check on random formulas; when the fast path fails, it re-runs this evaluator to say
precisely which sub-expression failed and why. :func:`trace` records each step so that
a unit can be shown how its score was computed.

Unlike the fast path, this evaluator does not trust its inputs: a float, a ``bool`` where
a number is due, NaN or Infinity is refused with :class:`DslEvaluationError`.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

from .errors import DslEvaluationError
from .functions import FUNCTIONS
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
    Steps,
    Text,
    constant_value,
    walk,
)
from .printer import to_source
from .types import Type
from .visitor import Visitor

__all__ = ["EMPTY", "TraceStep", "Value", "evaluate", "trace"]

#: What a formula gives: a Decimal, a bool or a str.
Value = Decimal | bool | str

#: An empty read-only mapping, the default for scores and aggregates.
EMPTY: Mapping[str, Decimal] = MappingProxyType({})



@attrs.frozen
class TraceStep:
    """One computed sub-expression: its canonical text and its value."""

    text: str
    value: Value
    node: Node = attrs.field(eq=False, repr=False)


def evaluate(
    node: Node,
    values: Mapping[str, object],
    scores: Mapping[str, object] = EMPTY,
    aggregates: Mapping[str, object] = EMPTY,
    *,
    text: str | None = None,
    origin: str | None = None,
) -> Value:
    """The value of ``node`` for these inputs, criterion scores and batch aggregates.

    ``aggregates`` is keyed by :attr:`Aggregate.key <criteria_engine.dsl.functions.Aggregate.key>`
    (``"best:<input>"``). Raises
    :class:`DslEvaluationError` for a missing or ill-typed value, a division by zero or
    any other arithmetic failure; ``text`` and ``origin`` label that error.
    """
    return _Evaluator(node, values, scores, aggregates, text, origin, None).run()


def trace(
    node: Node,
    values: Mapping[str, object],
    scores: Mapping[str, object] = EMPTY,
    aggregates: Mapping[str, object] = EMPTY,
) -> list[TraceStep]:
    """Every non-literal sub-expression computed, with its value, in evaluation order.

    The last step is the whole formula. Branches not taken (the other side of an
    ``if``, later steps of a step table) do not appear.
    """
    steps: list[TraceStep] = []
    _Evaluator(node, values, scores, aggregates, None, None, steps.append).run()
    return steps


def _is_literal(node: Node) -> bool:
    return isinstance(node, (Number, Boolean, Text)) or (
        isinstance(node, Neg) and isinstance(node.operand, Number)
    )


def _kind(value: object) -> Type | None:
    if isinstance(value, bool):
        return Type.BOOLEAN
    if type(value) is Decimal and value.is_finite():
        return Type.NUMBER
    if isinstance(value, str):
        return Type.TEXT
    return None


def _describe(value: object) -> str:
    if isinstance(value, float):
        return f"a float ({value!r}); numbers must be Decimal"
    if isinstance(value, Decimal):
        return f"{value}, which is not a finite number"
    kind = type(value).__name__
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} ({value!r})"


_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


class _Evaluator(Visitor[Value]):
    def __init__(
        self,
        root: Node,
        values: Mapping[str, object],
        scores: Mapping[str, object],
        aggregates: Mapping[str, object],
        text: str | None,
        origin: str | None,
        record: Callable[[TraceStep], None] | None,
    ) -> None:
        self.root = root
        self.values = values
        self.scores = scores
        self.aggregates = aggregates
        self.text = text
        self.origin = origin
        self.record = record

    def run(self) -> Value:
        return self.value(self.root)

    def value(self, node: Node) -> Value:
        result = self.visit(node)
        if self.record is not None and not _is_literal(node):
            self.record(TraceStep(to_source(node), result, node))
        return result

    # -- failing well ---------------------------------------------------------------

    def fail(self, node: Node, message: str, *, located: bool = True) -> DslEvaluationError:
        """An error for ``node``; ``located`` adds "in '<node's text>'" to the message."""
        used = {
            n.name: self.values[n.name]
            for n in walk(self.root)
            if isinstance(n, Name) and n.name in self.values
        }
        expression = to_source(node)
        return DslEvaluationError(
            f"{message} in '{expression}'" if located else message,
            text=self.text if self.text is not None else to_source(self.root),
            origin=self.origin,
            expression=expression,
            values=used,
        )

    def number(self, node: Node) -> Decimal:
        result = self.value(node)
        if _kind(result) is not Type.NUMBER:
            raise self.fail(node, f"expected a number, got {_describe(result)}")
        assert isinstance(result, Decimal)
        return result

    def boolean(self, node: Node) -> bool:
        result = self.value(node)
        if not isinstance(result, bool):
            raise self.fail(node, f"expected true or false, got {_describe(result)}")
        return result

    def lookup(self, node: Node, mapping: Mapping[str, object], key: str, what: str) -> Value:
        try:
            found = mapping[key]
        except KeyError:
            raise self.fail(node, f"no value for {what}", located=False) from None
        kind = _kind(found)
        if kind is None or (node.type is not None and kind is not node.type):
            raise self.fail(node, f"{what} is {_describe(found)}", located=False)
        assert isinstance(found, (Decimal, bool, str))
        return found

    def arithmetic(self, node: Node, compute: Callable[[], Decimal]) -> Decimal:
        """Run ``compute``; any decimal signal or non-finite result is an evaluation error."""
        try:
            result = compute()
        except decimal.DivisionByZero:
            raise self.fail(node, "division by zero") from None
        except ArithmeticError as exc:
            raise self.fail(node, f"cannot compute ({type(exc).__name__})") from None
        if not result.is_finite():
            raise self.fail(node, "the result is not a finite number")
        return result

    # -- nodes ----------------------------------------------------------------------

    def visit_Number(self, node: Number) -> Value:
        return node.value

    def visit_Boolean(self, node: Boolean) -> Value:
        return node.value

    def visit_Text(self, node: Text) -> Value:
        return node.value

    def visit_Name(self, node: Name) -> Value:
        return self.lookup(node, self.values, node.name, f"input '{node.name}'")

    def visit_Neg(self, node: Neg) -> Value:
        operand = self.number(node.operand)
        return self.arithmetic(node, lambda: -operand)

    def visit_Not(self, node: Not) -> Value:
        return not self.boolean(node.operand)

    def visit_Arith(self, node: Arith) -> Value:
        left, right = self.number(node.left), self.number(node.right)
        if node.op == "+":
            return self.arithmetic(node, lambda: left + right)
        if node.op == "-":
            return self.arithmetic(node, lambda: left - right)
        if node.op == "*":
            return self.arithmetic(node, lambda: left * right)
        if not right:
            raise self.fail(node, "division by zero (use ratio(a, b) to get 0 instead)")
        return self.arithmetic(node, lambda: left / right)

    def visit_Compare(self, node: Compare) -> Value:
        left, right = self.value(node.left), self.value(node.right)
        kinds = (_kind(left), _kind(right))
        if None in kinds or kinds[0] is not kinds[1]:
            raise self.fail(node, f"cannot compare {_describe(left)} with {_describe(right)}")
        if node.op not in ("==", "!=") and kinds[0] is not Type.NUMBER:
            raise self.fail(node, f"'{node.op}' needs numbers")
        return _COMPARE[node.op](left, right)

    def visit_And(self, node: And) -> Value:
        return self.boolean(node.left) and self.boolean(node.right)

    def visit_Or(self, node: Or) -> Value:
        return self.boolean(node.left) or self.boolean(node.right)

    def visit_If(self, node: If) -> Value:
        return self.value(node.then if self.boolean(node.condition) else node.otherwise)

    def visit_Membership(self, node: Membership) -> Value:
        subject = self.value(node.subject)
        found = any(
            _kind(item) is _kind(subject) and item == subject
            for item in map(constant_value, node.items)
        )
        return found is not node.negated

    def visit_Steps(self, node: Steps) -> Value:
        subject = self.number(node.subject)
        for step in node.steps:
            threshold = constant_value(step.threshold)
            if not isinstance(threshold, Decimal):
                raise self.fail(step.threshold, "a step threshold must be a fixed number")
            if _COMPARE[step.op](subject, threshold):
                return self.value(step.value)
        return self.value(node.otherwise)

    def visit_Call(self, node: Call) -> Value:
        function = FUNCTIONS.get(node.function)
        if function is None:
            raise self.fail(node, f"unknown function {node.function}()")
        if not function.takes(len(node.args)):
            raise self.fail(node, f"wrong number of arguments for {node.function}()")
        return function.compute(self, node)
