"""What it takes a unit to reach the next level: the points missing, the criteria with
headroom, and a smallest set of criteria (with the input values) that closes the gap.

Everything is found by asking the engine: each criterion's best score is what the block's
scorer gives with the unit's levers (:mod:`._levers`) moved as far as they go, and a plan
is kept only once :func:`evaluate_submission` says the changed submission reaches the
level. No rule of any pack is restated here.

The smallest set has the fewest criteria; among sets of that size, the one whose criteria
together can give the fewest points beyond the gap (the least change), then the earliest
criteria. Each criterion in it is moved only as far as the plan needs. Block-wide figures
(``best``/``mean`` over the batch) are held as the batch has them: a criterion that reads
one is marked, since moving it also moves the figure for the others.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..evaluation.rounding import round_published
from ..model.pack import Block, Criterion, Pack
from ..model.results import RANKED, UNRANKED_SUBMITTED
from ._batch import Batch, Unit, at_least, evaluate_batch, level_names
from ._levers import Lever, criterion_inputs, criterion_levers, item_of, leaves, parents
from ._probe import Probe
from ._search import SEARCH_BUDGET as SEARCH_BUDGET  # the budget, where it is read
from ._search import merged, reaches, smallest_set, trimmed
from ._threshold import threshold

_ZERO = Decimal(0)
#: what a strict level (``percent > 85%``) needs above its threshold, at the least
_STRICT = Decimal("1e-20")


@attrs.frozen
class InputChange:
    """One input moved: from what the unit reported to what earns the points."""

    input: str
    label: str
    before: Any
    after: Any
    unit: str | None = None


@attrs.frozen
class Headroom:
    """A criterion where the unit can still earn points."""

    criterion: str
    item: str  # the annex item it is cited by
    title: str
    score: Decimal
    max: Decimal
    best: Decimal  # the best score the unit's own inputs can give it
    gain: Decimal  # what that adds to the total
    changes: tuple[InputChange, ...]  # the input values that give ``best``
    block_wide: bool = False  # reads best()/mean() of the batch, held as they are

    @property
    def changeable(self) -> bool:
        """Whether the unit's own inputs can earn points here."""
        return self.gain > 0


@attrs.frozen
class Gate:
    """A level gate that keeps the unit below the level whatever its total."""

    label: str
    at_most: str
    cleared_by: tuple[str, ...] = ()  # criteria in the plan that clear it


@attrs.frozen
class NextLevel:
    """What it takes one unit to reach ``target``."""

    unit_id: str
    name: str
    block: str
    level: str | None
    target: str
    total: Decimal
    max_total: Decimal
    needed_total: Decimal | None  # the least total that gives the level (None: no threshold)
    missing: Decimal | None  # points missing (exact); with ``strict``, more than this
    strict: bool
    gates: tuple[Gate, ...]
    headroom: tuple[Headroom, ...]
    plan: tuple[Headroom, ...]  # the smallest set, each moved as far as needed
    reached: bool  # the engine says the plan reaches the level
    total_after: Decimal | None = None
    level_after: str | None = None
    note: str | None = None


def _best_changes(probe: Probe, crit: Criterion, levers: tuple[Lever, ...]):
    """The lever values that give ``crit`` its best score, the score and the total."""
    values = probe.values
    choices = [lv for lv in levers if lv.direction == "choice"]
    fixed = {}
    for lever in levers:
        if lever.direction != "choice":
            options = lever.better_values(values)
            if options:
                fixed[lever.name] = options[0]
    if not choices:
        return (*probe(crit, fixed), fixed)
    options = [[values.get(lv.name), *lv.better_values(values)] for lv in choices]
    best: tuple[Decimal, Decimal, dict] | None = None
    for combo in itertools.product(*options) if options else [()]:
        changes = dict(fixed)
        changes.update({lv.name: v for lv, v in zip(choices, combo, strict=True)})
        changes = {k: v for k, v in changes.items() if values.get(k) != v}
        score, total = probe(crit, changes)
        found = (score, total, changes)
        if best is None or found[:2] > best[:2] or (
            found[:2] == best[:2] and len(changes) < len(best[2])
        ):
            best = found
    return best


def _change_list(block: Block, values: Mapping, changes: Mapping) -> tuple[InputChange, ...]:
    return tuple(
        InputChange(name, spec.label, values.get(name), after, spec.unit)
        for name, after in sorted(changes.items())
        for spec in (block.inputs[name],)
    )


def _plan(block: Block, direct: frozenset[str]) -> list[tuple]:
    """Per scored item, what the search reads of it whatever the unit (kept with the
    block): the criterion, its levers, the values its best score depends on (empty where
    it is not scored by its own formula alone: no sharing then), the ids up to its top
    group (it counts where they all apply), and whether every one of them weighs."""
    found = block.derived.get("analyses.headroom_plan")
    if found is None:
        up = parents(block)
        found = []
        for crit in leaves(block):
            levers = criterion_levers(block, crit)
            names: tuple[str, ...] = ()
            if levers and crit.id in direct and not crit.formula.references:
                needed = set(criterion_inputs(block, crit))
                for lever in levers:
                    for whole, others in lever.wholes:
                        needed.update((whole, *others))
                names = tuple(sorted(needed))
            chain, node, weighs = [], crit, True
            while node is not None:
                chain.append(node.id)
                weighs = weighs and bool(node.weight)
                node = up[node.id]
            found.append((crit, levers, names, tuple(chain), weighs))
        found = block.derived.setdefault("analyses.headroom_plan", found)
    return found


def _headroom(probe: Probe) -> list[tuple[Headroom, dict]]:
    block, scores, own, values = probe.block, probe.scores, probe.own, probe.values
    # a criterion's best score, its moves and what it shows, kept per batch by what they
    # depend on (the values its own formula reads, and the wholes its levers are parts
    # of; a number by its text, as 1 and 1.0 print apart): units alike share them
    memo = probe.batch.memo.setdefault("next_level.best", {})
    found = []
    for crit, levers, names, chain, weighs in _plan(block, probe.direct):
        score = scores[crit.id]
        if score >= crit.max or not weighs or not all(own[c] for c in chain):
            continue
        best_score, best_total, changes, listed, kept = score, probe.total, {}, None, None
        key = None
        if names:
            key = (block.id, crit.id, *[
                str(v) if isinstance(v, Decimal) else v for v in map(values.get, names)
            ])
        hit = memo.get(key) if key is not None else None
        if hit is not None:
            best_score, changes, listed, kept = hit
            best_total = probe.total_for(crit, best_score)
        elif levers:
            best_score, best_total, changes = _best_changes(probe, crit, levers)
        gain = best_total - probe.total if best_score > score else _ZERO
        gain = max(gain, _ZERO)
        if kept is not None and str(kept.gain) == str(gain):
            room = kept  # the same figures to the last digit: the same line
        else:
            if gain > 0 and listed is None:
                listed = _change_list(block, values, changes)
            room = Headroom(
                criterion=crit.id,
                item=item_of(crit),
                title=crit.title,
                score=score,
                max=crit.max,
                best=max(best_score, score),
                gain=gain,
                changes=listed if gain > 0 else (),
                block_wide=bool(crit.formula is not None and crit.formula.aggregates),
            )
            if key is not None and hit is None:
                memo[key] = (best_score, changes, listed, room)
        found.append((room, changes if gain > 0 else {}))
    return found


def _gates(batch: Batch, unit: Unit, target: str) -> list:
    pack = batch.pack
    block = pack.block(unit.result.block)
    if not block.level_gates:
        return []
    names = level_names(pack)
    scores, _, _ = batch.scores(unit.submission)
    aggregates = batch.aggregates.get(block.id) or {}
    found = []
    for gate in block.level_gates:
        if names.index(target) < names.index(gate.at_most) and gate.when(
            unit.submission.values, scores, aggregates
        ):
            found.append(gate)
    return found


def _coupled(block: Block) -> bool:
    """Whether gains in the block may not simply add up: a score that reads another, a
    bonus or penalty, a capped group (kept with the block once read)."""
    found = block.derived.get("analyses.coupled")
    if found is None:
        found = any(
            c.formula is not None and (c.formula.references or c.kind != "normal")
            for c in block.all_criteria()
        ) or any(c.cap for c in block.all_criteria())
        block.derived["analyses.coupled"] = found
    return found


def plan_unit(
    batch: Batch, unit: Unit, target: str | None = None, *, probe_sets: bool = True
) -> NextLevel | None:
    """What it takes ``unit`` to reach ``target`` (default: the level above its own);
    None when it is there already or is not given a level. ``probe_sets``: sets of
    criteria are tried by scoring their formulas as the block's scorer does, where that
    is exact, and only the plan found is evaluated by the engine."""
    pack = batch.pack
    result = unit.result
    names = level_names(pack)
    if result.level not in names or result.status not in (RANKED, *UNRANKED_SUBMITTED):
        return None
    if target is None:
        index = names.index(result.level)
        if index == 0:
            return None
        target = names[index - 1]
    if at_least(pack, result.level, target):
        return None
    block = pack.block(result.block)
    needed, strict = threshold(pack, result.max_total, target)
    missing = None if needed is None else max(needed - result.total, _ZERO)
    gates = _gates(batch, unit, target)
    probe = Probe(batch, unit)
    items = _headroom(probe)
    movable = [it for it in items if it[0].gain > 0]
    coupled = bool(gates) or _coupled(block)
    found = smallest_set(
        batch, unit, movable, missing if missing is not None else _ZERO, strict, target, coupled,
        probe if probe_sets else None,
    )
    base = {
        "unit_id": result.unit_id,
        "name": result.name,
        "block": result.block,
        "level": result.level,
        "target": target,
        "total": result.total,
        "max_total": result.max_total,
        "needed_total": needed,
        "missing": missing,
        "strict": strict,
        "headroom": tuple(it[0] for it in items),
    }
    if found is None:
        best_total = result.total + sum((it[0].gain for it in movable), _ZERO)
        return NextLevel(
            **base,
            gates=tuple(Gate(g.label, g.at_most) for g in gates),
            plan=(),
            reached=False,
            note=(
                f"{target} cannot be reached by the inputs the unit can change: at most "
                f"{round_published(pack, best_total)} of {result.max_total} points"
            ),
        )
    chosen, after = found
    wanted = (missing or _ZERO) + (_STRICT if strict else _ZERO)
    moves = trimmed(probe, chosen, wanted)
    ok, trimmed_after = reaches(batch, unit, merged((None, c) for _, c, _, _ in moves), target)
    if not ok and after is None:
        # the set was found by the probe: the engine's word on it, and if the engine does
        # not agree, the search again with the engine alone
        ok_set, after = reaches(batch, unit, merged(chosen), target)
        if not ok_set:
            return plan_unit(batch, unit, target, probe_sets=False)
    if ok:
        after = trimmed_after
        plan = [
            attrs.evolve(
                room,
                best=score,
                gain=gain,
                changes=_change_list(block, probe.values, changes),
            )
            for room, changes, score, gain in moves
        ]
    else:  # a move the probe thought enough is not, by the engine: keep the full moves
        plan = [room for room, _ in chosen]
    cleared = [Gate(g.label, g.at_most, tuple(p.criterion for p in plan)) for g in gates]
    return NextLevel(
        **base,
        gates=tuple(cleared),
        plan=tuple(plan),
        reached=True,
        total_after=after.total,
        level_after=after.level,
    )


def next_level(
    pack: Pack,
    units: Any,
    *,
    target: str | None = None,
    unit: str | None = None,
    block: str | None = None,
) -> list[NextLevel]:
    """What it takes each unit below ``target`` (default: the level above its own) to
    reach it, as data; ``units`` is anything :func:`evaluate_many` takes (or a prepared
    batch). ``unit`` and ``block`` narrow the units looked at."""
    if target is not None and target not in level_names(pack):
        raise ValueError(
            f"no level {target!r} in {pack.label}; levels: {', '.join(level_names(pack))}"
        )
    batch = evaluate_batch(pack, units)
    out = []
    for (block_id, unit_id), item in batch.units.items():
        if (unit is not None and unit_id != unit) or (block is not None and block_id != block):
            continue
        found = plan_unit(batch, item, target)
        if found is not None:
            out.append(found)
    return out
