"""The command tree: slash-command failures become ephemeral messages that say what to do."""
from __future__ import annotations

import logging

import discord
from discord import app_commands

from adapters.discord.limits import CONTENT_MAX, cut
from adapters.discord.posting import NO_MENTIONS

log = logging.getLogger(__name__)

OUTDATED = ("This command has changed since Discord last loaded it. Restart Discord (Ctrl+R) and try again; "
            "if it persists, ask the bot's admin to restart Counterpoint so it re-syncs its commands.")
FAILED = ("Something went wrong while answering /{name}; nothing was changed. Try again in a moment, "
          "and tell the bot's admin if it keeps happening.")
NO_PERMISSION = ("I am missing a permission in this channel ({detail}). Ask an admin to give me View Channel, "
                 "Send Messages, Send Messages in Threads, Create Public Threads and Embed Links here.")


def error_text(interaction: discord.Interaction, error: app_commands.AppCommandError) -> str:
    """A user-facing explanation of a failed slash command."""
    name = interaction.command.qualified_name if interaction.command else "that command"
    if isinstance(error, app_commands.CheckFailure) and str(error):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return f"/{name} only works in a server channel."
    if isinstance(error, app_commands.TransformerError):
        return f"I could not read the value {error.value!r} for /{name}. Pick one of the suggestions or check it."
    if isinstance(error, (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)):
        return OUTDATED
    original = getattr(error, "original", None)
    if isinstance(original, discord.Forbidden):
        return NO_PERMISSION.format(detail=original.text or "forbidden")
    return FAILED.format(name=name)


class CounterpointTree(app_commands.CommandTree):
    """Logs real failures (never secrets) and tells the user, privately, what to do next."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        if not isinstance(error, (app_commands.CheckFailure, app_commands.TransformerError)):
            log.error("slash command %s failed", interaction.command.qualified_name if interaction.command else "?",
                      exc_info=error)
        text = cut(error_text(interaction, error), CONTENT_MAX)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not tell the user about a failed command (interaction expired?)")
