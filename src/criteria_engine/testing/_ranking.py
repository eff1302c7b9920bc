"""Ranking rules, checked on a ranked table against what the batch says about each unit.

The rules a published table must follow whatever the figures: units are ranked on the
block's measure (the percent where maxima can differ, else the total, unless the pack
declares one), equal values share a rank and the next rank is skipped (1, 2, 2, 4); units
that were late, sent no date where a deadline applies, were excluded or never sent anything
get no rank and come after every ranked unit; interim updates never appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model.results import EXCLUDED, LATE, RANKED, UNDATED
from ._describe import unit_line

if TYPE_CHECKING:
    from ..model.pack import Pack
    from ..model.results import Standing


def compared(pack: Pack, standing: Standing) -> tuple[Decimal, ...]:
    """What the ranking compares: the block's measure (percent or total, published or
    exact), then the tie-breaks, each turned so that larger is better."""
    exact = pack.ranking.compare == "exact"
    if pack.rank_measure(pack.block(standing.block)) == "percent":
        value = standing.percent if exact else standing.published_percent
    else:
        value = standing.total if exact else standing.published_total
    keys = [
        key if step.prefer == "higher" else -key
        for key, step in zip(standing.tie_keys, pack.ranking.tie_break, strict=False)
    ]
    return (value or Decimal(0), *keys)


def expected_status(pack: Pack, record: Mapping[str, Any], block_id: str) -> str:
    """The status a generated record must get: excluded, late or ranked."""
    if pack.excluded_unit(record["id"], record["name"]):
        return EXCLUDED
    deadline = pack.deadline(str(record.get("period")), block_id)
    submitted = record.get("submitted")
    if deadline is not None and not submitted:
        return UNDATED
    if deadline is not None and dt.date.fromisoformat(submitted) >= deadline:
        return LATE
    return RANKED


def _competition(
    pack: Pack, values: list[tuple[Decimal, ...]], value: tuple[Decimal, ...]
) -> int:
    """1 + how many are ahead (shared ties), or how many distinct values are (dense)."""
    if pack.ranking.ties == "dense":
        return 1 + len({other for other in values if other > value})
    return 1 + sum(1 for other in values if other > value)


def table_problems(
    pack: Pack, block_id: str, records: Sequence[Mapping[str, Any]], table: list[Standing]
) -> list[str]:
    """Every ranking rule the table breaks, each with the units concerned."""
    problems: list[str] = []
    yearly = [r for r in records if r.get("stage", "year") == "year"]
    by_id = {s.unit_id: s for s in table}
    for standing in table:
        if standing.stage != "year":
            problems.append(f"an interim update is in the ranked table: {unit_line(standing)}")
    for record in yearly:
        standing = by_id.get(record["id"])
        want = expected_status(pack, record, block_id)
        if standing is None:
            problems.append(f"unit {record['id']!r} is missing from the table")
        elif standing.status != want:
            problems.append(
                f"{unit_line(standing)} should be {want} (submitted "
                f"{record.get('submitted') or 'with no date'})"
            )
    ranked = [s for s in table if s.status == RANKED]
    first_other = next((i for i, s in enumerate(table) if s.status != RANKED), len(table))
    for later in table[first_other:]:
        if later.status == RANKED:
            problems.append(
                f"{unit_line(later)} comes after {unit_line(table[first_other])}: "
                "late, excluded and missing units must come after every ranked unit"
            )
            break
    for standing in table:
        if standing.status != RANKED and standing.rank is not None:
            problems.append(f"{unit_line(standing)} has a rank, but only ranked units get one")
    values = [compared(pack, s) for s in ranked]
    for standing, value in zip(ranked, values, strict=True):
        want_rank = _competition(pack, values, value)
        if standing.rank != want_rank:
            ahead = [unit_line(s) for s, v in zip(ranked, values, strict=True) if v > value]
            problems.append(
                f"{unit_line(standing)} should have rank {want_rank} "
                f"({len(ahead)} unit(s) ahead of it"
                + (": " + "; ".join(ahead[:3]) if ahead else "")
                + "); equal totals share a rank and the next rank is skipped (1, 2, 2, 4)"
            )
    if [s.rank for s in ranked] != sorted(s.rank or 0 for s in ranked):
        problems.append(
            "ranked units are not listed in rank order: " + "; ".join(unit_line(s) for s in ranked)
        )
    if pack.ranking.within_parent:
        problems += _parent_problems(pack, ranked)
    return problems


def _parent_problems(pack: Pack, ranked: list[Standing]) -> list[str]:
    problems = []
    for standing in ranked:
        if not standing.parent:
            continue
        siblings = [compared(pack, s) for s in ranked if s.parent == standing.parent]
        want = _competition(pack, siblings, compared(pack, standing))
        if standing.rank_in_parent != want:
            problems.append(
                f"{unit_line(standing)} should have rank {want} among the units of "
                f"{standing.parent!r}, not {standing.rank_in_parent}"
            )
    return problems


def table_text(table: list[Standing]) -> str:
    """The table as indented lines, for a message."""
    return "\n".join("    " + unit_line(s) for s in table) or "    (empty)"
