"""Say what went wrong in the unit's own terms: input labels and values, criteria by id.

A counterexample is only useful if the person who wrote the pack can read it without
knowing hypothesis: "raising Số văn bản đi điện tử (docs_out_electronic) from 3 to 4
lowered the total from 55 to 50", not a dictionary dump.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..inputs.types import input_type

if TYPE_CHECKING:
    from ..model.pack import Block, Criterion
    from ..model.results import CriterionResult, UnitResult
    from .analysis import BlockFacts

_PLACES = 4
_SHOWN = Decimal(1).scaleb(-_PLACES)


def number(value: Any) -> str:
    """A figure as people write it: no exponent, no trailing zeros, at most four decimals
    (``≈0.2597`` for a share that does not end)."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal):
        shown = value.quantize(_SHOWN) if value.as_tuple().exponent < -_PLACES else value  # type: ignore[operator]
        text = format(shown.normalize(), "f")
        text = "0" if text in ("-0", "") else text
        return text if shown == value else f"≈{text}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    return str(value)


def input_value(facts: BlockFacts, name: str, value: Any) -> str:
    """``Tổng số văn bản đi (docs_total) = 500 văn bản``."""
    spec = facts.inputs[name]
    mark = input_type(spec).mark  # a percent is written 85%, a count 500 văn bản
    shown = number(value) + mark
    unit = f" {spec.unit}" if spec.unit and not mark else ""
    return f"{spec.label} ({name}) = {shown}{unit}"


def inputs_block(
    facts: BlockFacts,
    values: Mapping[str, Any],
    names: Iterable[str] | None = None,
    omitted: Iterable[str] = (),
) -> str:
    """Indented lines listing ``names`` (default: every input) with their values."""
    chosen = list(names) if names is not None else list(facts.inputs)
    skipped = set(omitted)
    lines = []
    for name in facts.inputs:
        if name in chosen and name in values:
            note = " (left out: the default applies)" if name in skipped else ""
            lines.append("    - " + input_value(facts, name, values[name]) + note)
    return "\n".join(lines) if lines else "    (no inputs)"


def criterion_label(crit: Criterion | CriterionResult) -> str:
    """``1.1 Tỷ lệ văn bản đi điện tử``."""
    return f"{crit.id} {crit.title}"


def inputs_of(block: Block, criterion_ids: Iterable[str]) -> list[str]:
    """The inputs read by these criteria (formulas and conditions), in declaration order."""
    wanted: set[str] = set()
    for cid in criterion_ids:
        crit = block.criterion(cid)
        for formula in (crit.formula, crit.applies):
            if formula is not None:
                wanted.update(formula.inputs)
        for child in crit.walk():
            for formula in (child.formula, child.applies):
                if formula is not None:
                    wanted.update(formula.inputs)
    return [name for name in block.inputs if name in wanted]


def changed_scores(before: UnitResult, after: UnitResult) -> list[tuple[str, str, Any, Any]]:
    """Leaf criteria whose score changed: ``(id, title, before, after)``."""
    old = {c.id: c for c in before.all_criteria()}
    out = []
    for crit in after.all_criteria():
        prev = old.get(crit.id)
        if prev is None or crit.children:
            continue
        if prev.score != crit.score:
            out.append((crit.id, crit.title, prev.score, crit.score))
    return out


def score_text(value: Decimal | None) -> str:
    return "not applicable" if value is None else number(value)


def unit_line(result: Any) -> str:
    """``'Đơn vị 02' (don-vi-02): total 45.5, ranked, rank 2`` for a standing."""
    total = "" if result.total is None else f"total {number(result.total)}, "
    rank = f", rank {result.rank}" if result.rank is not None else ""
    return f"{result.name!r} ({result.unit_id}): {total}{result.status}{rank}"
