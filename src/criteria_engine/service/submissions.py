"""A unit's record in a round: drafts, optimistic versions, submission, reopening.

The record is kept in a submission file's unit shape (``id``, ``name``, ``block``,
``inputs``, ``self_scores``, ``reasons``, ``head`` …) so that it goes to the engine as is.
Each change bumps ``version``; a save that names the version it edited (``If-Match`` or a
``version`` field) and is stale gets 409 and changes nothing, so two people editing one
unit never silently overwrite each other. A save naming no version replaces the draft.
Drafts may leave required inputs empty; submitting needs a record the engine accepts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, engine, rounds
from .drafts import get_row, require_writable, unit_record
from .errors import conflict, invalid, not_found
from .evidence import list_evidence
from .models import Round, Submission
from .permissions import Actor, require_unit
from .store import as_utc, utcnow

#: keys the service adds to a record it shows; sent back in a save, they are ignored
READ_ONLY = frozenset(
    {
        "version", "state", "updated_at", "updated_by", "submitted_at", "submitted_by",
        "missing", "total", "published_total", "percent", "level", "evaluation_status",
        "review", "evidence", "round", "errors", "extended_until",
    }
)  # fmt: skip


def parse_if_match(header: str | None) -> int | None:
    """The version an ``If-Match`` header names (``"3"``, ``W/"3"`` or ``3``); ``*`` is none."""
    if header is None or header.strip() in ("", "*"):
        return None
    text = header.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise invalid('If-Match phải là số phiên bản của bản nháp, vd. "3"', "If-Match")
    return int(text)


def stored_record(row: Submission) -> dict[str, Any]:
    return engine.loads(row.record)


def engine_view(row: Submission, round_row: Round) -> dict[str, Any]:
    """The record as the engine evaluates it: with verified values and the submission
    date, so the engine judges lateness by the pack's own calendar (the decision's rule).

    The date is the day (Vietnam time) the record was submitted here, unless the admin,
    typing in a paper form, gave the day the form arrived (``submitted`` in the record).
    """
    record = stored_record(row)
    record["period"] = round_row.period
    if row.verified:
        record["verified"] = engine.loads(row.verified)
    if not record.get("submitted") and row.submitted_at is not None:
        when = as_utc(row.submitted_at).astimezone(rounds.VIETNAM)
        record["submitted"] = when.date().isoformat()
    return record


def block_peers(
    session: Session, round_row: Round, pack: Any, block: str
) -> list[dict[str, Any]]:
    """The records of a block that its block-wide figures (``best``/``mean``) are taken
    over: every record of the block in the round, or none when the block uses no such
    figure (then a unit is scored on its own)."""
    if not engine.uses_aggregates(pack, block):
        return []
    rows = session.scalars(
        select(Submission).where(Submission.round_id == round_row.id, Submission.block == block)
    )
    return [engine_view(r, round_row) for r in rows]


def view(session: Session, round_row: Round, row: Submission, pack: Any) -> dict[str, Any]:
    """A record as the API shows it: the record, its state, and the engine's figures."""
    record = stored_record(row)
    for_engine = engine_view(row, round_row)
    missing = engine.missing_inputs(pack, for_engine)
    out: dict[str, Any] = {
        **record,
        "version": row.version,
        "state": row.state,
        "updated_at": as_utc(row.updated_at).isoformat(),
        "updated_by": row.updated_by,
        "submitted_at": as_utc(row.submitted_at).isoformat() if row.submitted_at else None,
        "extended_until": as_utc(row.extended_until).isoformat() if row.extended_until else None,
        "missing": missing,
        "total": None,
        "published_total": None,
        "percent": None,
        "level": None,
        "evaluation_status": None,
        "submitted": for_engine.get("submitted"),
    }
    if not missing:
        others = block_peers(session, round_row, pack, row.block)
        result = engine.evaluate_in_block(pack, for_engine, others)
        if result is not None:
            out.update(engine.figures(result))
    if row.verified or row.review_reasons:
        out["review"] = {
            "verified": engine.loads(row.verified or "{}"),
            "reasons": engine.loads(row.review_reasons or "{}"),
            "reviewed_at": as_utc(row.reviewed_at).isoformat() if row.reviewed_at else None,
            "reviewed_by": row.reviewed_by,
        }
    out["evidence"] = list_evidence(session, round_row.id, row.unit_id)
    return out


def _clean(
    session: Session, actor: Actor, round_row: Round, unit_id: str, pack: Any, body: Any
) -> tuple[dict[str, Any], int | None]:
    """The record a save stores, and the version it names; 422 for what cannot be kept."""
    if not isinstance(body, Mapping):
        raise invalid("Nội dung phải là một đối tượng JSON (bản ghi của đơn vị)", "body")
    version = body.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise invalid("version phải là số nguyên", "version")
    record = {k: v for k, v in body.items() if k not in READ_ONLY}
    if actor.role != "admin":  # a unit's date of submission is the server's, not its own
        record.pop("submitted", None)
    if "verified" in record:
        raise invalid("Giá trị thẩm định do tổ thẩm định nhập (POST …/review)", "verified")
    if record.get("id") not in (None, unit_id):
        raise invalid(f"id {record['id']!r} khác đơn vị {unit_id!r} trong đường dẫn", "id")
    record["id"] = unit_id
    if record.get("period") not in (None, "", round_row.period):
        raise invalid(f"Kỳ {record['period']!r} khác kỳ của đợt ({round_row.period})", "period")
    record.pop("period", None)
    listed = rounds.roster_unit(session, round_row, unit_id)
    if listed is not None:
        for field, value in (("block", listed.block), ("parent", listed.parent)):
            given = record.get(field)
            if given not in (None, "") and value is not None and given != value:
                raise invalid(f"{field} phải là {value!r} theo danh sách đơn vị", field)
            if value is not None:
                record[field] = value
        record.setdefault("name", listed.name)
    elif not record.get("block"):
        raise invalid("Đơn vị không có trong danh sách: cần ghi rõ khối (block)", "block")
    if record.get("block") not in engine.block_ids(pack):
        raise invalid(f"Không có khối {record.get('block')!r} trong gói {pack.label}", "block")
    notes = record.get("evidence_notes")
    if notes is not None:
        if not isinstance(notes, Mapping):
            raise invalid("evidence_notes phải là {tiêu chí: giải trình}", "evidence_notes")
        ids = engine.criterion_ids(pack, record["block"])
        for cid, text in notes.items():
            if cid not in ids:
                raise invalid(f"Không có tiêu chí {cid!r}", f"evidence_notes.{cid}")
            if not isinstance(text, str):
                raise invalid("Giải trình phải là văn bản", f"evidence_notes.{cid}")
    errors = engine.check(pack, {**record, "period": round_row.period}, draft=True)
    if errors:
        raise invalid(errors[0]["message"], errors[0]["field"], errors)
    return record, version


def save(
    session: Session,
    actor: Actor,
    round_id: int,
    unit_id: str,
    body: Any,
    if_match: str | None,
) -> dict[str, Any]:
    """``PUT …/submission``: store a draft; 409 when stale, locked or past the deadline."""
    round_row = rounds.get_round(session, round_id, lock="share")
    require_unit(session, actor, "units.write", round_id, unit_id)
    pack = engine.load_pack(round_row.pack)
    header_version = parse_if_match(if_match)
    record, body_version = _clean(session, actor, round_row, unit_id, pack, body)
    version = header_version if header_version is not None else body_version
    row = get_row(session, round_id, unit_id, lock=True)
    require_writable(actor, round_row, record["block"], row)
    current = row.version if row is not None else 0
    if version is not None and version != current:
        raise conflict(
            f"Bản nháp đã được sửa ở nơi khác (phiên bản {current}, bạn sửa phiên bản {version})",
            "stale",
            version=current,
        )
    now = utcnow()
    before = stored_record(row) if row is not None else None
    if row is None:
        row = Submission(
            round_id=round_id, unit_id=unit_id, block=record["block"], version=1, state="draft",
            record=engine.dumps(record), updated_at=now, updated_by=actor.login,
        )  # fmt: skip
        session.add(row)
    else:
        row.record = engine.dumps(record)
        row.block = record["block"]
        row.version += 1
        row.updated_at = now
        row.updated_by = actor.login
    session.flush()
    audit.record(
        session, actor.login, "save", round_id=round_id, unit_id=unit_id, version=row.version,
        changed=audit.changed(before, record),
    )  # fmt: skip
    return view(session, round_row, row, pack)


def read(session: Session, actor: Actor, round_id: int, unit_id: str) -> dict[str, Any]:
    round_row, row = unit_record(session, actor, "units.read", round_id, unit_id)
    return view(session, round_row, row, engine.load_pack(round_row.pack))


def submit(
    session: Session, actor: Actor, round_id: int, unit_id: str, if_match: str | None
) -> dict[str, Any]:
    """``POST …/submit``: lock the record once the engine accepts it whole."""
    round_row = rounds.get_round(session, round_id, lock="share")
    require_unit(session, actor, "units.write", round_id, unit_id)
    row = get_row(session, round_id, unit_id, lock=True)
    if row is None:
        raise conflict("Đơn vị chưa có bản nháp để nộp", "no-draft")
    require_writable(actor, round_row, row.block, row)
    version = parse_if_match(if_match)
    if version is not None and version != row.version:
        raise conflict("Bản nháp đã thay đổi; tải lại trước khi nộp", "stale", version=row.version)
    pack = engine.load_pack(round_row.pack)
    errors = engine.check(pack, engine_view(row, round_row), draft=False)
    if errors:
        raise invalid(errors[0]["message"], errors[0]["field"], errors)
    row.state = "submitted"
    row.submitted_at = utcnow()
    row.submitted_by = actor.login
    row.version += 1
    session.flush()
    audit.record(
        session, actor.login, "submit", round_id=round_id, unit_id=unit_id, version=row.version
    )
    return view(session, round_row, row, pack)


def reopen(
    session: Session, actor: Actor, round_id: int, unit_id: str, body: Any
) -> dict[str, Any]:
    """``POST …/reopen`` (admin): a submitted record goes back to draft, with a reason and
    optionally a later deadline for this unit alone."""
    round_row = rounds.get_round(session, round_id, lock="share")
    require_unit(session, actor, "units.reopen", round_id, unit_id)
    rounds.require_state(round_row, "open")
    if not isinstance(body, Mapping):
        raise invalid("Nội dung phải là một đối tượng JSON", "body")
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise invalid("Phải nêu lý do mở lại", "reason")
    until = body.get("until")
    extended: dt.datetime | None = rounds.parse_instant(until, "until") if until else None
    row = get_row(session, round_id, unit_id, lock=True)
    if row is None:
        raise not_found(f"Đơn vị {unit_id!r} chưa có bản ghi trong đợt {round_id}")
    if row.state != "submitted" and extended is None:
        raise conflict("Đơn vị chưa nộp; không cần mở lại", "not-submitted")
    row.state = "draft"
    row.extended_until = extended
    row.version += 1
    session.flush()
    audit.record(
        session, actor.login, "reopen", round_id=round_id, unit_id=unit_id,
        reason=reason.strip(), until=extended.isoformat() if extended else None,
    )  # fmt: skip
    return view(session, round_row, row, engine.load_pack(round_row.pack))


def unit_list(session: Session, actor: Actor, round_id: int) -> list[dict[str, Any]]:
    """``GET /rounds/{rid}/units``: the roster with each unit's state, as far as the actor
    may see (a unit sees itself and its communes)."""
    from .models import RosterUnit

    round_rows = rounds.get_round(session, round_id)
    states = {
        r.unit_id: (r.state, r.version, r.block)
        for r in session.scalars(select(Submission).where(Submission.round_id == round_id))
    }
    roster = {
        u.unit_id: u
        for u in session.scalars(select(RosterUnit).where(RosterUnit.round_id == round_rows.id))
    }
    out = []
    for uid in sorted(set(roster) | set(states)):
        listed = roster.get(uid)
        if (
            actor.role == "unit"
            and uid != actor.unit
            and (listed is None or listed.parent != actor.unit)
        ):
            continue
        state, version, block = states.get(uid, ("none", 0, listed.block if listed else None))
        out.append(
            {
                "id": uid,
                "name": listed.name if listed else None,
                "block": block,
                "parent": listed.parent if listed else None,
                "state": state,
                "version": version,
            }
        )
    return out
