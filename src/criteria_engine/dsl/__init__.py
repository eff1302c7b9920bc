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

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .types import Type

if TYPE_CHECKING:
    from .check import check
    from .compile import Formula, compile_node  # noqa: F401
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
    from .functions import AGGREGATES, FUNCTIONS, Aggregate, Summary
    from .inline import CodeWriter
    from .nodes import Node
    from .parse import parse
    from .printer import to_source
    from .scope import Scope

#: Each name and its module, loaded on first use: the parser (and its grammar library) is
#: only needed when formula text is read, not when a pack comes from the cache of
#: compiled packs, and a module that only needs the errors does not load the compiler.
_LAZY = {
    "check": ".check",
    "CodeWriter": ".inline",
    "Formula": ".compile",
    "compile_node": ".compile",
    "find_cycle": ".cycles",
    "CriteriaEngineError": ".errors",
    "DslCheckError": ".errors",
    "DslError": ".errors",
    "DslEvaluationError": ".errors",
    "DslLimitError": ".errors",
    "DslSyntaxError": ".errors",
    "Problem": ".errors",
    "TraceStep": ".evaluate",
    "evaluate": ".evaluate",
    "trace": ".evaluate",
    "AGGREGATES": ".functions",
    "FUNCTIONS": ".functions",
    "Aggregate": ".functions",
    "Summary": ".functions",
    "Node": ".nodes",
    "parse": ".parse",
    "to_source": ".printer",
    "Scope": ".scope",
}


#: Functions named like the module that defines them: importing the module must not hide
#: the function (Python sets a package's attribute to each submodule it imports).
_SHADOWED = frozenset({"check", "evaluate", "parse"})


class _Package(ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AGGREGATES",
    "FUNCTIONS",
    "Aggregate",
    "CodeWriter",
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
    "Summary",
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
    from .check import check
    from .compile import compile_node
    from .parse import parse

    node = parse(text, origin=origin)
    typed = check(node, scope, expect=expect, text=text, origin=origin)
    return compile_node(typed, text=text, origin=origin)
