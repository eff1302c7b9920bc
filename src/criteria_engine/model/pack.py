"""The pack model: immutable attrs classes built by :mod:`criteria_engine.loading`.

Everything here is frozen: a loaded pack never changes, so it can be shared between
threads and evaluated any number of times. ``__init__`` stays dumb; turning raw YAML into
these objects (and reporting what is wrong with it) is the loader's job.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from ..dsl.types import Type

if TYPE_CHECKING:
    from pathlib import Path

    from ..dsl import Formula


@attrs.frozen
class InputKind:
    """What loading a pack needs to know of an input type: how its formulas see the value
    (``None``: formulas cannot read it) and whether the input lists its own choices.

    Everything else an input type means (converting what a unit typed, its JSON Schema,
    its Excel rule, its test data) is its entry in :mod:`criteria_engine.inputs.types`;
    the pack model and its loader sit below the submission layer, so the names and their
    formula types live here and the behaviour there, one entry each, the same names.
    """

    formula_type: Type | None
    listed: bool = False

    @property
    def numeric(self) -> bool:
        return self.formula_type is Type.NUMBER


#: Every input type a pack may declare, in the order the pack format lists them.
INPUT_TYPES: Mapping[str, InputKind] = MappingProxyType(
    {
        "number": InputKind(Type.NUMBER),
        "integer": InputKind(Type.NUMBER),
        "percent": InputKind(Type.NUMBER),
        "boolean": InputKind(Type.BOOLEAN),
        "choice": InputKind(Type.TEXT, listed=True),
        "date": InputKind(None),
        "text": InputKind(Type.TEXT),
    }
)
#: the usual kinds of unit; a block may name any other (``province`` for a national index)
UNIT_KINDS = ("department", "central", "district", "commune", "province", "other")
CRITERION_KINDS = ("normal", "bonus", "deduction")
RANK_MEASURES = ("percent", "total")


@attrs.frozen
class Decision:
    """The legal act a pack encodes."""

    number: str
    signed: dt.date
    effective: dt.date
    signer: str | None = None
    replaces: str | None = None
    source: str | None = None
    title: str | None = None


@attrs.frozen
class Provenance:
    """Where a criterion comes from, and how faithfully it is encoded."""

    status: str  # "transcribed" | "reconstructed"
    annex: str | None = None
    item: str | None = None
    basis: str | None = None
    source: str | None = None
    note: str | None = None


@attrs.frozen
class Input:
    """One value a unit reports on its survey form."""

    name: str
    label: str
    type: str
    required: bool = True
    default: Any = None
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[str, ...] = ()
    unit: str | None = None
    better: str | None = None  # "higher" | "lower" | None
    help: str | None = None

    @property
    def is_numeric(self) -> bool:
        kind = INPUT_TYPES.get(self.type)
        return kind is not None and kind.numeric


@attrs.frozen
class Criterion:
    """A scored item, or a group of items (when it has children)."""

    id: str
    title: str
    max: Decimal
    formula: Formula | None = None
    children: tuple[Criterion, ...] = ()
    floor: Decimal = Decimal(0)
    kind: str = "normal"
    cap: bool = False
    applies: Formula | None = None
    weight: Decimal = Decimal(1)
    provenance: Provenance | None = None
    description: str | None = None
    evidence: str | None = None

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    @property
    def counts_in_max(self) -> bool:
        """Whether this item's maximum is part of the unit's maximum total."""
        return self.kind == "normal" and self.weight != 0

    def walk(self):
        """This criterion and all below it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class Period:
    """A yearly data window, as month-day strings; starts in the previous year if needed."""

    start: str  # "MM-DD"
    end: str

    def window(self, year: int) -> tuple[dt.date, dt.date]:
        """The inclusive date range of evaluation year ``year``."""
        sm, sd = (int(x) for x in self.start.split("-"))
        em, ed = (int(x) for x in self.end.split("-"))
        start_year = year - 1 if (sm, sd) >= (em, ed) else year
        return dt.date(start_year, sm, sd), dt.date(year, em, ed)


@attrs.frozen
class Update:
    """An interim, non-ranked reporting stage (e.g. the 3-month update)."""

    id: str
    title: str
    before: str | None = None  # "MM-DD"


@attrs.frozen
class LevelGate:
    """A mandatory criterion: when ``when`` holds, the unit's level is at most ``at_most``.

    Provincial decisions often say a unit that fails a criterion (security, say) cannot be
    rated above some level whatever its total; the gate says so as data.
    """

    when: Formula
    at_most: str
    title: str | None = None

    @property
    def label(self) -> str:
        return self.title or self.when.text


@attrs.frozen
class Block:
    """A khối: units of one kind, evaluated on one criteria tree and ranked together."""

    id: str
    title: str
    unit_kind: str
    inputs: Mapping[str, Input]
    criteria: tuple[Criterion, ...]
    annex: str | None = None
    description: str | None = None
    total: Decimal | None = None
    period: Period | None = None
    reasons_below_max: bool = False
    tie_break: tuple[Formula, ...] = ()  # compiled Ranking.tie_break steps, in order
    level_gates: tuple[LevelGate, ...] = ()
    order: tuple[Criterion, ...] = ()  # evaluation order: dependencies first
    file: str | None = None
    #: what later layers derive from the block once and keep with it (the generated
    #: scorer, the input converters): the model itself never builds them
    derived: dict[str, Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    @functools.cached_property
    def max_total(self) -> Decimal:
        """The maximum total when every criterion applies."""
        return sum((c.max for c in self.criteria if c.counts_in_max), Decimal(0))

    def all_criteria(self):
        for top in self.criteria:
            yield from top.walk()

    @functools.cached_property
    def max_total_parts(self) -> tuple[Decimal, tuple[Criterion, ...]]:
        """The part of the maximum total that can never shrink, and the top-level criteria
        that can (an ``applies`` somewhere below them): evaluation recomputes only those."""
        static = Decimal(0)
        conditional = []
        for top in self.criteria:
            if not top.counts_in_max:
                continue
            if any(c.applies is not None for c in top.walk()):
                conditional.append(top)
            else:
                static += top.max  # the loader checked that its parts add up to it
        return static, tuple(conditional)

    @property
    def maxima_can_differ(self) -> bool:
        """Whether two units of this block can have different maximum totals (some
        criterion that counts may not apply)."""
        return bool(self.max_total_parts[1])

    @functools.cached_property
    def criterion_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.all_criteria())

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.all_criteria():
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


@attrs.frozen
class Level:
    name: str
    when: Formula


@attrs.frozen
class TieStep:
    """One step of a tie-break chain: an expression compared between units still tied."""

    text: str  # the formula, compiled per block into Block.tie_break
    prefer: str = "higher"  # "higher" | "lower"
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or f"{self.text} {'cao' if self.prefer == 'higher' else 'thấp'} hơn"


@attrs.frozen
class Ranking:
    """How a block is ranked.

    ``measure`` is what the rank compares: ``percent`` (the share of the unit's own
    maximum, as levels use it) or ``total``; unset, it is the percent in a block whose
    units can have different maxima and the total elsewhere. Units equal on it go through
    the ``tie_break`` chain in order; those still equal share a rank, numbered as ``ties``
    says: ``shared`` 1, 2, 2, 4 (national practice) or ``dense`` 1, 2, 2, 3.
    """

    ties: str = "shared"  # "shared" | "dense"
    tie_break: tuple[TieStep, ...] = ()
    compare: str = "published"  # "published" | "exact"
    within_parent: bool = False
    measure: str | None = None  # "percent" | "total" | None (percent where maxima can differ)
    unranked_level: bool = True  # whether late and undated units still get a level


@attrs.frozen
class Rounding:
    places: int = 2
    mode: str = "half_up"


@attrs.frozen
class ExcludedUnit:
    id: str
    name: str | None = None
    reason: str | None = None


@attrs.frozen
class Calendar:
    period: Period | None = None
    deadlines: Mapping[str, Mapping[str, dt.date]] = attrs.Factory(dict)  # year -> block -> before
    yearly_deadlines: Mapping[str, str] = attrs.Factory(dict)  # block -> "MM-DD", every year
    updates: tuple[Update, ...] = ()


@attrs.frozen
class RosterUnit:
    """A unit expected to submit; ``period`` limits it to one evaluation year."""

    id: str
    name: str
    block: str
    parent: str | None = None
    period: str | None = None


@attrs.frozen
class Pack:
    """A province's criteria set, as issued by one decision."""

    name: str
    title: str
    province: str
    decision: Decision
    blocks: tuple[Block, ...]
    levels: tuple[Level, ...]
    ranking: Ranking
    rounding: Rounding
    path: Path
    version: str | None = None
    description: str | None = None
    levels_on: str = "exact"
    calendar: Calendar = attrs.Factory(Calendar)
    excluded: tuple[ExcludedUnit, ...] = ()
    renamed_units: Mapping[str, str] = attrs.Factory(dict)
    reports: tuple[str, ...] = ()
    roster: tuple[RosterUnit, ...] = ()
    related: tuple[Mapping[str, Any], ...] = ()
    plugin: str | None = None

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)

    @property
    def label(self) -> str:
        """``name`` or ``name@version``: how a user names this exact pack."""
        return f"{self.name}@{self.version}" if self.version else self.name

    def excluded_unit(self, unit_id: str, name: str | None = None) -> ExcludedUnit | None:
        for unit in self.excluded:
            if unit.id == unit_id or (name is not None and unit.name == name):
                return unit
        return None

    def deadline(self, year: str, block_id: str) -> dt.date | None:
        """The day before which ``block_id``'s results of ``year`` are due: the year's own
        deadline, else the yearly rule ("before 15/11 every year") in that year."""
        own = self.calendar.deadlines.get(year, {}).get(block_id)
        if own is not None:
            return own
        rule = self.calendar.yearly_deadlines.get(block_id)
        if rule is None or not (len(year) == 4 and year.isdigit()):
            return None
        month, day = (int(x) for x in rule.split("-"))
        return dt.date(int(year), month, day)

    def rank_measure(self, block: Block) -> str:
        """What ranks ``block``: the declared measure, else the percent where its units'
        maxima can differ (so the rank follows the levels) and the total elsewhere."""
        if self.ranking.measure is not None:
            return self.ranking.measure
        return "percent" if block.maxima_can_differ else "total"

    def period_for(self, block: Block) -> Period | None:
        return block.period or self.calendar.period
