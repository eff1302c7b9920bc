"""CSRF protection for the portal's forms.

Every form carries a token that a page of this site alone can know: for a signed-in
account, an HMAC of its session token (which lives only in an HttpOnly cookie another site
can neither read nor set); before signing in, an HMAC of a random cookie set with the
page. Nothing is kept in process memory, so any worker checks any form. A POST without the
right token is refused with 403 before anything else runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request

#: the session cookie (the sign-in token, as the API's Bearer token) and the pre-sign-in one
SESSION_COOKIE = "ce_session"
ANON_COOKIE = "ce_csrf"
FIELD = "csrf_token"


def _derive(secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), b"criteria-engine csrf", hashlib.sha256).hexdigest()


def new_anonymous_secret() -> str:
    return secrets.token_urlsafe(24)


def token_for(request: Request, anonymous_secret: str | None = None) -> str:
    """The token the forms of this response carry."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return _derive(session)
    secret = anonymous_secret or request.cookies.get(ANON_COOKIE)
    return _derive(secret) if secret else ""


def valid(request: Request, submitted: object) -> bool:
    """Whether a form's token matches this browser's session (or pre-sign-in cookie)."""
    if not isinstance(submitted, str) or not submitted:
        return False
    candidates = [request.cookies.get(SESSION_COOKIE), request.cookies.get(ANON_COOKIE)]
    return any(
        secret and hmac.compare_digest(_derive(secret), submitted) for secret in candidates
    )
