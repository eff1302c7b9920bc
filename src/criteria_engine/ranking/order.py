"""Rank units inside each block, the way provinces publish their tables.

Equal figures share a rank and the next rank is skipped (1, 2, 2, 4), compared on the
published (rounded) total unless the pack says ``compare: exact``, then on the pack's
tie-break expressions if it declares any. Units that were late, excluded or never
submitted get no rank and come after every ranked unit of their block, in that order, so
nobody is silently missing. Within a rank, and among unranked units, names are ordered
in Vietnamese alphabetical order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from ..model.pack import Pack
from ..model.results import INTERIM, MISSING, RANKED, STATUS_ORDER, Standing, UnitResult
from .collation import sort_key


def _value(pack: Pack, standing: Standing) -> tuple[Decimal, ...]:
    total = standing.published_total if pack.ranking.compare == "published" else standing.total
    return (total or Decimal(0), *standing.tie_keys)


def _competition_ranks(values: list[tuple[Decimal, ...]]) -> list[int]:
    """1, 2, 2, 4: ``values`` must already be sorted best first."""
    ranks = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and value == values[i - 1] else i + 1)
    return ranks


def _rank_group(pack: Pack, standings: list[Standing]) -> list[Standing]:
    ranked = [s for s in standings if s.status == RANKED]
    ranked.sort(key=lambda s: sort_key(s.name))
    ranked.sort(key=lambda s: _value(pack, s), reverse=True)
    ranks = _competition_ranks([_value(pack, s) for s in ranked])
    out = [attrs.evolve(s, rank=r) for s, r in zip(ranked, ranks, strict=True)]
    rest = [s for s in standings if s.status != RANKED]
    rest.sort(key=lambda s: (STATUS_ORDER[s.status], -(s.total or 0), sort_key(s.name)))
    return out + rest


def _rank_in_parent(pack: Pack, ordered: list[Standing]) -> list[Standing]:
    by_parent: dict[str, list[Standing]] = {}
    for s in ordered:
        if s.status == RANKED and s.parent:
            by_parent.setdefault(s.parent, []).append(s)
    inner: dict[str, int] = {}
    for members in by_parent.values():
        ranks = _competition_ranks([_value(pack, s) for s in members])
        inner.update({s.unit_id: r for s, r in zip(members, ranks, strict=True)})
    if not inner:
        return ordered
    return [
        attrs.evolve(s, rank_in_parent=inner[s.unit_id]) if s.unit_id in inner else s
        for s in ordered
    ]


def missing_units(
    pack: Pack, present: Iterable[tuple[str, str]], period: str | None = None
) -> list[Standing]:
    """Roster units (of ``period``, or of every period) with no submission in the batch."""
    seen = set(present)
    return [
        Standing(unit_id=u.id, name=u.name, block=u.block, status=MISSING, parent=u.parent)
        for u in pack.roster
        if (u.block, u.id) not in seen
        and u.period in (None, period)
        and not pack.excluded_unit(u.id, u.name)
    ]


def rank(
    pack: Pack,
    results: Iterable[UnitResult | Standing],
    *,
    roster: bool = True,
    period: str | None = None,
) -> dict[str, list[Standing]]:
    """Rank every block: ``{block id: standings}``, in the pack's block order.

    Interim (non-ranked) updates are left out; roster units that did not submit are added
    as ``missing`` when ``roster`` is true (a roster kept per year is read for ``period``).
    """
    by_block: dict[str, list[Standing]] = {b.id: [] for b in pack.blocks}
    present = []
    for item in results:
        standing = item if isinstance(item, Standing) else Standing.of(item)
        if standing.status == INTERIM:
            continue
        by_block[standing.block].append(standing)
        present.append((standing.block, standing.unit_id))
    if roster:
        for standing in missing_units(pack, present, period):
            by_block[standing.block].append(standing)
    out = {}
    for block_id, standings in by_block.items():
        ordered = _rank_group(pack, standings)
        out[block_id] = _rank_in_parent(pack, ordered) if pack.ranking.within_parent else ordered
    return out


def rank_lookup(tables: Mapping[str, list[Standing]]) -> dict[tuple[str, str], Standing]:
    """``{(block, unit id): standing}`` for every unit of ranked tables."""
    return {(s.block, s.unit_id): s for rows in tables.values() for s in rows}
