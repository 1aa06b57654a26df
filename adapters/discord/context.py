"""Translate discord.py objects (messages, interactions, channels) into the core's value objects."""
from __future__ import annotations

import discord

from bot.messages import CommandContext, IncomingMessage

PLATFORM = "discord"
# Only people's ordinary messages are read; joins, pins, thread-created notices and the like are not.
READABLE_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


def channel_and_thread(channel: object) -> tuple[str, str | None]:
    """(channel id, thread id): a thread reports its parent channel and itself."""
    if isinstance(channel, discord.Thread):
        return str(channel.parent_id), str(channel.id)
    return str(getattr(channel, "id", "")), None


def can_manage_threads(channel: object, user: discord.abc.User) -> bool:
    """Moderator test for messages: the Manage Threads permission in that channel."""
    if not isinstance(user, discord.Member):
        return False
    if isinstance(channel, (discord.abc.GuildChannel, discord.Thread)):
        return channel.permissions_for(user).manage_threads
    return user.guild_permissions.manage_threads


def display_name(user: discord.abc.User) -> str:
    return getattr(user, "display_name", None) or user.name


def is_readable(message: discord.Message) -> bool:
    """A person's (or bot's) ordinary guild message, as opposed to a system notice or a DM."""
    return message.guild is not None and message.type in READABLE_TYPES


def incoming_message(message: discord.Message, channel: object | None = None, *,
                     context_text: str | None = None) -> IncomingMessage:
    """The core's view of a guild message; `channel` overrides an unresolved `message.channel`; `context_text`
    is what the message answers (adapters.discord.answered)."""
    where = channel if channel is not None else message.channel
    channel_id, thread_id = channel_and_thread(where)
    assert message.guild is not None
    return IncomingMessage(
        platform=PLATFORM,
        workspace_id=str(message.guild.id),
        channel_id=channel_id,
        message_id=str(message.id),
        author_id=str(message.author.id),
        author_name=display_name(message.author),
        text=message.content,
        thread_id=thread_id,
        author_is_bot=message.author.bot or message.webhook_id is not None,
        is_moderator=can_manage_threads(where, message.author),
        context_text=context_text,
    )


def command_context(interaction: discord.Interaction) -> CommandContext:
    """Who ran a slash command and where; moderator-ness from the invoker's resolved permissions."""
    channel_id, thread_id = channel_and_thread(interaction.channel)
    if not channel_id and interaction.channel_id is not None:
        channel_id = str(interaction.channel_id)
    return CommandContext(
        platform=PLATFORM,
        workspace_id=str(interaction.guild_id or ""),
        channel_id=channel_id,
        user_id=str(interaction.user.id),
        user_name=display_name(interaction.user),
        thread_id=thread_id,
        is_moderator=interaction_is_moderator(interaction),
    )


def interaction_is_moderator(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        return False
    perms = interaction.permissions
    return perms.manage_threads or perms.administrator
