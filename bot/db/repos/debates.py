"""Debates and the per-message events recorded in their threads."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Debate, DebateEvent
from bot.db.repos.state import DEBATES, bump


async def open_debate(session: AsyncSession, *, platform: str, workspace_id: str, channel_id: str,
                      motion: str, opened_by: str, now: datetime, thread_id: str | None = None) -> Debate:
    debate = Debate(platform=platform, workspace_id=workspace_id, channel_id=channel_id, thread_id=thread_id,
                    motion=motion, status="open", opened_by=opened_by, opened_at=now)
    session.add(debate)
    await session.flush()
    await bump(session, DEBATES)
    return debate


async def debate_for_thread(session: AsyncSession, workspace_id: str, thread_id: str | None,
                            channel_id: str | None = None) -> Debate | None:
    """The newest debate living in this thread (a thread id, or a channel id where threads are channels)."""
    ids = [i for i in (thread_id, channel_id) if i]
    if not ids:
        return None
    return await session.scalar(select(Debate).where(
        Debate.workspace_id == workspace_id, or_(*(Debate.thread_id == i for i in ids)))
        .order_by(Debate.id.desc()).limit(1))


async def latest_open_in_channel(session: AsyncSession, workspace_id: str, channel_id: str) -> Debate | None:
    return await session.scalar(select(Debate).where(
        Debate.workspace_id == workspace_id, Debate.channel_id == channel_id, Debate.status == "open")
        .order_by(Debate.id.desc()).limit(1))


async def attach_thread(session: AsyncSession, *, workspace_id: str, channel_id: str, motion: str,
                        thread_id: str) -> Debate | None:
    """Give the newest open debate with this motion and no thread yet its thread id (same channel first)."""
    pending = select(Debate).where(Debate.workspace_id == workspace_id, Debate.motion == motion,
                                   Debate.status == "open", Debate.thread_id.is_(None))
    debate = await session.scalar(pending.where(Debate.channel_id == channel_id).order_by(Debate.id.desc()).limit(1))
    if debate is None:  # an adapter that reports the thread itself as the channel
        debate = await session.scalar(pending.order_by(Debate.id.desc()).limit(1))
    if debate is not None:
        debate.thread_id = thread_id
        await session.flush()
        await bump(session, DEBATES)
    return debate


async def record_event(session: AsyncSession, debate_id: int, *, participant_id: str, participant_name: str,
                       message_id: str, argument_ids: list[str], now: datetime) -> bool:
    """Store one participant message; False if that message was already recorded."""
    found = await session.scalar(select(DebateEvent.id).where(DebateEvent.debate_id == debate_id,
                                                             DebateEvent.message_id == message_id))
    if found is not None:
        return False
    session.add(DebateEvent(debate_id=debate_id, participant_id=participant_id, participant_name=participant_name,
                            message_id=message_id, argument_ids=argument_ids, created_at=now))
    await session.flush()
    return True


async def events(session: AsyncSession, debate_id: int) -> list[DebateEvent]:
    return list((await session.scalars(select(DebateEvent).where(DebateEvent.debate_id == debate_id)
                                       .order_by(DebateEvent.id))).all())


async def close_debate(session: AsyncSession, debate_id: int, *, closed_by: str, now: datetime) -> None:
    debate = await session.get(Debate, debate_id)
    if debate is not None and debate.status != "closed":
        debate.status, debate.closed_by, debate.closed_at = "closed", closed_by, now
        await session.flush()
        await bump(session, DEBATES)
