"""Service tables: debates and their events, triggers, channel settings, posted replies and feedback."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import ARG_ID, ID, NAME, Base
from bot.db.types import UTCDateTime, UTCDateTimeTZ


class Debate(Base):
    __tablename__ = "debates"
    __table_args__ = (Index("ix_debates_workspace_thread", "workspace_id", "thread_id"),
                      Index("ix_debates_workspace_channel", "workspace_id", "channel_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(ID))
    channel_id: Mapped[str] = mapped_column(String(ID))
    thread_id: Mapped[str | None] = mapped_column(String(ID))  # known once the adapter posted the motion
    motion: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))  # open | closed
    opened_by: Mapped[str] = mapped_column(String(NAME))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(NAME))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    events: Mapped[list["DebateEvent"]] = relationship(back_populates="debate", cascade="all, delete-orphan",
                                                       passive_deletes=True, order_by="DebateEvent.id")


class DebateEvent(Base):
    """One participant message in a debate thread and the arguments it raised."""

    __tablename__ = "debate_events"
    __table_args__ = (UniqueConstraint("debate_id", "message_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    debate_id: Mapped[int] = mapped_column(ForeignKey("debates.id", ondelete="CASCADE"))
    participant_id: Mapped[str] = mapped_column(String(ID))
    participant_name: Mapped[str] = mapped_column(String(NAME))
    message_id: Mapped[str] = mapped_column(String(ID))
    argument_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    debate: Mapped[Debate] = relationship(back_populates="events")


class Trigger(Base):
    __tablename__ = "triggers"
    __table_args__ = (Index("ix_triggers_workspace", "workspace_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(ID))
    scope: Mapped[str] = mapped_column(String(16))  # channel | workspace
    channel_id: Mapped[str | None] = mapped_column(String(ID))
    kind: Mapped[str] = mapped_column(String(8))  # word | phrase | fuzzy
    pattern: Mapped[str] = mapped_column(String(NAME))
    topic: Mapped[str | None] = mapped_column(String(64))
    argument_id: Mapped[str | None] = mapped_column(String(ARG_ID))
    created_by: Mapped[str] = mapped_column(String(NAME))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelSetting(Base):
    """Per-channel auto-reply switch and cooldown, and the time of the last auto reply."""

    __tablename__ = "channel_settings"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(ID))
    channel_id: Mapped[str] = mapped_column(String(ID))
    autoreply: Mapped[bool | None] = mapped_column(Boolean)  # None: follow settings.auto_reply_default
    cooldown_seconds: Mapped[int | None] = mapped_column(Integer)  # None: settings default
    last_auto_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(NAME))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PostedReply(Base):
    """A reply the bot decided to post: cooldowns, de-duplication and audit."""

    __tablename__ = "posted_replies"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "channel_id", "source_message_id", "kind",
                                       name="uq_posted_replies_source"),
                      Index("ix_posted_replies_workspace_thread", "workspace_id", "thread_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(ID))
    channel_id: Mapped[str] = mapped_column(String(ID))
    thread_id: Mapped[str | None] = mapped_column(String(ID))
    source_message_id: Mapped[str | None] = mapped_column(String(ID))
    argument_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    quote_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(8))  # auto | command
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    messages: Mapped[list["PostedMessage"]] = relationship(back_populates="reply", cascade="all, delete-orphan",
                                                           passive_deletes=True, order_by="PostedMessage.position",
                                                           lazy="selectin")


class PostedMessage(Base):
    """One platform message id of a posted reply, and the argument it shows (for reactions)."""

    __tablename__ = "posted_messages"
    __table_args__ = (UniqueConstraint("workspace_id", "message_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("posted_replies.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[str] = mapped_column(String(ID))
    message_id: Mapped[str] = mapped_column(String(ID))
    position: Mapped[int] = mapped_column(Integer)
    argument_id: Mapped[str | None] = mapped_column(String(ARG_ID))
    reply: Mapped[PostedReply] = relationship(back_populates="messages")


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("workspace_id", "posted_message_id", "user_id"),
                      Index("ix_feedback_workspace_argument", "workspace_id", "argument_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(ID))
    posted_message_id: Mapped[str] = mapped_column(String(ID))
    argument_id: Mapped[str] = mapped_column(String(ARG_ID))
    user_id: Mapped[str] = mapped_column(String(ID))
    value: Mapped[int] = mapped_column(Integer)  # +1 | -1
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RequestSignature(Base):
    """A Slack request signature already handled: a second request with it is a replay."""

    __tablename__ = "request_signatures"
    __table_args__ = (Index("ix_request_signatures_seen_at", "seen_at"),)
    signature: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTimeTZ)


class StateVersion(Base):
    """A change counter per scope ("arguments", "triggers", ...) that workers poll to refresh their caches."""

    __tablename__ = "state_versions"
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTimeTZ)
