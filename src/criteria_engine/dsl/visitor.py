"""Dispatch on node type: one ``visit_<NodeClass>`` method per node class.

Every pass over the tree (checker, optimizer, printer, compiler, evaluator) derives from
:class:`Visitor`. A node class without a method is a bug in the pass and fails loudly;
there is deliberately no generic fallback that could silently mis-handle a construct
added to the language later.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from .nodes import Node

__all__ = ["Visitor"]

R = TypeVar("R")


class Visitor(Generic[R]):
    """Base of the passes; ``visit(node)`` calls ``self.visit_<type(node).__name__>``."""

    def visit(self, node: Node, *args: Any) -> R:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise TypeError(
                f"internal error: {type(self).__name__} has no rule for {type(node).__name__} nodes"
            )
        result: R = method(node, *args)
        return result
