"""Results, publication and history.

Results are the engine's ``evaluate --format json`` over the round's submitted records
(verified values applied); drafts never count, and roster units with no submission come
out as missing, exactly as in a batch. Publishing stores that JSON and freezes the round:
from then on the results are read from the database, are public, and the next round of the
same pack compares with them (rank change), from the database rather than a file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, engine, rounds
from .errors import conflict, not_found
from .models import PublishedResults, Round, Submission
from .store import utcnow
from .submissions import engine_view


def submitted_records(session: Session, round_row: Round) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Submission)
        .where(Submission.round_id == round_row.id, Submission.state == "submitted")
        .order_by(Submission.block, Submission.unit_id)
    )
    return [engine_view(r, round_row) for r in rows]


#: the engine's state of results for each state of a round
RESULT_STATE = {"open": "draft", "approved": "approved", "published": "published"}


def compute(session: Session, round_row: Round, state: str | None = None) -> dict[str, Any]:
    """The round's results now, from the engine, marked with the round's state."""
    pack = engine.load_pack(round_row.pack)
    state = state or RESULT_STATE.get(round_row.state, "draft")
    records = submitted_records(session, round_row)
    return engine.results_json(pack, records, round_row.period, state)


def stored(session: Session, round_id: int) -> dict[str, Any] | None:
    row = session.get(PublishedResults, round_id)
    return engine.loads(row.data) if row is not None else None


def results(session: Session, round_row: Round) -> dict[str, Any]:
    """Published results as frozen; otherwise a preview computed now."""
    if round_row.state == "published":
        data = stored(session, round_row.id)
        if data is not None:
            return data
    return compute(session, round_row)


def publish(session: Session, actor: str, round_id: int) -> dict[str, Any]:
    """``POST /rounds/{rid}/publish`` (admin): approve if needed, store, freeze."""
    round_row = rounds.get_round(session, round_id, lock="update")
    rounds.require_state(round_row, "open", "approved")
    data = compute(session, round_row, "published")
    now = utcnow()
    if round_row.approved_at is None:
        round_row.approved_at = now
    round_row.state = "published"
    round_row.published_at = now
    session.add(PublishedResults(round_id=round_id, data=engine.dumps(data), published_at=now))
    session.flush()
    audit.record(
        session, actor, "publish", round_id=round_id, counts=data.get("counts"), pack=round_row.pack
    )
    return data


def previous_round(session: Session, round_row: Round) -> Round | None:
    """The latest published round of the same pack (by name) for an earlier period."""
    candidates = session.scalars(
        select(Round).where(
            Round.pack_name == round_row.pack_name,
            Round.state == "published",
            Round.id != round_row.id,
        )
    ).all()
    earlier = [r for r in candidates if r.period < round_row.period]
    return max(earlier, key=lambda r: (r.period, r.id), default=None)


def changes(session: Session, round_row: Round) -> dict[str, Any]:
    """``GET /rounds/{rid}/changes``: the library's rank-change tables against the previous
    published round."""
    before = previous_round(session, round_row)
    if before is None:
        raise not_found("Chưa có đợt đánh giá nào trước đó đã công bố để so sánh")
    previous = stored(session, before.id) or {}
    pack = engine.load_pack(round_row.pack)
    try:
        tables = engine.rank_changes(
            pack, submitted_records(session, round_row), round_row.period, previous
        )
    except engine.PackProblem as exc:
        raise conflict(f"Không so sánh được với đợt {before.id}: {exc}", "not-comparable") from None
    return {
        "round": round_row.id,
        "period": round_row.period,
        "previous": {"round": before.id, "period": before.period, "pack": before.pack},
        "blocks": tables,
    }
