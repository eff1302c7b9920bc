"""Static analysis of step tables: one direction, and no step hidden by an earlier one.

A step table is read top to bottom and the first step that holds wins, so the order of
the steps is part of the rule. Two slips are common when a decision's table is copied
into a pack: thresholds written in the wrong order (``>= 50%`` before ``>= 80%``, which
makes the 80 % step unreachable) and a table that mixes ``>=`` with ``<=``. Both are
found here exactly, from the constant thresholds alone.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

__all__ = ["Row", "StepFinding", "analyse"]

_DIRECTION = {">=": "down", ">": "down", "<=": "up", "<": "up", "==": None}


@attrs.frozen
class Row:
    """One step with a constant threshold: its 1-based number, operator and threshold."""

    number: int
    op: str
    threshold: Decimal
    text: str  # e.g. ">= 80%", for messages


@attrs.frozen
class StepFinding:
    """A problem with step ``number`` of the table."""

    number: int
    code: str
    message: str
    hint: str


def analyse(rows: list[Row]) -> list[StepFinding]:
    """Mixed directions, else steps that can never be chosen."""
    first_directed: Row | None = None
    findings = []
    for row in rows:
        direction = _DIRECTION[row.op]
        if direction is None:
            continue
        if first_directed is None:
            first_directed = row
        elif direction != _DIRECTION[first_directed.op]:
            findings.append(
                StepFinding(
                    row.number,
                    "mixed-steps",
                    f"step {row.number} ({row.text}) goes the other way from "
                    f"step {first_directed.number} ({first_directed.text})",
                    "use only >= and > (highest threshold first) or only <= and < (lowest first)",
                )
            )
    if findings:
        return findings
    for j, later in enumerate(rows):
        for earlier in rows[:j]:
            if _covers(earlier, later):
                findings.append(
                    StepFinding(
                        later.number,
                        "unreachable-step",
                        f"step {later.number} ({later.text}) can never be chosen: "
                        f"step {earlier.number} ({earlier.text}) already covers it",
                        "put the stricter threshold first",
                    )
                )
                break
    return findings


def _covers(earlier: Row, later: Row) -> bool:
    """Whether every subject value that satisfies ``later`` also satisfies ``earlier``."""
    a, b = earlier.threshold, later.threshold
    if earlier.op == "==":
        return later.op == "==" and a == b
    if earlier.op in (">=", ">"):
        strict = earlier.op == ">" and later.op != ">"
        return b > a if strict else b >= a
    strict = earlier.op == "<" and later.op != "<"
    return b < a if strict else b <= a
