"""Alembic environment: run by :func:`criteria_engine.service.store.upgrade`, which hands
over an open connection, so the service's own engine settings (SQLite pragmas) apply."""

from __future__ import annotations

from alembic import context

from criteria_engine.service.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the service always passes a connection
    raise RuntimeError("run migrations through criteria-engine db upgrade")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
