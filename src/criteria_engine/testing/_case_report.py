"""A failed case, written for the person who wrote it: file and line, expected vs got.

The same text is printed by ``criteria-engine test`` and shown by pytest for a failed
case item, so a failure reads the same wherever it is run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._describe import number

if TYPE_CHECKING:
    from .cases import CaseResult


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return number(value) if value is not None else "none"


def render_result(result: CaseResult) -> str:
    """``file:line: name`` then one block per failed expectation."""
    case = result.case
    lines = [f"{case.location}: {case.name}"]
    if result.subject:
        lines.append(f"  {result.subject}")
    for miss in sorted(result.mismatches, key=lambda m: m.line or 0):
        where = f"line {miss.line}: " if miss.line else ""
        if miss.what == "case":
            lines.append(f"  {where}the case itself: {miss.actual}")
        else:
            lines.append(
                f"  {where}{miss.what}: expected {_shown(miss.expected)}, got {_shown(miss.actual)}"
            )
        lines += [f"      {d}" for d in miss.detail]
    return "\n".join(lines)
