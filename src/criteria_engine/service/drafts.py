"""Finding a unit's stored record and deciding whether it may still change.

Shared by the records (:mod:`.submissions`) and their evidence (:mod:`.evidence`): both
may write only while the round is open, the unit has not submitted and, for everyone but
the admin typing in a paper form, before the block's deadline.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import rounds
from .errors import conflict, not_found
from .models import Round, Submission
from .permissions import Actor, require_unit


def get_row(
    session: Session, round_id: int, unit_id: str, *, lock: bool = False
) -> Submission | None:
    query = select(Submission).where(Submission.round_id == round_id, Submission.unit_id == unit_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def require_writable(actor: Actor, round_row: Round, block: str, row: Submission | None) -> None:
    rounds.require_state(round_row, "open")
    if row is not None and row.state == "submitted":
        raise conflict(
            "Đơn vị đã nộp; chỉ quản trị viên mới mở lại được", "submitted", version=row.version
        )
    if actor.role != "admin":  # the Department may still type in a paper form
        rounds.require_before_deadline(round_row, block, row.extended_until if row else None)


def unit_record(
    session: Session, actor: Actor, action: str, round_id: int, unit_id: str
) -> tuple[Round, Submission]:
    """The round and a unit's stored record, once ``actor`` may do ``action`` on that unit;
    404 when the unit has no record in the round yet."""
    round_row = rounds.get_round(session, round_id)
    require_unit(session, actor, action, round_id, unit_id)
    row = get_row(session, round_id, unit_id)
    if row is None:
        raise not_found(f"Đơn vị {unit_id!r} chưa có bản ghi trong đợt {round_id}")
    return round_row, row
