"""The service's refusals: one exception, with the HTTP status, a message people read
(Vietnamese) and, for a bad body, the field at fault as the CLI names it."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request refused; nothing it would have written is kept."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.field = field
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.message, "code": self.code}
        if self.field is not None:
            out["field"] = self.field
        if self.errors:
            out["errors"] = self.errors
            if self.field is None:
                out["field"] = self.errors[0].get("field")
        out.update(self.extra)
        return out


def unauthorized(message: str = "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn") -> ApiError:
    return ApiError(401, message, code="unauthorized", headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str = "Tài khoản không có quyền thực hiện thao tác này") -> ApiError:
    return ApiError(403, message, code="forbidden")


def not_found(message: str = "Không tìm thấy") -> ApiError:
    return ApiError(404, message, code="not-found")


def conflict(message: str, code: str, **extra: Any) -> ApiError:
    return ApiError(409, message, code=code, extra=extra)


def invalid(message: str, field: str | None = None, errors: list[dict] | None = None) -> ApiError:
    return ApiError(422, message, code="invalid", field=field, errors=errors)


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"Dữ liệu gửi lên vượt quá giới hạn {limit} byte",
        code="too-large",
        extra={"limit": limit},
    )
