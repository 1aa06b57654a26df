"""Point discord.py at a Discord-compatible server (DISCORD_API_BASE / DISCORD_GATEWAY_URL)."""
from __future__ import annotations

from collections.abc import Callable

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.settings import Settings


def point_at_server(settings: Settings) -> Callable[[], None]:
    """Override discord.py's REST base and gateway URL when configured; returns a function that undoes it.

    discord.py keeps both as class attributes, so this is process-wide by nature: the one
    documented override. Unset settings leave discord.com untouched.
    """
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if settings.discord_api_base:
        Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)

    def undo() -> None:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway

    return undo
