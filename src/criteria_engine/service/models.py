"""The database tables, as SQLAlchemy 2 typed declarations.

The schema itself is created and changed only by the Alembic revisions in
``migrations/versions``; these classes must match them (a test compares the two).
Everything a worker needs to answer a request is here — tokens, login throttling, locks
(row versions) — so any number of processes can serve one database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("admin", "reviewer", "unit")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict] = {
        dict[str, Any]: JSON,
        dt.datetime: DateTime(timezone=True),
    }


class User(Base):
    """An account: the Department's staff (admin), the verification team (reviewer), or
    one unit (unit, with the unit's id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]


class Token(Base):
    """A sign-in token; only its SHA-256 is kept, so a database dump signs nobody in."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class LoginThrottle(Base):
    """Failed sign-ins per login, shared by every worker."""

    __tablename__ = "login_throttle"

    login: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[dt.datetime | None]


class Round(Base):
    """One evaluation round: a pack version, a period, deadlines per block, and a state."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack: Mapped[str] = mapped_column(String(200))  # the exact label: name@version
    pack_name: Mapped[str] = mapped_column(String(200), index=True)
    period: Mapped[str] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(Text)
    #: block -> ISO datetime; a block without one has no time lock
    deadlines: Mapped[dict[str, Any]]
    #: whether the deadlines are the pack calendar's (then the engine judges lateness too)
    pack_deadlines: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]


class RosterUnit(Base):
    """A unit expected in a round (from the pack's roster or added by admin); its parent
    district may act for it."""

    __tablename__ = "round_units"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    block: Mapped[str] = mapped_column(String(100))
    parent: Mapped[str | None] = mapped_column(String(200), index=True)


class Submission(Base):
    """A unit's record in a round: the draft, then the submission, then the review."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(200))
    block: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    #: draft | submitted
    state: Mapped[str] = mapped_column(String(20), default="draft")
    #: the unit's record (JSON text with exact decimals), in a submission file's shape
    record: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    #: a later deadline for this unit alone, given by admin when reopening it
    extended_until: Mapped[dt.datetime | None]
    #: verification: input -> verified value, and key -> the reviewer's reason (JSON text)
    verified: Mapped[str | None] = mapped_column(Text)
    review_reasons: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[dt.datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(200))


class Evidence(Base):
    """An evidence document (tài liệu kiểm chứng) for one criterion of a unit's record."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_round_unit", "round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(200))
    criterion: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))  # pdf | png | jpeg | office-zip | office-ole
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # when kept in the database
    path: Mapped[str | None] = mapped_column(Text)  # when kept in the evidence folder
    uploaded_at: Mapped[dt.datetime]
    uploaded_by: Mapped[str] = mapped_column(String(200))


class PublishedResults(Base):
    """A published round's results, frozen: the next round compares with these."""

    __tablename__ = "published_results"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[str] = mapped_column(Text)  # the JSON of ``evaluate --format json``
    published_at: Mapped[dt.datetime]


class AuditEntry(Base):
    """One write: who, when, what, and what changed."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    round_id: Mapped[int | None] = mapped_column(Integer, index=True)
    unit_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]]
