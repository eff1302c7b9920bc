"""Move a whole database as JSON: ``criteria-engine db export`` / ``db import``.

The export holds every table of the current schema, row by row (binary evidence as
base64, times as ISO text), with the schema revision it came from, so a province can move
from the embedded SQLite file to PostgreSQL, or keep a plain-text backup. Import goes
into an empty database at the same revision, all in one transaction.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.types import JSON, DateTime, LargeBinary

from .models import Base
from .store import Store, as_utc

FORMAT = "criteria-engine-database"


def _out(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(column.type, DateTime):
        return as_utc(value).isoformat()
    return value


def _in(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column.type, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, JSON):
        return value
    return value


def export(store: Store) -> dict[str, Any]:
    """Every row of every table, in dependency order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with store.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            tables[table.name] = [
                {c.name: _out(c, getattr(row, c.name)) for c in table.columns} for row in rows
            ]
    return {"format": FORMAT, "schema": store.revision(), "tables": tables}


class ImportError_(ValueError):
    """An export that cannot be loaded here, with the reason."""


def import_(store: Store, data: dict[str, Any]) -> dict[str, int]:
    """Load an export into an empty database; returns the rows loaded per table."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportError_("not a criteria-engine database export")
    if data.get("schema") != store.revision():
        raise ImportError_(
            f"the export is at schema {data.get('schema')}, this database at {store.revision()}: "
            "upgrade both to the same revision first"
        )
    counts: dict[str, int] = {}
    with store.write() as session:
        for table in Base.metadata.sorted_tables:
            if session.scalar(select(func.count()).select_from(table)):
                raise ImportError_(f"the database is not empty (table {table.name} has rows)")
        for table in Base.metadata.sorted_tables:
            rows = data.get("tables", {}).get(table.name, [])
            columns = {c.name: c for c in table.columns}
            values = [
                {k: _in(columns[k], v) for k, v in row.items() if k in columns} for row in rows
            ]
            if values:
                session.execute(insert(table), values)
            counts[table.name] = len(values)
        if store.dialect == "postgresql":
            # rows came with their ids: move each id sequence past them
            for table in Base.metadata.sorted_tables:
                if "id" in table.columns and counts.get(table.name):
                    session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT MAX(id) FROM {table.name}))"
                        )
                    )
    return counts
