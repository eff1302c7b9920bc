"""Rank units inside each block, the way provinces publish their tables.

A block is ranked on the measure its levels use: the percentage of each unit's own
maximum where units' maxima can differ (items that do not apply shrink a maximum), the
total elsewhere, or what the pack declares (``ranking.measure``). It is compared as
published (rounded) unless the pack says ``compare: exact``. Units equal on it go through
the pack's tie-break chain, step by step; those still equal share a rank, and the next
rank is skipped (1, 2, 2, 4) or not (``ties: dense``: 1, 2, 2, 3). Each tied unit says
which step settled its tie. Units that were late, sent no date where a deadline applies,
were excluded or never submitted get no rank and come after every ranked unit of their
block, in that order, so nobody is silently missing. Within a rank, and among unranked
units, names are ordered in Vietnamese alphabetical order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from ..model.pack import Block, Pack
from ..model.results import INTERIM, MISSING, RANKED, STATUS_ORDER, Standing, UnitResult
from .collation import sort_key

_ZERO = Decimal(0)
#: how many of the units a tied unit is equal to are named on its line
TIED_NAMED = 20


def measure_of(pack: Pack, block: Block, standing: Standing) -> Decimal:
    """The figure ``standing`` is ranked on: its percent or total, published or exact."""
    published = pack.ranking.compare == "published"
    if pack.rank_measure(block) == "percent":
        value = standing.published_percent if published else standing.percent
    else:
        value = standing.published_total if published else standing.total
    return value if value is not None else _ZERO


def _value(pack: Pack, block: Block, standing: Standing) -> tuple[Decimal, ...]:
    """The measure, then each tie-break key turned so that larger is better."""
    keys = (
        -key if step.prefer == "lower" else key
        for key, step in zip(standing.tie_keys, pack.ranking.tie_break, strict=False)
    )
    return (measure_of(pack, block, standing), *keys)


def _competition_ranks(values: list[tuple[Decimal, ...]]) -> list[int]:
    """1, 2, 2, 4: ``values`` must already be sorted best first."""
    ranks = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and value == values[i - 1] else i + 1)
    return ranks


def _dense_ranks(values: list[tuple[Decimal, ...]]) -> list[int]:
    """1, 2, 2, 3: ``values`` must already be sorted best first."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        if i and value == values[i - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(ranks[-1] + 1 if ranks else 1)
    return ranks


def _numbered(pack: Pack, values: list[tuple[Decimal, ...]]) -> list[int]:
    """Rank numbers of ``values`` sorted best first, as the pack's ``ties`` says."""
    return (_dense_ranks if pack.ranking.ties == "dense" else _competition_ranks)(values)


def _tie_notes(pack: Pack, ranked: list[Standing], values: list[tuple[Decimal, ...]]):
    """For each unit equal to others on the measure: who they are (the first
    :data:`TIED_NAMED` of them) and the first step of the chain after which no other unit
    shares its keys (None when none does: the rank is shared)."""
    groups: dict[Decimal, list[int]] = {}
    for i, value in enumerate(values):
        groups.setdefault(value[0], []).append(i)
    notes: dict[int, tuple[tuple[str, ...], str | None]] = {}
    steps = pack.ranking.tie_break
    for members in groups.values():
        if len(members) < 2:
            continue
        # how many members share each key prefix, after each step of the chain
        shared = [Counter(values[i][: depth + 2] for i in members) for depth in range(len(steps))]
        for i in members:
            settled = None
            for depth, step in enumerate(steps):
                if shared[depth][values[i][: depth + 2]] == 1:
                    settled = step.title
                    break
            others = [ranked[j].unit_id for j in members[: TIED_NAMED + 1] if j != i]
            notes[i] = (tuple(others[:TIED_NAMED]), settled)
    return notes


def _names_within_ties(ranked: list[Standing], values: list[tuple[Decimal, ...]]) -> None:
    """Order each run of equal ``values`` by name, in Vietnamese alphabetical order (the
    collation key is worked out only for units that are tied)."""
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or values[end] != values[start]:
            if end - start > 1:
                ranked[start:end] = sorted(ranked[start:end], key=lambda s: sort_key(s.name))
            start = end


def _rank_group(pack: Pack, block: Block, standings: list[Standing]) -> list[Standing]:
    keyed = [(_value(pack, block, s), s) for s in standings if s.status == RANKED]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    values = [value for value, _ in keyed]
    ranked = [s for _, s in keyed]
    _names_within_ties(ranked, values)
    ranks = _numbered(pack, values)
    notes = _tie_notes(pack, ranked, values)
    out = []
    for i, (s, r) in enumerate(zip(ranked, ranks, strict=True)):
        tied_with, step = notes.get(i, ((), None))
        out.append(attrs.evolve(s, rank=r, tied_with=tied_with, tie_step=step))
    rest = [s for s in standings if s.status != RANKED]
    rest.sort(key=lambda s: (STATUS_ORDER[s.status], -measure_of(pack, block, s), sort_key(s.name)))
    return out + rest


def _rank_in_parent(pack: Pack, block: Block, ordered: list[Standing]) -> list[Standing]:
    by_parent: dict[str, list[Standing]] = {}
    for s in ordered:
        if s.status == RANKED and s.parent:
            by_parent.setdefault(s.parent, []).append(s)
    inner: dict[str, int] = {}
    for members in by_parent.values():
        ranks = _numbered(pack, [_value(pack, block, s) for s in members])
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
        block = pack.block(block_id)
        ordered = _rank_group(pack, block, standings)
        if pack.ranking.within_parent:
            ordered = _rank_in_parent(pack, block, ordered)
        out[block_id] = ordered
    return out


def rank_lookup(tables: Mapping[str, list[Standing]]) -> dict[tuple[str, str], Standing]:
    """``{(block, unit id): standing}`` for every unit of ranked tables."""
    return {(s.block, s.unit_id): s for rows in tables.values() for s in rows}
