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

from adapters.discord.client import build_bot, parse_shard_count
from adapters.discord.endpoints import point_at_server
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


async def run_discord(settings: Settings, **bot_options: Any) -> int:
    """Run the Discord bot; returns the process exit code (0 stopped cleanly, 1 failed, 2 not configured)."""
    token = _token(settings)
    if not token:
        return _fail(NO_TOKEN, 2)
    try:
        parse_shard_count(settings.discord_shard_count)
    except ValueError as exc:
        return _fail(f"counterpoint: {exc}", 2)
    point_at_server(settings)

    from bot.service.service import CounterpointService  # imported late: it loads the corpus machinery

    try:
        service = await CounterpointService.start(settings)
    except CounterpointError as exc:
        return _fail(f"counterpoint: cannot start: {exc}", 1)
    try:
        bot = build_bot(settings, service, **bot_options)
        async with bot:
            loop = asyncio.get_running_loop()
            with contextlib.suppress(NotImplementedError):  # not available on Windows
                loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
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
                with contextlib.suppress(NotImplementedError):
                    loop.remove_signal_handler(signal.SIGTERM)
    finally:
        await service.close()
    return 0


def run(settings: Settings) -> int:
    """Synchronous entry point for the CLI."""
    try:
        return asyncio.run(run_discord(settings))
    except KeyboardInterrupt:
        return 130
