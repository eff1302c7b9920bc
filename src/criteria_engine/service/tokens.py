"""Sign-in tokens: random, handed out once, kept only as a SHA-256, and expiring.

A token is looked up in the database on every request, so any worker can check any
token, and signing out (deleting the row) takes effect everywhere at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models import Token, User
from .store import as_utc, utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, user: User, ttl_seconds: int) -> tuple[str, dt.datetime]:
    """A new token for ``user`` and when it expires; old expired tokens are swept."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + dt.timedelta(seconds=ttl_seconds)
    session.execute(delete(Token).where(Token.user_id == user.id, Token.expires_at < now))
    session.add(
        Token(token_hash=_digest(token), user_id=user.id, created_at=now, expires_at=expires)
    )
    return token, expires


def resolve(session: Session, token: str) -> User | None:
    """The active account a token belongs to, or None if unknown or expired."""
    row = session.execute(
        select(Token.expires_at, User)
        .join(User, User.id == Token.user_id)
        .where(Token.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    expires, user = row
    if as_utc(expires) <= utcnow() or not user.active:
        return None
    return user


def revoke(session: Session, token: str) -> None:
    session.execute(delete(Token).where(Token.token_hash == _digest(token)))
