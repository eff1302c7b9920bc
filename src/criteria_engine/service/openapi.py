"""The OpenAPI document: FastAPI's, plus the bodies read as exact JSON and the engine's
own JSON Schema of every block of every installed pack (what a unit record must be)."""

from __future__ import annotations

import re
from typing import Any

from . import engine

_SHARED: dict[str, Any] = {
    "UnitRecordBody": {
        "type": "object",
        "description": "Bản ghi của đơn vị (a submission file's unit).",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "block": {"type": "string"},
            "parent": {"type": ["string", "null"]},
            "head": {"type": "object"},
            "inputs": {"type": "object", "description": "Giá trị các chỉ tiêu đầu vào"},
            "self_scores": {"type": "object", "description": "Điểm tự đánh giá theo tiêu chí"},
            "reasons": {"type": "object", "description": "Giải trình theo tiêu chí"},
            "evidence_notes": {
                "type": "object",
                "description": "Giải trình khi tiêu chí không có tài liệu kiểm chứng",
            },
            "version": {"type": "integer", "description": "Phiên bản bản nháp đã sửa"},
        },
    },
    "UnitRecordOut": {
        "allOf": [
            {"$ref": "#/components/schemas/UnitRecordBody"},
            {
                "type": "object",
                "properties": {
                    "version": {"type": "integer"},
                    "state": {"enum": ["draft", "submitted"]},
                    "missing": {"type": "array", "items": {"type": "string"}},
                    "total": {"type": ["string", "null"]},
                    "published_total": {"type": ["string", "null"]},
                    "percent": {"type": ["string", "null"]},
                    "level": {"type": ["string", "null"]},
                    "evaluation_status": {"type": ["string", "null"]},
                    "review": {"type": "object"},
                    "evidence": {"type": "array", "items": {"type": "object"}},
                    "differences": {"type": "object"},
                },
            },
        ]
    },
    "ReviewBody": {
        "type": "object",
        "properties": {
            "verified": {"type": "object", "description": "Giá trị đầu vào đã thẩm định"},
            "reasons": {"type": "object", "description": "Lý do, theo chỉ tiêu hoặc tiêu chí"},
        },
    },
    "ReopenBody": {
        "type": "object",
        "required": ["reason"],
        "properties": {
            "reason": {"type": "string", "description": "Lý do mở lại"},
            "until": {"type": "string", "description": "Hạn mới cho riêng đơn vị (ISO 8601)"},
        },
    },
    "EvaluateBody": {
        "type": "object",
        "required": ["pack", "units"],
        "properties": {
            "pack": {"type": "string"},
            "period": {"type": "string"},
            "units": {"type": "array", "items": {"$ref": "#/components/schemas/UnitRecordBody"}},
        },
    },
    "ApiError": {
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "code": {"type": "string"},
            "field": {"type": ["string", "null"]},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
    },
}


def component_name(label: str, block: str) -> str:
    """``Unit.<pack>.<version>.<block>``, with only the characters OpenAPI allows."""
    return "Unit." + re.sub(r"[^A-Za-z0-9._-]", ".", label.replace("@", ".")) + "." + block


def block_schemas() -> dict[str, Any]:
    """The engine's unit schema of every block of every installed pack."""
    out: dict[str, Any] = {}
    for label in engine.installed_packs():
        try:
            pack = engine.load_pack(label)
        except engine.PackProblem:
            continue
        for block in engine.block_ids(pack):
            schema = dict(engine.unit_json_schema(pack, block))
            schema["x-pack"] = label
            schema["x-block"] = block
            out[component_name(label, block)] = schema
    return out


def complete(document: dict[str, Any]) -> dict[str, Any]:
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.update(_SHARED)
    components.update(block_schemas())
    return document
