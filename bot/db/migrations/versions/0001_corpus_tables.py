"""Corpus tables: meta, sources, passages, arguments, quotes, counter links.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("speakers", sa.JSON(), nullable=False),
        sa.Column("reworded", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
    )
    op.create_table(
        "passages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=True),
        sa.Column("speaker", sa.String(200), nullable=True),
        sa.Column("locator", sa.String(200), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_passages_source_id_sources",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_passages"),
        sa.UniqueConstraint("source_id", "position", name="uq_passages_source_id_position"),
    )
    op.create_table(
        "arguments",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=True),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_arguments"),
    )
    op.create_index("ix_arguments_origin_workspace", "arguments", ["origin", "workspace_id"])
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("argument_id", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=True),
        sa.Column("source_title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=True),
        sa.Column("speaker", sa.String(200), nullable=True),
        sa.Column("locator", sa.String(200), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("moderator_supplied", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["argument_id"], ["arguments.id"], name="fk_quotes_argument_id_arguments",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_quotes"),
    )
    op.create_index("ix_quotes_argument_id", "quotes", ["argument_id"])
    op.create_table(
        "counter_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("argument_id", sa.String(128), nullable=False),
        sa.Column("counter_id", sa.String(128), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_counter_links"),
        sa.UniqueConstraint("argument_id", "counter_id", name="uq_counter_links_argument_id_counter_id"),
    )


def downgrade() -> None:
    op.drop_table("counter_links")
    op.drop_index("ix_quotes_argument_id", table_name="quotes")
    op.drop_table("quotes")
    op.drop_index("ix_arguments_origin_workspace", table_name="arguments")
    op.drop_table("arguments")
    op.drop_table("passages")
    op.drop_table("sources")
    op.drop_table("meta")
