"""Request size limits, enforced before a handler reads the body.

A body longer than the limit is refused with 413 — from ``Content-Length`` at once, or,
for a chunked body, as soon as the bytes read pass the limit — so an oversized request
never reaches the database and never changes anything. Evidence uploads have their own,
larger limit.
"""

from __future__ import annotations

from typing import Any

from .engine import dumps
from .errors import too_large


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 for a body over ``max_body`` (``max_upload`` for uploads)."""

    def __init__(self, app: Any, *, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    def limit_for(self, path: str) -> int:
        # multipart framing around the file is small; allow 64 KiB of it
        return self.max_upload + 65536 if path.endswith("/evidence") else self.max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        shown = self.max_upload if scope.get("path", "").endswith("/evidence") else limit
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _refuse(send, shown)
                    return
        seen = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, shown)


async def _refuse(send: Any, limit: int) -> None:
    error = too_large(limit)
    body = dumps(error.body()).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
