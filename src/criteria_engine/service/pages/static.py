"""The portal's one stylesheet and one small script, shipped with the package.

The stylesheet is the HTML report's own (so chips, tables, charts and score cards look the
same in the report and on the pages) followed by the portal's additions for forms, the
page frame and narrow screens. Both are read once per process and served with a
content hash as their ETag.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent


@functools.lru_cache(maxsize=1)
def stylesheet() -> bytes:
    from .web import environment

    report = environment().get_template("style.css.j2").render()
    portal = (HERE / "static" / "portal.css").read_text(encoding="utf-8")
    return (report + "\n/* portal */\n" + portal).encode("utf-8")


@functools.lru_cache(maxsize=1)
def script() -> bytes:
    return (HERE / "static" / "portal.js").read_bytes()


def _serve(request: Request, data: bytes, media: str) -> Response:
    tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    headers = {"ETag": tag, "Cache-Control": "public, max-age=300",
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media, headers=headers)


@router.get("/static/portal.css")
async def css(request: Request) -> Response:
    return _serve(request, stylesheet(), "text/css; charset=utf-8")


@router.get("/static/portal.js")
async def js(request: Request) -> Response:
    return _serve(request, script(), "text/javascript; charset=utf-8")


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(status_code=204)
