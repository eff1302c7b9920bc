"""Hypothesis strategies for pack authors: valid submissions built from the pack itself.

Every strategy reads the block's declared inputs — type, ``min``/``max`` (a number with
no ``max`` is capped at :data:`~.analysis.DEFAULT_CAP`), choices, required or optional —
and what its formulas say (:mod:`.analysis`): parts never exceed their whole, and values
land on, just below and just above every threshold a formula compares an input with.
Dates fall inside the block's data window. The records have the JSON shape a unit sends
(``{"id", "name", "block", "period", "inputs": {…}}``), so the submission JSON Schema and
:func:`~criteria_engine.submissions.check_record` must both accept every one of them.

The JSON Schema of a block is not used to generate data (hypothesis-jsonschema cannot
follow the schema's ``anyOf`` of number-or-text); it is the oracle the data is checked
against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from ..inputs.types import input_type
from ..inputs.values import convert
from ._placing import SCALE, SIDES, Position, between, land_cut, land_ratio, repair, room_for
from .analysis import BlockFacts, Cut, RatioCut, analyse

if TYPE_CHECKING:
    from ..model.pack import Block, Input, Pack

__all__ = [
    "SCALE",
    "Draft",
    "Position",
    "between",
    "drafts",
    "input_values",
    "room_for",
    "unit_batches",
    "unit_inputs",
    "unit_records",
]

_SIDE = st.sampled_from(SIDES)


@attrs.frozen
class Draft:
    """One unit's input values as the unit means them (percent in points, exact decimals).

    ``omitted`` names optional inputs left out of the record (their default applies).
    ``as_text`` writes numbers as text (``"12.5"``, ``"85%"``), as forms often do.
    """

    values: Mapping[str, Any]
    omitted: frozenset[str] = frozenset()
    as_text: bool = False

    def inputs(self, facts: BlockFacts) -> dict[str, Any]:
        """The ``inputs`` object of the record, JSON-shaped."""
        return {
            name: _json_value(facts.inputs[name], value, self.as_text)
            for name, value in self.values.items()
            if name not in self.omitted
        }

    def record(
        self, facts: BlockFacts, unit_id: str | None = None, name: str | None = None
    ) -> dict[str, Any]:
        """A whole unit record of the block, for the evaluation year of the facts; without
        ``unit_id``, of the first unit of the block's roster (or ``don-vi-01``)."""
        if unit_id is None:
            unit_id, name = (roster_units(facts) or [("don-vi-01", "Đơn vị 01")])[0]
        return {
            "id": unit_id,
            "name": name or unit_id,
            "block": facts.block.id,
            "period": facts.period,
            "inputs": self.inputs(facts),
        }

    def replace(self, name: str, value: Any) -> Draft:
        """The same draft with one input changed (and written out if it was omitted)."""
        return attrs.evolve(
            self, values={**self.values, name: value}, omitted=self.omitted - {name}
        )


def _json_value(spec: Input, value: Any, as_text: bool) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, Decimal):
        return value
    if as_text:
        text = format(value.normalize(), "f")
        return text + input_type(spec).mark
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _default(spec: Input) -> Any:
    """An optional input's default, in the unit's terms (a percent in points)."""
    return input_type(spec).in_units(convert(spec, spec.default))


def _static_values(facts: BlockFacts, name: str) -> st.SearchStrategy[Any] | None:
    """Values of a non-numeric input (numbers are placed with :data:`SCALE`)."""
    spec = facts.inputs[name]
    examples = input_type(spec).examples
    if examples is None:
        return None
    return examples(spec, facts.window, facts.texts.get(name, ()))


def input_values(facts: BlockFacts, name: str) -> st.SearchStrategy[Any]:
    """Values of one input in the unit's terms (a percent in points), over its whole range."""
    spec = facts.inputs[name]
    static = _static_values(facts, name)
    if static is not None:
        return static
    low, high = facts.low[name], facts.high[name]
    return SCALE.map(lambda k: between(spec, low, high, k))


@attrs.frozen(repr=False)
class _Plan:
    """The strategies of one block, built once: drawing must not build new strategies."""

    facts: BlockFacts
    thresholds: bool
    static: Mapping[str, st.SearchStrategy[Any] | None]
    cuts: st.SearchStrategy[list[Cut | RatioCut]]

    def __repr__(self) -> str:
        return f"plan({self.facts!r})"

    @classmethod
    def of(cls, facts: BlockFacts, thresholds: bool) -> _Plan:
        cuts = st.lists(st.sampled_from(facts.cuts), max_size=3, unique=True)
        return cls(
            facts=facts,
            thresholds=thresholds and bool(facts.cuts),
            static={name: _static_values(facts, name) for name in facts.inputs},
            cuts=cuts if facts.cuts else st.just([]),
        )


@st.composite
def _draft(draw: Any, plan: _Plan) -> Draft:
    facts = plan.facts
    values: dict[str, Any] = {}
    omitted: set[str] = set()
    for name in facts.order:
        spec = facts.inputs[name]
        if not spec.required and draw(st.booleans()):
            omitted.add(name)
            values[name] = _default(spec)
            continue
        static = plan.static[name]
        if static is not None:
            values[name] = draw(static)
        else:
            high = max(facts.low[name], room_for(facts, name, values))
            values[name] = between(spec, facts.low[name], high, draw(SCALE))
    if plan.thresholds:
        for cut in draw(plan.cuts):
            side = draw(_SIDE)
            if isinstance(cut, Cut):
                landed = land_cut(facts, values, cut, side)
                touched = {cut.name}
            else:
                landed = land_ratio(facts, values, cut, side, draw(SCALE))
                touched = {cut.part, cut.whole}
            if landed:
                omitted -= touched
        before = dict(values)
        repair(facts, values)
        omitted -= {n for n in values if values[n] != before[n]}
    assume(facts.broken_share(values) is None)
    return Draft(values, frozenset(omitted), draw(st.booleans()))


def drafts(facts: BlockFacts, *, thresholds: bool = True) -> st.SearchStrategy[Draft]:
    """Drafts of one unit's inputs; with ``thresholds``, some land on formula thresholds."""
    return _draft(_Plan.of(facts, thresholds))


def _facts(pack: Pack, block: Block | str) -> BlockFacts:
    return analyse(pack, pack.block(block) if isinstance(block, str) else block)


def roster_units(facts: BlockFacts) -> list[tuple[str, str]]:
    """(id, name) of the roster units of the block for the facts' year, excluded ones left
    out: generated records take these, since an id off a pack's roster is refused."""
    pack = facts.pack
    return [
        (u.id, u.name)
        for u in pack.roster
        if u.block == facts.block.id
        and u.period in (None, facts.period)
        and not pack.excluded_unit(u.id, u.name)
    ]


def _parents(facts: BlockFacts) -> tuple[str, ...]:
    """Two parents for generated units: the roster's (its units' parents, else units of
    other blocks), or two invented ids when the pack has no roster for the year."""
    roster = [u for u in facts.pack.roster if u.period in (None, facts.period)]
    named = sorted({u.parent for u in roster if u.block == facts.block.id and u.parent})
    others = sorted(u.id for u in roster if u.block != facts.block.id)
    return tuple((named or others or ["don-vi-cha-1", "don-vi-cha-2"])[:2])


def unit_inputs(
    pack: Pack, block: Block | str, *, thresholds: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """The ``inputs`` object of a valid submission of ``block``."""
    facts = _facts(pack, block)
    return drafts(facts, thresholds=thresholds).map(lambda d: d.inputs(facts))


def unit_records(
    pack: Pack,
    block: Block | str | None = None,
    *,
    thresholds: bool = True,
    unit_id: str | None = None,
    name: str | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Whole unit records (the JSON shape) of ``block``, or of any block of the pack.

    Without ``unit_id`` the record is the first unit of the block's roster, if the pack
    has one, else ``don-vi-01``."""
    if block is None:
        return st.sampled_from(pack.blocks).flatmap(
            lambda b: unit_records(pack, b, thresholds=thresholds, unit_id=unit_id, name=name)
        )
    facts = _facts(pack, block)
    first = (roster_units(facts) or [("don-vi-01", "Đơn vị 01")])[0]
    uid, label = unit_id or first[0], name or (first[1] if unit_id is None else unit_id)
    return drafts(facts, thresholds=thresholds).map(lambda d: d.record(facts, uid, label))


@st.composite
def _batch(
    draw: Any,
    facts: BlockFacts,
    one: st.SearchStrategy[Draft],
    sizes: tuple[int, int],
    statuses: bool,
) -> list[dict[str, Any]]:
    pack, block = facts.pack, facts.block
    min_units, max_units = sizes
    roster = roster_units(facts)
    count = draw(st.integers(min_units, max_units))
    if roster:
        count = min(count, len(roster))
    chosen: list[Draft] = []
    for _ in range(count):
        # one unit in four copies an earlier one, so equal totals (ties) are common
        if chosen and draw(st.integers(0, 3)) == 0:
            chosen.append(chosen[draw(st.integers(0, len(chosen) - 1))])
        else:
            chosen.append(draw(one))
    deadline = pack.deadline(facts.period, block.id)
    kinds = ["on-time"]
    if statuses and deadline is not None:
        kinds.append("late")
    if statuses and pack.excluded:
        kinds.append("excluded")
    excluded = list(pack.excluded)
    parents = _parents(facts)
    records = []
    for i, draft in enumerate(chosen, start=1):
        uid, label = roster[i - 1] if roster else (f"don-vi-{i:02d}", f"Đơn vị {i:02d}")
        record = draft.record(facts, uid, label)
        kind = draw(st.sampled_from(kinds))
        if kind == "excluded" and excluded:
            unit = excluded.pop(0)
            record["id"], record["name"] = unit.id, unit.name or unit.id
        elif kind == "late":
            record["submitted"] = (
                deadline + dt.timedelta(days=draw(st.integers(0, 3)))
            ).isoformat()
        elif deadline is not None:
            record["submitted"] = (
                deadline - dt.timedelta(days=draw(st.integers(1, 30)))
            ).isoformat()
        if pack.ranking.within_parent:
            record["parent"] = draw(st.sampled_from(parents))
        records.append(record)
    interim: dict[str, Any] = {}
    if statuses and pack.calendar.updates and draw(st.booleans()):
        regular = [r for r in records if not pack.excluded_unit(r["id"])]
        interim = dict(draw(st.sampled_from(regular))) if regular else {}
    if interim:
        interim["stage"] = pack.calendar.updates[0].id
        interim.pop("submitted", None)
        records.append(interim)
    return records


def unit_batches(
    pack: Pack,
    block: Block | str,
    *,
    min_units: int = 1,
    max_units: int = 6,
    statuses: bool = True,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Batches of records of one block for ranking: unique ids and names, frequent ties.

    With ``statuses``, some units are late (sent on or after the deadline), some are the
    pack's excluded units and, when the pack has interim updates, one unit also sends an
    interim update; units get one of two parents when the pack ranks within parents.
    """
    facts = _facts(pack, block)
    return _batch(facts, drafts(facts), (min_units, max_units), statuses)
