"""Which inputs a unit can change to earn points, which way, and how far.

The pack says it: an input marked ``better: higher`` (or ``lower``) is a lever the unit
moves that way, and the formulas then score every move monotonically (the authoring kit's
monotonicity test checks it). What is done where that does not hold:

* a **choice** (a listed value with no order, such as who heads the steering board) is a
  lever too: its few values are all tried, so no order is needed;
* an input that **divides** somewhere (a head count, a number of files received) is held,
  even if marked ``better``: a larger divisor can lower a share, so the search would not
  be monotone in it, and it describes the unit rather than its performance;
* any other input (unmarked numbers, dates, text, unmarked yes/no) is **held**: the pack
  does not say which way is better;
* a part is never moved above its whole: ``ratio(part, whole)`` says a unit cannot send
  more documents electronically than it sends.

Nothing here knows a rule of any pack: it reads the formulas' syntax trees only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..dsl.functions import AGGREGATES
from ..dsl.nodes import Arith, Call, Name, Node, walk
from ..model.pack import Block, Criterion, Input

#: how far an input with no declared bound is moved at most when looking for points
UNBOUNDED = Decimal(1_000_000)
#: the smallest step of a ``number`` input, and of a ``percent`` (a fraction: 0.01 %)
NUMBER_STEP = Decimal("0.01")
PERCENT_STEP = Decimal("0.0001")


@attrs.frozen
class Lever:
    """An input a unit can move to earn points."""

    name: str
    spec: Input
    direction: str  # "higher" | "lower" | "choice"
    wholes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (whole, other parts) it is part of

    @property
    def step(self) -> Decimal:
        """The smallest move of this input: one unit of a count, 0.01 of a number."""
        if self.spec.type == "integer":
            return Decimal(1)
        return PERCENT_STEP if self.spec.type == "percent" else NUMBER_STEP

    def bound(self, values: Mapping[str, Any]) -> Any:
        """How far the lever can go the better way, with the other values as they are."""
        spec = self.spec
        if spec.type == "boolean":
            return self.direction == "higher"
        if self.direction == "lower":
            return spec.min if spec.min is not None else Decimal(0)
        high = spec.max if spec.max is not None else None
        if spec.type == "percent" and high is None:
            high = Decimal(1)
        for whole, others in self.wholes:
            room = values.get(whole)
            if isinstance(room, Decimal):
                room -= sum((values.get(o) or Decimal(0) for o in others), Decimal(0))
                high = room if high is None else min(high, room)
        return high if high is not None else UNBOUNDED

    def better_values(self, values: Mapping[str, Any]) -> list[Any]:
        """The values worth trying for this lever, best first (a choice: every other one)."""
        now = values.get(self.name)
        if self.direction == "choice":
            return [c for c in self.spec.choices if c != now]
        best = self.bound(values)
        if self.spec.type == "boolean":
            return [best] if now != best else []
        if now is None or (best > now if self.direction == "higher" else best < now):
            return [best]
        return []


def _summands(node: Node, block: Block) -> tuple[str, ...] | None:
    if isinstance(node, Arith) and node.op == "+":
        left, right = _summands(node.left, block), _summands(node.right, block)
        return None if left is None or right is None else left + right
    if isinstance(node, Name) and node.name in block.inputs:
        return (node.name,)
    return None


def _names_in(node: Node, block: Block) -> Iterator[str]:
    """Inputs a divisor reads, leaving out block-wide figures (``best(x)``)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Call) and current.function in AGGREGATES:
            continue
        if isinstance(current, Name) and current.name in block.inputs:
            yield current.name
        stack.extend(current.children())


def _read(block: Block) -> tuple[dict[str, list], set[str]]:
    """Shares (part -> [(whole, other parts)]) and divisors of the block's formulas."""
    shares: dict[str, list] = {}
    divisors: set[str] = set()
    for crit in block.all_criteria():
        for formula in (crit.formula, crit.applies):
            if formula is None:
                continue
            for node in walk(formula.node):
                if isinstance(node, Call) and node.function == "ratio":
                    parts = _summands(node.args[0], block)
                    whole = node.args[1]
                    if parts and isinstance(whole, Name) and whole.name in block.inputs:
                        for part in parts:
                            others = tuple(p for p in parts if p != part)
                            shares.setdefault(part, []).append((whole.name, others))
                    divisors.update(_names_in(node.args[1], block))
                elif isinstance(node, Arith) and node.op == "/":
                    divisors.update(_names_in(node.right, block))
    return shares, divisors


def block_levers(block: Block) -> dict[str, Lever]:
    """Every lever of ``block`` by input name (kept with the block once read)."""
    found = block.derived.get("analyses.levers")
    if found is None:
        shares, divisors = _read(block)
        found = {}
        for name, spec in block.inputs.items():
            if name in divisors:
                continue
            if spec.type == "choice" and spec.choices:
                found[name] = Lever(name, spec, "choice")
            elif spec.better in ("higher", "lower") and (spec.is_numeric or spec.type == "boolean"):
                wholes = tuple((w, tuple(o)) for w, o in shares.get(name, ()))
                found[name] = Lever(name, spec, spec.better, wholes)
        found = block.derived.setdefault("analyses.levers", found)
    return found


def criterion_inputs(block: Block, crit: Criterion) -> tuple[str, ...]:
    """The inputs ``crit``'s formula reads, directly or through the scores it reads."""
    seen: set[str] = set()
    stack = [crit]
    done: set[str] = set()
    while stack:
        current = stack.pop()
        if current.id in done:
            continue
        done.add(current.id)
        if current.formula is not None:
            seen.update(n for n in current.formula.inputs if n in block.inputs)
            for ref, _, _ in current.formula.references:
                stack.append(block.criterion(ref))
        stack.extend(current.children)
    return tuple(sorted(seen))


def criterion_levers(block: Block, crit: Criterion) -> tuple[Lever, ...]:
    """The levers among the inputs ``crit`` reads."""
    cache = block.derived.setdefault("analyses.criterion_levers", {})
    found = cache.get(crit.id)
    if found is None:
        levers = block_levers(block)
        found = tuple(levers[n] for n in criterion_inputs(block, crit) if n in levers)
        cache[crit.id] = found
    return found


def leaves(block: Block) -> list[Criterion]:
    """The scored items that have a formula (group sums are scored from them)."""
    found = block.derived.get("analyses.leaves")
    if found is None:
        found = [c for c in block.all_criteria() if c.formula is not None]
        found = block.derived.setdefault("analyses.leaves", found)
    return found


def parents(block: Block) -> dict[str, Criterion | None]:
    """Each criterion's parent (None for a top-level one)."""
    found = block.derived.get("analyses.parents")
    if found is not None:
        return found
    out: dict[str, Criterion | None] = {}

    def visit(crit: Criterion, parent: Criterion | None) -> None:
        out[crit.id] = parent
        for child in crit.children:
            visit(child, crit)

    for top in block.criteria:
        visit(top, None)
    return block.derived.setdefault("analyses.parents", out)


def item_of(crit: Criterion) -> str:
    """How a criterion is cited: its annex item where the pack gives one, else its id."""
    if crit.provenance is not None and crit.provenance.item:
        return crit.provenance.item
    return crit.id


def by_id(block: Block) -> dict[str, Criterion]:
    """Every criterion of ``block`` by id (kept with the block once read)."""
    found = block.derived.get("analyses.by_id")
    if found is None:
        found = {c.id: c for c in block.all_criteria()}
        found = block.derived.setdefault("analyses.by_id", found)
    return found
