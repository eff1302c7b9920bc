"""Errors of the criteria language: one tree, and problems that are values.

Everything the language raises derives from :class:`DslError`, so a caller that loads a
pack can catch one type. Syntax, limit and check errors hold :class:`Problem` values
(code, message, position, hint) rather than only text: the engine adds the formula's
position inside the YAML file to each problem and reports it against the file, and the
CLI can print them in a parsable or a friendly form. Finding problems and printing them
are separate steps.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = [
    "DslCheckError",
    "DslError",
    "DslEvaluationError",
    "DslLimitError",
    "DslSyntaxError",
    "Problem",
]


@functools.total_ordering
@attrs.frozen(order=False)
class Problem:
    """One thing wrong with a formula, located in the formula's own text.

    ``line`` and ``column`` are 1-based and count characters of the formula text;
    ``end_column`` is the column just after the offending text on ``line`` (``None``
    means "to the end of the line"). Problems sort by position, then by code.
    """

    code: str
    message: str
    line: int
    column: int
    end_column: int | None = None
    hint: str | None = None

    def _key(self) -> tuple[int, int, int, str, str]:
        end = self.end_column if self.end_column is not None else 1 << 30
        return (self.line, self.column, end, self.code, self.message)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._key() < other._key()

    def shifted(self, line: int, column: int) -> Problem:
        """The same problem with the formula placed at ``line``:``column`` of a file.

        ``line`` and ``column`` are where the formula's first character sits in the
        file. Only positions on the formula's first line move sideways.
        """
        if self.line == 1:
            end = None if self.end_column is None else self.end_column + column - 1
            return attrs.evolve(self, line=line, column=self.column + column - 1, end_column=end)
        return attrs.evolve(self, line=self.line + line - 1)

    def render(self, text: str | None = None, origin: str | None = None) -> str:
        """The problem as ``origin:line:col: message``, the source line, a caret, a hint."""
        where = f"{self.line}:{self.column}"
        out = [f"{origin}:{where}: {self.message}" if origin else f"{where}: {self.message}"]
        source_line = _line_of(text, self.line)
        if source_line is not None:
            out.append("    " + source_line)
            out.append("    " + _caret(source_line, self.column, self.end_column))
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


def _line_of(text: str | None, line: int) -> str | None:
    if text is None:
        return None
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    return lines[line - 1].rstrip("\r")


def _caret(source_line: str, column: int, end_column: int | None) -> str:
    """Spaces up to ``column`` (keeping tabs, so the caret lines up) then ``^`` marks."""
    start = max(column, 1)
    end = len(source_line) + 1 if end_column is None else min(end_column, len(source_line) + 1)
    width = max(end - start, 1)
    pad = "".join("\t" if ch == "\t" else " " for ch in source_line[: start - 1])
    pad += " " * (start - 1 - len(pad))
    return pad + "^" * width


class CriteriaEngineError(Exception):
    """The root of every error criteria-engine raises for bad input: a pack, a formula, a
    submission, a results file, a name that does not exist.

    It is defined here, in the formula language, because that layer imports nothing else of
    the project: every other layer can then derive its errors from it. Import it as
    ``criteria_engine.CriteriaEngineError``.
    """


class DslError(CriteriaEngineError):
    """Base of every error the criteria language raises.

    ``problems`` holds the located problems (empty for evaluation errors), ``text`` the
    formula's source and ``origin`` the caller's label for where the formula came from,
    e.g. ``"criteria/department.yaml criterion 1.1"``. ``str(error)`` renders all of it.
    """

    def __init__(
        self,
        message: str,
        *,
        problems: Iterable[Problem] = (),
        text: str | None = None,
        origin: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        self.text = text
        self.origin = origin

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the problems when the error crosses a process boundary.
        return (type(self), (self.message,), dict(self.__dict__))

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """Every problem with its source line and caret, or the bare message."""
        if self.problems:
            return "\n".join(p.render(self.text, self.origin) for p in self.problems)
        return f"{self.origin}: {self.message}" if self.origin else self.message

    # The first problem's data, for callers that report one position.
    @property
    def line(self) -> int | None:
        return self.problems[0].line if self.problems else None

    @property
    def column(self) -> int | None:
        return self.problems[0].column if self.problems else None

    @property
    def hint(self) -> str | None:
        return self.problems[0].hint if self.problems else None


class DslSyntaxError(DslError):
    """The text is not a formula of the language (one problem, code ``"syntax"``)."""


class DslLimitError(DslError):
    """The formula exceeds one of the limits in :mod:`criteria_engine.dsl.limits`."""


class DslCheckError(DslError):
    """The formula parses but is wrong: every problem found is in ``problems``."""


class DslEvaluationError(DslError):
    """A value could not be computed: division by zero, a missing or ill-typed input.

    ``expression`` is the canonical text of the sub-expression that failed (when known)
    and ``values`` the inputs the formula used, so the message can be acted upon.
    """

    def __init__(
        self,
        message: str,
        *,
        text: str | None = None,
        origin: str | None = None,
        expression: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, text=text, origin=origin)
        self.expression = expression
        self.values: dict[str, object] = dict(values or {})

    def render(self) -> str:
        out = [super().render()]
        if self.text is not None:
            out.append(f"  formula: {self.text}")
        if self.values:
            shown = ", ".join(f"{k} = {_show(v)}" for k, v in sorted(self.values.items()))
            out.append(f"  values: {shown}")
        return "\n".join(out)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
