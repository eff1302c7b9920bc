"""Verification (thẩm định): reviewers enter verified input values, each with a reason.

The engine scores a unit on its verified values where there are any (``verified`` in a
record), so the verified score of every criterion is the engine's, never typed in: a
"verified score" for a criterion is entered as the input values that produce it. The
differences from the unit's self-assessment are listed from the engine's result tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from . import audit, engine, rounds
from .drafts import unit_record
from .errors import conflict, invalid, not_found
from .permissions import Actor, require_unit
from .store import utcnow
from .submissions import block_peers, engine_view, get_row, stored_record, view


def _check(pack: Any, record: Mapping[str, Any], body: Any) -> tuple[dict, dict]:
    if not isinstance(body, Mapping):
        raise invalid("Nội dung phải là một đối tượng JSON", "body")
    verified = body.get("verified") or {}
    reasons = body.get("reasons") or {}
    if not isinstance(verified, Mapping):
        raise invalid("verified phải là {chỉ tiêu đầu vào: giá trị}", "verified")
    if not isinstance(reasons, Mapping):
        raise invalid("reasons phải là {khóa: lý do}", "reasons")
    block = pack.block(record["block"])
    for key in verified:
        if key not in block.inputs:
            hint = (
                " (điểm của tiêu chí do bộ máy tính; hãy nhập giá trị đầu vào đã thẩm định)"
                if key in block.criterion_ids
                else ""
            )
            raise invalid(f"Không có chỉ tiêu đầu vào {key!r}{hint}", f"verified.{key}")
        reason = reasons.get(key)
        if not isinstance(reason, str) or not reason.strip():
            raise invalid(f"Phải nêu lý do cho giá trị thẩm định {key!r}", f"reasons.{key}")
    for key, reason in reasons.items():
        if key not in block.inputs and key not in block.criterion_ids:
            raise invalid(f"Không có chỉ tiêu hay tiêu chí {key!r}", f"reasons.{key}")
        if not isinstance(reason, str):
            raise invalid("Lý do phải là văn bản", f"reasons.{key}")
    kept = {k: v for k, v in verified.items() if v is not None}
    errors = [
        e
        for e in engine.check(pack, {**record, "verified": kept}, draft=True)
        if (e["field"] or "").startswith("verified.")
    ]
    if errors:
        raise invalid(errors[0]["message"], errors[0]["field"], errors)
    return kept, {k: v.strip() for k, v in reasons.items()}


def review(
    session: Session, actor: Actor, round_id: int, unit_id: str, body: Any
) -> dict[str, Any]:
    """``POST …/review``: replace the unit's verified values and reasons."""
    round_row = rounds.get_round(session, round_id, lock="share")
    require_unit(session, actor, "units.review", round_id, unit_id)
    rounds.require_state(round_row, "open")
    row = get_row(session, round_id, unit_id, lock=True)
    if row is None:
        raise not_found(f"Đơn vị {unit_id!r} chưa có bản ghi trong đợt {round_id}")
    if row.state != "submitted":
        raise conflict("Chỉ thẩm định bản ghi đã nộp", "not-submitted")
    pack = engine.load_pack(round_row.pack)
    record = {**stored_record(row), "period": round_row.period}
    verified, reasons = _check(pack, record, body)
    before = engine.loads(row.verified or "{}")
    row.verified = engine.dumps(verified)
    row.review_reasons = engine.dumps(reasons)
    row.reviewed_at = utcnow()
    row.reviewed_by = actor.login
    row.version += 1
    session.flush()
    audit.record(
        session, actor.login, "review", round_id=round_id, unit_id=unit_id,
        changed=audit.changed({"verified": before}, {"verified": verified}), reasons=reasons,
    )  # fmt: skip
    out = view(session, round_row, row, pack)
    out["differences"] = differences(session, round_row, row, pack)
    return out


def differences(session: Session, round_row: Any, row: Any, pack: Any) -> dict[str, Any]:
    """Declared against verified inputs, and self-assessed against verified scores."""
    record = engine_view(row, round_row)
    others = block_peers(session, round_row, pack, row.block)
    result = engine.evaluate_in_block(pack, record, others)
    return engine.differences(result, record)


def read_review(session: Session, actor: Actor, round_id: int, unit_id: str) -> dict[str, Any]:
    """``GET …/review``: the record, its review and the differences (the unit sees them too)."""
    round_row, row = unit_record(session, actor, "units.read", round_id, unit_id)
    pack = engine.load_pack(round_row.pack)
    out = view(session, round_row, row, pack)
    out["differences"] = differences(session, round_row, row, pack)
    return out
