"""The parts a change in total splits into, per group and per criterion, exactly: what
:mod:`.attribution` reports and adds up. A group's part is read off two standings; a
criterion's part off two sets of scores, each as it counts in the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..model.pack import Block, Pack
from ..model.results import Standing
from ._levers import item_of, parents

_ZERO = Decimal(0)
CAP = "cap"  # the part of a group's change its cap or floor took
ROUNDING = "rounding"  # what the 28-digit total differs from the exact sum of its parts


@attrs.frozen
class Part:
    """One group's or criterion's share of the change in total."""

    criterion: str
    item: str
    title: str
    before: Decimal | None
    after: Decimal | None
    change: Decimal
    note: str | None = None


def counted_scores(block: Block, scores: Mapping, own: Mapping) -> dict[str, Decimal]:
    """Each criterion's score as it counts in the total: 0 where it or a group above it
    does not apply, or where it weighs nothing."""
    counted: dict[str, bool] = {}
    out = {}
    # parents come before their children: a criterion counts where it applies, weighs
    # something, and its group counts
    for cid, parent, weight in _order(block):
        counts = counted[cid] = bool(own[cid] and weight and (parent is None or counted[parent]))
        out[cid] = scores[cid] if counts else _ZERO
    return out


def _order(block: Block) -> list[tuple[str, str | None, Any]]:
    """Every criterion (parents first) with its parent's id and its weight."""
    found = block.derived.get("analyses.order")
    if found is None:
        up = parents(block)
        found = [
            (c.id, None if up[c.id] is None else up[c.id].id, c.weight)
            for c in block.all_criteria()
        ]
        found = block.derived.setdefault("analyses.order", found)
    return found


def criterion_parts(
    block: Block, before: Mapping[str, Decimal], after: Mapping[str, Decimal]
) -> list[Part]:
    """Per scored item, and per group the part its cap or floor took: they add up to the
    change in total exactly (``before``/``after`` as :func:`counted_scores` gives them)."""
    parts = []
    zero = _ZERO
    for cid, children, item, title in _part_plan(block):
        old, new = before.get(cid, zero), after.get(cid, zero)
        if children is not None:
            inner = zero
            for c in children:
                inner += after.get(c, zero) - before.get(c, zero)
            rest = (new - old) - inner
            if rest:
                parts.append(
                    Part(f"{cid}:{CAP}", item, f"{title} (giới hạn điểm nhóm)",
                         None, None, rest, "the group's maximum or floor")
                )
        elif old != new:  # an item that did not move is no part of the change
            parts.append(Part(cid, item, title, old, new, new - old))
    return parts


def _part_plan(block: Block) -> list[tuple[str, tuple[str, ...] | None, str, str]]:
    """Each criterion as :func:`criterion_parts` reads it: id, the children of a group
    scored from them (None for a scored item), annex item and title."""
    found = block.derived.get("analyses.part_plan")
    if found is None:
        found = [
            (
                c.id,
                tuple(ch.id for ch in c.children) if c.children and c.formula is None else None,
                item_of(c),
                c.title,
            )
            for c in block.all_criteria()
        ]
        found = block.derived.setdefault("analyses.part_plan", found)
    return found


def group_parts(
    pack: Pack, block_id: str, before: Standing | None, after: Standing | None
) -> list[Part]:
    """Per group (top-level criterion), from two standings: they add up to the change in
    total exactly; a group of one period only counts whole, and what a 28-digit total
    differs from the exact sum of its groups is a part of its own (``rounding``)."""
    # ``items()``: a standing's compact group scores are read back in one go
    old = dict(before.groups.items()) if before is not None else {}
    new = dict(after.groups.items()) if after is not None else {}
    groups, ids = _groups(pack.block(block_id))
    parts = []
    for gid, item, title in groups:
        a, b = old.get(gid), new.get(gid)
        parts.append(Part(gid, item, title, a, b, (b or _ZERO) - (a or _ZERO), None))
    for gid in old:
        if gid not in ids:  # a group of the previous version only
            a, b = old[gid], new.get(gid)
            change = (b or _ZERO) - (a or _ZERO)
            parts.append(Part(gid, gid, gid, a, b, change, "no counterpart in this version"))
    total_before = before.total if before is not None and before.total is not None else _ZERO
    total_after = after.total if after is not None and after.total is not None else _ZERO
    rest = (total_after - total_before) - sum((p.change for p in parts), _ZERO)
    if rest:
        parts.append(Part(ROUNDING, "", "làm tròn tổng điểm", None, None, rest,
                          "totals are kept to 28 significant digits"))
    return parts


def _groups(block: Block) -> tuple[list[tuple[str, str, str]], set[str]]:
    """The block's counted groups as ``(id, item, title)``, and every group id."""
    found = block.derived.get("analyses.groups")
    if found is None:
        found = (
            [(c.id, item_of(c), c.title) for c in block.criteria if c.weight],
            {c.id for c in block.criteria},
        )
        found = block.derived.setdefault("analyses.groups", found)
    return found
