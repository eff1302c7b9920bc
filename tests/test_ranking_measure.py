"""What a rank compares: the levels' measure, the tie-break chain, and how ties are numbered.

Where items that do not apply shrink some units' maxima, a block is ranked on the published
percentage (what the levels use), so a unit at 87 % never ranks below one at 85 %. The
first test checks exactly that over every bundled example batch of every pack.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import criteria_engine as ce
from criteria_engine.dsl import Scope, Type, compile_formula
from criteria_engine.model.pack import (
    Block,
    Criterion,
    Decision,
    Pack,
    Ranking,
    Rounding,
    TieStep,
)
from criteria_engine.model.results import LATE, RANKED, Standing
from criteria_engine.ranking.order import measure_of, rank

from .helpers import ROOT

SUFFIXES = (".json", ".yaml", ".csv", ".xlsx")


def _example_batches() -> list[tuple[Path, Path]]:
    """(pack folder, batch folder) for every example batch of every bundled pack version."""
    found = []
    for manifest in sorted((ROOT / "packs").rglob("pack.yaml")):
        examples = manifest.parent / "examples"
        if examples.is_dir():
            found += [
                (manifest.parent, d)
                for d in sorted(examples.iterdir())
                if d.is_dir() and d.name != "invalid"
            ]
    return found


BATCHES = _example_batches()


def test_every_pack_has_example_batches() -> None:
    packs = {folder.relative_to(ROOT / "packs").parts[0] for folder, _ in BATCHES}
    assert packs == {"backan", "gialai", "hatinh", "hungyen", "kontum"}


@pytest.mark.parametrize(
    ("folder", "batch"), BATCHES, ids=[str(b.relative_to(ROOT / "packs")) for _, b in BATCHES]
)
def test_rank_order_follows_the_measure_in_every_example_batch(folder: Path, batch: Path):
    """No inversion: a ranked unit never sits above one with a higher published percent
    (or the declared measure), equal values share a rank, and so inside each parent."""
    pack = ce.load_pack(str(folder))
    files = sorted(p for p in batch.rglob("*") if p.suffix in SUFFIXES)
    outcome = ce.run_batch(pack, files)
    for block_id, rows in outcome.tables.items():
        block = pack.block(block_id)
        want = pack.ranking.measure or ("percent" if block.maxima_can_differ else "total")
        assert pack.rank_measure(block) == want
        field = "published_percent" if want == "percent" else "published_total"
        ranked = [s for s in rows if s.status == RANKED]
        for above, below in itertools.pairwise(ranked):
            a, b = getattr(above, field), getattr(below, field)
            assert a >= b, (block_id, above.unit_id, a, below.unit_id, b)
            assert (above.rank == below.rank) == (a == b), (block_id, above.unit_id)
        by_parent: dict[str, list[Standing]] = {}
        for s in ranked:
            if s.parent and pack.ranking.within_parent:
                by_parent.setdefault(s.parent, []).append(s)
        for members in by_parent.values():
            for above, below in itertools.pairwise(members):
                a, b = getattr(above, field), getattr(below, field)
                assert a >= b and (above.rank_in_parent == below.rank_in_parent) == (a == b)


# --- the measure, on a small block ---------------------------------------------------------

SCOPE = Scope(names={"n": Type.NUMBER}, criteria=["1", "2"])


def _block(*, applies: bool) -> Block:
    condition = compile_formula("n > 0", SCOPE, expect=Type.BOOLEAN) if applies else None
    formula = compile_formula("n", SCOPE)
    return Block(
        id="commune",
        title="Khối xã",
        unit_kind="commune",
        inputs={},
        criteria=(
            Criterion(id="1", title="A", max=Decimal(50), formula=formula),
            Criterion(id="2", title="B", max=Decimal(50), formula=formula, applies=condition),
        ),
    )


def _pack(block: Block, **ranking) -> Pack:
    day = dt.date(2020, 1, 1)
    return Pack(
        name="t",
        title="T",
        province="T",
        decision=Decision("1/QĐ-UBND", day, day),
        blocks=(block,),
        levels=(),
        ranking=Ranking(**ranking),
        rounding=Rounding(),
        path=Path("."),
    )


def _s(uid: str, total: str, maximum: str, *keys: str, status: str = RANKED) -> Standing:
    value, top = Decimal(total), Decimal(maximum)
    share = value / top
    return Standing(
        unit_id=uid,
        name=f"Xã {uid}",
        block="commune",
        status=status,
        total=value,
        published_total=value,
        percent=share,
        published_percent=(share * 100).quantize(Decimal("0.01")),
        max_total=top,
        tie_keys=tuple(Decimal(k) for k in keys),
    )


def test_maxima_that_can_differ_rank_on_the_percent() -> None:
    pack = _pack(_block(applies=True))
    assert pack.rank_measure(pack.block("commune")) == "percent"
    rows = rank(pack, [_s("big", "70", "100"), _s("small", "40", "50")])["commune"]
    assert [(s.unit_id, s.rank) for s in rows] == [("small", 1), ("big", 2)]  # 80 % over 70 %


def test_fixed_maxima_rank_on_the_total() -> None:
    pack = _pack(_block(applies=False))
    assert pack.rank_measure(pack.block("commune")) == "total"
    rows = rank(pack, [_s("a", "70", "100"), _s("b", "40", "50")])["commune"]
    assert [s.unit_id for s in rows] == ["a", "b"]


def test_a_declared_measure_wins() -> None:
    pack = _pack(_block(applies=True), measure="total")
    assert pack.rank_measure(pack.block("commune")) == "total"
    rows = rank(pack, [_s("small", "40", "50"), _s("big", "70", "100")])["commune"]
    assert [s.unit_id for s in rows] == ["big", "small"]
    fixed = _pack(_block(applies=False), measure="percent")
    assert fixed.rank_measure(fixed.block("commune")) == "percent"


def test_the_percent_is_compared_as_published_or_exact() -> None:
    """2/3 and 66.67/100 both publish 66.67 %: shared when published, apart when exact."""
    one, two = _s("a", "2", "3"), _s("b", "66.67", "100")
    assert one.published_percent == two.published_percent
    published = _pack(_block(applies=True))
    assert [s.rank for s in rank(published, [one, two])["commune"]] == [1, 1]
    exact = _pack(_block(applies=True), compare="exact")
    assert measure_of(exact, exact.block("commune"), one) == Decimal(2) / 3
    assert [(s.unit_id, s.rank) for s in rank(exact, [one, two])["commune"]] == [
        ("b", 1),
        ("a", 2),
    ]


def test_unranked_units_follow_the_measure_too() -> None:
    pack = _pack(_block(applies=True))
    late = [_s("big", "70", "100", status=LATE), _s("small", "45", "50", status=LATE)]
    rows = rank(pack, [*late, _s("x", "1", "100")])["commune"]
    assert [s.unit_id for s in rows] == ["x", "small", "big"]


# --- tie-break chains and dense numbering --------------------------------------------------

CHAIN = (
    TieStep('score("2")', label="điểm nhóm 2 cao hơn"),
    TieStep('score("1")', prefer="lower", label="ít điểm trừ hơn"),
)


def test_the_chain_settles_ties_step_by_step_and_says_which_step() -> None:
    pack = _pack(_block(applies=True), tie_break=CHAIN)
    units = [
        _s("a", "80", "100", "30", "5"),
        _s("b", "80", "100", "40", "9"),  # step 1: more in group 2
        _s("c", "80", "100", "30", "2"),  # step 2: fewer deductions than a
        _s("d", "80", "100", "30", "5"),  # same as a: still tied after the chain
        _s("e", "90", "100", "0", "0"),  # no tie
    ]
    rows = {s.unit_id: s for s in rank(pack, units)["commune"]}
    assert {u: rows[u].rank for u in rows} == {"e": 1, "b": 2, "c": 3, "a": 4, "d": 4}
    assert rows["b"].tie_step == "điểm nhóm 2 cao hơn"
    assert rows["c"].tie_step == "ít điểm trừ hơn"
    assert rows["a"].tie_step is None and rows["d"].tie_step is None
    assert set(rows["a"].tied_with) == {"b", "c", "d"}
    assert rows["e"].tied_with == () and rows["e"].tie_step is None


def test_without_a_chain_equal_units_share_and_say_with_whom() -> None:
    rows = rank(_pack(_block(applies=True)), [_s("a", "80", "100", "1"), _s("b", "80", "100")])
    assert [(s.rank, s.tied_with, s.tie_step) for s in rows["commune"]] == [
        (1, ("b",), None),
        (1, ("a",), None),
    ]


def test_dense_ties_do_not_skip_the_next_rank() -> None:
    units = [_s("a", "9", "10"), _s("b", "8", "10"), _s("c", "8", "10"), _s("d", "7", "10")]
    shared = rank(_pack(_block(applies=True)), units)["commune"]
    dense = rank(_pack(_block(applies=True), ties="dense"), units)["commune"]
    assert [s.rank for s in shared] == [1, 2, 2, 4]
    assert [s.rank for s in dense] == [1, 2, 2, 3]


def test_step_titles_default_to_the_formula() -> None:
    assert TieStep('score("3")').title == 'score("3") cao hơn'
    assert TieStep('score("6")', prefer="lower").title == 'score("6") thấp hơn'
    assert TieStep("x", label="ít điểm trừ hơn").title == "ít điểm trừ hơn"


def test_a_large_tie_names_twenty_of_the_others() -> None:
    """A block where everyone is equal (nobody scored) stays cheap to list: each line names
    the first 20 of the units it ties with."""
    units = [_s(f"x{i:02d}", "0", "100") for i in range(25)]
    rows = rank(_pack(_block(applies=True)), units)["commune"]
    assert {s.rank for s in rows} == {1}
    assert {len(s.tied_with) for s in rows} == {20}
    first = next(s for s in rows if s.unit_id == "x00")
    assert first.tied_with == tuple(f"x{i:02d}" for i in range(1, 21))


def test_a_unit_without_figures_counts_as_zero() -> None:
    blank = Standing(unit_id="z", name="Xã Z", block="commune", status=RANKED)
    rows = rank(_pack(_block(applies=True)), [blank, _s("a", "1", "100")])["commune"]
    assert [(s.unit_id, s.rank) for s in rows] == [("a", 1), ("z", 2)]
    assert measure_of(_pack(_block(applies=True)), _block(applies=True), blank) == 0


def test_only_ranked_units_get_a_rank_in_their_parent() -> None:
    pack = _pack(_block(applies=True), within_parent=True)
    units = [
        attrs.evolve(_s("a", "80", "100"), parent="h"),
        attrs.evolve(_s("b", "90", "100", status=LATE), parent="h"),
        _s("c", "70", "100"),
    ]
    rows = {s.unit_id: s for s in rank(pack, units)["commune"]}
    assert (rows["a"].rank_in_parent, rows["b"].rank_in_parent) == (1, None)
    assert rows["c"].rank_in_parent is None  # no parent


def test_rank_lookup_finds_every_unit_by_block_and_id() -> None:
    tables = rank(_pack(_block(applies=True)), [_s("a", "1", "2"), _s("b", "1", "4")])
    found = ce.rank_lookup(tables)
    assert set(found) == {("commune", "a"), ("commune", "b")}
    assert found[("commune", "a")].rank == 1 and found[("commune", "b")].rank == 2
