"""The common case of checking a record, in one pass: a complete, well-typed record.

A batch of a province checks tens of thousands of records, and nearly all of them are
fine. :func:`quick_submission` takes such a record straight to its :class:`Submission`
with a handful of tests; the moment anything is unusual (a missing or mistyped field, a
value out of range, a reader's problem, an excluded unit, self-assessed scores) it gives
up and returns None, and :func:`~.records.check_record` does the detailed check that
names every problem. It never returns a submission the detailed check would refuse, nor a
different one: every test here is one that check makes, or stricter.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..model.pack import Pack
from ._parse import to_date
from .roster import identity_problems
from .submission import KNOWN_FIELDS, Submission
from .values import ValueProblem, block_converters

_normal = unicodedata.normalize
#: fields the quick path does not handle: present (not None), the detailed check runs
_DETAILED = ("self_scores", "reasons", "verified", "head")


def _text_or_none(value: Any) -> str | None:
    """A text field as the detailed check reads it; None when absent or empty."""
    if value is None or value == "":
        return None
    if value.__class__ is Decimal:
        value = str(value)
    return _normal("NFC", str(value)).strip()


_TEXT_TYPES = (str, Decimal, int)


def _is_text(value: Any) -> bool:
    return value is None or (isinstance(value, _TEXT_TYPES) and value.__class__ is not bool)


def quick_submission(pack: Pack, data: Mapping[str, Any], file: str) -> Submission | None:
    """The submission of a record that passes every check, or None: check it in detail."""
    unit_id, name, block_id = data.get("id"), data.get("name"), data.get("block")
    if (
        unit_id.__class__ is not str
        or name.__class__ is not str
        or block_id.__class__ is not str
        or not unit_id
        or not name
        or not block_id
        or not data.keys() <= KNOWN_FIELDS
    ):
        return None
    for field in _DETAILED:
        if data.get(field) is not None:
            return None
    raw_period, parent, stage = data.get("period"), data.get("parent"), data.get("stage")
    if not (_is_text(raw_period) and _is_text(parent) and _is_text(stage)):
        return None
    if not _is_text(data.get("note")):
        return None
    raw_inputs = data.get("inputs")
    if raw_inputs.__class__ is not dict:
        return None
    try:
        block = pack.block(_normal("NFC", block_id).strip())
    except KeyError:
        return None
    converters = block_converters(block)
    if len(raw_inputs) != len(converters):  # the same names: see the KeyError below
        return None
    unit_id = _normal("NFC", unit_id).strip()
    name = _normal("NFC", name).strip()
    if pack.excluded and pack.excluded_unit(unit_id, name) is not None:
        return None
    try:  # as many names as the block's inputs, each one of them: the same names
        inputs = {key: converters[key](raw) for key, raw in raw_inputs.items()}
        raw_submitted = data.get("submitted")
        submitted = None if raw_submitted in (None, "") else to_date(raw_submitted)
    except (ValueProblem, KeyError):
        return None
    period = _text_or_none(raw_period)
    if period and period[:4].isdigit():
        year = int(period[:4])
        if year >= dt.MINYEAR and dt.date(year, 12, 31) < pack.decision.effective:
            return None
    stage = _text_or_none(stage or "year")
    if stage != "year" and stage not in {u.id for u in pack.calendar.updates}:
        return None
    if identity_problems(pack, data, unit_id, block.id, period):  # type: ignore[arg-type]
        return None
    return Submission(
        id=unit_id,
        name=name,
        block=block.id,
        inputs=inputs,
        file=file,
        period=period,
        submitted=submitted,
        parent=_text_or_none(parent) if parent else None,
        stage=stage,
    )
