"""What a block's formulas say about its inputs, read from their syntax trees.

Property tests need more than the declared types and ranges to produce submissions worth
testing:

* **shares** — ``ratio(done, total)`` says ``done`` is a part of ``total``. A real form
  never reports more documents sent electronically than documents sent, so generated
  submissions keep every part at or below its whole (``ratio(a + b, c)``: ``a + b <= c``);
* **cuts** — the constants an input is compared with (``x >= 5``, ``steps x { >= 80% …}``)
  and the ratio thresholds of a pair (``steps ratio(a, b) { >= 80% -> … }``). These are
  the values people argue about, so generated submissions land on them and just beside
  them;
* **divisors** — inputs that divide somewhere. Growing a divisor can lower a score, so
  such an input should not be marked ``better``; failure messages say so;
* **level cuts** — the percentages where the level scale changes.

Nothing here needs hypothesis: this module only reads the pack.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from ..dsl.functions import AGGREGATES
from ..dsl.nodes import Arith, Call, Compare, Name, Node, Steps, constant_value, walk
from ..inputs.types import input_type

if TYPE_CHECKING:
    from ..dsl import Formula
    from ..model.pack import Block, Input, Pack

#: Upper bound for a number or integer input that declares no ``max`` (nor ``min``: the
#: lower bound is then ``-DEFAULT_CAP``). Large enough for any count a unit reports.
DEFAULT_CAP = Decimal(10_000)


@attrs.frozen
class Share:
    """``sum(parts) <= whole``, read from ``ratio(part [+ part…], whole)``."""

    parts: tuple[str, ...]
    whole: str
    criterion: str


@attrs.frozen
class Cut:
    """An input compared with a constant, in the unit's own terms (percent points)."""

    name: str
    value: Decimal
    criterion: str


@attrs.frozen
class RatioCut:
    """A threshold on ``ratio(part, whole)``, as a fraction (0.8 is 80 %)."""

    part: str
    whole: str
    ratio: Decimal
    criterion: str


@attrs.frozen(repr=False)
class BlockFacts:
    """Everything the strategies and invariants need to know about one block."""

    pack: Pack
    block: Block
    year: int
    window: tuple[dt.date, dt.date]
    order: tuple[str, ...]  # every input; a whole always before its parts
    shares: tuple[Share, ...]
    cuts: tuple[Cut | RatioCut, ...]
    divisors: Mapping[str, tuple[str, ...]]  # input -> criteria where it divides
    texts: Mapping[str, tuple[str, ...]]  # text input -> constants compared with it
    low: Mapping[str, Decimal]  # lowest value each numeric input can take here
    high: Mapping[str, Decimal]

    def __repr__(self) -> str:  # short: hypothesis shows strategy arguments in messages
        return f"BlockFacts({self.pack.label!r}, {self.block.id!r})"

    @property
    def inputs(self) -> Mapping[str, Input]:
        return self.block.inputs

    @property
    def period(self) -> str:
        return str(self.year)

    def shares_of(self, name: str) -> Iterator[Share]:
        """The shares where ``name`` is one of the parts."""
        return (s for s in self.shares if name in s.parts)

    def shares_over(self, name: str) -> Iterator[Share]:
        """The shares where ``name`` is the whole."""
        return (s for s in self.shares if s.whole == name)

    def broken_share(self, values: Mapping[str, object]) -> Share | None:
        """The first share whose parts add up to more than its whole, if any."""
        for share in self.shares:
            whole = values.get(share.whole)
            parts = [values.get(p) for p in share.parts]
            known = isinstance(whole, Decimal) and all(isinstance(p, Decimal) for p in parts)
            if known and sum(parts, Decimal(0)) > whole:  # type: ignore[arg-type]
                return share
        return None


def _formulas(block: Block) -> Iterator[tuple[str, Formula]]:
    for crit in block.all_criteria():
        for formula in (crit.formula, crit.applies):
            if formula is not None:
                yield crit.id, formula


def _input_name(node: Node, block: Block) -> str | None:
    if isinstance(node, Name) and node.name in block.inputs:
        return node.name
    return None


def _summands(node: Node, block: Block) -> tuple[str, ...] | None:
    """``a``, ``a + b``, … as input names; ``None`` for anything else."""
    if isinstance(node, Arith) and node.op == "+":
        left, right = _summands(node.left, block), _summands(node.right, block)
        return None if left is None or right is None else left + right
    name = _input_name(node, block)
    return None if name is None else (name,)


def _ratio_pair(node: Node, block: Block) -> tuple[str, str] | None:
    if isinstance(node, Call) and node.function == "ratio":
        part, whole = (_input_name(arg, block) for arg in node.args)
        if part and whole:
            return part, whole
    return None


def _divided_by(node: Node, block: Block) -> Iterator[str]:
    """The inputs a divisor reads, leaving out ``best(x)``/``mean(x)``: those are the
    batch's, and a unit raising its own ``x`` does not shrink its own share of them."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Call) and current.function in AGGREGATES:
            continue
        name = _input_name(current, block)
        if name:
            yield name
        stack.extend(current.children())


def _cuts_against(
    subject: Node, constants: list[Decimal], block: Block, crit: str
) -> list[Cut | RatioCut]:
    name = _input_name(subject, block)
    if name is not None and block.inputs[name].is_numeric:
        kind = input_type(block.inputs[name])  # a constant as the unit writes it: 85 % is 85
        return [Cut(name, kind.in_units(c), crit) for c in constants]
    pair = _ratio_pair(subject, block)
    if pair is not None:
        return [RatioCut(pair[0], pair[1], c, crit) for c in constants if c >= 0]
    return []


def _read_formula(
    crit: str,
    formula: Formula,
    block: Block,
    shares: list[Share],
    cuts: list[Cut | RatioCut],
    divisors: dict[str, set[str]],
    texts: dict[str, set[str]],
) -> None:
    for node in walk(formula.node):
        if isinstance(node, Call) and node.function == "ratio":
            parts, whole = _summands(node.args[0], block), _input_name(node.args[1], block)
            if (
                parts
                and whole
                and whole not in parts
                and all(input_type(block.inputs[n]).additive for n in (*parts, whole))
            ):
                shares.append(Share(parts, whole, crit))
            for name in _divided_by(node.args[1], block):
                divisors.setdefault(name, set()).add(crit)
        elif isinstance(node, Arith) and node.op == "/":
            for name in _divided_by(node.right, block):
                divisors.setdefault(name, set()).add(crit)
        elif isinstance(node, Compare):
            for subject, other in ((node.left, node.right), (node.right, node.left)):
                value = constant_value(other)
                if isinstance(value, Decimal):
                    cuts += _cuts_against(subject, [value], block, crit)
                elif isinstance(value, str) and _input_name(subject, block):
                    texts.setdefault(subject.name, set()).add(value)  # type: ignore[attr-defined]
        elif isinstance(node, Steps):
            constants = [constant_value(step.threshold) for step in node.steps]
            numbers = [c for c in constants if isinstance(c, Decimal)]
            cuts += _cuts_against(node.subject, numbers, block, crit)


def _order(block: Block, shares: list[Share]) -> tuple[tuple[str, ...], list[Share]]:
    """Inputs with every whole before its parts; shares that would form a circle are dropped."""
    kept: list[Share] = []
    for share in shares:
        graph: dict[str, set[str]] = {name: set() for name in block.inputs}
        for s in (*kept, share):
            for part in s.parts:
                graph[part].add(s.whole)
        try:
            tuple(graphlib.TopologicalSorter(graph).static_order())
        except graphlib.CycleError:
            continue
        kept.append(share)
    graph = {name: set() for name in block.inputs}
    for s in kept:
        for part in s.parts:
            graph[part].add(s.whole)
    return tuple(graphlib.TopologicalSorter(graph).static_order()), kept


def _bounds(
    block: Block, cuts: list[Cut | RatioCut], shares: list[Share], order: tuple[str, ...]
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    low: dict[str, Decimal] = {}
    high: dict[str, Decimal] = {}
    for name, spec in block.inputs.items():
        if not spec.is_numeric:
            continue
        declared_low, declared_high = input_type(spec).bounds(spec)
        near = [abs(c.value) for c in cuts if isinstance(c, Cut) and c.name == name]
        cap = max([DEFAULT_CAP, *(2 * v for v in near)])
        low[name] = declared_low if declared_low is not None else -cap
        high[name] = declared_high if declared_high is not None else max(cap, low[name] + cap)
    # a whole can never be smaller than the smallest its parts can add up to
    for name in reversed(order):
        for share in (s for s in shares if s.whole == name):
            floor = sum((low[p] for p in share.parts), Decimal(0))
            low[name] = min(max(low[name], floor), high[name])
    return low, high


def data_window(pack: Pack, block: Block, year: int) -> tuple[dt.date, dt.date]:
    """The block's data window for ``year``, or the calendar year when none is declared."""
    period = pack.period_for(block)
    if period is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return period.window(year)


def evaluation_year(pack: Pack) -> int:
    """The year submissions are generated for: the first one with deadlines, if any."""
    years = sorted(int(y) for y in pack.calendar.deadlines if str(y).isdigit())
    return years[0] if years else pack.decision.effective.year


def analyse(pack: Pack, block: Block) -> BlockFacts:
    """Read ``block``'s formulas once; the result drives the strategies and invariants."""
    shares: list[Share] = []
    cuts: list[Cut | RatioCut] = []
    divisors: dict[str, set[str]] = {}
    texts: dict[str, set[str]] = {}
    for crit, formula in _formulas(block):
        _read_formula(crit, formula, block, shares, cuts, divisors, texts)
    unique_shares = list(dict.fromkeys(shares))
    order, kept = _order(block, unique_shares)
    low, high = _bounds(block, cuts, kept, order)
    year = evaluation_year(pack)
    return BlockFacts(
        pack=pack,
        block=block,
        year=year,
        window=data_window(pack, block, year),
        order=order,
        shares=tuple(kept),
        cuts=tuple(dict.fromkeys(cuts)),
        divisors={k: tuple(sorted(v)) for k, v in divisors.items()},
        texts={k: tuple(sorted(v)) for k, v in texts.items()},
        low=low,
        high=high,
    )


def level_cuts(pack: Pack, block: Block) -> list[Decimal]:
    """The percentages (as fractions) where the level scale may change, for ``block``.

    ``percent >= 85%`` gives 0.85; ``total >= 400`` gives 400 / the block's maximum.
    """
    out: set[Decimal] = set()
    maximum = block.max_total
    for level in pack.levels:
        for node in walk(level.when.node):
            pairs: list[tuple[Node, Node]] = []
            if isinstance(node, Compare):
                pairs = [(node.left, node.right), (node.right, node.left)]
            elif isinstance(node, Steps):
                pairs = [(node.subject, step.threshold) for step in node.steps]
            for subject, other in pairs:
                value = constant_value(other)
                if not isinstance(subject, Name) or not isinstance(value, Decimal):
                    continue
                if subject.name == "percent":
                    out.add(value)
                elif subject.name == "total" and maximum:
                    out.add(value / maximum)
    return sorted(v for v in out if 0 <= v <= 1)
