"""The first schema: accounts, tokens, login throttling, rounds, rosters, submissions,
evidence, published results and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("login", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit", sa.String(200)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_table(
        "login_throttle",
        sa.Column("login", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("blocked_until", TS),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pack", sa.String(200), nullable=False),
        sa.Column("pack_name", sa.String(200), nullable=False, index=True),
        sa.Column("period", sa.String(50), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("deadlines", sa.JSON, nullable=False),
        sa.Column("pack_deadlines", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("approved_at", TS),
        sa.Column("published_at", TS),
    )
    op.create_table(
        "round_units",
        sa.Column(
            "round_id",
            sa.Integer,
            sa.ForeignKey("rounds.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("unit_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("block", sa.String(100), nullable=False),
        sa.Column("parent", sa.String(200), index=True),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("unit_id", sa.String(200), nullable=False),
        sa.Column("block", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", TS),
        sa.Column("submitted_by", sa.String(200)),
        sa.Column("extended_until", TS),
        sa.Column("verified", sa.Text),
        sa.Column("review_reasons", sa.Text),
        sa.Column("reviewed_at", TS),
        sa.Column("reviewed_by", sa.String(200)),
        sa.UniqueConstraint("round_id", "unit_id"),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("unit_id", sa.String(200), nullable=False),
        sa.Column("criterion", sa.String(100), nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary),
        sa.Column("path", sa.Text),
        sa.Column("uploaded_at", TS, nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_evidence_round_unit", "evidence", ["round_id", "unit_id"])
    op.create_table(
        "published_results",
        sa.Column(
            "round_id",
            sa.Integer,
            sa.ForeignKey("rounds.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("published_at", TS, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("round_id", sa.Integer, index=True),
        sa.Column("unit_id", sa.String(200)),
        sa.Column("detail", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "audit",
        "published_results",
        "evidence",
        "submissions",
        "round_units",
        "rounds",
        "login_throttle",
        "tokens",
        "users",
    ):
        op.drop_table(table)
