"""Monotonicity: an input the pack marks ``better`` never lowers the total when it improves.

Each example is one unit and, for every marked input, the same unit with that input
moved the better way by a step hypothesis chooses (and shrinks). A move that would make
the submission invalid — a part above its whole, a value beyond its bounds — is not
made. A failure names the input, the two values, the two totals and the criteria that
fell; when the input divides somewhere, the hint says that is the likely cause.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis import target

from ..inputs.types import input_type
from ._base import explore, score
from ._describe import changed_scores, inputs_block, inputs_of, number
from ._placing import step_of
from .strategies import SCALE, Draft, Position, between, drafts, room_for

if TYPE_CHECKING:
    from ..model.results import UnitResult
    from .analysis import BlockFacts


def _moved(facts: BlockFacts, base: Draft, name: str, position: Position) -> Draft | None:
    """``base`` with ``name`` moved the way the pack calls better, or None if it cannot."""
    spec, value = facts.inputs[name], base.values[name]
    direction = spec.better
    if input_type(spec).yes_no:
        return base.replace(name, not value) if value is (direction == "lower") else None
    step = step_of(spec)
    if direction == "higher":
        room = room_for(facts, name, base.values) - value
    else:
        sums = [
            sum((base.values[p] for p in share.parts), Decimal(0))
            for share in facts.shares_over(name)
        ]
        room = value - max([facts.low[name], *sums])
    if room < step:
        return None
    delta = between(spec, step, room, position)
    return base.replace(name, value + delta if direction == "higher" else value - delta)


@st.composite
def _nudges(draw: Any, one: st.SearchStrategy[Draft], facts: BlockFacts, names: tuple[str, ...]):
    """A draft, and for each marked input the same draft with that input moved."""
    base: Draft = draw(one)
    moves = []
    for name in names:
        moved = _moved(facts, base, name, draw(SCALE))
        if moved is not None:
            moves.append((name, moved.values[name]))
    return base, moves


def _monotony_failure(
    facts: BlockFacts, name: str, before: Draft, after: Draft, old: UnitResult, new: UnitResult
) -> AssertionError:
    spec = facts.inputs[name]
    verb = "raising" if spec.better == "higher" else "lowering"
    changed = changed_scores(old, new)
    lines = [
        f"{spec.label} ({name}) is marked `better: {spec.better}`, but {verb} it from "
        f"{number(before.values[name])} to {number(after.values[name])} lowered the total "
        f"from {number(old.total)} to {number(new.total)}",
        "  criteria that changed:",
        *(f"    - {cid} {title}: {number(a)} → {number(b)}" for cid, title, a, b in changed),
        "  the inputs these criteria read:",
        inputs_block(facts, before.values, inputs_of(facts.block, [c[0] for c in changed])),
    ]
    where = facts.divisors.get(name)
    if where:
        lines.append(
            f"  hint: {name} divides in criterion {', '.join(where)}; a larger divisor "
            "can lower a share, so such an input should not be marked `better`"
        )
    return AssertionError("\n".join(lines))


def first_failure(
    facts: BlockFacts, names: tuple[str, ...], max_examples: int | None
) -> tuple[str, str] | None:
    """The first marked input found to lower the total, with its message; None if none."""
    broken: list[str] = []

    def body(example: tuple[Draft, list[tuple[str, Any]]]) -> None:
        base, moves = example
        old = score(facts, base)
        for name, value in moves:
            after = base.replace(name, value)
            new = score(facts, after)
            # steer the search towards moves that cost the unit points
            target(float(old.total - new.total), label=name)
            if new.total < old.total:
                broken[:] = [name]
                raise _monotony_failure(facts, name, base, after, old, new)

    try:
        explore(_nudges(drafts(facts), facts, names), body, max_examples)
    except AssertionError as exc:
        if not broken:
            raise
        return broken[0], str(exc.args[0])
    return None
