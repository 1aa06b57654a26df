"""Shared state between workers: seen Slack request signatures (replays) and per-scope change counters.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_signatures",
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature", name="pk_request_signatures"),
    )
    op.create_index("ix_request_signatures_seen_at", "request_signatures", ["seen_at"])
    op.create_table(
        "state_versions",
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("scope", name="pk_state_versions"),
    )


def downgrade() -> None:
    op.drop_table("state_versions")
    op.drop_index("ix_request_signatures_seen_at", table_name="request_signatures")
    op.drop_table("request_signatures")
