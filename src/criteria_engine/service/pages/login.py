"""Signing in and out of the portal: ``/login`` and ``/logout``, and the home page.

A sign-in is the API's: :func:`..accounts.authenticate` (argon2, failures slowed down in
the database) and :func:`..tokens.issue`; the token is kept in an HttpOnly, SameSite
cookie instead of an ``Authorization`` header. The password is never logged nor shown
again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import accounts, rounds, tokens
from ..errors import ApiError
from ..models import RosterUnit
from ..permissions import Actor
from . import csrf
from .web import form_of, page, read, redirect, render, set_cookie, signed_in, write

router = APIRouter(include_in_schema=False)


def _safe_next(target: Any) -> str:
    """Only a path of this site (never ``//host`` or a scheme) after signing in."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
@page
async def login_page(request: Request) -> Response:
    return render(
        request, "login.html", title="Đăng nhập", message=None, login="",
        next=_safe_next(request.query_params.get("next")),
    )  # fmt: skip


@router.post("/login")
@page
async def login(request: Request) -> Response:
    form = await form_of(request)
    settings = request.app.state.settings
    login_name = str(form.get("login") or "").strip()
    password = str(form.get("password") or "")
    target = _safe_next(form.get("next"))

    def work(session):  # type: ignore[no-untyped-def]
        user = accounts.authenticate(session, settings, login_name, password)
        if user is None:
            return None
        token, _expires = tokens.issue(session, user, settings.token_ttl)
        return token

    try:
        token = await write(request, work)
    except ApiError as exc:  # 429: slowed down after repeated failures
        return render(
            request, "login.html", status=exc.status, title="Đăng nhập", message=exc.message,
            login=login_name, next=target,
        )  # fmt: skip
    if token is None:
        return render(
            request, "login.html", status=401, title="Đăng nhập",
            message="Sai tên đăng nhập hoặc mật khẩu.", login=login_name, next=target,
        )  # fmt: skip
    response = redirect(target)
    set_cookie(request, response, csrf.SESSION_COOKIE, token, max_age=settings.token_ttl)
    response.delete_cookie(csrf.ANON_COOKIE, path="/")
    return response


@router.post("/logout")
@page
async def logout(request: Request) -> Response:
    await form_of(request)
    token = request.cookies.get(csrf.SESSION_COOKIE)
    if token:
        await write(request, tokens.revoke, token)
    response = redirect("/")
    response.delete_cookie(csrf.SESSION_COOKIE, path="/")
    return response


def _home(session: Any, who: Actor) -> dict[str, Any]:
    """The rounds this account works in, with the links its role needs."""
    from sqlalchemy import select

    listed = []
    for row in rounds.list_rounds(session):
        entry: dict[str, Any] = {"round": row, "unit": None, "communes": 0}
        if who.role == "unit" and who.unit:
            own = session.get(RosterUnit, (row["id"], who.unit))
            communes = session.scalars(
                select(RosterUnit.unit_id).where(
                    RosterUnit.round_id == row["id"], RosterUnit.parent == who.unit
                )
            ).all()
            entry["unit"] = own
            entry["communes"] = len(communes)
            if own is None and not communes:
                continue
        listed.append(entry)
    listed.reverse()  # the latest round first
    return {"rounds": listed}


@router.get("/")
@page
async def home(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return redirect("/ket-qua")
    data = await read(request, _home, who)
    return render(request, "home.html", title="Trang chủ", **data)
