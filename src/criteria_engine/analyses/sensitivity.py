"""How firm the order is: rank intervals when weights move, and the units that one small
verification error would move.

**Weights.** Each group's (or each scored item's) points are multiplied by a weight in
``[1 - x, 1 + x]``; a unit's total and maximum are then linear in the weights. Where a
block ranks on the total, or on the percent between units with the same maxima, whether
one unit can pass another somewhere in the box is the sign of a linear form, decided
exactly from its extremes on the box (each weight at the end its coefficient's sign
asks for). Where two units' maxima differ (an item that does not apply to one of them)
the percent is a ratio of linear forms: each unit's highest and lowest percent in the
box are found exactly, at corners, and give a sure bound; a corner where the pass
happens makes it exact, and a pair left undecided makes the unit's interval only sure,
not tight (``exact`` is then false). Published rounding and tie-break steps are taken
into account as the ranking takes them. The interval is sure: no weights in the box put
the unit outside it, but its two ends need not be reached by one set of weights.

**Smallest steps.** For every unit and every input its criteria read, the input moved
one step each way (one unit of a count, 0.01 of a number, the next listed choice, the
other yes/no): the units whose level or rank that changes are the ones a verification
team should check first. Block-wide figures are held; each move is scored by the engine.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..evaluation.rounding import round_published
from ..evaluation.unit import effective_max
from ..model.pack import Block, Criterion, Pack
from ..model.results import RANKED, Standing
from ..ranking.order import rank
from ._batch import Batch, Unit, evaluate_batch, ranked_value
from ._box import Settled, corner_ranks, extremes_of_totals, screen
from ._levers import leaves, parents
from ._steps import Fragile, fragile_units

_ZERO, _ONE, _HUNDRED = Decimal(0), Decimal(1), Decimal(100)
#: exact sums and products of 28-digit scores and short weights
_WIDE = decimal.Context(prec=120, traps=[decimal.InvalidOperation, decimal.DivisionByZero])
#: corners are ranked one by one only up to this many weights (2**10 corners)
MAX_CORNER_WEIGHTS = 10


@attrs.frozen
class RankInterval:
    """The ranks a unit can take with the weights anywhere in the box."""

    unit_id: str
    name: str
    block: str
    rank: int
    best: int
    worst: int
    corner_best: int | None = None  # the best and worst rank over the box's corners
    corner_worst: int | None = None
    exact: bool = True  # False: some pair was only bounded (units with unlike maxima)


@attrs.frozen
class Sensitivity:
    """Rank intervals for weights within ``±weights`` (per ``by``), and fragile units."""

    weights: Decimal
    by: str  # "group" | "criterion"
    intervals: tuple[RankInterval, ...]
    fragile: tuple[Fragile, ...]


# -- weights ---------------------------------------------------------------------------


def _coordinates(block: Block, by: str) -> list[Criterion]:
    if by == "group":
        return [c for c in block.criteria if c.weight]
    return list(leaves(block))


def _vectors(batch: Batch, block: Block, unit: Unit, coords: list[Criterion]):
    """The unit's counted points and maximum per weighted coordinate, and the fixed rest
    (in criterion mode, what group caps take: held, not weighted)."""
    scores, _, own = batch.scores(unit.submission)
    up = parents(block)

    def counts(crit: Criterion) -> bool:
        node: Criterion | None = crit
        while node is not None:
            if not own[node.id] or not node.weight:
                return False
            node = up[node.id]
        return True

    s, m = [], []
    for crit in coords:
        ok = counts(crit)
        s.append(scores[crit.id] if ok else _ZERO)
        m.append(effective_max(crit, own) if ok and crit.counts_in_max else _ZERO)
    with decimal.localcontext(_WIDE):
        rest = unit.result.total - sum(s, _ZERO)
        rest_max = unit.result.max_total - sum(m, _ZERO)
    return s, m, rest, rest_max


def _linear_extremes(c: list[Decimal], x: Decimal, const: Decimal = _ZERO):
    """The lowest and highest ``const + sum(c_i * w_i)`` with every ``w_i`` in [1-x, 1+x]."""
    base = sum(c, const)
    spread = x * sum((abs(v) for v in c), _ZERO)
    return base - spread, base + spread


def _ratio_extreme(s, m, rest, rest_max, x, highest: bool) -> list[Decimal]:
    """The corner of the box where ``(rest + s.w) / (rest_max + m.w)`` is highest (or
    lowest): Dinkelbach's iteration, which ends at an optimal corner."""
    lo, hi = _ONE - x, _ONE + x
    w = [_ONE] * len(s)
    for _ in range(4 * len(s) + 4):
        den = rest_max + sum((mi * wi for mi, wi in zip(m, w, strict=True)), _ZERO)
        t = (rest + sum((si * wi for si, wi in zip(s, w, strict=True)), _ZERO)) / den
        new = [
            (hi if (si - t * mi > 0) == highest else lo) if si - t * mi else wi
            for si, mi, wi in zip(s, m, w, strict=True)
        ]
        if new == w:
            break
        w = new
    return w


def _ratio_at(v, w) -> tuple[Decimal, Decimal]:
    s, m, rest, rest_max = v
    num = rest + sum((a * b for a, b in zip(s, w, strict=True)), _ZERO)
    den = rest_max + sum((a * b for a, b in zip(m, w, strict=True)), _ZERO)
    return num, den


def _weighted_standings(pack, block, units, vectors, w) -> list[Standing]:
    """The standings at weights ``w``, for the engine to rank."""
    out = []
    with decimal.localcontext(_WIDE):
        for unit in units:
            total, maximum = _ratio_at(vectors[unit.result.unit_id], w)
            percent = total / maximum if maximum else _ZERO
            old = unit.standing
            out.append(
                Standing(
                    unit_id=old.unit_id,
                    name=old.name,
                    block=old.block,
                    status=old.status,
                    total=total,
                    max_total=maximum,
                    percent=percent,
                    published_total=round_published(pack, total),
                    published_percent=round_published(pack, percent * _HUNDRED),
                    tie_keys=old.tie_keys,
                )
            )
    return out


def ranks_at(pack: Pack, block: Block, units, vectors, w) -> dict[str, int]:
    """Every unit's rank at weights ``w``, by the engine's own ranking."""
    table = rank(pack, _weighted_standings(pack, block, units, vectors, w), roster=False)
    return {s.unit_id: s.rank for s in table[block.id] if s.rank is not None}


def _percent_at(v, w) -> Decimal:
    num, den = _ratio_at(v, w)
    return num / den * _HUNDRED if den else _ZERO


def _diff(va, vb, wa, wb) -> Decimal:
    """``100 * (percent of b at wb - percent of a at wa)``."""
    na, da = _ratio_at(va, wa)
    nb, db = _ratio_at(vb, wb)
    return (nb / db - na / da) * _HUNDRED


class _Pair:
    """``measure(b) - measure(a)`` on the box: ``inf(k)``/``sup(k)`` are the extremes of
    something with the sign of ``difference - k`` (exact where it is linear), else bounds
    of the difference itself, from each unit's own extreme percents."""

    def __init__(self, pack, block, va, vb, x, ext) -> None:
        self.x = x
        self.percent = pack.rank_measure(block) == "percent"
        sa, ma, ra, rma = va
        sb, mb, rb, rmb = vb
        self.d = [b - a for a, b in zip(sa, sb, strict=True)]
        self.rest = rb - ra
        self.m, self.rm = ma, rma
        self.linear = not self.percent or (ma == mb and rma == rmb)
        if not self.linear:
            self.lo = ext[id(vb)][2] - ext[id(va)][3]
            self.hi = ext[id(vb)][3] - ext[id(va)][2]

    def _form(self, k: Decimal):
        if not self.percent:
            return self.d, self.rest - k
        c = [_HUNDRED * di - k * mi for di, mi in zip(self.d, self.m, strict=True)]
        return c, _HUNDRED * self.rest - k * self.rm

    def inf(self, k: Decimal) -> Decimal:
        if not self.linear:
            return self.lo - k
        return _linear_extremes(*self._form(k)[:1], self.x, self._form(k)[1])[0]

    def sup(self, k: Decimal) -> Decimal:
        if not self.linear:
            return self.hi - k
        return _linear_extremes(*self._form(k)[:1], self.x, self._form(k)[1])[1]


def _decide(pair: _Pair, q: Decimal, wins: bool) -> tuple[bool, bool]:
    """``(surely above, possibly above)`` for b against a, as the ranking compares:
    rounded ``q`` apart (published) or exactly, then the tie-break (``wins``)."""
    if q:
        surely = pair.inf(q) >= 0 or (wins and pair.inf(_ZERO) >= 0)
        possible = pair.sup(_ZERO) > 0 or (wins and pair.sup(-q) > 0)
    else:
        surely = pair.inf(_ZERO) > 0 or (wins and pair.inf(_ZERO) >= 0)
        possible = pair.sup(_ZERO) > 0 or (wins and pair.sup(_ZERO) >= 0)
    return surely, possible


def _intervals(batch: Batch, block: Block, x: Decimal, by: str) -> list[RankInterval]:
    pack = batch.pack
    units = [u for u in batch.block_units(block.id) if u.result.status == RANKED]
    if not units:
        return []
    coords = _coordinates(block, by)
    vectors = {u.result.unit_id: _vectors(batch, block, u, coords) for u in units}
    percent = pack.rank_measure(block) == "percent"
    q = Decimal(1).scaleb(-pack.rounding.places) if pack.ranking.compare == "published" else _ZERO
    ties = {u.result.unit_id: ranked_value(pack, block, u.standing)[1:] for u in units}
    out = []
    with decimal.localcontext(_WIDE):
        ext = {}
        if percent:
            for v in vectors.values():
                low, high = _ratio_extreme(*v, x, False), _ratio_extreme(*v, x, True)
                ext[id(v)] = (low, high, _percent_at(v, low), _percent_at(v, high))
        fx, fq = float(x), float(q)
        shape = {u: (tuple(v[1]), v[3]) for u, v in vectors.items()}
        floats = {
            u: (
                [float(a) for a in v[0]],
                [float(a) for a in v[1]],
                float(v[2]),
                float(v[3]),
                sum(abs(float(a)) for a in v[0]),  # what scales the safety margin
                sum(float(a) for a in v[1]),
            )
            for u, v in vectors.items()
        }
        corner = None
        ids = [u.result.unit_id for u in units]
        if len(coords) <= MAX_CORNER_WEIGHTS:
            corner = corner_ranks(pack, block, ids, vectors, ties, x, len(coords))
        if percent:
            low = {u: ext[id(v)][2] for u, v in vectors.items()}
            high = {u: ext[id(v)][3] for u, v in vectors.items()}
        else:
            low, high = extremes_of_totals(vectors, x)
        settled = Settled(low, high, q)
        ratios: dict = {}
        for a in units:
            aid = a.result.unit_id
            # pairs settled on the whole box: b above a at every weight, or at none
            sure = possible = settled.above(aid)
            exact = True
            for bid in settled.open_pairs(aid):
                wins = ties[bid] > ties[aid]
                same = not percent or shape[aid] == shape[bid]
                quick = screen(floats[aid], floats[bid], fx, fq, wins, percent) if same else None
                if quick is None:
                    pair = _Pair(pack, block, vectors[aid], vectors[bid], x, ext)
                    surely, can = _decide(pair, q, wins)
                else:
                    surely, can = quick
                    pair = None
                sure += surely
                possible += can
                if can and not surely and pair is not None and not pair.linear:
                    # only bounded: a corner where b is above makes "possible" exact
                    exact = exact and _witness(vectors, aid, bid, ext, ratios)
            rank_now = a.standing.rank
            if pack.ranking.ties == "dense":
                best, worst = (1 if sure == 0 else 2), 1 + possible
            else:
                best, worst = 1 + sure, 1 + possible
            cb = min(corner[aid]) if corner else None
            cw = max(corner[aid]) if corner else None
            out.append(
                RankInterval(aid, a.result.name, block.id, rank_now, min(best, rank_now),
                             max(worst, rank_now), cb, cw, exact)
            )
    return out


def _witness(vectors, aid, bid, ext, ratios: dict | None = None) -> bool:
    """Whether ``b`` is strictly above ``a`` at one of the corners that bound them
    (``ratios`` keeps each unit's share at each corner asked: few corners recur)."""
    va, vb = vectors[aid], vectors[bid]
    for w in (ext[id(vb)][1], ext[id(va)][0], [_ONE] * len(va[0])):
        if ratios is None:
            if _diff(va, vb, w, w) > 0:
                return True
            continue
        # b above a: b's share above a's (both exact to 120 digits, so the sign of the
        # difference is the order of the two)
        key = tuple(w)
        shares = []
        for uid, v in ((aid, va), (bid, vb)):
            share = ratios.get((uid, key))
            if share is None:
                num, den = _ratio_at(v, w)
                share = ratios[(uid, key)] = num / den
            shares.append(share)
        if shares[1] > shares[0]:
            return True
    return False


def box_size(weights: Decimal | str | float) -> Decimal:
    """How far weights move, as a fraction: ``"10%"`` and ``0.1`` are both 0.1."""
    text = str(weights).strip()
    try:
        if text.endswith("%"):
            return Decimal(text[:-1].strip()) / 100
        return Decimal(text)
    except decimal.InvalidOperation:
        raise ValueError(f"{weights!r} is not a share such as 10% or 0.1") from None


def sensitivity(
    pack: Pack,
    units: Any,
    *,
    weights: Decimal | str = Decimal("0.1"),
    by: str = "group",
    block: str | None = None,
    steps: bool = True,
) -> Sensitivity:
    """Rank intervals with each group's (``by="criterion"``: each scored item's) weight
    within ``1 ± weights`` (0.1 or "10%" is ±10 %), and, with ``steps``, the units whose level or
    rank one smallest step of one input changes. ``units``: as :func:`evaluate_many`."""
    x = box_size(weights)
    if not _ZERO <= x < _ONE:
        raise ValueError(f"weights must move by less than 100 %, got {x * 100} %")
    if by not in ("group", "criterion"):
        raise ValueError(f"by must be 'group' or 'criterion', got {by!r}")
    batch = evaluate_batch(pack, units)
    intervals: list[RankInterval] = []
    fragile: list[Fragile] = []
    for b in pack.blocks:
        if block is not None and b.id != block:
            continue
        intervals += _intervals(batch, b, x, by)
        if steps:
            fragile += fragile_units(batch, b)
    return Sensitivity(x, by, tuple(intervals), tuple(fragile))


def weighted_ranks(
    pack: Pack, units: Any, block: str, weights: Mapping[str, Decimal], by: str = "group"
) -> dict[str, int]:
    """Every ranked unit's rank with the given weight per group (or scored item) id —
    the engine's ranking of the weighted figures, for checking intervals."""
    batch = evaluate_batch(pack, units)
    b = pack.block(block)
    coords = _coordinates(b, by)
    ranked = [u for u in batch.block_units(block) if u.result.status == RANKED]
    vectors = {u.result.unit_id: _vectors(batch, b, u, coords) for u in ranked}
    w = [Decimal(weights.get(c.id, _ONE)) for c in coords]
    with decimal.localcontext(_WIDE):
        return ranks_at(pack, b, ranked, vectors, w)
