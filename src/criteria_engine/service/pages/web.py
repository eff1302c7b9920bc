"""What every page needs: templates, the signed-in account from the session cookie, the
CSRF check, running domain functions in the thread pool, and turning their refusals into
pages.

The pages call the same domain functions as the API (:mod:`..submissions`,
:mod:`..review`, :mod:`..publish` …), so every rule — who may act, deadlines, versions,
what the engine accepts — is decided once, there. A refusal (``ApiError``) becomes a page
with the same status code and the same Vietnamese message.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import engine, tokens
from ..errors import ApiError
from ..permissions import Actor
from ..rounds import VIETNAM
from ..store import Store, as_utc
from . import csrf

T = TypeVar("T")
HERE = Path(__file__).parent

#: the pages fetch nothing from elsewhere; inline style attributes carry the level colours
#: and bar widths the report's macros draw with
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
ROLE_LABELS = {"admin": "Quản trị (Sở TT&TT)", "reviewer": "Tổ thẩm định", "unit": "Đơn vị"}
ROUND_STATES = {"open": "Đang mở", "approved": "Đã phê duyệt", "published": "Đã công bố"}
UNIT_STATES = {"none": "Chưa có số liệu", "draft": "Bản nháp", "submitted": "Đã nộp"}


class PageError(Exception):
    """A page refused with a status and a message (shown on an error page)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def when(value: Any) -> str:
    """An instant as Vietnamese offices write it, in Vietnam time: 17:00 18/10/2019."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return as_utc(value).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def figure(value: Any) -> str:
    """A decimal as plain text (no exponent), other values as tables show them."""
    return engine.shown(value)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescaped templates: the portal's own, then the HTML report's (its macros draw the
    level chips, charts and score cards here exactly as in the report)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(HERE / "templates")),
                jinja2.PackageLoader("criteria_engine", "reports/templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["figure"] = figure
    env.filters["cell"] = figure  # the report macros' filter
    env.globals.update(
        ROLE_LABELS=ROLE_LABELS, ROUND_STATES=ROUND_STATES, UNIT_STATES=UNIT_STATES,
        published=engine.published, share=share, STATUS_LABELS=engine.STATUS_LABELS,
    )
    return env


def share(score: Decimal | None, maximum: Decimal | None) -> str:
    """A score as a percentage of its maximum, held to 0–100, for drawing a bar."""
    if score is None or not maximum:
        return "0"
    value = min(max(score / maximum * 100, Decimal(0)), Decimal(100))
    return format(value.quantize(Decimal("0.1")), "f")


def store_of(request: Request) -> Store:
    return request.app.state.store


def actor_of(request: Request) -> Actor | None:
    """The account of the session cookie, or None (an unknown or expired session too)."""
    cached = getattr(request.state, "actor", False)
    if cached is not False:
        return cached
    token = request.cookies.get(csrf.SESSION_COOKIE)
    found = None
    if token:
        with store_of(request).read() as session:
            user = tokens.resolve(session, token)
            if user is not None:
                found = Actor(user_id=user.id, login=user.login, role=user.role, unit=user.unit)
    request.state.actor = found
    return found


async def signed_in(request: Request) -> Actor | None:
    return await run_in_threadpool(actor_of, request)


async def require_signed_in(request: Request, *roles: str) -> Actor:
    """The account, or a redirect to the sign-in page; 403 for a role not in ``roles``."""
    who = await signed_in(request)
    if who is None:
        raise Redirect(f"/login?next={request.url.path}")
    if roles and who.role not in roles:
        raise PageError(403, "Tài khoản không có quyền xem trang này")
    return who


class Redirect(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


async def form_of(request: Request, **limits: Any) -> Any:
    """The posted form, after the CSRF check (403 without the page's token)."""
    form = await request.form(**limits)
    if not csrf.valid(request, form.get(csrf.FIELD)):
        raise PageError(403, "Biểu mẫu thiếu mã bảo vệ (CSRF) hoặc mã đã hết hạn; tải lại trang")
    return form


async def read(request: Request, work: Callable[..., T], *args: Any) -> T:
    store = store_of(request)

    def run() -> T:
        with store.read() as session:
            return work(session, *args)

    return await run_in_threadpool(run)


async def write(request: Request, work: Callable[..., T], *args: Any) -> T:
    """One write transaction, run again from the start if it lost a race (as the API)."""
    from ..api.deps import in_write

    return await in_write(request, work, *args)


def render(
    request: Request, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page; sets the pre-sign-in CSRF cookie when the browser has none yet."""
    who = getattr(request.state, "actor", None) or None
    anon_secret = None
    if not request.cookies.get(csrf.SESSION_COOKIE) and not request.cookies.get(
        csrf.ANON_COOKIE
    ):
        anon_secret = csrf.new_anonymous_secret()
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            who=who,
            csrf_field=csrf.FIELD,
            csrf_token=csrf.token_for(request, anon_secret),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status, headers=security_headers())
    if anon_secret:
        set_cookie(request, response, csrf.ANON_COOKIE, anon_secret, max_age=None)
    return response


def security_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {403: "Không có quyền", 404: "Không tìm thấy", 409: "Không thể thay đổi"}
    return render(
        request, "error.html", status=status, title=titles.get(status, "Có lỗi"), message=message
    )


def page(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a handler's refusals into pages: sign-in redirects, 403/404/409 pages."""

    @functools.wraps(handler)
    async def wrapped(*args: Any, **kwargs: Any) -> Response:
        request = kwargs.get("request") or next(a for a in args if isinstance(a, Request))
        try:
            return await handler(*args, **kwargs)
        except Redirect as exc:
            return RedirectResponse(exc.location, status_code=303)
        except PageError as exc:
            return error_page(request, exc.status, exc.message)
        except ApiError as exc:
            if exc.status == 401:
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            return error_page(request, exc.status, exc.message)

    return wrapped


def redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


def field_errors(errors: list[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The engine's errors by field (``inputs.x``), for showing next to each field."""
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(error.get("field") or "", []).append(error.get("message") or "")
    return out
