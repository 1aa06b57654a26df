"""Replies the bot posted (or decided to post): de-duplication, quotes used per thread, reaction lookup."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PostedMessage, PostedReply


@dataclass(frozen=True, slots=True)
class ReplyRef:
    """What posting needs of a recorded reply, without loading it."""

    id: int
    channel_id: str
    thread_id: str | None
    created_at: datetime


async def find_reply(session: AsyncSession, *, platform: str, workspace_id: str, channel_id: str,
                     source_message_id: str, kind: str) -> PostedReply | None:
    return await session.scalar(select(PostedReply).where(
        PostedReply.platform == platform, PostedReply.workspace_id == workspace_id,
        PostedReply.channel_id == channel_id, PostedReply.source_message_id == source_message_id,
        PostedReply.kind == kind))


async def find_reply_ref(session: AsyncSession, *, platform: str, workspace_id: str, channel_ids: Sequence[str],
                         source_message_id: str, kind: str) -> ReplyRef | None:
    """The reply recorded for a source message in any of `channel_ids` (first listed wins)."""
    rows = (await session.execute(select(PostedReply.id, PostedReply.channel_id, PostedReply.thread_id,
                                         PostedReply.created_at).where(
        PostedReply.platform == platform, PostedReply.workspace_id == workspace_id,
        PostedReply.channel_id.in_(list(channel_ids)), PostedReply.source_message_id == source_message_id,
        PostedReply.kind == kind))).all()
    found = {row.channel_id: ReplyRef(row.id, row.channel_id, row.thread_id, row.created_at) for row in rows}
    return next((found[c] for c in channel_ids if c in found), None)


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
    await attach_messages(session, reply.id, reply.workspace_id, message_ids, argument_for)


async def attach_messages(session: AsyncSession, reply_id: int, workspace_id: str, message_ids: Sequence[str],
                          argument_for: Sequence[str | None], *, thread_id: str | None = None,
                          fresh: bool = False) -> None:
    """Attach platform message ids to a reply (skipping ones already known) with the argument each shows;
    give the reply `thread_id` if it has none yet. `fresh`: the reply has no messages yet and the ids were
    just posted, so nothing needs looking up first (one INSERT, at most one UPDATE)."""
    taken: set[str] = set()
    start = 0
    if not fresh:
        known = (await session.execute(select(PostedMessage.reply_id, PostedMessage.message_id).where(
            or_(PostedMessage.reply_id == reply_id,
                (PostedMessage.workspace_id == workspace_id) & PostedMessage.message_id.in_(list(message_ids)))))).all()
        taken = {message_id for _, message_id in known}
        start = sum(1 for owner, _ in known if owner == reply_id)
    new = [{"reply_id": reply_id, "workspace_id": workspace_id, "message_id": message_id,
            "position": start + offset, "argument_id": argument_id}
           for offset, (message_id, argument_id) in enumerate(zip(message_ids, argument_for))
           if message_id not in taken]
    if new:
        await session.execute(insert(PostedMessage), new)
    if thread_id:
        await session.execute(update(PostedReply).where(PostedReply.id == reply_id, PostedReply.thread_id.is_(None))
                              .values(thread_id=thread_id).execution_options(synchronize_session=False))


async def release_reply(session: AsyncSession, reply_id: int) -> bool:
    """Forget a claimed reply nothing of which was posted, so the message can be answered again."""
    result = await session.execute(
        delete(PostedReply).where(PostedReply.id == reply_id,
                                  ~exists().where(PostedMessage.reply_id == PostedReply.id))
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


async def posted_message(session: AsyncSession, workspace_id: str, message_id: str) -> PostedMessage | None:
    return await session.scalar(select(PostedMessage).where(PostedMessage.workspace_id == workspace_id,
                                                            PostedMessage.message_id == message_id))
