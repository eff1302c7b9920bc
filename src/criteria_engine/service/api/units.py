"""A unit's record in a round: draft, submit, reopen, review, evidence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from .. import evidence, review, submissions
from ..errors import invalid, too_large
from .deps import ActorDep, ApiJSON, in_read, in_write, json_body, settings_of

router = APIRouter(prefix="/api/v1/rounds/{rid}/units/{uid}", tags=["units"])

RECORD_BODY = {
    "requestBody": {
        "required": True,
        "description": (
            "The unit's record in a submission file's unit shape. `id`, `name`, `block` and "
            "`parent` may be left out when the round's roster has the unit. The engine's "
            "schema of each block is in components as `Unit.<pack>.<version>.<block>`."
        ),
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/UnitRecordBody"}}
        },
    }
}
REVIEW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReviewBody"}}},
    }
}
REOPEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReopenBody"}}},
    }
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["criterion", "file"],
                    "properties": {
                        "criterion": {"type": "string", "description": "Mã tiêu chí"},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    }
}
RECORD_OUT = {
    200: {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UnitRecordOut"}}}
    }
}
ERRORS = {401: {}, 403: {}, 404: {}, 409: {}, 413: {}, 422: {}}


def _with_etag(data: dict[str, Any], status: int = 200) -> ApiJSON:
    return ApiJSON(data, status_code=status, headers={"ETag": f'"{data["version"]}"'})


@router.get("/submission", responses={**RECORD_OUT, 401: {}, 403: {}, 404: {}})
async def get_submission(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    """The unit's record with its state, version (also the ETag) and computed total."""
    return _with_etag(await in_read(request, submissions.read, who, rid, uid))


@router.put("/submission", openapi_extra=RECORD_BODY, responses={**RECORD_OUT, **ERRORS})
async def put_submission(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    """Save the draft. Name the version you edited (``If-Match`` or ``version``) to get 409
    instead of overwriting someone else's save."""
    body = await json_body(request)
    if_match = request.headers.get("if-match")
    return _with_etag(await in_write(request, submissions.save, who, rid, uid, body, if_match))


@router.post("/submit", responses={**RECORD_OUT, **ERRORS})
async def submit(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    """Submit the draft: the engine must accept it whole; it is locked afterwards."""
    if_match = request.headers.get("if-match")
    return _with_etag(await in_write(request, submissions.submit, who, rid, uid, if_match))


@router.post("/reopen", openapi_extra=REOPEN_BODY, responses={**RECORD_OUT, **ERRORS})
async def reopen(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    """Reopen a submitted record (admin), with a reason and optionally a later deadline."""
    body = await json_body(request)
    return _with_etag(await in_write(request, submissions.reopen, who, rid, uid, body))


@router.post("/review", openapi_extra=REVIEW_BODY, responses={**RECORD_OUT, **ERRORS})
async def post_review(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    """Enter verified values, each with a reason (reviewer or admin); returns the record
    with the differences from the self-assessment."""
    body = await json_body(request)
    return _with_etag(await in_write(request, review.review, who, rid, uid, body))


@router.get("/review", responses={**RECORD_OUT, 401: {}, 403: {}, 404: {}})
async def get_review(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    """The record, its verification and the differences from the self-assessment."""
    return _with_etag(await in_read(request, review.read_review, who, rid, uid))


@router.post("/evidence", status_code=201, openapi_extra=UPLOAD_BODY, responses=ERRORS)
async def upload_evidence(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    """Upload one evidence document for one criterion (PDF, PNG, JPEG, Office)."""
    settings = settings_of(request)
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    criterion = form.get("criterion")
    if not isinstance(upload, UploadFile):
        raise invalid("Thiếu tệp (trường file)", "file")
    data = await upload.read(settings.max_upload + 1)
    if len(data) > settings.max_upload:
        raise too_large(settings.max_upload)
    out = await in_write(
        request, evidence.upload, settings, who, rid, uid,
        criterion if isinstance(criterion, str) else None, upload.filename or "", data,
    )  # fmt: skip
    return ApiJSON(out, status_code=201)


@router.get("/evidence", responses={401: {}, 403: {}, 404: {}})
async def list_evidence(rid: int, uid: str, request: Request, who: ActorDep) -> ApiJSON:
    def work(session):  # type: ignore[no-untyped-def]
        from ..permissions import require_unit
        from ..rounds import get_round

        get_round(session, rid)
        require_unit(session, who, "units.read", rid, uid)
        return evidence.list_evidence(session, rid, uid)

    return ApiJSON(await in_read(request, work))


@router.get("/evidence/{eid}", responses={401: {}, 403: {}, 404: {}})
async def get_evidence(rid: int, uid: str, eid: int, request: Request, who: ActorDep) -> Response:
    """One document's bytes."""
    data, media, name = await in_read(request, evidence.download, who, rid, uid, eid)
    from urllib.parse import quote

    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )
