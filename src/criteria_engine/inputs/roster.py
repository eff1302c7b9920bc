"""Check a submission's identity against the pack: its id, period and parent.

A typo in a unit id must not rank a unit that does not exist while the real one is listed
as never having sent anything, so where the pack has a roster (``units.yaml``) for the
block and the period, an id that is not on it is refused with the closest ids on it. A
period is an evaluation year (four digits), and a parent must be a unit of the roster.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Any

from ..model.pack import Pack, RosterUnit


def _roster_for(pack: Pack, period: str | None) -> list[RosterUnit]:
    """The roster units of ``period`` (and those kept for every period)."""
    return [u for u in pack.roster if u.period is None or u.period == period]


def _close(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else ""


def identity_problems(
    pack: Pack, data: dict[str, Any], unit_id: str | None, block_id: str, period: str | None
) -> list[tuple[str, str]]:
    """Every problem with the id, period and parent of a record, as (message, field)."""
    problems: list[tuple[str, str]] = []
    raw_id = data.get("id")
    if isinstance(raw_id, bool | int | float | Decimal):
        problems.append((f"the unit id must be text (such as 'so-tai-chinh'), not {raw_id}", "id"))
    if period is not None and not (len(period) == 4 and period.isdigit()):
        problems.append(
            (f"period {period!r} is not a year (write it as four digits: 2019)", "period")
        )
    roster = _roster_for(pack, period)
    if not roster or unit_id is None:
        return problems
    ids = {u.id for u in roster}
    in_block = [u for u in roster if u.block == block_id]
    excluded = pack.excluded_unit(unit_id, data.get("name")) is not None
    if in_block and not excluded and unit_id not in {u.id for u in in_block}:
        where = f"block {block_id!r}" + (f" in {period}" if period else "")
        elsewhere = sorted({u.block for u in roster if u.id == unit_id})
        if elsewhere:
            problems.append(
                (f"unit {unit_id!r} is on the roster of block {elsewhere[0]!r}, not {where}", "id")
            )
        else:
            hint = _close(unit_id, sorted(u.id for u in in_block))
            problems.append((f"unit {unit_id!r} is not on the roster of {where}{hint}", "id"))
    parent = data.get("parent")
    if parent not in (None, "") and str(parent).strip() not in ids:
        text = str(parent).strip()
        problems.append(
            (f"parent {text!r} is not a unit on the roster{_close(text, sorted(ids))}", "parent")
        )
    return problems
