"""Verification pages for the verification team (tổ thẩm định): ``/tham-dinh``.

The queue of submitted units; for one unit, per criterion the self-assessed score, the
score from the declared figures, the verified score (the engine's, on the verified input
values) with the reason, the evidence documents, and the differences summed. Verified
values are entered as input values with a reason each and saved through
:func:`..review.review`, exactly as ``POST …/review`` does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from .. import engine, evidence, review, rounds, submissions
from ..drafts import unit_record
from ..errors import ApiError
from ..models import RosterUnit, Submission
from ..permissions import Actor, require
from . import fields
from .messages import vietnamese
from .web import field_errors, form_of, page, read, redirect, render, require_signed_in, write

router = APIRouter(include_in_schema=False)
VERIFIED, WHY = "v.", "why."


def _rounds(session: Any) -> list[dict[str, Any]]:
    return list(reversed(rounds.list_rounds(session)))


@router.get("/tham-dinh")
@page
async def rounds_page(request: Request) -> Response:
    await require_signed_in(request, "admin", "reviewer")
    listed = await read(request, _rounds)
    return render(request, "review_rounds.html", title="Thẩm định", rounds=listed)


def queue(session: Any, who: Actor, rid: int) -> dict[str, Any]:
    """Submitted units first (not yet verified before verified), then drafts."""
    require(who, "units.review")
    row = rounds.get_round(session, rid)
    names = {
        u.unit_id: u.name
        for u in session.scalars(select(RosterUnit).where(RosterUnit.round_id == rid))
    }
    rows = session.scalars(select(Submission).where(Submission.round_id == rid)).all()
    pack = engine.load_pack(row.pack)
    entries = [
        {
            "id": s.unit_id,
            "name": names.get(s.unit_id, s.unit_id),
            "block": pack.block(s.block).title,
            "state": s.state,
            "submitted_at": s.submitted_at,
            "reviewed_at": s.reviewed_at,
            "reviewed_by": s.reviewed_by,
        }
        for s in rows
    ]
    entries.sort(
        key=lambda e: (
            e["state"] != "submitted",
            e["reviewed_at"] is not None,
            engine.sort_key(e["name"]),
        )
    )
    submitted = sum(e["state"] == "submitted" for e in entries)
    reviewed = sum(e["reviewed_at"] is not None for e in entries)
    return {"round": row, "pack": pack, "entries": entries, "submitted": submitted,
            "reviewed": reviewed, "roster": len(names)}  # fmt: skip


@router.get("/tham-dinh/{rid}")
@page
async def queue_page(rid: int, request: Request) -> Response:
    who = await require_signed_in(request, "admin", "reviewer")
    data = await read(request, queue, who, rid)
    return render(request, "review_queue.html", title="Hàng đợi thẩm định", **data)


def _leaf_rows(verified: Any, declared: Any) -> tuple[list[dict[str, Any]], Decimal]:
    """Per scored criterion: self-assessed, declared and verified scores and the
    difference (verified − self-assessed, or − declared where there is no self-score)."""
    before = {c.id: c for c in declared.all_criteria()} if declared is not None else {}
    out, total = [], Decimal(0)
    for c in verified.all_criteria():
        if c.children:
            continue
        declared_score = getattr(before.get(c.id), "score", None)
        base = c.self_score if c.self_score is not None else declared_score
        diff = None
        if c.score is not None and base is not None:
            diff = c.score - base
            total += diff
        out.append({"c": c, "declared": getattr(before.get(c.id), "score", None), "diff": diff})
    return out, total


def unit_review(session: Any, who: Actor, rid: int, uid: str) -> dict[str, Any]:
    round_row, row = unit_record(session, who, "units.review", rid, uid)
    pack = engine.load_pack(round_row.pack)
    record = submissions.engine_view(row, round_row)
    others = submissions.block_peers(session, round_row, pack, row.block)
    declared_record = {k: v for k, v in record.items() if k != "verified"}
    result = engine.evaluate_in_block(pack, record, others)
    declared = engine.evaluate_in_block(pack, declared_record, others) if row.verified else result
    lines, diff_total = _leaf_rows(result, declared) if result is not None else ([], Decimal(0))
    stored = submissions.stored_record(row)
    return {
        "round": round_row,
        "pack": pack,
        "row": row,
        "uid": uid,
        "name": stored.get("name") or uid,
        "block": pack.block(row.block),
        "layout": fields.layout(pack, row.block),
        "inputs": stored.get("inputs") or {},
        "verified": engine.loads(row.verified or "{}"),
        "reasons": engine.loads(row.review_reasons or "{}"),
        "result": result,
        "declared": declared,
        "lines": lines,
        "diff_total": diff_total,
        "evidence": evidence.list_evidence(session, rid, uid),
        "notes": stored.get("evidence_notes") or {},
        "colours": engine.level_colours(pack),
    }


def _show(request: Request, data: dict[str, Any], *, values: dict[str, str] | None = None,
          errors: list[dict] | None = None, message: str | None = None,
          status: int = 200) -> Response:  # fmt: skip
    if values is None:
        values = {VERIFIED + k: fields.shown(v) for k, v in data["verified"].items()}
        values.update({WHY + k: str(v) for k, v in data["reasons"].items()})
    by_field = {
        name: [vietnamese(m) for m in texts] for name, texts in field_errors(errors or []).items()
    }
    notice = "Đã lưu kết quả thẩm định." if request.query_params.get("saved") else None
    return render(
        request, "review_unit.html", status=status, title=f"Thẩm định — {data['name']}", **data,
        values=values, errors=by_field, message=message, notice=notice, fields=fields,
    )  # fmt: skip


@router.get("/tham-dinh/{rid}/units/{uid}")
@page
async def unit_page(rid: int, uid: str, request: Request) -> Response:
    who = await require_signed_in(request, "admin", "reviewer")
    return _show(request, await read(request, unit_review, who, rid, uid))


@router.post("/tham-dinh/{rid}/units/{uid}")
@page
async def save_review(rid: int, uid: str, request: Request) -> Response:
    form = await form_of(request)
    who = await require_signed_in(request, "admin", "reviewer")
    data = await read(request, unit_review, who, rid, uid)
    verified: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for name, spec in data["block"].inputs.items():
        value = form.get(VERIFIED + name)
        why = form.get(WHY + name)
        if isinstance(value, str) and value.strip():
            text = value.strip()
            verified[name] = (text == "true") if spec.type == "boolean" and text in (
                "true", "false") else text  # fmt: skip
        if isinstance(why, str) and why.strip():
            reasons[name] = why.strip()
    try:
        await write(request, review.review, who, rid, uid, {"verified": verified,
                                                            "reasons": reasons})  # fmt: skip
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = exc.errors or [{"field": exc.field, "message": exc.message}]
        return _show(
            request, data, values=fields.typed_values(form), errors=errors,
            message=f"Chưa lưu: {exc.message}", status=exc.status,
        )  # fmt: skip
    return redirect(f"/tham-dinh/{rid}/units/{uid}?saved=1")
