"""Several formulas written inline into one generated function of the caller's.

The engine scores every criterion of a block for each unit; calling each formula's own
function costs a call per formula, about as much as a small formula's arithmetic. So the
block's scorer writes the formulas' bodies into one straight-line function of its own, as
expressions made here by the same code generator as :func:`~.compile.compile_node`.
"""

from __future__ import annotations

from typing import Any

from .compile import _HELPERS, Formula, _CodeGenerator

__all__ = ["CodeWriter"]


class CodeWriter:
    """Writes the bodies of several formulas into one generated function.

    A caller that evaluates many formulas per unit (the engine scores every criterion of a
    block) saves a call per formula by writing them inline, as expressions in one
    function of its own: ``expression(formula)`` is the formula's Python expression over
    the local names ``values``, ``scores`` and ``aggregates``, and ``namespace()`` the
    globals that expression needs (the formulas' constants and the few helpers). Names
    the writer makes start with ``_c``, ``_k``, ``_n`` (constants) and ``_t`` (locals).
    The inline code trusts its inputs as a formula's fast path does and raises plain
    Python errors: on any error the caller re-runs the formulas themselves, which explain
    what failed.
    """

    def __init__(self) -> None:
        self._generator = _CodeGenerator()

    def expression(self, formula: Formula) -> str:
        """``formula`` as one Python expression."""
        return self._generator.visit(formula._folded)

    def namespace(self) -> dict[str, Any]:
        """The globals the written expressions use: :meth:`helpers` and :attr:`constants`."""
        return {**_HELPERS, **self._generator.bound}

    @property
    def constants(self) -> dict[str, object]:
        """The formulas' constants by the names the expressions use (picklable values)."""
        return dict(self._generator.bound)

    @staticmethod
    def helpers() -> dict[str, Any]:
        """What any written expression may use besides its constants."""
        return dict(_HELPERS)

    @property
    def prelude(self) -> list[str]:
        """``_c0 = Decimal('10')`` lines showing what the namespace holds, for reading."""
        return list(self._generator.prelude)
