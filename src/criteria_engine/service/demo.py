"""``criteria-engine serve --demo``: a working round from a pack's bundled examples.

Hưng Yên 2019 (pack ``hungyen``): the 190 invented example units with their communes
under their districts on the roster, and accounts to try every role with. The units are
submitted, except the communes of one district (Văn Lâm), left as drafts so that the
district and one of its communes have something to fill in and submit in the portal.
Run once per database: a database that already has rounds is left as it is.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from . import accounts, audit, engine, rounds
from .models import Round, Submission, User
from .settings import Settings
from .store import Store, utcnow

PACK = "hungyen"
PERIOD = "2019"
PASSWORD = "demo-2019-hungyen"
ACCOUNTS = (
    ("admin", "admin", None),
    ("thamdinh", "reviewer", None),
    ("huyen-van-lam", "unit", "huyen-van-lam"),
    ("xa-minh-hai", "unit", "xa-minh-hai"),
)
#: the district whose communes are left as drafts
DRAFT_DISTRICT = "huyen-van-lam"


def example_records(pack: Any) -> list[dict[str, Any]]:
    """The unit records of the pack's bundled examples for the demo period."""
    records = []
    for path in sorted((Path(pack.path) / "examples" / PERIOD).rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        for unit in data.get("units", []):
            records.append({k: v for k, v in unit.items() if k not in ("period", "submitted")})
    return records


def load_demo(store: Store, settings: Settings) -> int | None:
    """Create the demo round and accounts; returns the round id, or None if already done."""
    with store.write() as session:
        if session.scalar(select(func.count()).select_from(Round)):
            return None
        for login, role, unit in ACCOUNTS:
            if session.scalar(select(User.id).where(User.login == login)) is None:
                accounts.add_user(
                    session, settings, login=login, password=PASSWORD, role=role, unit=unit,
                    actor="demo",
                )  # fmt: skip
        pack = engine.load_pack(PACK, PERIOD)
        records = example_records(pack)
        roster = [
            {"id": r["id"], "name": r["name"], "block": r["block"], "parent": r.get("parent")}
            for r in records
        ]
        row = rounds.create_round(
            session, "demo", pack=pack.label, period=PERIOD, deadlines={},
            title="Đợt minh họa: Hưng Yên 2019 (số liệu tự đặt ra)", units=roster,
        )  # fmt: skip
        now = utcnow()
        for record in records:
            draft = record.get("parent") == DRAFT_DISTRICT
            submission = Submission(
                round_id=row.id,
                unit_id=record["id"],
                block=record["block"],
                version=1 if draft else 2,
                state="draft" if draft else "submitted",
                record=engine.dumps(record),
                updated_at=now,
                updated_by="demo",
                submitted_at=None if draft else now,
                submitted_by=None if draft else "demo",
            )
            session.add(submission)
        audit.record(session, "demo", "demo-load", round_id=row.id, units=len(records))
        return row.id
