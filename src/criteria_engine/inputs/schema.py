"""The JSON Schema of a block's submissions, generated from its declared inputs.

Editors and portals use it to validate a unit's file before it is sent; the engine's own
checks (:func:`criteria_engine.submissions.check_record`) accept exactly the documents it
accepts, which the property tests confirm.
"""

from __future__ import annotations

from typing import Any

from ..model.pack import Block, Input, Pack
from .types import NUMBER_TEXT, input_type


def _input_schema(spec: Input) -> dict[str, Any]:
    base: dict[str, Any] = {"title": spec.label}
    if spec.help:
        base["description"] = spec.help
    return {**base, **input_type(spec).json_schema(spec)}


def unit_schema(pack: Pack, block: Block) -> dict[str, Any]:
    """The schema of one unit record of ``block``."""
    ids = [c.id for c in block.all_criteria()]
    required_inputs = [n for n, spec in block.inputs.items() if spec.required]
    return {
        "type": "object",
        "required": ["id", "name", "block", "inputs"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "minLength": 1},
            "name": {"type": "string", "minLength": 1},
            "block": {"const": block.id},
            "period": {"type": "string"},
            "submitted": {"type": "string", "format": "date"},
            "parent": {"type": ["string", "null"]},
            "stage": {"enum": ["year", *(u.id for u in pack.calendar.updates)]},
            "head": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "title": {"type": "string"}},
            },
            "note": {"type": "string"},
            "pack": {"type": "string"},
            "inputs": {
                "type": "object",
                "additionalProperties": False,
                "required": required_inputs,
                "properties": {n: _input_schema(s) for n, s in block.inputs.items()},
            },
            "verified": {
                "type": "object",
                "additionalProperties": False,
                "properties": {n: _input_schema(s) for n, s in block.inputs.items()},
            },
            "self_scores": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    i: {"anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_TEXT}]}
                    for i in ids
                },
            },
            "reasons": {
                "type": "object",
                "additionalProperties": False,
                "properties": {i: {"type": "string"} for i in ids},
            },
        },
    }


def submission_schema(pack: Pack, block: Block) -> dict[str, Any]:
    """The schema of a submission file for ``block``: one record, a list, or ``{units: […]}``."""
    unit = unit_schema(pack, block)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{pack.title} — {block.title}",
        "$defs": {"unit": unit},
        "anyOf": [
            {"$ref": "#/$defs/unit"},
            {"type": "array", "items": {"$ref": "#/$defs/unit"}},
            {
                "type": "object",
                "required": ["units"],
                "properties": {
                    "units": {"type": "array", "items": {"$ref": "#/$defs/unit"}},
                    "period": {"type": "string"},
                    "note": {"type": "string"},
                    "pack": {"type": "string"},
                    "submitted": {"type": "string"},
                    "parent": {"type": ["string", "null"]},
                },
            },
        ],
    }


def empty_submission(pack: Pack, block: Block) -> dict[str, Any]:
    """A submission skeleton to fill in: every input with its default or an empty value."""

    def blank(spec: Input) -> Any:
        if spec.default is not None:
            return spec.default
        return input_type(spec).blank(spec)

    unit: dict[str, Any] = {
        "id": "",
        "name": "",
        "block": block.id,
        "period": "",
        "submitted": "",
        "inputs": {n: blank(s) for n, s in block.inputs.items()},
    }
    if block.reasons_below_max:
        leaves = [c.id for c in block.all_criteria() if not c.children]
        unit["self_scores"] = dict.fromkeys(leaves)
        unit["reasons"] = dict.fromkeys(leaves, "")
    return {"pack": pack.label, "units": [unit]}
