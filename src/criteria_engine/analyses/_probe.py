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
from ._levers import criterion_inputs, criterion_levers, leaves, parents

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
        self._totals: dict[tuple[str, str], Decimal] = {}  # by criterion and score
        self._inputs = self.block.derived.setdefault("analyses.formula_inputs", {})

    def __call__(self, crit: Criterion, changes: Mapping) -> tuple[Decimal, Decimal]:
        """``(criterion score, total)`` with ``changes`` made."""
        if crit.id not in self.direct:
            scores, _, own = self.batch.scores(with_values(self.unit.submission, changes))
            return scores[crit.id], counted_total(self.block, scores, own)
        score = self._score(crit, changes)
        return score, self.total_for(crit, score)

    def _score(self, crit: Criterion, changes: Mapping) -> Decimal:
        """``crit``'s formula on the unit's values with ``changes`` made, capped and floored
        (only what the formula reads is passed)."""
        names = self._inputs.get(crit.id)
        if names is None:
            names = _formula_inputs(self.block, crit)
        own = self.values
        values = {
            n: changes[n] if n in changes else own[n] for n in names if n in changes or n in own
        }
        values["max_points"] = crit.max
        raw = crit.formula(values, self.scores, self.aggregates)
        return crit.max if raw > crit.max else crit.floor if raw < crit.floor else raw

    def total_for(self, crit: Criterion, score: Decimal) -> Decimal:
        """The unit's total with ``crit`` (a criterion :func:`direct_criteria` names) scored
        ``score``: as :meth:`_resummed`, along the one line of groups above ``crit``."""
        scores, own = self.scores, self.own
        if not own[crit.id] or score == scores[crit.id]:
            return self.total  # a criterion that does not apply scores 0 whatever it gives
        key = (crit.id, str(score))  # as written: 5 and 5.0 add up to totals written apart
        found = self._totals.get(key)
        if found is not None:
            return found
        weighted = _weighted(self.block)
        changed, value = crit.id, score if score else _ZERO
        parent = self.up[crit.id]
        while parent is not None:
            if not own[parent.id] or parent.formula is not None:
                self._totals[key] = self.total  # the group's score does not move
                return self.total
            raw = _ZERO
            for cid in weighted[parent.id]:
                raw += value if cid == changed else scores[cid]
            top, low = parent.max, parent.floor
            raw = top if raw > top else low if raw < low else raw
            changed, value = parent.id, raw if raw else _ZERO
            parent = self.up[parent.id]
        total = _ZERO
        for cid in weighted[None]:
            total += value if cid == changed else scores[cid]
        self._totals[key] = total
        return total

    def total_with(self, changes: Mapping) -> Decimal | None:
        """The unit's total with ``changes`` made to its inputs, every criterion that reads
        them scored by its own formula; None where that would not be the engine's figure
        (a criterion reading another's score, one not scored directly, a level gate)."""
        block = self.block
        if block.level_gates:
            return None
        readers = input_readers(block)
        new: dict[str, Decimal] = {}
        for name in changes:
            for crit in readers.get(name, ()):
                if crit.id in new or not self.own[crit.id]:
                    continue
                if crit.id not in self.direct or crit.formula.references:
                    return None
                score = self._score(crit, changes)
                new[crit.id] = score if score else _ZERO
        return self._resummed(new) if new else self.total

    def _resummed(self, new: dict[str, Decimal]) -> Decimal:
        """The total with the scores in ``new`` (criteria that apply): each group above
        them summed again and capped, and the total added up, in the order and the way
        the block's scorer does it, so the figure is the engine's to the last digit."""
        scores, own, up = self.scores, self.own, self.up
        depth = _depths(self.block)
        # groups to sum again, deepest first (a group sums its children's new scores)
        pending = {up[c].id: up[c] for c in new if up[c] is not None}
        while pending:
            gid = max(pending, key=lambda g: (depth[g], g)) if len(pending) > 1 else next(
                iter(pending)
            )
            group = pending.pop(gid)
            if not own[gid] or group.formula is not None:
                continue  # scored 0 where it does not apply; by its own formula otherwise
            raw = _ZERO
            for child in group.children:
                if child.weight:
                    raw += new[child.id] if child.id in new else scores[child.id]
            top, low = group.max, group.floor
            value = top if raw > top else low if raw < low else raw
            new[gid] = value if value else _ZERO
            if up[gid] is not None:
                pending[up[gid].id] = up[gid]
        total = _ZERO
        for group in self.block.criteria:
            if group.weight:
                total += new[group.id] if group.id in new else scores[group.id]
        return total


def _weighted(block: Block) -> dict[str | None, tuple[str, ...]]:
    """Each group's children that count in its sum (``None``: the top-level groups that
    count in the total), in the scorer's order; kept with the block."""
    found = block.derived.get("analyses.weighted")
    if found is None:
        found = {None: tuple(c.id for c in block.criteria if c.weight)}
        for crit in block.all_criteria():
            found[crit.id] = tuple(c.id for c in crit.children if c.weight)
        found = block.derived.setdefault("analyses.weighted", found)
    return found


def _depths(block: Block) -> dict[str, int]:
    """How deep each criterion sits (0 for a top-level one), kept with the block."""
    found = block.derived.get("analyses.depths")
    if found is None:
        up = parents(block)
        found = {}
        for cid in up:
            depth, node = 0, up[cid]
            while node is not None:
                depth, node = depth + 1, up[node.id]
            found[cid] = depth
        found = block.derived.setdefault("analyses.depths", found)
    return found


def input_readers(block: Block) -> dict[str, list[Criterion]]:
    """Each input's readers: the scored items whose formula reads it, directly or through
    the scores it reads (kept with the block once read)."""
    found = block.derived.get("analyses.readers")
    if found is None:
        found = {}
        for crit in leaves(block):
            for name in criterion_inputs(block, crit):
                found.setdefault(name, []).append(crit)
        found = block.derived.setdefault("analyses.readers", found)
    return found


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
