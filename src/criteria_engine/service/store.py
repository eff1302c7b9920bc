"""The database connection: engines for SQLite and PostgreSQL, transactions, migrations.

SQLite is the default so that ``criteria-engine serve`` needs no set-up: one file, in WAL
mode (readers never wait for the writer), with each write transaction taking the write
lock when it starts (``BEGIN IMMEDIATE``) so two writers queue instead of failing
half-way. PostgreSQL serves a province's portal; there the rows a write depends on are
locked with ``SELECT … FOR UPDATE / FOR SHARE``. Either way a request's writes commit
together or not at all, and a commit is on disk before the response is sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .settings import normalise_db_url

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives them back naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file (and its folder) is created on first use."""
    url = normalise_db_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 60, "check_same_thread": False},
            json_serializer=_json_text,
            pool_size=20,
            max_overflow=20,
        )
        _sqlite_events(engine)
        return engine
    return create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, json_serializer=_json_text
    )


def _json_text(value: object) -> str:
    from .engine import dumps  # exact decimals in JSON columns too

    return dumps(value)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below opens them
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives the process being killed (kill -9); only a
        # power cut may lose the last commits. FULL would fsync every commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """The database of one service: sessions for reading and for writing."""

    def __init__(self, url: str) -> None:
        self.url = normalise_db_url(url)
        self.engine = make_engine(self.url)
        self.dialect = self.engine.dialect.name
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._local_writer: contextlib.AbstractContextManager = (
            threading.Lock() if self.dialect == "sqlite" else contextlib.nullcontext()
        )
        self._write = sessionmaker(
            self.engine.execution_options(write=True), expire_on_commit=False
        )

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on any error.

        On SQLite the threads of one process also queue on a lock here: SQLite lets one
        writer in at a time anyway, and waiting on a lock wakes a thread as soon as the
        writer is done, where SQLite's busy handler polls with growing sleeps (the long tail
        of latency under 16 concurrent saves). Other processes still wait in SQLite.
        """
        with self._local_writer, self._write() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def upgrade(self) -> None:
        upgrade(self.engine)

    def revision(self) -> str | None:
        return current_revision(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the packaged Alembic migrations."""
    from alembic import command

    with engine.execution_options(write=True).begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return MigrationContext.configure(connection).get_current_revision()
