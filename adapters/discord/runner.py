"""`counterpoint run discord`: check the token, start the service, run the bot until stopped."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from adapters.discord.client import build_bot
from adapters.discord.endpoints import point_at_server
from adapters.web.servers import ServeError, bot_servers
from bot.errors import CounterpointError
from bot.settings import Settings

log = logging.getLogger(__name__)

NO_TOKEN = """\
counterpoint: no Discord bot token, so the Discord bot cannot start.
Set DISCORD_TOKEN in the environment, or put a line
    DISCORD_TOKEN=<your bot token>
in a .env file in the directory you run counterpoint from.
Get the token at https://discord.com/developers/applications -> your application -> Bot -> Reset Token,
and on that page enable the Message Content intent."""
BAD_TOKEN = """\
counterpoint: Discord rejected DISCORD_TOKEN (login failed).
Copy a fresh token from https://discord.com/developers/applications -> your application -> Bot -> Reset Token
and set DISCORD_TOKEN to it (the bot token, not the client secret or application id)."""
NO_INTENT = """\
counterpoint: Discord refused the Message Content intent.
Enable it at https://discord.com/developers/applications -> your application -> Bot ->
Privileged Gateway Intents -> Message Content Intent, then start again."""


def _token(settings: Settings) -> str:
    return settings.discord_token.get_secret_value().strip() if settings.discord_token else ""


def _fail(text: str, code: int) -> int:
    print(text, file=sys.stderr)
    return code


async def run_discord(settings: Settings, *, stop: asyncio.Event | None = None, **bot_options: Any) -> int:
    """Run the Discord bot until SIGTERM (or `stop` is set); the exit code (0 stopped, 1 failed, 2 not configured)."""
    token = _token(settings)
    if not token:
        return _fail(NO_TOKEN, 2)
    point_at_server(settings)

    # imported late: they load the corpus machinery
    from bot.health.metrics import ErrorCounter, Metrics
    from bot.health.observed import ObservedService

    try:
        service = await ObservedService.start(settings, metrics=Metrics("discord"))
    except CounterpointError as exc:
        return _fail(f"counterpoint: cannot start: {exc}", 1)
    try:
        bot = build_bot(settings, service, **bot_options)
        health = service.health(connected=bot.is_connected)  # type: ignore[attr-defined]
        try:
            async with bot_servers(settings, service, health, service.prometheus):  # HEALTH_PORT, WEB_PORT
                with ErrorCounter(service.prometheus):
                    return await _connect(bot, token, stop)
        except ServeError as exc:  # a port is taken or not ours to bind
            return _fail(f"counterpoint: {exc}", 1)
    finally:
        await service.close()


async def _close_on(stop: asyncio.Event, bot: commands.Bot) -> None:
    await stop.wait()
    await bot.close()


async def _connect(bot: commands.Bot, token: str, stop: asyncio.Event | None) -> int:
    """Log in and stay connected until the bot is closed (SIGTERM or `stop`); the exit code."""
    async with bot:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError):  # not available on Windows
            loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
        closer = asyncio.ensure_future(_close_on(stop, bot)) if stop is not None else None
        try:
            await bot.start(token)
        except discord.LoginFailure:
            return _fail(BAD_TOKEN, 1)
        except discord.PrivilegedIntentsRequired:
            return _fail(NO_INTENT, 1)
        except discord.ConnectionClosed as exc:
            if exc.code == 4004:  # the gateway's "authentication failed"
                return _fail(BAD_TOKEN, 1)
            return _fail(f"counterpoint: Discord closed the connection (code {exc.code}): {exc.reason}", 1)
        except (discord.GatewayNotFound, aiohttp.ClientError, OSError) as exc:
            return _fail(f"counterpoint: cannot reach Discord: {exc}", 1)
        finally:
            if closer is not None and not (stop is not None and stop.is_set()):
                closer.cancel()  # never while it is closing the bot: that would cancel the close itself
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(signal.SIGTERM)
    return 0


def run(settings: Settings) -> int:
    """Synchronous entry point for the CLI."""
    try:
        return asyncio.run(run_discord(settings))
    except KeyboardInterrupt:
        return 130
