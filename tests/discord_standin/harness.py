"""Run a real Counterpoint Discord bot against the stand-in, and wait on what it reports it has done."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.client import build_bot
from adapters.discord.endpoints import point_at_server
from bot.reply import Reply
from bot.settings import Settings
from discord_standin.server import DiscordStandIn

WAIT = 20.0  # generous upper bound for a wait; never asserted as a speed limit


@dataclass
class BotEvents:
    """The bot's `counterpoint_message` / `counterpoint_reaction` events, for tests to wait on."""

    messages: dict[int, Reply | None] = field(default_factory=dict)
    reactions: list[tuple[discord.RawReactionActionEvent, bool]] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def attach(self, bot: discord.Client) -> None:
        async def on_message(message: discord.Message, reply: Reply | None) -> None:
            async with self.changed:
                self.messages[message.id] = reply
                self.changed.notify_all()

        async def on_reaction(payload: discord.RawReactionActionEvent, stored: bool) -> None:
            async with self.changed:
                self.reactions.append((payload, stored))
                self.changed.notify_all()

        bot.add_listener(on_message, "on_counterpoint_message")
        bot.add_listener(on_reaction, "on_counterpoint_reaction")

    async def _until(self, predicate: Any, timeout: float) -> None:
        async def wait() -> None:
            async with self.changed:
                await self.changed.wait_for(predicate)
        await asyncio.wait_for(wait(), timeout)

    async def handled(self, *message_ids: int | str, timeout: float = WAIT) -> list[Reply | None]:
        """Wait until the bot has finished with each message (answered or not); their replies."""
        ids = [int(i) for i in message_ids]
        await self._until(lambda: all(i in self.messages for i in ids), timeout)
        return [self.messages[i] for i in ids]

    async def reaction(self, message_id: int | str, timeout: float = WAIT) -> bool:
        """Wait for the bot to process a reaction on `message_id`; True if the service stored it."""
        mid = int(message_id)
        await self._until(lambda: any(p.message_id == mid for p, _ in self.reactions), timeout)
        return next(stored for p, stored in self.reactions if p.message_id == mid)


def standin_settings(standin: DiscordStandIn, **values: Any) -> Settings:
    base: dict[str, Any] = dict(_env_file=None, auto_reply_default="off", discord_token=standin.token,
                                discord_api_base=standin.api_base, discord_gateway_url=standin.gateway_url)
    base.update(values)
    return Settings(**base)


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, service: Any) -> AsyncIterator[tuple[Any, BotEvents]]:
    """A started bot (ready: guild received) pointed at the server in `settings`; closed on exit."""
    undo = point_at_server(settings)
    bot = build_bot(settings, service, guild_ready_timeout=0.05)
    events = BotEvents()
    events.attach(bot)
    task = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
    try:
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=WAIT, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            ready.cancel()
            task.result()  # raises why the bot stopped
        if ready not in done:
            raise TimeoutError("the bot did not become ready")
        yield bot, events
    finally:
        await bot.close()
        with contextlib.suppress(Exception):
            await task
        undo()
