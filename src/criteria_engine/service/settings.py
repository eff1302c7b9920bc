"""The service's settings: one frozen value built by the CLI (or a test) and handed to the
app factory, so every worker process started by ``--workers`` builds the same app from the
environment variables the parent set.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

DEFAULT_DB = "sqlite:///criteria-engine.sqlite3"
DEFAULT_MAX_BODY = 2_000_000
DEFAULT_MAX_UPLOAD = 20_000_000
ENV_PREFIX = "CRITERIA_ENGINE_"


@attrs.frozen
class Settings:
    """Where the data lives and the limits the server enforces."""

    db_url: str = DEFAULT_DB
    #: evidence files go in the database unless a folder is given
    evidence_dir: str | None = None
    #: the largest JSON body accepted (bytes); larger ones get 413
    max_body: int = DEFAULT_MAX_BODY
    #: the largest evidence file accepted (bytes); larger ones get 413
    max_upload: int = DEFAULT_MAX_UPLOAD
    #: how long a sign-in token stays valid (seconds)
    token_ttl: int = 12 * 3600
    #: failed sign-ins allowed before the next ones are slowed down
    login_free_failures: int = 5
    #: the first wait after too many failures (seconds); it doubles with each failure
    login_base_delay: float = 2.0
    #: argon2 cost; tests lower it, production keeps argon2-cffi's defaults
    argon2_fast: bool = False

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes."""
        out = {}
        for field in attrs.fields(Settings):
            value = getattr(self, field.name)
            if value is not None:
                out[ENV_PREFIX + field.name.upper()] = str(value)
        return out

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Settings from ``CRITERIA_ENGINE_*`` variables (defaults where none is set)."""
        env = dict(os.environ if env is None else env)
        kwargs: dict[str, object] = {}
        for field in attrs.fields(Settings):
            raw = env.get(ENV_PREFIX + field.name.upper())
            if raw is None:
                continue
            if field.type in ("int", int):
                kwargs[field.name] = int(raw)
            elif field.type in ("float", float):
                kwargs[field.name] = float(raw)
            elif field.type in ("bool", bool):
                kwargs[field.name] = raw.lower() in ("1", "true", "yes")
            else:
                kwargs[field.name] = raw
        return cls(**kwargs)


def normalise_db_url(url: str) -> str:
    """A database URL as SQLAlchemy reads it: a bare path means a SQLite file."""
    if "://" not in url:
        return "sqlite:///" + str(Path(url).absolute())
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver the server extra installs
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
