"""The text a Discord message answers: the message it replies to, else its thread's starter message."""
from __future__ import annotations

import asyncio
import logging

import discord

from bot.service.caches import ScopeCache
from bot.service.thread_context import needs_context

log = logging.getLogger(__name__)
FETCH_TIMEOUT = 2.0  # seconds: a slow fetch costs the context, never the message
STARTERS_KEPT = 1024
NO_TEXT = ""  # remembered for a thread whose starter is gone or not a person's words


def readable_text(message: object) -> str | None:
    """A person's words worth reading as context (not a bot's, not empty), else None."""
    if not isinstance(message, discord.Message) or message.author.bot or message.webhook_id is not None:
        return None
    return message.content.strip() or None


async def answered_text(client: discord.Client, message: discord.Message, channel: object,
                        starters: ScopeCache[int, str]) -> str | None:
    """What a short message answers, or None: a long message stands alone, and a failed lookup is no error."""
    if message.author.bot or not needs_context(message.content):
        return None
    reference = message.reference
    if message.type == discord.MessageType.reply and reference is not None:
        text = readable_text(reference.resolved or reference.cached_message)
        if text:
            return text
    if isinstance(channel, discord.Thread):
        return await starter_text(client, channel, starters)
    return None


async def starter_text(client: discord.Client, thread: discord.Thread, starters: ScopeCache[int, str]) -> str | None:
    """The text of the message the thread was started from (cached by discord.py, remembered, or fetched)."""
    known = starters.peek(thread.id)
    if known is not None:
        return known or None
    starter = thread.starter_message
    if starter is None and not _may_read_history(thread):
        return None  # a fetch could only be refused, and refusals count against the bot
    if starter is None:
        starter, final = await _fetch_starter(client, thread)
        if not final:
            return None  # a passing failure: ask again next time
    text = readable_text(starter)
    starters.put(thread.id, text or NO_TEXT)
    return text


def _may_read_history(thread: discord.Thread) -> bool:
    """Whether the bot may read the thread's messages, as far as the cache knows (unknown: try)."""
    me = thread.guild.me
    if me is None or thread.parent is None:
        return True
    return thread.permissions_for(me).read_message_history


async def _fetch_starter(client: discord.Client, thread: discord.Thread) -> tuple[discord.Message | None, bool]:
    """(starter message or None, whether that answer is final). A thread's starter has the thread's id and sits
    in the parent channel, except in a forum, where it opens the thread itself."""
    if isinstance(thread.parent, discord.ForumChannel) or thread.parent_id is None:
        where: discord.abc.Messageable = thread
    else:
        where = client.get_partial_messageable(thread.parent_id, guild_id=thread.guild.id)
    try:
        return await asyncio.wait_for(where.fetch_message(thread.id), FETCH_TIMEOUT), True
    except (discord.NotFound, discord.Forbidden):  # started without a message, starter deleted, or not readable
        return None, True
    except Exception as exc:  # the context is a nicety: never let it cost the message
        log.debug("could not fetch the starter of thread %s: %s", thread.id, exc.__class__.__name__)
        return None, False
