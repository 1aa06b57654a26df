"""Service tables: debates, debate events, triggers, channel settings, posted replies and messages, feedback.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "debates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.String(64), nullable=True),
        sa.Column("motion", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_debates"),
    )
    op.create_index("ix_debates_workspace_thread", "debates", ["workspace_id", "thread_id"])
    op.create_index("ix_debates_workspace_channel", "debates", ["workspace_id", "channel_id"])
    op.create_table(
        "debate_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(64), nullable=False),
        sa.Column("participant_name", sa.String(200), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("argument_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["debate_id"], ["debates.id"], name="fk_debate_events_debate_id_debates",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_debate_events"),
        sa.UniqueConstraint("debate_id", "message_id", name="uq_debate_events_debate_id_message_id"),
    )
    op.create_table(
        "triggers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("pattern", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("argument_id", sa.String(128), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_triggers"),
    )
    op.create_index("ix_triggers_workspace", "triggers", ["workspace_id"])
    op.create_table(
        "channel_settings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("autoreply", sa.Boolean(), nullable=True),
        sa.Column("cooldown_seconds", sa.Integer(), nullable=True),
        sa.Column("last_auto_reply_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channel_settings"),
        sa.UniqueConstraint("workspace_id", "channel_id", name="uq_channel_settings_workspace_id_channel_id"),
    )
    op.create_table(
        "posted_replies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.String(64), nullable=True),
        sa.Column("source_message_id", sa.String(64), nullable=True),
        sa.Column("argument_ids", sa.JSON(), nullable=False),
        sa.Column("quote_keys", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_posted_replies"),
        sa.UniqueConstraint("platform", "workspace_id", "channel_id", "source_message_id", "kind",
                            name="uq_posted_replies_source"),
    )
    op.create_index("ix_posted_replies_workspace_thread", "posted_replies", ["workspace_id", "thread_id"])
    op.create_table(
        "posted_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("argument_id", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(["reply_id"], ["posted_replies.id"], name="fk_posted_messages_reply_id_posted_replies",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_posted_messages"),
        sa.UniqueConstraint("workspace_id", "message_id", name="uq_posted_messages_workspace_id_message_id"),
    )
    op.create_index("ix_posted_messages_reply_id", "posted_messages", ["reply_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("posted_message_id", sa.String(64), nullable=False),
        sa.Column("argument_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("workspace_id", "posted_message_id", "user_id",
                            name="uq_feedback_workspace_id_posted_message_id_user_id"),
    )
    op.create_index("ix_feedback_workspace_argument", "feedback", ["workspace_id", "argument_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_workspace_argument", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_posted_messages_reply_id", table_name="posted_messages")
    op.drop_table("posted_messages")
    op.drop_index("ix_posted_replies_workspace_thread", table_name="posted_replies")
    op.drop_table("posted_replies")
    op.drop_table("channel_settings")
    op.drop_table("triggers")
    op.drop_table("debate_events")
    op.drop_index("ix_debates_workspace_channel", table_name="debates")
    op.drop_index("ix_debates_workspace_thread", table_name="debates")
    op.drop_table("debates")
