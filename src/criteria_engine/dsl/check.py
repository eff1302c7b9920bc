"""Static checks: names, types, arity, references and step tables, before any data.

:func:`check` walks a parsed formula once with a :class:`Scope` (what the formula may
refer to) and returns the same tree with every node's ``type`` filled in. It collects
every problem rather than stopping at the first, so a pack author fixes a formula in one
round, and raises them together in one :class:`DslCheckError`. A sub-expression that is
already wrong gets the type ``None``, which silences follow-on complaints about it.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from decimal import Decimal
from typing import Any

import attrs

from . import limits
from ._steps import Row, analyse
from .errors import DslCheckError, DslLimitError, Problem
from .functions import FUNCTIONS, Param
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
    constant_value,
    depth,
)
from .printer import to_source
from .scope import Scope
from .types import Type
from .visitor import Visitor

__all__ = ["check"]


def check(
    node: Node,
    scope: Scope,
    *,
    expect: Type | None = Type.NUMBER,
    text: str | None = None,
    origin: str | None = None,
) -> Node:
    """The tree with types filled in, or :class:`DslCheckError` listing every problem.

    ``expect`` is the type the caller needs the formula to give (``None``: any type).
    ``text`` and ``origin`` are only used to render the problems. A tree built by hand
    that nests deeper than the parser allows raises :class:`DslLimitError`.
    """
    if depth(node) > limits.MAX_DEPTH:
        message = f"the formula nests more than {limits.MAX_DEPTH} levels deep"
        problem = Problem("limit", message, node.line or 1, node.column or 1)
        raise DslLimitError(message, problems=[problem], text=text, origin=origin)
    checker = _Checker(scope)
    typed = checker.visit(node)
    if expect is not None and typed.type is not None and typed.type is not expect:
        checker.error(
            node,
            "result-type",
            f"the formula gives {_a(typed.type)}, but {_a(expect)} is expected here",
            _RESULT_HINTS.get((typed.type, expect)),
        )
    if checker.problems:
        count = len(checker.problems)
        summary = "1 problem" if count == 1 else f"{count} problems"
        raise DslCheckError(
            f"{summary} in the formula", problems=checker.problems, text=text, origin=origin
        )
    return typed


#: Argument kinds checked by their own rule rather than as ordinary values.
_SPECIAL = frozenset({Param.CRITERION, Param.AGGREGATED})
_PARAM_TYPES = {Param.NUMBER: Type.NUMBER, Param.CONDITION: Type.BOOLEAN}

_ARTICLE = {Type.NUMBER: "a number", Type.BOOLEAN: "a condition (true/false)", Type.TEXT: "a text"}
_RESULT_HINTS = {
    (Type.BOOLEAN, Type.NUMBER): "give points for it: if <condition> then 2 else 0",
    (Type.NUMBER, Type.BOOLEAN): "compare the number, e.g. percent >= 85%",
}


def _a(kind: Type) -> str:
    return _ARTICLE[kind]


def _did_you_mean(word: str, candidates: Collection[str]) -> str | None:
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Checker(Visitor[Node]):
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[Problem] = []

    # -- reporting ------------------------------------------------------------------

    def error(self, node: Node, code: str, message: str, hint: str | None = None) -> None:
        end = node.end_column if node.end_line == node.line else None
        self.problems.append(
            Problem(code, message, node.line or 1, node.column or 1, end or None, hint)
        )

    def need(self, node: Node, want: Type, what: str, hint: str | None = None) -> bool:
        """Report unless ``node`` (already checked) has type ``want`` or is unknown."""
        if node.type is None or node.type is want:
            return node.type is want
        self.error(
            node, "type-error", f"{what} must be {_a(want)}, but it is {_a(node.type)}", hint
        )
        return False

    @staticmethod
    def typed(node: Node, kind: Type | None, **children: Any) -> Node:
        return attrs.evolve(node, type=kind, **children)

    # -- literals and names ---------------------------------------------------------

    def visit_Number(self, node: Number) -> Node:
        return self.typed(node, Type.NUMBER)

    def visit_Boolean(self, node: Boolean) -> Node:
        return self.typed(node, Type.BOOLEAN)

    def visit_Text(self, node: Text) -> Node:
        return self.typed(node, Type.TEXT)

    def visit_Name(self, node: Name) -> Node:
        kind = self.scope.names.get(node.name)
        if kind is None:
            if node.name in FUNCTIONS:
                sig = FUNCTIONS[node.name].signature
                self.error(
                    node,
                    "unknown-name",
                    f"'{node.name}' is a function and needs arguments",
                    f"write {sig}",
                )
            else:
                candidates = [*self.scope.names, *FUNCTIONS]
                hint = _did_you_mean(node.name, candidates)
                self.error(node, "unknown-name", f"unknown name '{node.name}'", hint)
        return self.typed(node, kind)

    # -- operators ------------------------------------------------------------------

    def visit_Neg(self, node: Neg) -> Node:
        operand = self.visit(node.operand)
        ok = self.need(operand, Type.NUMBER, "the value after '-'")
        return self.typed(node, Type.NUMBER if ok else None, operand=operand)

    def visit_Not(self, node: Not) -> Node:
        operand = self.visit(node.operand)
        ok = self.need(operand, Type.BOOLEAN, "the value after 'not'")
        return self.typed(node, Type.BOOLEAN if ok else None, operand=operand)

    def visit_Arith(self, node: Arith) -> Node:
        left, right = self.visit(node.left), self.visit(node.right)
        hint = "turn a condition into a number with: if <condition> then 1 else 0"
        ok = self.need(left, Type.NUMBER, f"the left side of '{node.op}'", hint)
        ok = self.need(right, Type.NUMBER, f"the right side of '{node.op}'", hint) and ok
        return self.typed(node, Type.NUMBER if ok else None, left=left, right=right)

    def visit_Compare(self, node: Compare) -> Node:
        left, right = self.visit(node.left), self.visit(node.right)
        if node.op in ("==", "!="):
            ok = left.type is not None and right.type is not None
            if ok and left.type is not right.type:
                assert left.type is not None and right.type is not None
                self.error(
                    node,
                    "type-error",
                    f"'{node.op}' compares values of the same type, but the left side is "
                    f"{_a(left.type)} and the right side is {_a(right.type)}",
                )
                ok = False
        else:
            hint = "texts and conditions can only be compared with == and !="
            ok = self.need(left, Type.NUMBER, f"the left side of '{node.op}'", hint)
            ok = self.need(right, Type.NUMBER, f"the right side of '{node.op}'", hint) and ok
        return self.typed(node, Type.BOOLEAN if ok else None, left=left, right=right)

    def _logic(self, node: And | Or, word: str) -> Node:
        left, right = self.visit(node.left), self.visit(node.right)
        hint = "compare a number to get a condition, e.g. x > 0"
        ok = self.need(left, Type.BOOLEAN, f"the left side of '{word}'", hint)
        ok = self.need(right, Type.BOOLEAN, f"the right side of '{word}'", hint) and ok
        return self.typed(node, Type.BOOLEAN if ok else None, left=left, right=right)

    def visit_And(self, node: And) -> Node:
        return self._logic(node, "and")

    def visit_Or(self, node: Or) -> Node:
        return self._logic(node, "or")

    def visit_If(self, node: If) -> Node:
        condition = self.visit(node.condition)
        then, otherwise = self.visit(node.then), self.visit(node.otherwise)
        self.need(condition, Type.BOOLEAN, "the condition after 'if'")
        kind = self._same_type(then, otherwise)
        return self.typed(node, kind, condition=condition, then=then, otherwise=otherwise)

    def _same_type(self, first: Node, other: Node) -> Type | None:
        """The type of both branches of an ``if``, or ``None`` (reported if they differ)."""
        if first.type is None or other.type is None:
            return None
        if first.type is not other.type:
            self.error(
                other,
                "type-error",
                f"the 'else' part gives {_a(other.type)}, but the 'then' part gives "
                f"{_a(first.type)}; both must give the same type",
            )
            return None
        return first.type

    def visit_Membership(self, node: Membership) -> Node:
        subject = self.visit(node.subject)
        items = tuple(self.visit(item) for item in node.items)
        ok = subject.type is not None
        if not items:
            self.error(node, "empty-list", "the list after 'in' is empty")
            ok = False
        for item in items:
            if constant_value(item) is None:
                self.error(
                    item,
                    "list-item",
                    "list items must be fixed values: numbers, percentages, texts, true or false",
                )
                ok = False
            elif subject.type is not None and item.type is not subject.type:
                assert item.type is not None
                self.error(
                    item,
                    "type-error",
                    f"list item {to_source(item)} is {_a(item.type)}, "
                    f"but the value before 'in' is {_a(subject.type)}",
                )
                ok = False
        return self.typed(node, Type.BOOLEAN if ok else None, subject=subject, items=items)

    # -- step tables ----------------------------------------------------------------

    def visit_Steps(self, node: Steps) -> Node:
        subject = self.visit(node.subject)
        self.need(subject, Type.NUMBER, "the value a step table looks up")
        steps = tuple(self.visit(step) for step in node.steps)
        otherwise = self.visit(node.otherwise)
        if not steps:
            self.error(node, "empty-steps", "a step table needs at least one step before 'else'")
        kind = self._steps_type(steps, otherwise)
        rows = []
        for number, step in enumerate(steps, start=1):
            threshold = constant_value(step.threshold)
            if isinstance(threshold, Decimal) and step.op != "!=":
                threshold_text = to_source(step.threshold)
                rows.append(Row(number, step.op, threshold, f"{step.op} {threshold_text}"))
        for finding in analyse(rows):
            self.error(steps[finding.number - 1], finding.code, finding.message, finding.hint)
        return self.typed(node, kind, subject=subject, steps=steps, otherwise=otherwise)

    def _steps_type(self, steps: tuple[Node, ...], otherwise: Node) -> Type | None:
        """The type every step value and the 'else' value share, or ``None``."""
        kind, source, known = otherwise.type, "'else'", True
        for number, step in enumerate(steps, start=1):
            assert isinstance(step, Step)
            value = step.value
            if value.type is None:
                known = False
            elif kind is None:
                kind, source = value.type, f"step {number}"
            elif value.type is not kind:
                self.error(
                    value,
                    "type-error",
                    f"step {number} gives {_a(value.type)}, but {source} gives {_a(kind)}; "
                    "all steps must give the same type",
                )
                known = False
        return kind if known and otherwise.type is not None else None

    def visit_Step(self, node: Step) -> Node:
        threshold, value = self.visit(node.threshold), self.visit(node.value)
        if node.op == "!=":
            self.error(node, "step-operator", "a step cannot use '!='", "use >=, >, <=, < or ==")
        if not isinstance(constant_value(threshold), Decimal):
            self.error(
                threshold,
                "step-threshold",
                "a step threshold must be a fixed number or percentage",
                "write, for example: >= 80% -> 10",
            )
        return self.typed(node, value.type, threshold=threshold, value=value)

    # -- calls ----------------------------------------------------------------------

    def visit_Call(self, node: Call) -> Node:
        function = FUNCTIONS.get(node.function)
        if function is None:
            return self._unknown_call(node)
        count = len(node.args)
        if not function.takes(count):
            args = tuple(
                arg if function.param(i) in _SPECIAL else self.visit(arg)
                for i, arg in enumerate(node.args)
            )
            self.error(
                node,
                "wrong-arity",
                f"{node.function}() takes {function.arity_text()}, but got {count}",
                f"write {function.signature}",
            )
            return self.typed(node, None, args=args)
        ok, args = True, []
        for number, arg in enumerate(node.args, start=1):
            param = function.param(number - 1)
            what = f"argument {number} of {node.function}()"
            if param is Param.NUMBER or param is Param.CONDITION:
                arg = self.visit(arg)
                ok = self.need(arg, _PARAM_TYPES[param], what) and ok
            elif param is Param.PLACES:
                arg = self.visit(arg)
                ok = self._round_places(arg) and ok
            elif param is Param.CRITERION:
                arg = self._criterion(arg)
                ok = arg.type is Type.TEXT and ok
            else:
                arg = self._aggregated(node.function, arg)
                ok = arg.type is Type.NUMBER and ok
            args.append(arg)
        return self.typed(node, function.returns if ok else None, args=tuple(args))

    def _unknown_call(self, node: Call) -> Node:
        args = tuple(self.visit(arg) for arg in node.args)
        if node.function in self.scope.names:
            message = f"'{node.function}' is an input, not a function"
            hint = f"write '{node.function}' without '(…)'"
        else:
            message = f"unknown function '{node.function}'"
            hint = _did_you_mean(node.function, FUNCTIONS) or (
                "the functions are " + ", ".join(FUNCTIONS)
            )
        self.error(node, "unknown-function", message, hint)
        return self.typed(node, None, args=args)

    def _round_places(self, places: Node) -> bool:
        value = constant_value(places)
        if (
            isinstance(places, Number)
            and not places.percent
            and isinstance(value, Decimal)
            and value == value.to_integral_value()
            and 0 <= value <= limits.MAX_ROUND_PLACES
        ):
            return True
        self.error(
            places,
            "bad-argument",
            f"the places in round(x, n) must be a whole number from 0 to {limits.MAX_ROUND_PLACES}",
            "write, for example: round(x, 2)",
        )
        return False

    def _criterion(self, arg: Node) -> Node:
        if not isinstance(arg, Text):
            self.visit(arg)  # still report unknown names inside it
            self.error(
                arg,
                "bad-argument",
                "score() needs a criterion id in double quotes",
                'write, for example: score("1.1")',
            )
            return arg
        if arg.value not in self.scope.criteria:
            hint = _did_you_mean(arg.value, self.scope.criteria)
            self.error(arg, "unknown-criterion", f"unknown criterion '{arg.value}'", hint)
            return arg
        return self.typed(arg, Type.TEXT)

    def _aggregated(self, function: str, arg: Node) -> Node:
        if not isinstance(arg, Name):
            self.visit(arg)
            self.error(
                arg,
                "bad-argument",
                f"{function}() needs the name of an input",
                f"write, for example: {function}(docs_total)",
            )
            return arg
        typed = self.visit(arg)
        if typed.type is None:
            return typed
        if not self.need(typed, Type.NUMBER, f"the input in {function}()"):
            return attrs.evolve(typed, type=None)
        if arg.name not in self.scope.aggregatable:
            self.error(
                arg,
                "not-aggregatable",
                f"{function}() cannot be used with '{arg.name}': "
                "it is not an input summarised over the batch",
            )
            return attrs.evolve(typed, type=None)
        return typed
