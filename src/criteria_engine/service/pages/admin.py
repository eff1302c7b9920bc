"""Admin pages (Sở TT&TT): ``/admin`` — rounds and their deadlines, accounts, reopening a
unit with a reason, approval and publication, downloads and the audit log.

Each action is the API's domain function (:mod:`..rounds`, :mod:`..accounts`,
:mod:`..submissions`, :mod:`..publish`), so the same checks and the same audit entries
apply. A password typed here goes to the argon2 hash and nowhere else.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from .. import accounts, audit, engine, publish, rounds, submissions
from ..errors import ApiError
from ..models import User
from ..permissions import Actor, require
from .web import form_of, page, read, redirect, render, require_signed_in, write

router = APIRouter(include_in_schema=False)


def _overview(session: Any) -> dict[str, Any]:
    return {"rounds": list(reversed(rounds.list_rounds(session))),
            "packs": engine.installed_packs()}  # fmt: skip


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("/admin")
@page
async def overview(request: Request) -> Response:
    await require_signed_in(request, "admin")
    data = await read(request, _overview)
    return render(request, "admin_rounds.html", title="Quản trị", **data, message=None, form={})


@router.post("/admin/rounds")
@page
async def create_round(request: Request) -> Response:
    form = await form_of(request)
    who = await require_signed_in(request, "admin")
    require(who, "rounds.create")
    deadline = _text(form, "deadline")

    def work(session: Any) -> int:
        pack = engine.load_pack(_text(form, "pack"), _text(form, "period") or None)
        deadlines = (
            dict.fromkeys(engine.block_ids(pack), deadline)
            if deadline and form.get("deadline_from") != "pack"
            else None
        )
        row = rounds.create_round(
            session, who.login, pack=_text(form, "pack"), period=_text(form, "period"),
            deadlines=deadlines, title=_text(form, "title") or None,
        )  # fmt: skip
        return row.id

    try:
        rid = await write(request, work)
    except (ApiError, engine.PackProblem) as exc:
        if isinstance(exc, ApiError) and exc.status in (401, 403):
            raise
        data = await read(request, _overview)
        message = exc.message if isinstance(exc, ApiError) else str(exc)
        return render(
            request, "admin_rounds.html", status=422, title="Quản trị", **data,
            message=f"Chưa tạo được đợt đánh giá: {message}", form=dict(form),
        )  # fmt: skip
    return redirect(f"/admin/rounds/{rid}")


def _round(session: Any, who: Actor, rid: int) -> dict[str, Any]:
    row = rounds.get_round(session, rid)
    pack = engine.load_pack(row.pack)
    units = submissions.unit_list(session, who, rid)
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit["state"]] = counts.get(unit["state"], 0) + 1
    for unit in units:
        unit["block_title"] = pack.block(unit["block"]).title if unit["block"] else ""
    units.sort(key=lambda u: (u["block"] or "", engine.sort_key(u["name"] or u["id"])))
    return {
        "round": row,
        "pack": pack,
        "units": units,
        "counts": counts,
        "deadlines": {b: rounds.deadline(row, b) for b in engine.block_ids(pack)},
        "audit": audit.entries(session, rid)[-30:][::-1],
    }


@router.get("/admin/rounds/{rid}")
@page
async def round_page(rid: int, request: Request) -> Response:
    who = await require_signed_in(request, "admin")
    data = await read(request, _round, who, rid)
    notices = {"duyet": "Đã phê duyệt kết quả.", "cong-bo": "Đã công bố kết quả.",
               "mo-lai": "Đã mở lại phiếu của đơn vị."}  # fmt: skip
    notice = notices.get(request.query_params.get("ok", ""))
    return render(request, "admin_round.html", title=f"Quản trị đợt {rid}", **data,
                  notice=notice, message=None)  # fmt: skip


async def _action(request: Request, rid: int, work: Any, done: str) -> Response:
    form = await form_of(request)
    who = await require_signed_in(request, "admin")
    try:
        await write(request, work, who, form)
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise
        data = await read(request, _round, who, rid)
        return render(
            request, "admin_round.html", status=exc.status, title=f"Quản trị đợt {rid}",
            **data, notice=None, message=exc.message,
        )  # fmt: skip
    return redirect(f"/admin/rounds/{rid}?ok={done}")


@router.post("/admin/rounds/{rid}/approve")
@page
async def approve(rid: int, request: Request) -> Response:
    def work(session: Any, who: Actor, _form: Any) -> None:
        require(who, "rounds.approve")
        rounds.approve(session, who.login, rounds.get_round(session, rid, lock="update"))

    return await _action(request, rid, work, "duyet")


@router.post("/admin/rounds/{rid}/publish")
@page
async def publish_round(rid: int, request: Request) -> Response:
    def work(session: Any, who: Actor, _form: Any) -> None:
        require(who, "rounds.publish")
        publish.publish(session, who.login, rid)

    return await _action(request, rid, work, "cong-bo")


@router.post("/admin/rounds/{rid}/units/{uid}/reopen")
@page
async def reopen(rid: int, uid: str, request: Request) -> Response:
    def work(session: Any, who: Actor, form: Any) -> None:
        body = {"reason": _text(form, "reason")}
        if _text(form, "until"):
            body["until"] = _text(form, "until")
        submissions.reopen(session, who, rid, uid, body)

    return await _action(request, rid, work, "mo-lai")


def _accounts(session: Any) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.login)))


@router.get("/admin/accounts")
@page
async def accounts_page(request: Request) -> Response:
    await require_signed_in(request, "admin")
    users = await read(request, _accounts)
    return render(request, "admin_accounts.html", title="Tài khoản", users=users, message=None,
                  notice=request.query_params.get("ok") and "Đã tạo tài khoản.",
                  form={})  # fmt: skip


@router.post("/admin/accounts")
@page
async def add_account(request: Request) -> Response:
    form = await form_of(request)
    who = await require_signed_in(request, "admin")
    require(who, "users.add")
    settings = request.app.state.settings

    def work(session: Any) -> None:
        accounts.add_user(
            session, settings, login=_text(form, "login"),
            password=str(form.get("password") or ""), role=_text(form, "role"),
            unit=_text(form, "unit") or None, actor=who.login,
        )  # fmt: skip

    try:
        await write(request, work)
    except ApiError as exc:
        if exc.status in (401, 403):
            raise
        users = await read(request, _accounts)
        kept = {k: v for k, v in form.items() if k != "password" and isinstance(v, str)}
        return render(
            request, "admin_accounts.html", status=exc.status, title="Tài khoản", users=users,
            message=f"Chưa tạo được tài khoản: {exc.message}", notice=None, form=kept,
        )  # fmt: skip
    return redirect("/admin/accounts?ok=1")
