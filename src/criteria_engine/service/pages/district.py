"""A district's page (UBND cấp huyện): ``/rounds/{rid}/districts/{did}``.

Its communes on the round's roster and their states; a link to fill in each one's form;
the blank Excel survey form (as ``criteria-engine template`` writes it, one commune or a
sheet of many); uploading filled forms, read by the library and saved commune by commune
through the same save as the API (so every check applies and each commune's outcome is
reported on its own); and submitting the communes that are ready.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from .. import engine, rounds, submissions
from ..errors import ApiError, forbidden, invalid
from ..models import RosterUnit, Submission
from ..permissions import Actor, require_unit
from .messages import vietnamese
from .web import form_of, page, read, redirect, render, require_signed_in, write

router = APIRouter(include_in_schema=False)


def communes(session: Any, who: Actor, rid: int, did: str) -> dict[str, Any]:
    """The district, its communes with their states and totals (from the engine)."""
    round_row = rounds.get_round(session, rid)
    require_unit(session, who, "units.read", rid, did)
    if who.role == "reviewer":
        raise forbidden()
    listed = session.scalars(
        select(RosterUnit).where(RosterUnit.round_id == rid, RosterUnit.parent == did)
    ).all()
    own = rounds.roster_unit(session, round_row, did)
    rows = {
        r.unit_id: r
        for r in session.scalars(
            select(Submission).where(
                Submission.round_id == rid, Submission.unit_id.in_([u.unit_id for u in listed])
            )
        )
    }
    pack = engine.load_pack(round_row.pack)
    colours = engine.level_colours(pack)
    others: dict[str, list] = {}  # a block's records, when its scores read block-wide figures
    out = []
    for unit in sorted(listed, key=lambda u: engine.sort_key(u.name)):
        row = rows.get(unit.unit_id)
        entry: dict[str, Any] = {"id": unit.unit_id, "name": unit.name, "block": unit.block,
                                 "state": row.state if row else "none", "total": None,
                                 "level": None, "missing": None, "version": None}  # fmt: skip
        if row is not None:
            entry["version"] = row.version
            record = submissions.engine_view(row, round_row)
            missing = engine.missing_inputs(pack, record)
            entry["missing"] = len(missing)
            if not missing:
                if row.block not in others:
                    others[row.block] = submissions.block_peers(session, round_row, pack, row.block)
                result = engine.evaluate_in_block(pack, record, others[row.block])
                if result is not None:
                    entry["total"] = result.published_total
                    entry["level"] = result.level
                    entry["colour"] = colours.get(result.level or "", "#616e7c")
        out.append(entry)
    blocks = sorted({u.block for u in listed})
    return {"round": round_row, "pack": pack, "did": did, "name": own.name if own else did,
            "communes": out, "blocks": blocks}  # fmt: skip


def _show(request: Request, data: dict[str, Any], *, report: list | None = None,
          message: str | None = None, status: int = 200) -> Response:  # fmt: skip
    notice = {"nop": "Đã nộp các xã đã chọn."}.get(request.query_params.get("ok", ""))
    return render(
        request, "district.html", status=status, title=f"Các xã của {data['name']}", **data,
        report=report, message=message, notice=notice,
    )  # fmt: skip


@router.get("/rounds/{rid}/districts/{did}")
@page
async def district_page(rid: int, did: str, request: Request) -> Response:
    who = await require_signed_in(request, "admin", "unit")
    return _show(request, await read(request, communes, who, rid, did))


@router.get("/rounds/{rid}/districts/{did}/phieu-{block}.xlsx")
@page
async def blank_form(rid: int, did: str, block: str, request: Request) -> Response:
    """The blank survey form; ``?nhieu=1`` for one sheet with a row per commune."""
    who = await require_signed_in(request, "admin", "unit")
    data = await read(request, communes, who, rid, did)
    if block not in data["blocks"]:
        raise invalid(f"Không có khối {block!r} trong các xã của huyện", "block")
    multi = request.query_params.get("nhieu") == "1"
    body = engine.survey_form(data["pack"], block, multi=multi)
    name = f"phieu-khao-sat-{data['pack'].name}-{block}{'-nhieu-don-vi' if multi else ''}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def _outcome(name: str, exc: ApiError) -> dict[str, Any]:
    errors = exc.errors or [{"field": exc.field, "message": exc.message}]
    return {"unit": name, "ok": False,
            "errors": [((e.get("field") or "") + ": " if e.get("field") else "")
                       + vietnamese(e.get("message") or "") for e in errors]}  # fmt: skip


@router.post("/rounds/{rid}/districts/{did}/excel")
@page
async def upload_excel(rid: int, did: str, request: Request) -> Response:
    """Read a filled Excel form and save each commune in it as a draft."""
    form = await form_of(request, max_files=1, max_fields=10)
    who = await require_signed_in(request, "admin", "unit")
    data = await read(request, communes, who, rid, did)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _show(request, data, message="Chưa chọn tệp Excel.", status=422)
    content = await upload.read(request.app.state.settings.max_body + 1)
    if len(content) > request.app.state.settings.max_body:
        return _show(request, data, message="Tệp quá lớn.", status=413)
    records, errors = engine.read_workbook(content, upload.filename)
    report = [
        {"unit": e.get("unit") or upload.filename, "ok": False,
         "errors": [vietnamese(e["message"]) + (f" ({e['field']})" if e.get("field") else "")]}
        for e in errors
    ]  # fmt: skip
    mine = {c["id"] for c in data["communes"]}
    for record in records:
        uid = str(record.get("id") or "")
        label = str(record.get("name") or uid or "(không có mã)")
        if uid not in mine:
            problem = f"Mã đơn vị {uid!r} không phải xã của huyện này"
            report.append({"unit": label, "ok": False, "errors": [problem]})
            continue
        body = {k: v for k, v in record.items() if k not in ("period", "submitted", "verified")}
        try:
            saved = await write(request, submissions.save, who, rid, uid, body, None)
        except ApiError as exc:
            if exc.status in (401,):
                raise
            report.append(_outcome(label, exc))
            continue
        report.append({"unit": label, "ok": True, "total": saved.get("published_total"),
                       "missing": len(saved.get("missing") or [])})  # fmt: skip
    fresh = await read(request, communes, who, rid, did)
    good = any(item["ok"] for item in report)
    return _show(request, fresh, report=report, status=200 if good else 422)


@router.post("/rounds/{rid}/districts/{did}/submit")
@page
async def submit(rid: int, did: str, request: Request) -> Response:
    """Submit the chosen communes, each as ``POST …/submit`` does."""
    form = await form_of(request)
    who = await require_signed_in(request, "admin", "unit")
    data = await read(request, communes, who, rid, did)
    mine = {c["id"]: c["name"] for c in data["communes"]}
    chosen = [u for u in form.getlist("unit") if isinstance(u, str)]
    report = []
    for uid in chosen:
        if uid not in mine:
            report.append({"unit": uid, "ok": False, "errors": ["Không phải xã của huyện này"]})
            continue
        try:
            await write(request, submissions.submit, who, rid, uid, None)
        except ApiError as exc:
            if exc.status == 401:
                raise
            report.append(_outcome(mine[uid], exc))
    if not chosen:
        return _show(request, data, message="Chưa chọn xã nào để nộp.", status=422)
    if not report:
        return redirect(f"/rounds/{rid}/districts/{did}?ok=nop")
    fresh = await read(request, communes, who, rid, did)
    status = 409 if len(report) == len(chosen) else 200
    return _show(request, fresh, report=report, status=status,
                 message="Một số xã chưa nộp được (xem từng xã dưới đây).")  # fmt: skip
