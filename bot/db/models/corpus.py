"""Corpus tables: sources and passages, arguments (curated or moderator-added), quotes and counter links."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import ARG_ID, ID, NAME, Base
from bot.db.types import UTCDateTime


class Meta(Base):
    """Key/value facts about the database, e.g. the fingerprint of the last ingested corpus."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(Text)
    speakers: Mapped[list[str]] = mapped_column(JSON, default=list)
    reworded: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))  # of the source row and all its passages
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    passages: Mapped[list["Passage"]] = relationship(back_populates="source", cascade="all, delete-orphan",
                                                     passive_deletes=True, order_by="Passage.position")


class Passage(Base):
    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("source_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str | None] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(String(NAME))
    locator: Mapped[str | None] = mapped_column(String(NAME))
    url: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[Source] = relationship(back_populates="passages")


class Argument(Base):
    __tablename__ = "arguments"
    __table_args__ = (Index("ix_arguments_origin_workspace", "origin", "workspace_id"),)
    id: Mapped[str] = mapped_column(String(ARG_ID), primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))  # curated | moderator
    workspace_id: Mapped[str | None] = mapped_column(String(ID))  # None for curated
    claim: Mapped[str] = mapped_column(Text)
    stance: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(64))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(NAME))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quotes: Mapped[list["QuoteRow"]] = relationship(back_populates="argument", cascade="all, delete-orphan",
                                                    passive_deletes=True, order_by="QuoteRow.position",
                                                    lazy="selectin")

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "origin": self.origin, "workspace_id": self.workspace_id, "claim": self.claim,
                "stance": self.stance, "topic": self.topic}


class QuoteRow(Base):
    __tablename__ = "quotes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    argument_id: Mapped[str] = mapped_column(ForeignKey("arguments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[str | None] = mapped_column(String(ID))  # None: moderator-supplied from a URL
    source_title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str | None] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(String(NAME))
    locator: Mapped[str | None] = mapped_column(String(NAME))
    url: Mapped[str | None] = mapped_column(Text)
    moderator_supplied: Mapped[bool] = mapped_column(Boolean, default=False)
    argument: Mapped[Argument] = relationship(back_populates="quotes")


class CounterLink(Base):
    """`counter_id` answers `argument_id`. Not foreign keys: moderator links outlive curated edits."""

    __tablename__ = "counter_links"
    __table_args__ = (UniqueConstraint("argument_id", "counter_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    argument_id: Mapped[str] = mapped_column(String(ARG_ID))
    counter_id: Mapped[str] = mapped_column(String(ARG_ID))
    origin: Mapped[str] = mapped_column(String(16))  # curated | moderator
    workspace_id: Mapped[str | None] = mapped_column(String(ID))
    created_by: Mapped[str | None] = mapped_column(String(NAME))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
