"""Replies the bot posted (or decided to post): de-duplication, quotes used per thread, reaction lookup."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PostedMessage, PostedReply


async def find_reply(session: AsyncSession, *, platform: str, workspace_id: str, channel_id: str,
                     source_message_id: str, kind: str) -> PostedReply | None:
    return await session.scalar(select(PostedReply).where(
        PostedReply.platform == platform, PostedReply.workspace_id == workspace_id,
        PostedReply.channel_id == channel_id, PostedReply.source_message_id == source_message_id,
        PostedReply.kind == kind))


async def used_quote_keys(session: AsyncSession, workspace_id: str, thread_id: str) -> set[str]:
    """Keys of every quote already shown in this thread, by any reply."""
    rows = await session.scalars(select(PostedReply.quote_keys).where(PostedReply.workspace_id == workspace_id,
                                                                       PostedReply.thread_id == thread_id))
    return {key for keys in rows.all() for key in (keys or ())}


async def record_reply(session: AsyncSession, *, platform: str, workspace_id: str, channel_id: str,
                       thread_id: str | None, source_message_id: str | None, argument_ids: Sequence[str],
                       quote_keys: Sequence[str], kind: str, now: datetime) -> PostedReply:
    row = PostedReply(platform=platform, workspace_id=workspace_id, channel_id=channel_id, thread_id=thread_id,
                      source_message_id=source_message_id, argument_ids=list(argument_ids),
                      quote_keys=list(quote_keys), kind=kind, created_at=now, messages=[])
    session.add(row)
    await session.flush()
    return row


async def add_messages(session: AsyncSession, reply: PostedReply, message_ids: Sequence[str],
                       argument_for: Sequence[str | None]) -> None:
    """Attach platform message ids (skipping ones already known) with the argument each one shows."""
    known = {m.message_id for m in reply.messages}
    start = len(reply.messages)
    for offset, (message_id, argument_id) in enumerate(zip(message_ids, argument_for)):
        if message_id in known or await posted_message(session, reply.workspace_id, message_id) is not None:
            continue
        reply.messages.append(PostedMessage(workspace_id=reply.workspace_id, message_id=message_id,
                                            position=start + offset, argument_id=argument_id))
    await session.flush()


async def posted_message(session: AsyncSession, workspace_id: str, message_id: str) -> PostedMessage | None:
    return await session.scalar(select(PostedMessage).where(PostedMessage.workspace_id == workspace_id,
                                                            PostedMessage.message_id == message_id))
