"""The slash commands everyone may use, and registering every command on the bot's tree.

Every command is server-only: answers, triggers and feedback all belong to a server (workspace).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands

from adapters.discord.dispatch import run_command
from adapters.discord.moderation import MODERATOR_GROUPS

log = logging.getLogger(__name__)

ClaimText = app_commands.Range[str, 1, 2000]


@app_commands.guild_only()
@app_commands.command(name="argue",
                      description="Quote the sources on a claim, with the strongest reply from the other side")
@app_commands.describe(text="The claim, e.g. 'open weights let anyone audit the model'")
async def argue(interaction: discord.Interaction, text: ClaimText) -> None:
    await run_command(interaction, "argue", text)


@app_commands.guild_only()
@app_commands.command(name="counter", description="Quote the strongest answers to a claim")
@app_commands.describe(text="The claim to answer")
async def counter(interaction: discord.Interaction, text: ClaimText) -> None:
    await run_command(interaction, "counter", text)


@app_commands.guild_only()
@app_commands.command(name="quote", description="Find a verbatim passage in the sources")
@app_commands.describe(words="Words from the passage you remember")
async def quote(interaction: discord.Interaction, words: app_commands.Range[str, 1, 500]) -> None:
    await run_command(interaction, "quote", words)


@app_commands.guild_only()
@app_commands.command(name="sources", description="List the sources Counterpoint quotes from")
async def sources(interaction: discord.Interaction) -> None:
    await run_command(interaction, "sources")


@app_commands.guild_only()
@app_commands.command(name="topics", description="List the debate topics Counterpoint knows")
async def topics(interaction: discord.Interaction) -> None:
    await run_command(interaction, "topics")


@app_commands.guild_only()
@app_commands.command(name="help", description="How to use Counterpoint")
async def help_(interaction: discord.Interaction) -> None:
    await run_command(interaction, "help")


PUBLIC_COMMANDS = (argue, counter, quote, sources, topics, help_)


def register_commands(tree: app_commands.CommandTree) -> None:
    """Add every Counterpoint command (global; copied to guilds at sync time when configured)."""
    for command in PUBLIC_COMMANDS:
        tree.add_command(command)
    for group_cls in MODERATOR_GROUPS:
        tree.add_command(group_cls())


async def sync_commands(tree: app_commands.CommandTree, guild_ids: Sequence[int]) -> None:
    """Sync to the listed guilds (instant) when given, else globally (may take a while to show)."""
    if not guild_ids:
        synced = await tree.sync()
        log.info("synced %d global commands", len(synced))
        return
    for guild_id in guild_ids:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        try:
            synced = await tree.sync(guild=guild)
        except discord.Forbidden:
            log.warning("cannot sync commands to guild %s: invite the bot with the applications.commands scope",
                        guild_id)
            continue
        log.info("synced %d commands to guild %s", len(synced), guild_id)
