"""Run one slash command through the service and post its reply; autocomplete from the service."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord.context import command_context
from adapters.discord.limits import cut
from adapters.discord.posting import post_for_interaction
from bot.messages import Command

if TYPE_CHECKING:
    from bot.service.service import CounterpointService

MAX_CHOICES = 25
CHOICE_MAX = 100


def service_of(interaction: discord.Interaction) -> "CounterpointService":
    """The service the bot was built with (every Counterpoint bot carries one)."""
    return interaction.client.service  # type: ignore[attr-defined]


async def run_command(interaction: discord.Interaction, name: str, *args: str | None, **options: Any) -> None:
    """Build a `Command` from slash-command values, ask the service, post its reply."""
    command = Command(
        name=name,
        args=tuple(a for a in args if a),
        context=command_context(interaction),
        options={k: str(v) for k, v in options.items() if v is not None and str(v) != ""},
    )
    service = service_of(interaction)
    reply = await service.handle_command(command)
    await post_for_interaction(interaction.client, service, reply, interaction)


def _choices(values: list[str], current: str) -> list[app_commands.Choice[str]]:
    needle = current.casefold().strip()
    picked = [v for v in values if needle in v.casefold()] if needle else values
    # Discord caps a choice value at 100 characters; a longer value could not be sent back intact.
    return [app_commands.Choice(name=cut(v, CHOICE_MAX), value=v)
            for v in picked if len(v) <= CHOICE_MAX][:MAX_CHOICES]


async def topic_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return _choices(service_of(interaction).topics(), current)


async def argument_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    workspace = str(interaction.guild_id) if interaction.guild_id else None
    ids = service_of(interaction).argument_ids("", workspace_id=workspace)
    needle = current.casefold().strip()
    starts = [i for i in ids if i.casefold().startswith(needle)]
    contains = [i for i in ids if needle in i.casefold() and i not in starts]
    return _choices(starts + contains, "")
