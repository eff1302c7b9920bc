"""The typed syntax tree of the criteria language.

Nodes are frozen attrs classes. Their content (operator, operands, literal value) takes
part in equality; their position (``line``, ``column``, ``end_line``, ``end_column``,
1-based, end exclusive) and the ``type`` the checker fills in do not, so that
``parse(to_source(tree)) == tree`` compares what a formula means, not where it was
written. Passes walk the tree through :meth:`Node.children`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from .types import Type

__all__ = [
    "ARITHMETIC_OPERATORS",
    "COMPARISON_OPERATORS",
    "KEYWORDS",
    "NAME_PATTERN",
    "And",
    "Arith",
    "Boolean",
    "Call",
    "Compare",
    "If",
    "Membership",
    "Name",
    "Neg",
    "Node",
    "Not",
    "Number",
    "Or",
    "Step",
    "Steps",
    "Text",
    "constant_value",
    "depth",
    "is_name",
    "walk",
]

#: What a name may look like (the grammar's ``NAME`` terminal, without dunder names).
NAME_PATTERN = re.compile(r"(?!__)[a-z_][a-z0-9_]*\Z")
#: Words of the language that cannot be names.
KEYWORDS = frozenset({"and", "or", "not", "in", "if", "then", "else", "true", "false", "steps"})
ARITHMETIC_OPERATORS = frozenset({"+", "-", "*", "/"})
COMPARISON_OPERATORS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def _position() -> Any:
    return attrs.field(default=0, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Node:
    """Base of all nodes: position and (once checked) type, both outside equality."""

    #: Names of the attributes holding child nodes (a node or a tuple of nodes).
    _child_fields: ClassVar[tuple[str, ...]] = ()

    line: int = _position()
    column: int = _position()
    end_line: int = _position()
    end_column: int = _position()
    type: Type | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        """The direct child nodes, in source order."""
        out: list[Node] = []
        for name in self._child_fields:
            value = getattr(self, name)
            if isinstance(value, tuple):
                out.extend(value)
            else:
                out.append(value)
        return tuple(out)


def _finite_decimal(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not Decimal or not value.is_finite():
        raise TypeError(f"{attribute.name} must be a finite Decimal, not {value!r}")


def is_name(value: object) -> bool:
    """Whether ``value`` can be written as a name in a formula."""
    return isinstance(value, str) and bool(NAME_PATTERN.match(value)) and value not in KEYWORDS


def _valid_name(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not is_name(value):
        raise ValueError(f"{attribute.name} is not a valid name: {value!r}")


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _one_line_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str or "\n" in value or "\r" in value:
        raise ValueError(f"{attribute.name} must be a one-line str, not {value!r}")


def _one_of(*allowed: str) -> Any:
    return attrs.validators.in_(frozenset(allowed))


# -- literals -------------------------------------------------------------------------


@attrs.frozen
class Number(Node):
    """A number literal; ``percent`` records that it was written ``85%`` (value 0.85)."""

    value: Decimal = attrs.field(validator=_finite_decimal)
    percent: bool = False


@attrs.frozen
class Boolean(Node):
    """``true`` or ``false``."""

    value: bool = attrs.field(validator=attrs.validators.instance_of(bool))


@attrs.frozen
class Text(Node):
    """A double-quoted text literal, NFC-normalised."""

    value: str = attrs.field(converter=_nfc, validator=_one_line_text)


@attrs.frozen
class Name(Node):
    """An input name or a special name the caller declares (``percent``, ``total``…)."""

    name: str = attrs.field(validator=_valid_name)


# -- operators ------------------------------------------------------------------------


@attrs.frozen
class Neg(Node):
    """Unary minus."""

    _child_fields = ("operand",)
    operand: Node


@attrs.frozen
class Not(Node):
    """``not operand``."""

    _child_fields = ("operand",)
    operand: Node


@attrs.frozen
class Arith(Node):
    """``left op right`` with op one of ``+ - * /``."""

    _child_fields = ("left", "right")
    op: str = attrs.field(validator=_one_of(*ARITHMETIC_OPERATORS))
    left: Node
    right: Node


@attrs.frozen
class Compare(Node):
    """``left op right`` with op one of ``== != < <= > >=`` (never chained)."""

    _child_fields = ("left", "right")
    op: str = attrs.field(validator=_one_of(*COMPARISON_OPERATORS))
    left: Node
    right: Node


@attrs.frozen
class And(Node):
    """``left and right``; ``right`` is only evaluated when ``left`` is true."""

    _child_fields = ("left", "right")
    left: Node
    right: Node


@attrs.frozen
class Or(Node):
    """``left or right``; ``right`` is only evaluated when ``left`` is false."""

    _child_fields = ("left", "right")
    left: Node
    right: Node


@attrs.frozen
class If(Node):
    """``if condition then then else otherwise``; only the chosen branch is evaluated."""

    _child_fields = ("condition", "then", "otherwise")
    condition: Node
    then: Node
    otherwise: Node


@attrs.frozen
class Membership(Node):
    """``subject in [items]``, or ``subject not in [items]`` when ``negated``."""

    _child_fields = ("subject", "items")
    subject: Node
    items: tuple[Node, ...] = attrs.field(converter=tuple)
    negated: bool = False


@attrs.frozen
class Step(Node):
    """One row ``op threshold -> value`` of a step table."""

    _child_fields = ("threshold", "value")
    op: str = attrs.field(validator=_one_of(*COMPARISON_OPERATORS))
    threshold: Node
    value: Node


@attrs.frozen
class Steps(Node):
    """``steps subject { step, …, else -> otherwise }``: the first step that holds wins."""

    _child_fields = ("subject", "steps", "otherwise")
    subject: Node
    steps: tuple[Step, ...] = attrs.field(converter=tuple)
    otherwise: Node


@attrs.frozen
class Call(Node):
    """``function(args…)``; only the functions in :mod:`.functions` exist."""

    _child_fields = ("args",)
    function: str = attrs.field(validator=_valid_name)
    args: tuple[Node, ...] = attrs.field(converter=tuple)


# -- walking and reading the tree ----------------------------------------------------


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, in source order; no recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def depth(node: Node) -> int:
    """How many levels deep the tree is (a lone literal is 1); no recursion.

    A step of a step table is part of its table, not a level of its own, as in the
    parser's count.
    """
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        for child in current.children():
            stack.append((child, level if isinstance(child, Step) else level + 1))
    return deepest


def constant_value(node: Node) -> Decimal | bool | str | None:
    """The value of a literal, or of ``-`` applied to a number literal; else ``None``.

    Step thresholds and ``in`` lists must be such constants. The sign is applied with
    ``copy_negate`` so the value is exact whatever the decimal context.
    """
    if isinstance(node, (Number, Boolean, Text)):
        return node.value
    if isinstance(node, Neg) and isinstance(node.operand, Number):
        return node.operand.value.copy_negate()
    return None
