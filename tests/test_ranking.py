"""Ranking: shared ranks (1, 2, 2, 4), unranked units last, order independence."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

from criteria_engine.model.pack import (
    Block,
    Decision,
    ExcludedUnit,
    Pack,
    Ranking,
    RosterUnit,
    Rounding,
)
from criteria_engine.model.results import EXCLUDED, LATE, MISSING, RANKED, Standing
from criteria_engine.ranking.order import rank


def _pack(**kw) -> Pack:
    block = Block(id="commune", title="Khối xã", unit_kind="commune", inputs={}, criteria=())
    import datetime as dt

    return Pack(
        name="t",
        title="T",
        province="T",
        decision=Decision("1/QĐ-UBND", dt.date(2020, 1, 1), dt.date(2020, 1, 1)),
        blocks=(block,),
        levels=(),
        ranking=kw.pop("ranking", Ranking()),
        rounding=Rounding(),
        path=Path("."),
        **kw,
    )


def _s(uid: str, total: str | None, status: str = RANKED, parent: str | None = None) -> Standing:
    value = None if total is None else Decimal(total)
    return Standing(
        unit_id=uid,
        name=f"Xã {uid}",
        block="commune",
        status=status,
        total=value,
        published_total=value,
        parent=parent,
    )


def test_equal_totals_share_a_rank_and_the_next_is_skipped():
    rows = rank(_pack(), [_s("a", "90"), _s("b", "80"), _s("c", "80"), _s("d", "70")])["commune"]
    assert [(s.unit_id, s.rank) for s in rows] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_exact_compare_separates_what_rounding_ties():
    pack = _pack(ranking=Ranking(compare="exact"))
    a = attrs.evolve(_s("a", "80"), total=Decimal("80.004"))
    b = attrs.evolve(_s("b", "80"), total=Decimal("80.001"))
    assert [s.rank for s in rank(pack, [b, a])["commune"]] == [1, 2]
    assert [s.rank for s in rank(_pack(), [b, a])["commune"]] == [1, 1]


def test_late_excluded_and_missing_come_after_every_ranked_unit():
    pack = _pack(roster=(RosterUnit("m", "Xã m", "commune"), RosterUnit("a", "Xã a", "commune")))
    rows = rank(pack, [_s("late", "99", LATE), _s("a", "10"), _s("ex", None, EXCLUDED)])["commune"]
    assert [(s.unit_id, s.status, s.rank) for s in rows] == [
        ("a", RANKED, 1),
        ("late", LATE, None),
        ("ex", EXCLUDED, None),
        ("m", MISSING, None),
    ]


def test_excluded_roster_units_are_not_reported_missing():
    pack = _pack(roster=(RosterUnit("x", "Xã x", "commune"),), excluded=(ExcludedUnit("x"),))
    assert rank(pack, [])["commune"] == []


def test_rank_within_parent():
    pack = _pack(ranking=Ranking(within_parent=True))
    rows = rank(
        pack, [_s("a", "90", parent="h1"), _s("b", "80", parent="h2"), _s("c", "70", parent="h1")]
    )["commune"]
    assert {s.unit_id: s.rank_in_parent for s in rows} == {"a": 1, "b": 1, "c": 2}


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=30), st.randoms())
def test_ranking_is_independent_of_input_order(totals, rnd):
    units = [_s(f"u{i}", str(t)) for i, t in enumerate(totals)]
    shuffled = units[:]
    rnd.shuffle(shuffled)
    first = rank(_pack(), units)["commune"]
    second = rank(_pack(), shuffled)["commune"]
    assert [(s.unit_id, s.rank) for s in first] == [(s.unit_id, s.rank) for s in second]
    for s in first:  # competition ranking: 1 + number of units strictly better
        assert s.rank == 1 + sum(t > s.total for t in (u.total for u in units))


def test_ties_are_listed_in_vietnamese_name_order():
    units = [
        attrs.evolve(_s(str(i), "50"), name=n)
        for i, n in enumerate(["Xã Đông", "Xã Dương", "Xã Ân", "Xã An"])
    ]
    random.Random(1).shuffle(units)
    assert [s.name for s in rank(_pack(), units)["commune"]] == [
        "Xã An",
        "Xã Ân",
        "Xã Dương",
        "Xã Đông",
    ]
