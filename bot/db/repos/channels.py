"""Per-channel settings: the auto-reply switch, the cooldown, and an atomic claim (and release) of the reply slot."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChannelSetting
from bot.db.repos.state import CHANNELS, bump, dialect_insert


async def get_channel(session: AsyncSession, workspace_id: str, channel_id: str) -> ChannelSetting | None:
    return await session.scalar(select(ChannelSetting).where(ChannelSetting.workspace_id == workspace_id,
                                                             ChannelSetting.channel_id == channel_id))


async def ensure_channel(session: AsyncSession, workspace_id: str, channel_id: str, now: datetime) -> ChannelSetting:
    row = await get_channel(session, workspace_id, channel_id)
    if row is not None:
        return row
    row = ChannelSetting(workspace_id=workspace_id, channel_id=channel_id, autoreply=None, cooldown_seconds=None,
                         updated_at=now)
    if session.bind.dialect.name == "sqlite":  # writes are serialised; pysqlite savepoints are unreliable
        session.add(row)
        await session.flush()
        return row
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another process created it first
        row = await get_channel(session, workspace_id, channel_id)
        assert row is not None
    return row


async def set_autoreply(session: AsyncSession, workspace_id: str, channel_id: str, *, on: bool,
                        cooldown_seconds: int | None, updated_by: str, now: datetime) -> ChannelSetting:
    row = await ensure_channel(session, workspace_id, channel_id, now)
    row.autoreply = on
    if cooldown_seconds is not None:
        row.cooldown_seconds = cooldown_seconds
    row.updated_by, row.updated_at = updated_by, now
    await session.flush()
    await bump(session, CHANNELS)
    return row


async def claim_reply_slot(session: AsyncSession, workspace_id: str, channel_id: str, *, now: datetime,
                           cooldown_seconds: int) -> bool:
    """Set the channel's last auto-reply time to `now` if the cooldown has passed (compare-and-set).

    One UPDATE once the channel has a row; a channel seen for the first time gets its row from an
    INSERT that does nothing when another process inserted it first (then that process has the slot).
    """
    threshold = now - timedelta(seconds=max(cooldown_seconds, 0))
    result = await session.execute(
        update(ChannelSetting)
        .where(ChannelSetting.workspace_id == workspace_id, ChannelSetting.channel_id == channel_id,
               or_(ChannelSetting.last_auto_reply_at.is_(None), ChannelSetting.last_auto_reply_at <= threshold))
        .values(last_auto_reply_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:
        return True
    inserted = await session.execute(
        dialect_insert(session)(ChannelSetting)
        .values(workspace_id=workspace_id, channel_id=channel_id, autoreply=None, cooldown_seconds=None,
                last_auto_reply_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[ChannelSetting.workspace_id, ChannelSetting.channel_id]))
    return inserted.rowcount == 1


async def release_reply_slot(session: AsyncSession, workspace_id: str, channel_id: str, *,
                             claimed_at: datetime) -> bool:
    """Give back a slot claimed at `claimed_at` whose reply was never posted (unless a newer claim took it)."""
    result = await session.execute(
        update(ChannelSetting)
        .where(ChannelSetting.workspace_id == workspace_id, ChannelSetting.channel_id == channel_id,
               ChannelSetting.last_auto_reply_at == claimed_at)
        .values(last_auto_reply_at=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1
