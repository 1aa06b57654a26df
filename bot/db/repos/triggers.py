"""Moderator triggers: words, phrases or fuzzy phrases that make the bot answer in a channel or workspace."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Trigger
from bot.db.repos.state import TRIGGERS, bump


async def add_trigger(session: AsyncSession, *, workspace_id: str, scope: str, channel_id: str | None, kind: str,
                      pattern: str, topic: str | None, argument_id: str | None, created_by: str,
                      now: datetime) -> Trigger:
    trigger = Trigger(workspace_id=workspace_id, scope=scope, channel_id=channel_id if scope == "channel" else None,
                      kind=kind, pattern=pattern, topic=topic, argument_id=argument_id, created_by=created_by,
                      created_at=now)
    session.add(trigger)
    await session.flush()
    await bump(session, TRIGGERS)
    return trigger


async def workspace_triggers(session: AsyncSession, workspace_id: str) -> list[Trigger]:
    return list((await session.scalars(select(Trigger).where(Trigger.workspace_id == workspace_id)
                                       .order_by(Trigger.id))).all())


async def find_triggers(session: AsyncSession, workspace_id: str, key: str) -> list[Trigger]:
    """Triggers matching `key`: a numeric id, or else a pattern (case-insensitive)."""
    if key.isdigit():
        found = await session.get(Trigger, int(key))
        if found is not None and found.workspace_id == workspace_id:
            return [found]
    return list((await session.scalars(select(Trigger).where(
        Trigger.workspace_id == workspace_id, func.lower(Trigger.pattern) == key.lower()))).all())


async def delete_triggers(session: AsyncSession, triggers: list[Trigger]) -> None:
    for trigger in triggers:
        await session.delete(trigger)
    await session.flush()
    if triggers:
        await bump(session, TRIGGERS)
