"""Scoring one criterion of one unit with changed inputs, cheaply and as the engine does.

A probe asks the criterion's own formula (capped and floored as declared) and carries the
difference up through its groups' sums and caps, when nothing else reads the criterion's
score or applicability; otherwise it runs the block's whole scorer. Analyses confirm what
a probe finds with a full evaluation before they give it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..model.pack import Block, Criterion
from ._batch import Batch, Unit, with_values
from ._levers import criterion_levers, leaves, parents

_ZERO = Decimal(0)


def counted_total(block: Block, scores: Mapping, own: Mapping) -> Decimal:
    return sum((scores[c.id] for c in block.criteria if own[c.id] and c.weight), _ZERO)


def counts(block: Block, own: Mapping, crit: Criterion, up: Mapping) -> bool:
    node: Criterion | None = crit
    while node is not None:
        if not own[node.id] or not node.weight:
            return False
        node = up[node.id]
    return True


class Probe:
    """Scores one criterion of one unit with changed inputs, and what that adds to the
    total: the criterion's own formula (capped and floored as declared) when nothing else
    reads its score or applicability, else the block's whole scorer. Either way the plan
    is confirmed by a full evaluation before it is given."""

    def __init__(self, batch: Batch, unit: Unit) -> None:
        self.batch, self.unit = batch, unit
        self.block = batch.pack.block(unit.result.block)
        self.values = unit.submission.values
        self.scores, self.raws, self.own = batch.scores(unit.submission)
        self.total = counted_total(self.block, self.scores, self.own)
        self.up = parents(self.block)
        self.aggregates = batch.aggregates.get(self.block.id) or {}
        self.direct = direct_criteria(self.block)

    def __call__(self, crit: Criterion, changes: Mapping) -> tuple[Decimal, Decimal]:
        """``(criterion score, total)`` with ``changes`` made."""
        if crit.id not in self.direct:
            scores, _, own = self.batch.scores(with_values(self.unit.submission, changes))
            return scores[crit.id], counted_total(self.block, scores, own)
        # only what the formula reads: the unit's values, with ``changes`` made
        own, names = self.values, _formula_inputs(self.block, crit)
        values = {
            n: changes[n] if n in changes else own[n] for n in names if n in changes or n in own
        }
        values["max_points"] = crit.max
        raw = crit.formula(values, self.scores, self.aggregates)
        score = crit.max if raw > crit.max else crit.floor if raw < crit.floor else raw
        return score, self.total_for(crit, score)

    def total_for(self, crit: Criterion, score: Decimal) -> Decimal:
        """The unit's total with ``crit`` (a criterion :func:`direct_criteria` names) scored
        ``score``: the difference carried up through its groups' sums and caps."""
        delta, node = score - self.scores[crit.id], crit
        while delta and self.up[node.id] is not None:
            parent = self.up[node.id]
            raw_parent = self.raws[parent.id] + delta
            top, low = parent.max, parent.floor
            new = top if raw_parent > top else low if raw_parent < low else raw_parent
            delta, node = new - self.scores[parent.id], parent
        return self.total + delta


def _formula_inputs(block: Block, crit: Criterion) -> tuple[str, ...]:
    """The values ``crit``'s formula reads (kept with the block once read)."""
    known = block.derived.setdefault("analyses.formula_inputs", {})
    found = known.get(crit.id)
    if found is None:
        found = known[crit.id] = tuple(n for n in crit.formula.inputs if n != "max_points")
    return found


def direct_criteria(block: Block) -> frozenset[str]:
    """Criteria whose score can be probed by their own formula: no other formula reads
    their score, no ``applies`` reads their inputs, and none is below a capped group."""
    found = block.derived.get("analyses.direct")
    if found is None:
        formulas = [c.formula for c in block.all_criteria() if c.formula is not None]
        read = {ref for f in formulas for ref, _, _ in f.references}
        read |= {ref for g in block.level_gates for ref, _, _ in g.when.references}
        conditional = {n for c in block.all_criteria() if c.applies for n in c.applies.inputs}
        up = parents(block)
        direct = set()
        for crit in leaves(block):
            chain, node = [], crit
            while node is not None:
                chain.append(node)
                node = up[node.id]
            moved = {lv.name for lv in criterion_levers(block, crit)}
            if any(c.id in read for c in chain) or moved & conditional:
                continue
            direct.add(crit.id)
        found = block.derived.setdefault("analyses.direct", frozenset(direct))
    return found
