"""A unit's survey form: ``/rounds/{rid}/units/{uid}``.

Every input of the unit's block, grouped as the pack's criteria; self-scores and reasons
where the pack asks; evidence per criterion; save and submit. Saving goes through
:func:`..submissions.save` (as ``PUT …/submission`` does) and the score card shown after
it is the engine's result for the saved record, with the library's next-level analysis.
A refused save shows every value as typed, each bad one named next to its field.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse

from .. import engine, evidence, rounds, submissions
from ..drafts import get_row, require_writable
from ..errors import ApiError, too_large
from ..permissions import Actor, allowed, require_unit
from ..store import as_utc, utcnow
from . import fields
from .messages import vietnamese
from .web import (
    field_errors,
    form_of,
    page,
    read,
    redirect,
    render,
    require_signed_in,
    write,
)

router = APIRouter(include_in_schema=False)
NOTICES = {"1": "Đã lưu bản nháp.", "nop": "Đã nộp bản đánh giá.",
           "tai-lieu": "Đã tải tài liệu lên."}  # fmt: skip


def _locked_reason(who: Actor, round_row: Any, block: str, row: Any) -> str | None:
    """Why this account cannot change the record now (None: it can), from the same checks
    a save makes."""
    if not allowed(who, "units.write"):
        return "Tài khoản thẩm định chỉ xem phiếu; giá trị thẩm định nhập ở trang thẩm định."
    try:
        require_writable(who, round_row, block, row)
    except ApiError as exc:
        return exc.message
    return None


def score_card(session: Any, round_row: Any, row: Any, pack: Any) -> dict[str, Any] | None:
    """The engine's result for a stored record, and what it takes to reach the next level;
    None while required inputs are still empty."""
    record = submissions.engine_view(row, round_row)
    missing = engine.missing_inputs(pack, record)
    if missing:
        return {"missing": missing, "result": None, "next": None}
    others = submissions.block_peers(session, round_row, pack, row.block)
    result = engine.evaluate_in_block(pack, record, others)
    if result is None:
        return {"missing": [], "result": None, "next": None}
    return {
        "missing": [],
        "result": result,
        "next": engine.next_level(pack, record, others),
        "colour": engine.level_colours(pack).get(result.level or "", "#616e7c"),
    }


def load(session: Any, who: Actor, rid: int, uid: str) -> dict[str, Any]:
    """Everything the form page shows, read in one transaction."""
    round_row = rounds.get_round(session, rid)
    require_unit(session, who, "units.read", rid, uid)
    row = get_row(session, rid, uid)
    listed = rounds.roster_unit(session, round_row, uid)
    if row is None and listed is None:
        raise rounds.unknown_unit(uid)
    pack = engine.load_pack(round_row.pack)
    record = submissions.stored_record(row) if row is not None else {}
    block = row.block if row is not None else listed.block
    deadline = rounds.deadline(round_row, block)
    extended = as_utc(row.extended_until) if row is not None and row.extended_until else None
    if deadline is not None and extended is not None:
        deadline = max(deadline, extended)
    return {
        "round": round_row,
        "pack": pack,
        "uid": uid,
        "name": record.get("name") or (listed.name if listed else uid),
        "parent": listed.parent if listed else record.get("parent"),
        "block": pack.block(block),
        "row": row,
        "state": row.state if row is not None else "none",
        "version": row.version if row is not None else 0,
        "record": record,
        "layout": fields.layout(pack, block),
        "deadline": deadline,
        "past_deadline": deadline is not None and utcnow() >= deadline,
        "locked": _locked_reason(who, round_row, block, row),
        "card": score_card(session, round_row, row, pack) if row is not None else None,
        "evidence": evidence.list_evidence(session, rid, uid),
        "review": engine.loads(row.review_reasons) if row is not None and row.review_reasons
        else {},
    }  # fmt: skip


def target(session: Any, who: Actor, rid: int, uid: str) -> tuple[Any, str]:
    """The pack and block a posted form is read against (after the same checks as
    :func:`load`, without computing the score card)."""
    round_row = rounds.get_round(session, rid)
    require_unit(session, who, "units.read", rid, uid)
    row = get_row(session, rid, uid)
    listed = rounds.roster_unit(session, round_row, uid)
    if row is None and listed is None:
        raise rounds.unknown_unit(uid)
    return engine.load_pack(round_row.pack), row.block if row is not None else listed.block


def _show(
    request: Request,
    data: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
    message: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    by_field = {
        name: [vietnamese(m) for m in texts]
        for name, texts in field_errors(errors or []).items()
    }
    saved = request.query_params.get("saved")
    return render(
        request,
        "unit_form.html",
        status=status,
        **data,
        values=values if values is not None else fields.values_of(data["record"]),
        errors=by_field,
        error_count=sum(len(v) for v in by_field.values()),
        message=message,
        notice=notice or NOTICES.get(saved or ""),
        fields=fields,
        title=f"Phiếu khảo sát — {data['name']}",
    )


def _form_path(rid: int, uid: str) -> str:
    return f"/rounds/{rid}/units/{uid}"


@router.get("/rounds/{rid}/units/{uid}")
@page
async def unit_form(rid: int, uid: str, request: Request) -> Response:
    who = await require_signed_in(request)
    return _show(request, await read(request, load, who, rid, uid))


@router.post("/rounds/{rid}/units/{uid}")
@page
async def save_form(rid: int, uid: str, request: Request) -> Response:
    """Save the draft (and, with ``_action=submit``, submit it) from the posted form, and
    answer with the page and its score card (a reload posts the same version again and
    gets "saved elsewhere", never a second save)."""
    form = await form_of(request)
    who = await require_signed_in(request)
    pack, block = await read(request, target, who, rid, uid)
    body = fields.record_of(form, pack, block)
    typed = fields.typed_values(form)
    submitting = form.get(fields.ACTION) == "submit"
    try:
        await write(request, submissions.save, who, rid, uid, body, None)
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = exc.errors or [{"field": exc.field, "message": exc.message}]
        data = await read(request, load, who, rid, uid)
        return _show(
            request, data, values=typed, errors=errors if exc.status == 422 else None,
            message=_refusal(exc), status=exc.status,
        )  # fmt: skip
    if submitting:
        try:
            await write(request, submissions.submit, who, rid, uid, None)
        except ApiError as exc:
            if exc.status in (401, 403, 404):
                raise
            fresh = await read(request, load, who, rid, uid)
            return _show(
                request, fresh, values=typed,
                errors=(exc.errors or [{"field": exc.field, "message": exc.message}])
                if exc.status == 422 else None,
                message="Đã lưu bản nháp nhưng chưa nộp được: " + _refusal(exc),
                status=exc.status,
            )  # fmt: skip
    data = await read(request, load, who, rid, uid)
    return _show(request, data, notice=NOTICES["nop" if submitting else "1"])


def _refusal(exc: ApiError) -> str:
    if exc.status == 422:
        count = max(len(exc.errors), 1)
        return f"Chưa lưu: {count} giá trị chưa hợp lệ (ghi rõ bên cạnh từng ô)."
    if exc.code == "stale":
        return (
            "Chưa lưu: phiếu đã được người khác lưu sau khi bạn mở (phiên bản "
            f"{exc.extra.get('version')}). Các giá trị bạn nhập vẫn còn bên dưới; hãy mở lại "
            "phiếu để xem bản mới nhất rồi nhập lại thay đổi."
        )
    return f"Chưa lưu: {exc.message}"


@router.post("/rounds/{rid}/units/{uid}/evidence")
@page
async def upload(rid: int, uid: str, request: Request) -> Response:
    """One evidence document for one criterion, checked on its bytes (as the API does)."""
    settings = request.app.state.settings
    form = await form_of(request, max_files=1, max_fields=10)
    who = await require_signed_in(request)
    upload = form.get("file")
    criterion = form.get("criterion")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ApiError(422, "Chưa chọn tệp", code="invalid", field="file")
        content = await upload.read(settings.max_upload + 1)
        if len(content) > settings.max_upload:
            raise too_large(settings.max_upload)
        await write(
            request, evidence.upload, settings, who, rid, uid,
            criterion if isinstance(criterion, str) else None, upload.filename, content,
        )  # fmt: skip
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise
        data = await read(request, load, who, rid, uid)
        return _show(
            request, data, message=f"Chưa tải được tài liệu (tiêu chí {criterion}): {exc.message}",
            status=exc.status,
        )  # fmt: skip
    anchor = f"#{fields.field_id('ev.' + str(criterion))}"
    return redirect(f"{_form_path(rid, uid)}?saved=tai-lieu{anchor}")


@router.get("/rounds/{rid}/units/{uid}/evidence/{eid}")
@page
async def download(rid: int, uid: str, eid: int, request: Request) -> Response:
    who = await require_signed_in(request)
    data, media, name = await read(request, evidence.download, who, rid, uid, eid)
    from urllib.parse import quote

    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )

