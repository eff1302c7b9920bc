"""Why a unit's total, rank or level changed between two periods, split exactly.

The change in total is split per group (the top-level criteria) and, where both periods'
submissions are at hand, per criterion: each scored item's change, plus for each group
the part its cap or floor took (``cap``), so the parts always add up to the change to the
last digit. For a unit that fell, the units that passed it are listed with the groups
that made each pass (the groups where the other unit gained on it).

Across two versions of a pack (Hà Tĩnh 365/2019 → 2853/2021) the change is also split
into the part due to the unit and the part due to the rules: the previous submission is
scored under the new version as far as its inputs allow. Where every input a criterion
reads is in the previous submission, the criterion's change under the new rules is the
unit's; the criteria whose inputs the previous submission lacks are listed as having no
counterpart, and what is left is the rules' part. When the previous submission has every
input the new version reads, ``unit + rules`` is exactly the new version's score of the
previous submission, compared both ways.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from operator import itemgetter
from typing import Any

import attrs

from ..inputs.submission import Submission
from ..model.pack import Block, Criterion, Pack
from ..model.results import EXCLUDED, RANKED, Standing
from ._batch import Batch, Unit, evaluate_batch
from ._levers import criterion_inputs, parents
from ._parts import CAP as CAP
from ._parts import ROUNDING, Part, counted_scores, criterion_parts, group_parts

_ZERO = Decimal(0)
#: differences and sums of scores are taken without rounding: 28-digit scores of unlike
#: exponents need more digits than the scoring context keeps
WIDE = decimal.Context(prec=200, traps=[decimal.InvalidOperation, decimal.DivisionByZero])


@attrs.frozen
class Pass:
    """A unit that passed this one, and the groups where it gained on it most."""

    unit_id: str
    name: str
    groups: tuple[tuple[str, Decimal], ...]  # (group id, how much it gained on this unit)


@attrs.frozen
class Change:
    """Why one unit's figures changed from the previous period to this one."""

    unit_id: str
    name: str
    block: str
    total_before: Decimal | None
    total_after: Decimal | None
    change: Decimal | None
    rank_before: int | None
    rank_after: int | None
    level_before: str | None
    level_after: str | None
    groups: tuple[Part, ...]  # add up to ``change``
    #: add up to ``change`` when both submissions are known; across pack versions, to
    #: ``unit_part`` (the previous submission scored under this version)
    criteria: tuple[Part, ...] = ()
    passed_by: tuple[Pass, ...] = ()
    unit_part: Decimal | None = None  # across pack versions: the unit's part
    rules_part: Decimal | None = None  # … and the rules' part (with unmatched criteria)
    unmatched: tuple[str, ...] = ()  # criteria the previous submission has no inputs for
    note: str | None = None

    @property
    def fell(self) -> bool:
        return self.rank_before is not None and (
            self.rank_after is None or self.rank_after > self.rank_before
        )


def _parts_of(pack, block_id, uid, before, after, known: dict | None) -> list[Part]:
    """:func:`group_parts` of unit ``uid``, worked out once per unit when ``known`` keeps
    them."""
    if known is None:
        return group_parts(pack, block_id, before.get(uid), after.get(uid))
    found = known.get(uid)
    if found is None:
        found = known[uid] = group_parts(pack, block_id, before.get(uid), after.get(uid))
    return found


def _changes_of(pack, block_id, uid, before, after, known) -> list[tuple[str, Decimal]]:
    """``(group, change)`` of each of :func:`group_parts`' parts for unit ``uid``."""
    key = ("changes", uid)
    found = known.get(key) if known is not None else None
    if found is None:
        parts = _parts_of(pack, block_id, uid, before, after, known)
        found = [(p.criterion, p.change) for p in parts]
        if known is not None:
            known[key] = found
    return found


def _by_rank(after: Mapping[str, Standing], known: dict | None) -> list:
    """The ranked units of ``after``, best first (kept in ``known`` once sorted)."""
    found = known.get(_ORDER) if known is not None else None
    if found is None:
        ranked = [(k, s) for k, s in after.items() if s.status == RANKED and s.rank is not None]
        found = sorted(ranked, key=lambda item: item[1].rank)
        if known is not None:
            known[_ORDER] = found
    return found


_ORDER = ("ranked", "best first")  # ``known``'s entry for the ranked order (not a unit id)


def passes(
    pack: Pack, block_id: str, unit_id: str, before: Mapping[str, Standing],
    after: Mapping[str, Standing], known: dict | None = None,
) -> list[Pass]:
    """Units ranked above ``unit_id`` now that were not above it before (``known``: group
    parts already worked out, by unit id, filled as they are)."""
    me_old, me_new = before.get(unit_id), after.get(unit_id)
    if me_old is None or me_old.rank is None or me_new is None:
        return []
    mine = dict(_changes_of(pack, block_id, unit_id, before, after, known))
    limit, old_rank = me_new.rank, me_old.rank
    found = []
    for other_id, other in _by_rank(after, known):
        if limit is not None and other.rank >= limit:
            break  # ranked best first: none further on is above
        if other_id == unit_id:
            continue
        was = before.get(other_id)
        if was is not None and was.rank is not None and was.rank < old_rank:
            continue  # above it already
        gains = []
        for group, change in _changes_of(pack, block_id, other_id, before, after, known):
            gained = change - mine.get(group, _ZERO)
            if gained > 0:
                gains.append((group, gained))
        gains.sort(key=itemgetter(1), reverse=True)  # stable, as sorting on -gain
        found.append(Pass(other_id, other.name, tuple(gains)))
    # already in rank order (the loop goes best first); sorting keeps it as it is
    found.sort(key=lambda p: after[p.unit_id].rank or 0)
    return found


def _under_new_rules(
    batch: Batch, block: Block, previous: Submission
) -> tuple[dict[str, Decimal], set[str]] | None:
    """The previous submission's counted scores under ``batch``'s pack, and the scored
    items whose inputs (and whose ``applies``) it has; None when it has none of them."""
    known = {n for n in block.inputs if n in previous.values}
    if not known:
        return None
    filled: dict[str, Any] = {}
    for name, spec in block.inputs.items():
        if name in known:
            filled[name] = previous.values[name]
        elif spec.default is not None:
            filled[name] = spec.default
        else:
            filled[name] = {"boolean": False, "choice": (spec.choices or ("",))[0]}.get(
                spec.type, Decimal(0) if spec.is_numeric else ""
            )
    moved = attrs.evolve(previous, block=block.id, inputs=filled, verified={})
    try:
        scores, _, own = batch.scores(moved)
    except Exception:  # a placeholder a formula cannot take: say nothing rather than guess
        return None
    up = parents(block)
    matched = set()
    for crit in block.all_criteria():
        if crit.formula is None:
            continue
        needs = set(criterion_inputs(block, crit))
        node: Criterion | None = crit
        while node is not None:
            if node.applies is not None:
                needs |= set(node.applies.inputs)
            node = up[node.id]
        if needs <= known:
            matched.add(crit.id)
    return counted_scores(block, scores, own), matched


def _standings(previous: Any) -> Mapping[str, Mapping[str, Standing]]:
    blocks = getattr(previous, "blocks", None)
    return blocks if isinstance(blocks, Mapping) else {}


def attribute(
    pack: Pack,
    units: Any,
    previous: Any,
    *,
    previous_pack: Pack | None = None,
    block: str | None = None,
) -> list[Change]:
    """Why each unit's figures changed since ``previous``.

    ``units``: this period's units (anything :func:`evaluate_many` takes, or a prepared
    batch). ``previous``: the previous period's saved results (what :func:`load_previous`
    returns: split per group only), or its units, evaluated under ``previous_pack``
    (default ``pack``): split per criterion too and, across versions, into the unit's and
    the rules' parts.
    """
    with decimal.localcontext(WIDE):
        return _attribute(pack, units, previous, previous_pack, block)


def _attribute(pack, units, previous, previous_pack, block) -> list[Change]:
    now = evaluate_batch(pack, units)
    saved = _standings(previous)
    old: Batch | None = None
    if not saved:
        old = evaluate_batch(previous_pack or pack, previous)
    renamed = dict(pack.renamed_units)
    other_rules = old is not None and old.pack.label != pack.label
    out = []
    for b in pack.blocks:
        if block is not None and b.id != block:
            continue
        current = {u.result.unit_id: u for u in now.block_units(b.id)}
        after = {uid: u.standing for uid, u in current.items()}
        before_units: dict[str, Unit] = {}
        if old is not None:
            if b.id in {x.id for x in old.pack.blocks}:
                for u in old.block_units(b.id):
                    before_units[_renamed(renamed, u.result.unit_id, current)] = u
            before = {uid: u.standing for uid, u in before_units.items()}
        else:
            before = {_renamed(renamed, k, current): s for k, s in saved.get(b.id, {}).items()}
        known: dict[str, list[Part]] = {}
        for uid in [*current, *(k for k in before if k not in current)]:
            out.append(
                _change(now, old, b, uid, current.get(uid), before_units.get(uid), before,
                        after, other_rules, known)
            )
    return out


def _renamed(renamed: Mapping[str, str], old_id: str, current: Mapping) -> str:
    """The id a previous unit has now (the pack's ``renamed_units``), unless a unit of this
    period still has the old id."""
    return old_id if old_id in current else renamed.get(old_id, old_id)


def _change(now, old, block, uid, unit, previous_unit, before, after, other_rules,
            known) -> Change:
    pack = now.pack
    s_before, s_after = before.get(uid), after.get(uid)
    tb = s_before.total if s_before is not None else None
    ta = s_after.total if s_after is not None else None
    change = (ta or _ZERO) - (tb or _ZERO) if tb is not None or ta is not None else None
    groups = tuple(_parts_of(pack, block.id, uid, before, after, known))
    criteria: tuple[Part, ...] = ()
    unit_part = rules_part = None
    unmatched: tuple[str, ...] = ()
    if EXCLUDED in (getattr(unit, "result", None) and unit.result.status,
                    getattr(previous_unit, "result", None) and previous_unit.result.status):
        unit = previous_unit = None  # an excluded unit has no scores to split
    if unit is not None and previous_unit is not None and not other_rules:
        scores, _, own = now.scores(unit.submission)
        old_scores, _, old_own = old.scores(previous_unit.submission)
        was = counted_scores(block, old_scores, old_own)
        now_counted = counted_scores(block, scores, own)
        criteria = tuple(criterion_parts(block, was, now_counted))
    elif unit is not None and previous_unit is not None:
        scores, _, own = now.scores(unit.submission)
        cur = counted_scores(block, scores, own)
        moved = _under_new_rules(now, block, previous_unit.submission)
        if moved is not None:
            prev_new, matched = moved
            leaves = [c for c in block.all_criteria() if c.formula is not None]
            if len(matched) == len(leaves):
                unit_part = ta - (prev_new_total := _total(block, prev_new))
                rules_part = prev_new_total - tb
            else:
                unit_part = sum((cur[c] - prev_new[c] for c in sorted(matched)), _ZERO)
                rules_part = change - unit_part
                unmatched = tuple(c.id for c in leaves if c.id not in matched)
            criteria = tuple(
                p
                for p in criterion_parts(block, prev_new, cur)
                if not unmatched or p.criterion in matched
            )
    fell = s_before is not None and s_before.rank is not None and (
        s_after is None or s_after.rank is None or s_after.rank > s_before.rank
    )
    whole = change if not other_rules else (None if unmatched else unit_part)
    if criteria and whole is not None:
        rest = whole - sum((p.change for p in criteria), _ZERO)
        if rest:  # the engine keeps a total to 28 significant digits
            criteria = (*criteria, Part(ROUNDING, "", "làm tròn tổng điểm", None, None, rest,
                                        "totals are kept to 28 significant digits"))
    return Change(
        unit_id=uid,
        name=(s_after or s_before).name,
        block=block.id,
        total_before=tb,
        total_after=ta,
        change=change,
        rank_before=s_before.rank if s_before is not None else None,
        rank_after=s_after.rank if s_after is not None else None,
        level_before=s_before.level if s_before is not None else None,
        level_after=s_after.level if s_after is not None else None,
        groups=groups,
        criteria=criteria,
        passed_by=tuple(passes(pack, block.id, uid, before, after, known)) if fell else (),
        unit_part=unit_part,
        rules_part=rules_part,
        unmatched=unmatched,
        note=None if s_before is not None else "new this period",
    )


def _total(block: Block, counted: Mapping[str, Decimal]) -> Decimal:
    return sum((counted[c.id] for c in block.criteria), _ZERO)
