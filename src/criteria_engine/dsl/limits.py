"""Hard limits on formulas, as named constants.

A pack file is data written by people outside the project, so every resource a formula
can consume is bounded before the parser's result is walked recursively: the length of
its text, how deeply it nests, how long its numbers are and how many items its lists hold.
The figures are far beyond any real scoring rule, and small enough that the recursive
passes (checker, printer, compiler, evaluator) and Python's own compiler stay well inside
their stack limits.
"""

from __future__ import annotations

__all__ = [
    "MAX_ARGS",
    "MAX_DEPTH",
    "MAX_NAME_LENGTH",
    "MAX_NUMBER_DIGITS",
    "MAX_ROUND_PLACES",
    "MAX_SOURCE_LENGTH",
    "MAX_STEPS",
    "MAX_TEXT_LENGTH",
]

#: Characters in one formula.
MAX_SOURCE_LENGTH = 10_000

#: Nesting levels: operators, parentheses, calls, conditions and step tables inside each
#: other. A chain ``a + b + c`` nests one level per operator; use ``sum(…)`` for long lists.
MAX_DEPTH = 64

#: Digits in one number literal (before and after the decimal point together).
MAX_NUMBER_DIGITS = 30

#: Steps in one step table, not counting the final ``else``.
MAX_STEPS = 50

#: Arguments of one function call, and items of one ``in [...]`` list.
MAX_ARGS = 200

#: Characters in one name.
MAX_NAME_LENGTH = 64

#: Characters in one text literal.
MAX_TEXT_LENGTH = 500

#: Largest number of decimal places ``round(x, n)`` accepts.
MAX_ROUND_PLACES = 10
