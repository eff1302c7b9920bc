"""The application factory: settings in, an ASGI app out.

Each concern lives in its own module (``api/`` routes, ``accounts``, ``tokens``,
``permissions``, ``rounds``, ``submissions``, ``evidence``, ``review``, ``publish``,
``audit``); this module only puts them together, so the portal's pages can be mounted
beside the API later without touching it. Nothing is kept in process memory but caches
of packs, so any number of processes can serve one database.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError

from .api import auth, misc, rounds, units
from .api.deps import ApiJSON
from .errors import ApiError
from .limits import BodyLimit
from .settings import Settings
from .store import Store

TITLE = "criteria-engine — hệ thống đánh giá Chính quyền điện tử trực tuyến"


async def _api_error(_request: Request, exc: Exception) -> ApiJSON:
    assert isinstance(exc, ApiError)
    return ApiJSON(exc.body(), status_code=exc.status, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> ApiJSON:
    """A body that does not fit its model: 422 naming the first bad field (``a.b.0``)."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for item in exc.errors():
        location = [str(part) for part in item.get("loc", ())]
        if location and location[0] in ("body", "query", "path", "header"):
            location = location[1:]
        field = ".".join(location) or "body"
        errors.append(
            {
                "field": field,
                "message": item.get("msg", ""),
                "text": f"{field}: {item.get('msg', '')}",
            }
        )
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    body = {"error": first["message"], "code": "invalid", "field": first["field"], "errors": errors}
    return ApiJSON(body, status_code=422)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The service for ``settings`` (its database must already be migrated)."""
    from . import __version__ as version

    settings = settings or Settings.from_env()
    the_store = store or Store(settings.db_url)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        the_store.dispose()

    app = FastAPI(title=TITLE, version=version, docs_url="/docs", redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = the_store
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for module in (misc, auth, rounds, units):
        app.include_router(module.router)
    from .pages import mount  # the portal's pages, over the same domain functions

    mount(app)
    app.add_middleware(BodyLimit, max_body=settings.max_body, max_upload=settings.max_upload)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            from .openapi import complete

            app.openapi_schema = complete(
                get_openapi(title=app.title, version=app.version, routes=app.routes)
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn's worker processes call (``--workers N``): settings come from
    the ``CRITERIA_ENGINE_*`` variables the ``serve`` command set."""
    return create_app(Settings.from_env())
