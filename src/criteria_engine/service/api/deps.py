"""What every handler needs: the store, the settings, the signed-in actor, JSON bodies
with exact decimals, and a JSON response that writes them back exactly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool

from .. import engine, tokens
from ..errors import invalid, unauthorized
from ..permissions import Actor
from ..settings import Settings
from ..store import Store

T = TypeVar("T")


class ApiJSON(JSONResponse):
    """JSON with exact decimals and Vietnamese text as is."""

    def render(self, content: Any) -> bytes:
        return engine.dumps(content).encode("utf-8")


def store_of(request: Request) -> Store:
    return request.app.state.store


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _resolve(store: Store, token: str) -> Actor | None:
    with store.read() as session:
        user = tokens.resolve(session, token)
        if user is None:
            return None
        return Actor(user_id=user.id, login=user.login, role=user.role, unit=user.unit)


def optional_actor(request: Request) -> Actor | None:
    """The signed-in account, None when no token is sent; 401 for a bad or expired one.

    A sync dependency: FastAPI runs it in the thread pool, off the event loop.
    """
    token = bearer(request)
    if token is None:
        return None
    actor = _resolve(store_of(request), token)
    if actor is None:
        raise unauthorized()
    return actor


def actor(request: Request) -> Actor:
    """The signed-in account; 401 without a valid token."""
    found = optional_actor(request)
    if found is None:
        raise unauthorized()
    return found


async def json_body(request: Request) -> Any:
    """The request's JSON, decimals exact; 422 when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        raise invalid("Thiếu nội dung JSON", "body")
    try:
        return engine.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(f"Nội dung không phải JSON hợp lệ: {exc}", "body") from None


#: how often a write transaction that lost a race is run again from the start
WRITE_ATTEMPTS = 4


async def in_write(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(session, *args)`` in one write transaction, in the thread pool.

    Two requests creating the same row at once (two first saves of one unit), or a
    deadlock the database broke, roll one transaction back whole; it is then run again
    from the start and sees the other's row, so it answers as if it had come second
    (a stale save gets 409, a save naming no version replaces the draft).
    """
    store = store_of(request)

    def run() -> T:
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with store.write() as session:
                    return work(session, *args)
            except (IntegrityError, OperationalError):
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    return await run_in_threadpool(run)


async def in_read(request: Request, work: Callable[..., T], *args: Any) -> T:
    store = store_of(request)

    def run() -> T:
        with store.read() as session:
            return work(session, *args)

    return await run_in_threadpool(run)


#: the signed-in account (401 without one), and the account if any (public routes)
ActorDep = Annotated[Actor, Depends(actor)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
