"""The Counterpoint discord.py bot: reads messages and reactions, serves slash commands."""
from __future__ import annotations

import asyncio
import logging
import weakref
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from adapters.discord.answered import STARTERS_KEPT, answered_text
from adapters.discord.commands import register_commands, sync_commands
from adapters.discord.context import incoming_message, is_readable
from adapters.discord.invite import invite_url
from adapters.discord.posting import NO_MENTIONS, post_for_message
from adapters.discord.reactions import reaction_from_event
from adapters.discord.tree import CounterpointTree
from bot.reply import Reply
from bot.service.caches import ScopeCache
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.health.metrics import Metrics
    from bot.service.service import CounterpointService

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Only what Counterpoint reads. Message Content is privileged: enable it in the Developer Portal."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    intents.guild_reactions = True
    return intents


class CounterpointHandlers:
    """Event handlers shared by the single-connection and the sharded bot."""

    def __init__(self, *args: Any, settings: Settings, service: "CounterpointService", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.service = service
        # One reply decision at a time per channel, so a burst sees each cooldown in order.
        self._channel_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.metrics: Metrics | None = getattr(service, "prometheus", None)  # an ObservedService counts
        self._gateway_up = False
        self._connects = 0
        self._starters: ScopeCache[int, str] = ScopeCache(STARTERS_KEPT)  # thread id -> starter text

    async def setup_hook(self) -> None:
        register_commands(self.tree)  # type: ignore[attr-defined]
        await sync_commands(self.tree, self.settings.discord_guild_ids)  # type: ignore[attr-defined]

    def is_connected(self) -> bool:
        """Ready, not closed, and the gateway connection up (for /healthz)."""
        return self.is_ready() and not self.is_closed() and self._gateway_up  # type: ignore[attr-defined]

    async def on_connect(self) -> None:
        self._connects += 1
        # the first connection of each shard is not a reconnect
        if self._connects > (getattr(self, "shard_count", None) or 1) and self.metrics is not None:
            self.metrics.reconnected()
        self._gateway_up = True

    async def on_resumed(self) -> None:
        if self.metrics is not None:
            self.metrics.reconnected()
        self._gateway_up = True

    async def on_disconnect(self) -> None:
        self._gateway_up = False

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d servers", self.user, len(self.guilds))  # type: ignore[attr-defined]
        if self.application_id:  # type: ignore[attr-defined]
            log.info("invite it to another server: %s", invite_url(self.application_id))  # type: ignore[attr-defined]

    def _lock_for(self, channel_id: str) -> asyncio.Lock:
        lock = self._channel_locks.get(channel_id)
        if lock is None:
            lock = asyncio.Lock()
            self._channel_locks[channel_id] = lock
        return lock

    async def _where(self, message: discord.Message) -> object:
        """The message's channel; a thread unknown to the cache is fetched so its parent is known."""
        channel = message.channel
        if isinstance(channel, discord.PartialMessageable):
            try:
                return await self.fetch_channel(channel.id)  # type: ignore[attr-defined]
            except discord.HTTPException:
                log.debug("could not fetch channel %s", channel.id)
        return channel

    async def on_message(self, message: discord.Message) -> None:
        reply = None
        try:
            reply = await self._answer(message)
        finally:
            # Listeners (and tests) learn when a message has been fully dealt with: "counterpoint_message".
            self.dispatch("counterpoint_message", message, reply)  # type: ignore[attr-defined]

    async def _answer(self, message: discord.Message) -> Reply | None:
        me = self.user  # type: ignore[attr-defined]
        if me is None or message.author.id == me.id or not is_readable(message):
            return None
        channel = await self._where(message)
        context = await answered_text(self, message, channel, self._starters)  # type: ignore[arg-type]
        incoming = incoming_message(message, channel, context_text=context)
        async with self._lock_for(incoming.channel_id):
            reply = await self.service.handle_message(incoming)
            if reply is not None:
                try:
                    await post_for_message(self, self.service, reply, message, channel)  # type: ignore[arg-type]
                except discord.Forbidden as exc:
                    log.warning("cannot post in channel %s (missing permission: %s); reply dropped",
                                message.channel.id, exc.text)
                except discord.HTTPException as exc:
                    log.warning("posting a reply in channel %s failed: %s %s", message.channel.id, exc.status,
                                exc.text)
        return reply

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        stored = False
        try:
            reaction = reaction_from_event(self, payload)  # type: ignore[arg-type]
            if reaction is not None:
                stored = await self.service.handle_reaction(reaction)
        finally:
            self.dispatch("counterpoint_reaction", payload, stored)  # type: ignore[attr-defined]


class CounterpointBot(CounterpointHandlers, commands.Bot):
    """One gateway connection: right for all but very large deployments."""


class ShardedCounterpointBot(CounterpointHandlers, commands.AutoShardedBot):
    """Several gateway connections (DISCORD_SHARD_COUNT)."""


def build_bot(settings: Settings, service: "CounterpointService", **options: Any) -> commands.Bot:
    """The bot for these settings; `options` pass through to discord.py (e.g. guild_ready_timeout)."""
    shards = settings.discord_shard_count  # None: one connection; "auto": Discord recommends a count
    kwargs: dict[str, Any] = dict(
        command_prefix=commands.when_mentioned,  # unused: Counterpoint has only slash commands
        help_command=None,
        intents=bot_intents(),
        allowed_mentions=NO_MENTIONS,
        tree_cls=CounterpointTree,
        settings=settings,
        service=service,
    )
    kwargs.update(options)
    # Counterpoint never joins voice: skip discord.py's "PyNaCl/davey is not installed" start-up warnings.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    if shards is None:
        return CounterpointBot(**kwargs)
    if isinstance(shards, int):
        kwargs["shard_count"] = shards
        if settings.discord_shard_ids:  # several processes share the shards: this one runs only these
            kwargs["shard_ids"] = list(settings.discord_shard_ids)
    log.info("running %s", shard_summary(shards, settings.discord_shard_ids))
    return ShardedCounterpointBot(**kwargs)


def shard_summary(count: int | str, ids: tuple[int, ...]) -> str:
    """'Discord shards 0-1,3 of 4', 'all 4 Discord shards' or 'as many Discord shards as Discord recommends'."""
    if not isinstance(count, int):
        return "as many Discord shards as Discord recommends"
    if not ids or len(ids) == count:
        return f"all {count} Discord shards" if count > 1 else "Discord shard 0 of 1"
    runs: list[str] = []
    ordered = sorted(ids)
    start = prev = ordered[0]
    for shard in [*ordered[1:], None]:
        if shard is not None and shard == prev + 1:
            prev = shard
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if shard is not None:
            start = prev = shard
    return f"Discord shard{'s' if len(ids) > 1 else ''} {','.join(runs)} of {count}"
