"""Accounts and sign-in: argon2 password hashes, and failed sign-ins slowed down.

The throttle is a row per login in the database, so every worker process sees the same
count: after ``login_free_failures`` wrong passwords, each further attempt must wait a
delay that doubles with every failure (429 with ``Retry-After`` until then). A correct
password resets it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .errors import ApiError, conflict, invalid
from .models import ROLES, LoginThrottle, User
from .settings import Settings
from .store import as_utc, utcnow

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{1,200}$")
MIN_PASSWORD = 8


@functools.lru_cache(maxsize=2)
def hasher(fast: bool = False) -> PasswordHasher:
    """argon2id with argon2-cffi's defaults; ``fast`` (tests only) lowers the memory cost."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


# A hash to verify against when the login does not exist, so that a wrong login takes as
# long as a wrong password and does not reveal which logins exist.
@functools.lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return hasher(fast).hash("không-có-tài-khoản-này")


def add_user(
    session: Session,
    settings: Settings,
    *,
    login: str,
    password: str,
    role: str,
    unit: str | None,
    actor: str,
) -> User:
    """Create an account; refuses a taken login (409) and a bad one (422)."""
    if not LOGIN_PATTERN.match(login or ""):
        raise invalid("Tên đăng nhập chỉ gồm chữ, số và . _ @ - (tối đa 200 ký tự)", "login")
    if role not in ROLES:
        raise invalid(f"Vai trò phải là một trong: {', '.join(ROLES)}", "role")
    if role == "unit" and not unit:
        raise invalid("Tài khoản đơn vị phải có mã đơn vị (unit)", "unit")
    if role != "unit" and unit:
        raise invalid("Chỉ tài khoản đơn vị mới gắn với một đơn vị", "unit")
    if len(password or "") < MIN_PASSWORD:
        raise invalid(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự", "password")
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise conflict(f"Tên đăng nhập {login!r} đã có", "login-taken")
    user = User(
        login=login,
        password_hash=hasher(settings.argon2_fast).hash(password),
        role=role,
        unit=unit,
        active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user-add", login=login, role=role, unit=unit)
    return user


def _throttle(session: Session, login: str) -> LoginThrottle:
    row = session.get(LoginThrottle, login, with_for_update=True)
    if row is None:
        row = LoginThrottle(login=login, failures=0, blocked_until=None)
        session.add(row)
        session.flush()
    return row


def check_throttle(session: Session, login: str) -> None:
    """Refuse (429) a sign-in attempt made while the login is slowed down."""
    row = session.get(LoginThrottle, login)
    until = as_utc(row.blocked_until) if row is not None else None
    now = utcnow()
    if until is not None and until > now:
        wait = max(1, int((until - now).total_seconds() + 0.999))
        raise ApiError(
            429,
            f"Đăng nhập sai quá nhiều lần; thử lại sau {wait} giây",
            code="throttled",
            headers={"Retry-After": str(wait)},
        )


def authenticate(session: Session, settings: Settings, login: str, password: str) -> User | None:
    """The account for a correct login and password, or None: the failure is counted in
    the same transaction, which the caller commits before refusing (401)."""
    check_throttle(session, login)
    user = session.scalar(select(User).where(User.login == login))
    ph = hasher(settings.argon2_fast)
    ok = False
    try:
        if user is not None and user.active:
            ok = ph.verify(user.password_hash, password)
        else:
            ph.verify(_dummy_hash(settings.argon2_fast), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    row = _throttle(session, login)
    if not ok:
        row.failures += 1
        if row.failures >= settings.login_free_failures:
            extra = row.failures - settings.login_free_failures
            delay = settings.login_base_delay * (2 ** min(extra, 10))
            row.blocked_until = utcnow() + dt.timedelta(seconds=delay)
        return None
    row.failures = 0
    row.blocked_until = None
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
    return user
