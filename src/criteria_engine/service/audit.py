"""The audit log: every write says who did it, when, and what changed.

An entry is added in the same transaction as the write it describes, so there is never a
change without its entry, nor an entry for a change that was rolled back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEntry
from .store import as_utc, utcnow


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    round_id: int | None = None,
    unit_id: str | None = None,
    **detail: Any,
) -> None:
    """Add an entry for ``action`` (save, submit, upload, review, reopen, publish, …)."""
    session.add(
        AuditEntry(
            at=utcnow(),
            actor=actor,
            action=action,
            round_id=round_id,
            unit_id=unit_id,
            detail=detail,
        )
    )


def entries(session: Session, round_id: int | None = None) -> list[dict[str, Any]]:
    """The log of one round (or of the whole service), oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if round_id is not None:
        query = query.where(AuditEntry.round_id == round_id)
    return [
        {
            "id": e.id,
            "at": as_utc(e.at).isoformat(),
            "actor": e.actor,
            "action": e.action,
            "round": e.round_id,
            "unit": e.unit_id,
            "detail": e.detail,
        }
        for e in session.scalars(query)
    ]


def changed(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """What a save changed, field by field (``inputs.x``: [old, new]) — small enough to keep
    for every write."""
    before = before or {}
    out: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old or {}, new or {}
            for sub in sorted(set(old) | set(new)):
                if old.get(sub) != new.get(sub):
                    out[f"{key}.{sub}"] = [_plain(old.get(sub)), _plain(new.get(sub))]
        elif old != new:
            out[key] = [_plain(old), _plain(new)]
    return out


def _plain(value: Any) -> Any:
    from decimal import Decimal

    return format(value, "f") if isinstance(value, Decimal) else value
