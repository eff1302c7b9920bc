"""Health and stateless evaluation."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request

from .. import engine
from ..errors import invalid
from ..permissions import require
from ..store import head_revision
from .deps import ActorDep, ApiJSON, json_body, store_of

router = APIRouter(prefix="/api/v1", tags=["service"])

EVALUATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EvaluateBody"}}},
    }
}


@router.get("/health")
async def health(request: Request) -> ApiJSON:
    """Whether the database answers and its schema is current (no sign-in needed)."""
    from starlette.concurrency import run_in_threadpool

    store = store_of(request)
    try:
        revision = await run_in_threadpool(store.revision)
    except Exception as exc:  # the point of a health check: say what is wrong
        return ApiJSON({"status": "error", "database": str(exc)[:300]}, status_code=503)
    current = revision == head_revision()
    return ApiJSON(
        {
            "status": "ok" if current else "migrate",
            "database": store.dialect,
            "schema": revision,
            "schema_current": current,
            "process": os.getpid(),  # which worker answered (several may serve one port)
        },
        status_code=200 if current else 503,
    )


@router.post("/evaluate", openapi_extra=EVALUATE_BODY, responses={401: {}, 413: {}, 422: {}})
async def evaluate(request: Request, who: ActorDep) -> ApiJSON:
    """Evaluate records kept elsewhere: exactly what ``criteria-engine evaluate --format
    json`` prints for them. Nothing is stored."""
    from starlette.concurrency import run_in_threadpool

    require(who, "evaluate")
    body = await json_body(request)
    if not isinstance(body, dict):
        raise invalid("Nội dung phải là {pack, units}", "body")
    pack = body.get("pack")
    units = body.get("units")
    period = body.get("period")
    if not isinstance(pack, str) or not pack:
        raise invalid("Thiếu gói tiêu chí (pack)", "pack")
    if not isinstance(units, list):
        raise invalid("units phải là danh sách bản ghi đơn vị", "units")
    if period is not None and not isinstance(period, str):
        raise invalid("period phải là văn bản", "period")
    data, error = await run_in_threadpool(engine.evaluate_units, pack, units, period)
    if error is not None:
        raise invalid(error, "pack" if not error.startswith("units[") else "units")
    return ApiJSON(data)
