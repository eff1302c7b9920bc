"""Problems found in a user's file, as values.

A problem says where (file, line, column, the path of the value inside the file), what
(a short code and a message) and how to fix it (a hint). Finding problems and printing
them are kept apart: loaders collect every problem of a pack and raise one
:class:`PackError`; the CLI decides how to show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from ..dsl.errors import CriteriaEngineError


def format_path(path: Sequence[str | int]) -> str:
    """Render a value's path the way a user reads it: ``criteria[3].children[0].max``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@attrs.frozen(order=False)
class Problem:
    """One thing wrong with a file, and where."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: tuple[str | int, ...] = ()
    hint: str | None = None
    source_line: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.message)

    def location(self) -> str:
        """``file:line:col`` as far as it is known."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        """The friendly form: location, message, the offending line with a caret, the hint."""
        where = self.location()
        at = f" (at {format_path(self.path)})" if self.path else ""
        lines = [f"{where}: {self.code}: {self.message}{at}"]
        if self.source_line is not None:
            lines.append("    " + self.source_line.rstrip("\n"))
            if self.column:
                lines.append("    " + " " * (self.column - 1) + "^")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def parsable(self) -> str:
        """One ``file:line:col: code message`` line, for editors and scripts."""
        return f"{self.location()}: {self.code} {self.message}"


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=Problem.sort_key)


class PackError(CriteriaEngineError):
    """A pack could not be loaded; holds every problem found, sorted by position."""

    def __init__(self, problems: Iterable[Problem], *, pack: str | None = None) -> None:
        self.problems = tuple(sorted_problems(problems))
        self.pack = pack
        what = f"pack {pack!r}" if pack else "pack"
        count = len(self.problems)
        super().__init__(f"{what} has {count} problem{'s' if count != 1 else ''}")

    def render(self) -> str:
        return "\n".join([str(self), *(p.render() for p in self.problems)])
