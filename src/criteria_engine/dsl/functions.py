"""The fixed list of functions a formula may call.

The checker, the evaluator, the compiler and the documentation all read this one table,
so a function cannot exist in one pass and be missing from another. There is no way to
add a function from a pack: a formula can only call what is listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from .types import Type

__all__ = ["AGGREGATES", "FUNCTIONS", "Function"]


@attrs.frozen
class Function:
    """How a function is called: argument count, argument type and what it gives."""

    name: str
    signature: str
    min_args: int
    max_args: int | None
    #: Type of every argument, or ``None`` when the arguments have special rules.
    arg_type: Type | None
    summary: str

    def arity_text(self) -> str:
        """``"exactly 2 arguments"``, ``"at least 1 argument"``…, for messages."""
        if self.max_args == self.min_args:
            count = f"exactly {self.min_args}"
        elif self.max_args is None:
            count = f"at least {self.min_args}"
        else:
            return f"{self.min_args} to {self.max_args} arguments"
        return f"{count} argument{'' if self.min_args == 1 else 's'}"


_N = Type.NUMBER
_TABLE = (
    Function("min", "min(a, b, …)", 2, None, _N, "the smallest of the numbers"),
    Function("max", "max(a, b, …)", 2, None, _N, "the largest of the numbers"),
    Function("clamp", "clamp(x, lo, hi)", 3, 3, _N, "min(max(x, lo), hi): x kept within lo … hi"),
    Function("ratio", "ratio(a, b)", 2, 2, _N, "a ÷ b, and 0 when b is 0"),
    Function("round", "round(x, n)", 2, 2, None, "x rounded half-up to n decimal places"),
    Function("abs", "abs(x)", 1, 1, _N, "x without its sign"),
    Function("sum", "sum(a, b, …)", 1, None, _N, "the numbers added up"),
    Function("count", "count(c1, c2, …)", 1, None, Type.BOOLEAN, "how many conditions are true"),
    Function("score", 'score("id")', 1, 1, None, "the score of another criterion"),
    Function("best", "best(input)", 1, 1, None, "the largest value of an input in the batch"),
    Function("mean", "mean(input)", 1, 1, None, "the average value of an input in the batch"),
)

#: Every function of the language by name.
FUNCTIONS: Mapping[str, Function] = MappingProxyType({f.name: f for f in _TABLE})

#: The batch-wide aggregates: ``best(x)`` reads key ``"best:x"`` of the aggregates map.
AGGREGATES = frozenset({"best", "mean"})
