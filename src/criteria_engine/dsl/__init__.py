"""The criteria expression language: scoring rules as small, checked, exact formulas.

Every province pack writes its formulas, caps, conditions and level thresholds in this
language (see ``docs/dsl.md``). The stages, each usable on its own::

    tree = parse(text)                         # DslSyntaxError / DslLimitError
    typed = check(tree, scope, expect=Type.NUMBER)   # DslCheckError with every problem
    formula = compile_formula(text, scope)     # all of the above, then compiled once
    formula(values, scores, aggregates)        # Decimal / bool / str

Numbers are ``decimal.Decimal`` throughout (``85%`` is exactly ``Decimal("0.85")``), a
formula can only call the functions of the language, and every error derives from
:class:`DslError`.
"""

from __future__ import annotations

from .check import check
from .compile import Formula, compile_node
from .cycles import find_cycle
from .errors import (
    CriteriaEngineError,
    DslCheckError,
    DslError,
    DslEvaluationError,
    DslLimitError,
    DslSyntaxError,
    Problem,
)
from .evaluate import TraceStep, evaluate, trace
from .nodes import Node
from .parse import parse
from .printer import to_source
from .scope import Scope
from .types import Type

__all__ = [
    "CriteriaEngineError",
    "DslCheckError",
    "DslError",
    "DslEvaluationError",
    "DslLimitError",
    "DslSyntaxError",
    "Formula",
    "Node",
    "Problem",
    "Scope",
    "TraceStep",
    "Type",
    "check",
    "compile_formula",
    "evaluate",
    "find_cycle",
    "parse",
    "to_source",
    "trace",
]


def compile_formula(
    text: str,
    scope: Scope,
    *,
    expect: Type | None = Type.NUMBER,
    origin: str | None = None,
) -> Formula:
    """Parse, check, fold and compile ``text`` in one call.

    ``scope`` says which names, criteria and aggregates the formula may use; ``expect``
    the type it must give (``None``: any); ``origin`` labels error messages, e.g.
    ``"criteria/department.yaml criterion 1.1"``. Raises :class:`DslSyntaxError`,
    :class:`DslLimitError` or :class:`DslCheckError`.
    """
    node = parse(text, origin=origin)
    typed = check(node, scope, expect=expect, text=text, origin=origin)
    return compile_node(typed, text=text, origin=origin)
