"""Fast, exact shortcuts for rank intervals: ranks at the box's corners by sorting the
weighted figures (with the engine's comparison and tie numbering), and the pairs of units
whose order is settled on the whole box by each unit's own extremes.

A unit's measure (total, or percent of its maximum) lies between its lowest and highest
value on the box. When ``b``'s lowest is above ``a``'s highest by more than the rounding
step, ``b`` is above ``a`` at every weight, whatever the tie-break; when ``b``'s highest is
below ``a``'s lowest by more than the step, it never is. Only the pairs in between are
decided pair by pair. Counting the settled pairs is a search in sorted lists.
"""

from __future__ import annotations

import bisect
import decimal
from collections.abc import Sequence
from decimal import Decimal

from ..evaluation.rounding import round_published
from ..model.pack import Block, Pack

_ZERO, _HUNDRED = Decimal(0), Decimal(100)
#: kept beyond the step when a pair is settled from extremes worked out to 120 digits
_MARGIN = Decimal("1e-50")


def measure_at(pack: Pack, block: Block, vector, w: Sequence[Decimal]) -> Decimal:
    """The figure the ranking compares for a unit at weights ``w`` (published or exact),
    computed as the engine's ranking computes it from a unit's standing."""
    s, m, rest, rest_max = vector
    total = rest + sum([a * b for a, b in zip(s, w, strict=True)], _ZERO)
    published = pack.ranking.compare == "published"
    if pack.rank_measure(block) == "percent":
        maximum = rest_max + sum([a * b for a, b in zip(m, w, strict=True)], _ZERO)
        percent = total / maximum if maximum else _ZERO
        return round_published(pack, percent * _HUNDRED) if published else percent
    return round_published(pack, total) if published else total


def numbered(pack: Pack, values: dict[str, tuple]) -> dict[str, int]:
    """Rank numbers of ``values`` (larger is better), numbered as the engine numbers them:
    1, 2, 2, 4, or 1, 2, 2, 3 with ``ties: dense``."""
    ordered = sorted(values.items(), key=lambda item: item[1], reverse=True)
    dense = pack.ranking.ties == "dense"
    out: dict[str, int] = {}
    previous, current = None, 0
    for i, (uid, value) in enumerate(ordered):
        if i == 0 or value != previous:
            current = current + 1 if dense else i + 1
            previous = value
        out[uid] = current
    return out


def corner_ranks(pack, block, ids, vectors, ties, corners) -> dict[str, list[int]]:
    """Each unit's rank at each corner of the box (weights ``corners``), as the engine
    ranks the weighted figures."""
    found: dict[str, list[int]] = {uid: [] for uid in ids}
    for w in corners:
        values = {uid: (measure_at(pack, block, vectors[uid], w), *ties[uid]) for uid in ids}
        for uid, r in numbered(pack, values).items():
            found[uid].append(r)
    return found


class Settled:
    """Pairs whose order is the same at every weight of the box, counted from each unit's
    lowest and highest measure (``low``/``high``, in the units the step ``q`` is in)."""

    def __init__(self, low: dict[str, Decimal], high: dict[str, Decimal], q: Decimal) -> None:
        self.low, self.high = low, high
        self.q = q + _MARGIN
        self.lows = sorted(low.values())
        self.highs = sorted(high.values())
        self.by_low = sorted(low, key=low.__getitem__)
        self.low_keys = [low[u] for u in self.by_low]

    def above(self, a: str) -> int:
        """How many units are above ``a`` at every weight."""
        return len(self.lows) - bisect.bisect_right(self.lows, self.high[a] + self.q)

    def open_pairs(self, a: str) -> list[str]:
        """The units (other than ``a``) whose order with ``a`` the extremes leave open."""
        top = bisect.bisect_right(self.low_keys, self.high[a] + self.q)
        floor = self.low[a] - self.q
        high = self.high
        return [b for b in self.by_low[:top] if high[b] >= floor and b != a]


def extremes_of_totals(vectors, x: Decimal) -> tuple[dict, dict]:
    """Each unit's lowest and highest total on the box (exact: a linear form)."""
    low, high = {}, {}
    with decimal.localcontext() as ctx:
        ctx.prec = 120
        for uid, (s, _, rest, _) in vectors.items():
            base = sum(s, rest)
            spread = x * sum((abs(v) for v in s), _ZERO)
            low[uid], high[uid] = base - spread, base + spread
    return low, high
