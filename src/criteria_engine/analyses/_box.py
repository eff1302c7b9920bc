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
from decimal import Decimal

from ..evaluation.rounding import round_published
from ..model.pack import Pack

_ZERO, _HUNDRED = Decimal(0), Decimal(100)
#: kept beyond the step when a pair is settled from extremes worked out to 120 digits
_MARGIN = Decimal("1e-50")


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


def _corner_sums(base: Decimal, parts, low: Decimal, high: Decimal) -> list[Decimal]:
    """``base + sum(a * w)`` at every corner, in :func:`itertools.product` order (the first
    weight changes slowest); exact, so the order of the additions does not matter."""
    sums = [_ZERO]
    for a in parts:
        at_low, at_high = a * low, a * high
        sums = [s + v for s in sums for v in (at_low, at_high)]
    return [base + s for s in sums]


def corner_ranks(pack, block, ids, vectors, ties, x: Decimal, size: int) -> dict[str, list[int]]:
    """Each unit's rank at each corner of the box (``size`` weights, each ``1 ± x``, in
    :func:`itertools.product` order), as the engine ranks the weighted figures. Call it
    in a context wide enough for the sums to be exact."""
    low, high = 1 - x, 1 + x
    percent = pack.rank_measure(block) == "percent"
    published = pack.ranking.compare == "published"
    measures = {}
    for uid in ids:
        s, m, rest, rest_max = vectors[uid]
        totals = _corner_sums(rest, s, low, high)
        if percent:
            out = []
            for total, maximum in zip(totals, _corner_sums(rest_max, m, low, high), strict=True):
                share = total / maximum if maximum else _ZERO
                out.append(round_published(pack, share * _HUNDRED) if published else share)
        else:
            out = [round_published(pack, t) for t in totals] if published else totals
        measures[uid] = out
    found: dict[str, list[int]] = {uid: [] for uid in ids}
    for i in range(2**size):
        values = {uid: (measures[uid][i], *ties[uid]) for uid in ids}
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


#: a float screen's answer is trusted only this far from where it would change
_SAFE = 1e-6


def screen(fa, fb, x: float, q: float, wins: bool, percent: bool):
    """The pair decision of :mod:`.sensitivity` in binary floats, when every comparison is
    far from its edge; None (decide exactly) when one is close. Only for units with the
    same maxima."""
    d = [b - a for a, b in zip(fa[0], fb[0], strict=True)]
    rest = fb[2] - fa[2]

    def ext(k: float) -> tuple[float, float]:
        if percent:
            c = [100 * di - k * mi for di, mi in zip(d, fa[1], strict=True)]
            const = 100 * rest - k * fa[3]
        else:
            c, const = d, rest - k
        base = sum(c) + const
        spread = x * sum(abs(v) for v in c)
        return base - spread, base + spread

    scale = 1.0 + fa[4] + fb[4]
    if percent:  # the extremes at k = 0, from two sums
        base, spread = 100 * (sum(d) + rest), 100 * x * sum(abs(v) for v in d)
        first = base - spread, base + spread
    else:
        first = ext(0.0)
    # units far apart: the rounding step cannot change the answer (q times the largest
    # denominator bounds what it moves), so one pair of extremes decides
    reach = q * ((1 + x) * fa[5] + abs(fa[3]) if percent else 1.0) + _SAFE * scale
    if first[0] > reach:
        return True, True
    if first[1] < -reach:
        return False, False
    checks = [first] + ([ext(q), ext(-q)] if q else [])
    if any(abs(v) < _SAFE * scale for pair in checks for v in pair):
        return None
    lo0, hi0 = checks[0]
    if q:
        surely = checks[1][0] >= 0 or (wins and lo0 >= 0)
        possible = hi0 > 0 or (wins and checks[2][1] > 0)
    else:
        surely = lo0 > 0 or (wins and lo0 >= 0)
        possible = hi0 > 0 or (wins and hi0 >= 0)
    return surely, possible
