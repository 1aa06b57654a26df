"""Fixtures and helpers for the Discord end-to-end tests: stand-in, service on a tmp SQLite file, running bot."""
from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import Database
from bot.service import CounterpointService
from bot.settings import Settings
from discord_standin.harness import running_bot, standin_settings
from discord_standin.server import DiscordStandIn

ON_TOPIC = "Open sourcing these models will let terrorists build bioweapons, it's too dangerous."
OFF_TOPIC = "the zoo got two new llamas"
NO_PINGS = {"parse": []}


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandIn]:
    server = DiscordStandIn()
    await server.start()
    yield server
    await server.close()


@contextlib.asynccontextmanager
async def bot_env(standin: DiscordStandIn, tmp_path, corpus, **settings_overrides: Any
                  ) -> AsyncIterator[tuple[Any, ...]]:
    """(stand-in, bot, events, service, settings): the bot ready in the stand-in's guild, commands synced there."""
    settings = standin_settings(standin, data_dir=tmp_path, discord_guild_ids=str(standin.world.guild_id),
                                **settings_overrides)
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        async with running_bot(settings, service) as (bot, events):
            yield standin, bot, events, service, settings
    finally:
        await service.close()


@pytest.fixture
async def env(standin: DiscordStandIn, tmp_path, corpus) -> AsyncIterator[tuple[Any, ...]]:
    async with bot_env(standin, tmp_path, corpus) as parts:
        yield parts


async def debate_summary(standin: DiscordStandIn, motion: str) -> dict[str, Any]:
    """Start a debate in #general, then ask for its summary inside the debate's thread: the answer's data."""
    w = standin.world
    start = await standin.slash(w.moderator, w.general, "debate start", motion=motion)
    await standin.wait_for("PATCH", original(start))
    [created] = standin.matching("POST", rf"^/channels/{w.general.id}/threads$")
    thread = w.channels[int(created.response["id"])]
    summary = await standin.slash(w.moderator, thread, "debate summary")
    [rec] = await standin.wait_for("POST", callback(summary))
    return rec.json["data"]


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A read session on the service's own SQLite file."""
    db = Database(settings.effective_database_url)
    try:
        async with db.read() as session:
            yield session
    finally:
        await db.dispose()


def callback(interaction: dict) -> str:
    """The path pattern of an interaction's response callback."""
    return rf"^/interactions/{interaction['id']}/{re.escape(interaction['token'])}/callback$"


def original(interaction: dict) -> str:
    """The path pattern of an interaction's original response (edited after a deferral)."""
    return rf"/{re.escape(interaction['token'])}/messages/@original$"


async def opt_in(standin: DiscordStandIn, channel: Any = None) -> None:
    """A moderator runs /autoreply on in `channel` (default #general)."""
    w = standin.world
    interaction = await standin.slash(w.moderator, channel or w.general, "autoreply on")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.status == 200 and rec.json["data"]["flags"] & 64  # an ephemeral acknowledgement


def posts(standin: DiscordStandIn) -> list:
    """Every message or thread the bot created."""
    return standin.matching("POST", r"^/channels/\d+/(messages|threads)$|/threads$")
