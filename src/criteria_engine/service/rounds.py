"""Rounds: one pack version and period, a deadline per block, a roster, and a state.

A round is ``open`` (units save and submit, each block until its deadline; reviewers
verify), then ``approved`` by admin (nothing changes any more), then ``published``
(results public and frozen). Deadlines are instants: given in the request (an ISO time;
without an offset it is read as Vietnam time, UTC+7, which has no daylight saving), or
taken from the pack's calendar, whose dates mean "before this day" (so 00:00 that day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, engine
from .errors import ApiError, conflict, invalid, not_found
from .models import RosterUnit, Round
from .store import as_utc, utcnow

VIETNAM = dt.timezone(dt.timedelta(hours=7))
STATES = ("open", "approved", "published")


def parse_instant(value: Any, field: str) -> dt.datetime:
    """An ISO date or datetime as an aware UTC instant (a date is 00:00 Vietnam time)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                day = dt.date.fromisoformat(text)
                return dt.datetime.combine(day, dt.time(), VIETNAM).astimezone(dt.timezone.utc)
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=VIETNAM)
            return moment.astimezone(dt.timezone.utc)
    raise invalid(f"{value!r} không phải thời điểm ISO 8601 (vd. 2019-10-18T17:00:00+07:00)", field)


def create_round(
    session: Session,
    actor: str,
    *,
    pack: str,
    period: str,
    deadlines: Mapping[str, Any] | None,
    title: str | None = None,
    units: list[Mapping[str, Any]] | None = None,
) -> Round:
    """A new open round; the roster is the pack's for the period plus ``units``."""
    if not period or not str(period).strip():
        raise invalid("Thiếu kỳ đánh giá (period)", "period")
    period = str(period).strip()
    try:
        loaded = engine.load_pack(pack, period)
    except engine.PackProblem as exc:
        raise invalid(str(exc), "pack") from None
    blocks = engine.block_ids(loaded)
    chosen: dict[str, str] = {}
    from_pack = deadlines is None
    if deadlines is None:
        for block, day in engine.pack_deadlines(loaded, period).items():
            moment = dt.datetime.combine(day, dt.time(), VIETNAM)
            chosen[block] = moment.astimezone(dt.timezone.utc).isoformat()
    else:
        if not isinstance(deadlines, Mapping):
            raise invalid("deadlines phải là một đối tượng {khối: thời điểm}", "deadlines")
        for block, value in deadlines.items():
            if block not in blocks:
                raise invalid(
                    f"Gói {loaded.label} không có khối {block!r} (có: {', '.join(blocks)})",
                    f"deadlines.{block}",
                )
            chosen[block] = parse_instant(value, f"deadlines.{block}").isoformat()
    row = Round(
        pack=loaded.label,
        pack_name=loaded.name,
        period=period,
        title=title,
        deadlines=chosen,
        pack_deadlines=from_pack,
        state="open",
        created_at=utcnow(),
        created_by=actor,
    )
    session.add(row)
    session.flush()
    roster = engine.pack_roster(loaded, period)
    add_units(session, row, roster + [_roster_entry(u, i) for i, u in enumerate(units or [])])
    audit.record(
        session, actor, "round-create", round_id=row.id, pack=row.pack, period=period,
        deadlines=chosen,
    )  # fmt: skip
    return row


def _roster_entry(unit: Any, index: int) -> dict[str, Any]:
    if not isinstance(unit, Mapping) or not unit.get("id") or not unit.get("block"):
        raise invalid("Mỗi đơn vị cần có id và block", f"units.{index}")
    return {
        "unit_id": str(unit["id"]),
        "name": str(unit.get("name") or unit["id"]),
        "block": str(unit["block"]),
        "parent": str(unit["parent"]) if unit.get("parent") else None,
    }


def add_units(session: Session, row: Round, units: list[Mapping[str, Any]]) -> int:
    """Put units on a round's roster (a unit already there gets the new name and parent)."""
    blocks = set(engine.block_ids(engine.load_pack(row.pack)))
    for index, unit in enumerate(units):
        if unit["block"] not in blocks:
            raise invalid(f"Không có khối {unit['block']!r}", f"units.{index}.block")
        existing = session.get(RosterUnit, (row.id, unit["unit_id"]))
        if existing is None:
            session.add(RosterUnit(round_id=row.id, **unit))
        else:
            existing.name, existing.block, existing.parent = (
                unit["name"], unit["block"], unit["parent"],
            )  # fmt: skip
    session.flush()
    return len(units)


def add_roster(session: Session, actor: str, row: Round, units: list[Any]) -> int:
    """``POST /rounds/{rid}/units``: admin adds units the pack's roster does not name."""
    require_state(row, "open")
    if not isinstance(units, list):
        raise invalid("units phải là một danh sách", "units")
    count = add_units(session, row, [_roster_entry(u, i) for i, u in enumerate(units)])
    audit.record(session, actor, "roster-add", round_id=row.id, units=count)
    return count


def get_round(session: Session, round_id: int, *, lock: str | None = None) -> Round:
    """The round, or 404; ``lock`` is "share" for writes inside it, "update" to change it."""
    query = select(Round).where(Round.id == round_id)
    if lock == "share":
        query = query.with_for_update(read=True)
    elif lock == "update":
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise not_found(f"Không có đợt đánh giá {round_id}")
    return row


def require_state(row: Round, *states: str) -> None:
    """Refuse (409) a change the round's state no longer allows."""
    if row.state not in states:
        message = {
            "approved": "Đợt đánh giá đã được phê duyệt; không thể thay đổi",
            "published": "Kết quả đã công bố; không thể thay đổi",
        }.get(row.state, f"Đợt đánh giá đang ở trạng thái {row.state}")
        raise conflict(message, f"round-{row.state}")


def deadline(row: Round, block: str) -> dt.datetime | None:
    value = (row.deadlines or {}).get(block)
    return as_utc(dt.datetime.fromisoformat(value)) if value else None


def require_before_deadline(row: Round, block: str, extended: dt.datetime | None = None) -> None:
    """Refuse (409) a unit's change at or after its block's deadline (or its extension)."""
    limit = deadline(row, block)
    if limit is not None and extended is not None:
        limit = max(limit, as_utc(extended))
    if limit is not None and utcnow() >= limit:
        shown = limit.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
        raise conflict(
            f"Đã hết hạn nộp của khối {block} ({shown})",
            "deadline-passed",
            deadline=limit.isoformat(),
        )


def roster_unit(session: Session, row: Round, unit_id: str) -> RosterUnit | None:
    return session.get(RosterUnit, (row.id, unit_id))


def approve(session: Session, actor: str, row: Round) -> None:
    require_state(row, "open")
    row.state = "approved"
    row.approved_at = utcnow()
    audit.record(session, actor, "round-approve", round_id=row.id)


def round_json(row: Round) -> dict[str, Any]:
    return {
        "id": row.id,
        "pack": row.pack,
        "period": row.period,
        "title": row.title,
        "state": row.state,
        "deadlines": row.deadlines,
        "deadlines_from_pack": row.pack_deadlines,
        "created_at": as_utc(row.created_at).isoformat(),
        "approved_at": as_utc(row.approved_at).isoformat() if row.approved_at else None,
        "published_at": as_utc(row.published_at).isoformat() if row.published_at else None,
    }


def list_rounds(session: Session) -> list[dict[str, Any]]:
    return [round_json(r) for r in session.scalars(select(Round).order_by(Round.id))]


def unknown_unit(unit_id: str) -> ApiError:
    return not_found(f"Đơn vị {unit_id!r} không có trong danh sách của đợt đánh giá")
