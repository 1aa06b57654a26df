"""Reactions people add to the bot's own messages, passed to the service as feedback."""
from __future__ import annotations

import discord

from adapters.discord.context import PLATFORM, channel_and_thread
from bot.messages import Reaction


def emoji_name(emoji: discord.PartialEmoji) -> str:
    """The unicode character for standard emoji, the name for custom ones."""
    return emoji.name or str(emoji)


def reaction_from_event(client: discord.Client, payload: discord.RawReactionActionEvent) -> Reaction | None:
    """A `Reaction` when a person reacted to one of the bot's messages in a server, else None."""
    me = client.user
    if me is None or payload.guild_id is None or payload.user_id == me.id:
        return None
    if payload.message_author_id is not None and payload.message_author_id != me.id:
        return None
    if payload.member is not None and payload.member.bot:
        return None
    channel = client.get_channel(payload.channel_id)
    channel_id, _ = channel_and_thread(channel) if channel is not None else (str(payload.channel_id), None)
    return Reaction(
        platform=PLATFORM,
        workspace_id=str(payload.guild_id),
        channel_id=channel_id,
        message_id=str(payload.message_id),
        user_id=str(payload.user_id),
        emoji=emoji_name(payload.emoji),
    )
