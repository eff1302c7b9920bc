"""Sign-in, sign-out, the current account, and accounts (admin)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from .. import accounts, tokens
from ..errors import unauthorized
from ..permissions import require
from .deps import ActorDep, ApiJSON, bearer, in_write, settings_of

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class LoginBody(BaseModel):
    login: str = Field(description="Tên đăng nhập")
    password: str = Field(description="Mật khẩu")


class TokenOut(BaseModel):
    token: str
    expires_at: str
    role: str
    unit: str | None


class UserBody(BaseModel):
    login: str
    password: str
    role: Literal["admin", "reviewer", "unit"]
    unit: str | None = Field(default=None, description="Mã đơn vị (chỉ tài khoản đơn vị)")


class UserOut(BaseModel):
    id: int
    login: str
    role: str
    unit: str | None


@router.post("/login", response_model=TokenOut, responses={401: {}, 422: {}, 429: {}})
async def login(body: LoginBody, request: Request) -> ApiJSON:
    """Sign in; the token goes in ``Authorization: Bearer <token>``."""
    settings = settings_of(request)

    def work(session):  # type: ignore[no-untyped-def]
        user = accounts.authenticate(session, settings, body.login, body.password)
        if user is None:
            return None
        token, expires = tokens.issue(session, user, settings.token_ttl)
        return {"token": token, "expires_at": expires.isoformat(), "role": user.role,
                "unit": user.unit}  # fmt: skip

    out = await in_write(request, work)
    if out is None:  # the failure was counted and committed first
        raise unauthorized("Sai tên đăng nhập hoặc mật khẩu")
    return ApiJSON(out)


@router.post("/logout", status_code=204, responses={401: {}})
async def logout(request: Request, who: ActorDep) -> None:
    token = bearer(request) or ""
    await in_write(request, tokens.revoke, token)


@router.get("/me", response_model=UserOut, responses={401: {}})
async def me(who: ActorDep) -> ApiJSON:
    return ApiJSON({"id": who.user_id, "login": who.login, "role": who.role, "unit": who.unit})


@router.post(
    "/users",
    status_code=201,
    response_model=UserOut,
    responses={401: {}, 403: {}, 409: {}, 422: {}},
)
async def add_user(body: UserBody, request: Request, who: ActorDep) -> ApiJSON:
    """Create an account (admin)."""
    require(who, "users.add")
    settings = settings_of(request)

    def work(session):  # type: ignore[no-untyped-def]
        user = accounts.add_user(
            session, settings, login=body.login, password=body.password, role=body.role,
            unit=body.unit, actor=who.login,
        )  # fmt: skip
        return {"id": user.id, "login": user.login, "role": user.role, "unit": user.unit}

    return ApiJSON(await in_write(request, work), status_code=201)
