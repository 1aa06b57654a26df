"""Post a rendered `Reply` where its placement says, then tell the service which messages carry it."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

import discord

from adapters.discord.context import PLATFORM, channel_and_thread
from adapters.discord.limits import CONTENT_MAX, cut, escape
from adapters.discord.render import OutgoingMessage, render_reply, thread_name
from bot.reply import Placement, Reply

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
THREAD_EXISTS = 160004  # Discord: "A thread has already been created for this message" (its id = the message id)
THREAD_PERMISSIONS_HINT = (
    "I could not start a thread here. Give me the Create Public Threads and Send Messages in Threads "
    "permissions in this channel, or ask a moderator to."
)


class PostedListener(Protocol):
    """The service methods posting needs."""

    async def reply_posted(self, reply: Reply, *, platform: str, workspace_id: str, channel_id: str,
                           thread_id: str | None, message_ids: Sequence[str]) -> None: ...

    async def reply_failed(self, reply: Reply, *, platform: str, workspace_id: str, channel_id: str) -> bool: ...


async def send_all(destination: discord.abc.Messageable, messages: list[OutgoingMessage],
                   ids: list[str] | None = None) -> list[str]:
    """Send each message in order; returns the posted message ids (also appended to `ids` as they are sent,
    so a caller still knows what was posted when a later message fails). discord.py itself retries rate
    limits (429, honouring retry_after) and server errors (5xx) a bounded number of times."""
    ids = [] if ids is None else ids
    for out in messages:
        sent = await destination.send(content=out.content, embeds=list(out.embeds), allowed_mentions=NO_MENTIONS)
        ids.append(str(sent.id))
    return ids


async def _announce(service: PostedListener, reply: Reply, guild_id: int | None, where: object,
                    message_ids: list[str]) -> None:
    if not message_ids or reply.placement is Placement.EPHEMERAL:  # nobody can react to an ephemeral message
        return
    channel_id, thread_id = channel_and_thread(where)
    await service.reply_posted(reply, platform=PLATFORM, workspace_id=str(guild_id or ""),
                               channel_id=channel_id, thread_id=thread_id, message_ids=message_ids)


async def _resolve_thread(client: discord.Client, thread_id: str) -> discord.abc.Messageable | None:
    channel = client.get_channel(int(thread_id))
    if channel is None:
        try:
            channel = await client.fetch_channel(int(thread_id))
        except (discord.NotFound, discord.Forbidden):
            return None
    return channel if isinstance(channel, discord.abc.Messageable) else None


async def post_for_message(client: discord.Client, service: PostedListener, reply: Reply,
                           message: discord.Message, channel: object | None = None) -> list[str]:
    """Post an automatic reply to `message`: into its thread, or a new thread started from it.

    `channel` is the message's channel when the caller had to resolve it (a thread not in the cache).
    """
    if reply.placement is Placement.EPHEMERAL:
        log.debug("dropping an ephemeral reply to a plain message %s", message.id)
        return []
    guild_id = message.guild.id if message.guild else None
    ids: list[str] = []
    try:
        where = await _destination(client, reply, message, channel)
        if where is None:
            await _release(service, reply, guild_id, message)
            return []
        await send_all(where, render_reply(reply), ids)
    except Exception:
        if not ids:  # nothing was posted: give the message back, so a redelivery of it is answered
            await _release(service, reply, guild_id, message)
            raise
        log.warning("reply to %s only partly posted (%d message(s))", message.id, len(ids), exc_info=True)
    await _announce(service, reply, guild_id, where, ids)
    return ids


async def _destination(client: discord.Client, reply: Reply, message: discord.Message,
                       channel: object | None) -> discord.abc.Messageable | None:
    """Where an automatic reply goes: the message's thread, the reply's thread, or a new thread from it."""
    here = channel if isinstance(channel, discord.abc.Messageable) else message.channel
    if reply.placement is Placement.THREAD and reply.thread_id and reply.thread_id != str(message.channel.id):
        where = await _resolve_thread(client, reply.thread_id)
        if where is None:
            log.warning("thread %s for a reply is gone; reply dropped", reply.thread_id)
        return where
    if reply.placement is Placement.NEW_THREAD and not isinstance(here, discord.Thread):
        try:
            return await message.create_thread(name=thread_name(reply))
        except discord.Forbidden:
            log.warning("missing Create Public Threads permission in channel %s; reply dropped", message.channel.id)
            return None
        except discord.HTTPException as exc:
            if exc.code != THREAD_EXISTS:
                raise
            return await _resolve_thread(client, str(message.id))  # opened before (by us or someone): answer there
    return here


async def _release(service: PostedListener, reply: Reply, guild_id: int | None, message: discord.Message) -> None:
    channel_id = reply.channel_id or str(message.channel.id)
    await service.reply_failed(reply, platform=PLATFORM, workspace_id=str(guild_id or ""), channel_id=channel_id)


async def _respond(interaction: discord.Interaction, messages: list[OutgoingMessage], *, ephemeral: bool) -> list[str]:
    """The first message as the interaction response, the rest as follow-ups."""
    ids: list[str] = []
    first, rest = messages[0], messages[1:]
    callback = await interaction.response.send_message(
        content=first.content, embeds=list(first.embeds), ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
    if callback.message_id is not None:
        ids.append(str(callback.message_id))
    for out in rest:
        sent = await interaction.followup.send(content=out.content, embeds=list(out.embeds),
                                               ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, wait=True)
        ids.append(str(sent.id))
    return ids


async def _ack(interaction: discord.Interaction, text: str, *, ephemeral: bool) -> None:
    await interaction.response.send_message(content=text, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)


def _thread_parent(channel: object) -> discord.TextChannel | None:
    if isinstance(channel, discord.Thread):
        channel = channel.parent
    return channel if isinstance(channel, discord.TextChannel) else None


async def _start_thread(interaction: discord.Interaction, service: PostedListener, reply: Reply,
                        rendered: list[OutgoingMessage]) -> None:
    """Debate start: a public thread in the channel with the cards inside it; the caller gets a private pointer.

    The interaction is deferred first: creating a thread and posting the cards may outlast the
    three seconds Discord allows for a first response. (Discord itself announces the new thread
    in the channel.)
    """
    parent = _thread_parent(interaction.channel)
    if parent is None:
        await _ack(interaction, "Start a debate from a text channel (not a forum, voice channel or DM).",
                   ephemeral=True)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        thread = await parent.create_thread(name=thread_name(reply), type=discord.ChannelType.public_thread)
    except discord.Forbidden:
        await interaction.edit_original_response(content=THREAD_PERMISSIONS_HINT, allowed_mentions=NO_MENTIONS)
        return
    ids = await send_all(thread, rendered)
    await _announce(service, reply, interaction.guild_id, thread, ids)
    label = escape(" ".join((reply.title or thread.name).split()))
    await interaction.edit_original_response(content=cut(f"Debate started: {thread.mention} — {label}", CONTENT_MAX),
                                             allowed_mentions=NO_MENTIONS)


async def post_for_interaction(client: discord.Client, service: PostedListener, reply: Reply,
                               interaction: discord.Interaction) -> list[str]:
    """Answer a slash command with `reply`."""
    rendered = render_reply(reply)
    here = interaction.channel or discord.Object(interaction.channel_id or 0)
    if reply.placement is Placement.NEW_THREAD:
        await _start_thread(interaction, service, reply, rendered)
        return []
    if reply.placement is Placement.THREAD and reply.thread_id and str(interaction.channel_id) != reply.thread_id:
        thread = await _resolve_thread(client, reply.thread_id)
        if thread is None:
            await _ack(interaction, "That thread no longer exists.", ephemeral=True)
            return []
        ids = await send_all(thread, rendered)
        await _ack(interaction, f"Posted in <#{reply.thread_id}>.", ephemeral=True)
        await _announce(service, reply, interaction.guild_id, thread, ids)
        return ids
    ids = await _respond(interaction, rendered, ephemeral=reply.placement is Placement.EPHEMERAL)
    await _announce(service, reply, interaction.guild_id, here, ids)
    return ids
