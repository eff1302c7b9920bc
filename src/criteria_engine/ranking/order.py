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
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from operator import attrgetter, itemgetter

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
    return _values_of(pack, block)(standing)


def _values_of(pack: Pack, block: Block) -> Callable[[Standing], tuple[Decimal, ...]]:
    """:func:`_value` for every unit of ``block``: what to read is worked out once."""
    on_percent = pack.rank_measure(block) == "percent"
    if pack.ranking.compare == "published":
        name = "published_percent" if on_percent else "published_total"
    else:
        name = "percent" if on_percent else "total"
    read = attrgetter(name)
    lower = tuple(step.prefer == "lower" for step in pack.ranking.tie_break)

    def value(standing: Standing) -> tuple[Decimal, ...]:
        measure = read(standing)
        if measure is None:
            measure = _ZERO
        if not lower:
            return (measure,)
        keys = (-k if low else k for k, low in zip(standing.tie_keys, lower, strict=False))
        return (measure, *keys)

    return value


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


#: the tie rules a pack may name in ``ranking.ties``: how units equal on everything are
#: numbered. A new rule is one entry here and its name in the pack schema's ``ties`` enum.
#: (Looked up by name at call time, so a test can swap a rule's function.)
TIE_RULES: dict[str, Callable[[list[tuple[Decimal, ...]]], list[int]]] = {
    "shared": lambda values: _competition_ranks(values),
    "dense": lambda values: _dense_ranks(values),
}


def _numbered(pack: Pack, values: list[tuple[Decimal, ...]]) -> list[int]:
    """Rank numbers of ``values`` sorted best first, as the pack's ``ties`` says."""
    return TIE_RULES[pack.ranking.ties](values)


def _note_ties(pack: Pack, ranked: list[Standing], values: list[tuple[Decimal, ...]]) -> None:
    """Tell each unit equal to others on the measure who they are (the first
    :data:`TIED_NAMED` of them) and the first step of the chain after which no other unit
    shares its keys (None when none does: the rank is shared). Units past the first
    :data:`TIED_NAMED` + 1 of a group all name the same units: they share one tuple."""
    groups: dict[Decimal, list[int]] = {}
    for i, value in enumerate(values):
        groups.setdefault(value[0], []).append(i)
    steps = pack.ranking.tie_break
    for members in groups.values():
        if len(members) < 2:
            continue
        # how many members share each key prefix, after each step of the chain
        shared = [Counter(values[i][: depth + 2] for i in members) for depth in range(len(steps))]
        named = tuple(ranked[j].unit_id for j in members[: TIED_NAMED + 1])
        rest = named[:TIED_NAMED]
        for position, i in enumerate(members):
            settled = None
            for depth, step in enumerate(steps):
                if shared[depth][values[i][: depth + 2]] == 1:
                    settled = step.title
                    break
            if position <= TIED_NAMED:
                others = (*named[:position], *named[position + 1 :])[:TIED_NAMED]
            else:
                others = rest
            _set(ranked[i], tied_with=others, tie_step=settled)


def _names_within_ties(ranked: list[Standing], values: list[tuple[Decimal, ...]]) -> None:
    """Order each run of equal ``values`` by name, in Vietnamese alphabetical order (the
    collation key is worked out only for units that are tied)."""
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or values[end] != values[start]:
            if end - start > 1:
                ranked[start:end] = sorted(ranked[start:end], key=lambda s: sort_key(s.name))
            start = end


#: sets a field of a standing nobody else holds, in place: ranking gives each unit its
#: rank without copying its standing (a batch of 100,000 units keeps one each, never two)
_put = object.__setattr__


def _set(standing: Standing, **changes: object) -> None:
    """Give a standing nobody else holds its place in the table (see :data:`_put`)."""
    for name, value in changes.items():
        _put(standing, name, value)


def _rank_group(pack: Pack, block: Block, standings: list[Standing]) -> list[Standing]:
    value_of = _values_of(pack, block)
    keyed = [(value_of(s), s) for s in standings if s.status == RANKED]
    keyed.sort(key=itemgetter(0), reverse=True)
    values = [value for value, _ in keyed]
    ranked = [s for _, s in keyed]
    del keyed
    _names_within_ties(ranked, values)
    for s, r in zip(ranked, _numbered(pack, values), strict=True):
        _put(s, "rank", r)
        _put(s, "tied_with", ())
        _put(s, "tie_step", None)
    _note_ties(pack, ranked, values)
    rest = [s for s in standings if s.status != RANKED]
    rest.sort(key=lambda s: (STATUS_ORDER[s.status], -measure_of(pack, block, s), sort_key(s.name)))
    return ranked + rest


def _rank_in_parent(pack: Pack, block: Block, ordered: list[Standing]) -> None:
    value_of = _values_of(pack, block)
    by_parent: dict[str, list[Standing]] = {}
    for s in ordered:
        if s.status == RANKED and s.parent:
            by_parent.setdefault(s.parent, []).append(s)
    for members in by_parent.values():
        ranks = _numbered(pack, [value_of(s) for s in members])
        for s, r in zip(members, ranks, strict=True):
            _set(s, rank_in_parent=r)


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
    The standings given are left as they are: the tables hold copies.
    """
    own = (
        attrs.evolve(item) if isinstance(item, Standing) else Standing.of(item) for item in results
    )
    return place(pack, own, roster=roster, period=period)


def place(
    pack: Pack,
    standings: Iterable[Standing],
    *,
    roster: bool = True,
    period: str | None = None,
) -> dict[str, list[Standing]]:
    """:func:`rank` for standings that nobody else holds (a batch's own): each one is given
    its rank where it is, so that ranking copies nothing, however many units there are."""
    by_block: dict[str, list[Standing]] = {b.id: [] for b in pack.blocks}
    present = []
    for standing in standings:
        if standing.status == INTERIM:
            continue
        by_block[standing.block].append(standing)
        present.append((standing.block, standing.unit_id))
    if roster:
        for standing in missing_units(pack, present, period):
            by_block[standing.block].append(standing)
    del present
    out = {}
    for block_id in list(by_block):
        block = pack.block(block_id)
        ordered = _rank_group(pack, block, by_block.pop(block_id))
        if pack.ranking.within_parent:
            _rank_in_parent(pack, block, ordered)
        out[block_id] = ordered
    return out


def rank_lookup(tables: Mapping[str, list[Standing]]) -> dict[tuple[str, str], Standing]:
    """``{(block, unit id): standing}`` for every unit of ranked tables."""
    return {(s.block, s.unit_id): s for rows in tables.values() for s in rows}
