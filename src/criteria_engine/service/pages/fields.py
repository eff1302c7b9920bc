"""A block's survey form as the pages lay it out: the pack's criteria, each with the inputs
its formulas read, and a form's posted fields turned back into a unit's record.

Nothing here judges a value: the record goes to the same save the API uses, and the engine
checks it there. This module only decides where each field sits and how a typed value is
written back into the record (yes/no as booleans, empty fields left out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

#: names of the form's own fields; inputs are named by their ids, which never start with _
VERSION, ACTION = "_version", "_action"
SELF, REASON, NOTE = "self.", "reason.", "note."
HEAD_FIELDS = (("head.name", "Họ và tên người đứng đầu"), ("head.title", "Chức vụ"))


@attrs.frozen
class Field:
    """One input of the block, as a form field."""

    name: str
    label: str
    type: str
    required: bool
    unit: str | None
    help: str | None
    minimum: Decimal | None
    maximum: Decimal | None
    choices: tuple[str, ...]

    @property
    def range_text(self) -> str:
        """The allowed range, as the form says it ("từ 0 đến 100")."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"từ {format(low, 'f')} đến {format(high, 'f')}"
        if low is not None:
            return f"từ {format(low, 'f')} trở lên"
        if high is not None:
            return f"tối đa {format(high, 'f')}"
        return ""

    @property
    def step(self) -> str:
        return "1" if self.type == "integer" else "any"


@attrs.frozen
class Item:
    """A criterion on the form: its place in the tree and the inputs shown under it."""

    id: str
    title: str
    max: Decimal
    depth: int
    leaf: bool
    fields: tuple[Field, ...]
    description: str | None = None
    evidence: str | None = None


@attrs.frozen
class Layout:
    items: tuple[Item, ...]
    others: tuple[Field, ...]  # inputs no criterion reads (kept for the record)
    self_assessed: bool  # the pack asks for self-scores and reasons


def _field(spec: Any) -> Field:
    return Field(
        name=spec.name,
        label=spec.label,
        type=spec.type,
        required=spec.required,
        unit=spec.unit or ("%" if spec.type == "percent" else None),
        help=spec.help,
        minimum=spec.min,
        maximum=spec.max,
        choices=tuple(spec.choices),
    )


def _reads(criterion: Any) -> frozenset[str]:
    names: set[str] = set()
    for formula in (criterion.formula, criterion.applies):
        if formula is not None:
            names |= set(formula.inputs)
    return frozenset(names)


def _layout(block: Any) -> Layout:
    shown: set[str] = set()
    order = list(block.inputs)
    items = []

    def walk(criterion: Any, depth: int) -> None:
        names = [n for n in order if n in _reads(criterion) and n not in shown]
        shown.update(names)
        items.append(
            Item(
                id=criterion.id, title=criterion.title, max=criterion.max, depth=depth,
                leaf=not criterion.children,
                fields=tuple(_field(block.inputs[n]) for n in names),
                description=criterion.description, evidence=criterion.evidence,
            )
        )  # fmt: skip
        for child in criterion.children:
            walk(child, depth + 1)

    for top in block.criteria:
        walk(top, 0)
    others = tuple(_field(block.inputs[n]) for n in order if n not in shown)
    return Layout(tuple(items), others, bool(block.reasons_below_max))


def layout(pack: Any, block_id: str) -> Layout:
    """Where each input of ``block_id`` sits on the form (kept per pack and block)."""
    key = f"{pack.path}:{pack.label}:{block_id}"  # packs are not hashable
    found = _LAYOUTS.get(key)
    if found is None:
        found = _LAYOUTS[key] = _layout(pack.block(block_id))
    return found


_LAYOUTS: dict[str, Layout] = {}


def shown(value: Any) -> str:
    """A stored value as a form field holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def values_of(record: Mapping[str, Any]) -> dict[str, str]:
    """A stored record as the form's field values."""
    out = {name: shown(v) for name, v in (record.get("inputs") or {}).items()}
    for cid, v in (record.get("self_scores") or {}).items():
        out[SELF + cid] = shown(v)
    for cid, v in (record.get("reasons") or {}).items():
        out[REASON + cid] = shown(v)
    for cid, v in (record.get("evidence_notes") or {}).items():
        out[NOTE + cid] = shown(v)
    head = record.get("head") or {}
    for key, _label in HEAD_FIELDS:
        out[key] = shown(head.get(key.split(".", 1)[1]))
    return out


def record_of(form: Mapping[str, Any], pack: Any, block_id: str) -> dict[str, Any]:
    """The record a posted form stands for: typed values as typed (the engine converts and
    checks them), yes/no as booleans, and empty fields left out (a draft may be partial)."""
    block = pack.block(block_id)
    inputs: dict[str, Any] = {}
    for name, spec in block.inputs.items():
        raw = form.get(name)
        if not isinstance(raw, str) or not raw.strip():
            continue
        text = raw.strip()
        if spec.type == "boolean" and text in ("true", "false"):
            inputs[name] = text == "true"
        else:
            inputs[name] = text
    record: dict[str, Any] = {"inputs": inputs}
    scores, reasons, notes = {}, {}, {}
    for cid in sorted(block.criterion_ids):
        score, reason, note = (form.get(p + cid) for p in (SELF, REASON, NOTE))
        if isinstance(score, str) and score.strip():
            scores[cid] = score.strip()
        if isinstance(reason, str) and reason.strip():
            reasons[cid] = reason.strip()
        if isinstance(note, str) and note.strip():
            notes[cid] = note.strip()
    if scores:
        record["self_scores"] = scores
    if reasons:
        record["reasons"] = reasons
    if notes:
        record["evidence_notes"] = notes
    head = {}
    for key, _label in HEAD_FIELDS:
        value = form.get(key)
        if isinstance(value, str) and value.strip():
            head[key.split(".", 1)[1]] = value.strip()
    if head:
        record["head"] = head
    version = form.get(VERSION)
    if isinstance(version, str) and version.isdigit():
        record["version"] = int(version)
    return record


def typed_values(form: Mapping[str, Any]) -> dict[str, str]:
    """Every posted value as typed, the bad ones included, to show the form again."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


def field_id(name: str) -> str:
    """An HTML id for a field name (criterion ids hold dots)."""
    return "f-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
