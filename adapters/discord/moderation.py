"""Moderator slash-command groups: /debate, /trigger, /autoreply, /argument (Manage Threads)."""
from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from adapters.discord.context import interaction_is_moderator
from adapters.discord.dispatch import argument_autocomplete, run_command, topic_autocomplete

MODERATOR_PERMISSIONS = discord.Permissions(manage_threads=True)


class NotModerator(app_commands.CheckFailure):
    """The invoker lacks Manage Threads; the message says what to do."""


class ModeratorGroup(app_commands.Group):
    """Hidden by default from members without Manage Threads, and checked again at run time
    (server admins can override the default visibility in Server Settings > Integrations)."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction_is_moderator(interaction):
            return True
        raise NotModerator(
            f"/{self.name} is for moderators: it needs the Manage Threads permission in this channel. "
            "Ask a moderator to run it, or to give your role Manage Threads."
        )


class DebateGroup(ModeratorGroup, name="debate", description="Run a debate in its own thread",
                  guild_only=True, default_permissions=MODERATOR_PERMISSIONS):
    @app_commands.command(name="start", description="Start a thread on a motion with the strongest quotes on each side")
    @app_commands.describe(motion="The motion, e.g. 'Frontier model weights should be published'")
    async def start(self, interaction: discord.Interaction, motion: app_commands.Range[str, 1, 300]) -> None:
        await run_command(interaction, "debate", "start", motion)

    @app_commands.command(name="summary", description="Summarise the debate in this thread")
    async def summary(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "debate", "summary")

    @app_commands.command(name="close", description="Close the debate in this thread")
    async def close(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "debate", "close")


class TriggerGroup(ModeratorGroup, name="trigger", description="Words or phrases that make Counterpoint answer",
                   guild_only=True, default_permissions=MODERATOR_PERMISSIONS):
    @app_commands.command(name="add", description="Answer messages containing a word or phrase")
    @app_commands.describe(pattern="The word or phrase", kind="How to match it (default: phrase)",
                           scope="This channel or the whole server (default: channel)",
                           topic="Only answer with arguments on this topic",
                           argument="Always answer with this argument")
    @app_commands.autocomplete(topic=topic_autocomplete, argument=argument_autocomplete)
    async def add(self, interaction: discord.Interaction, pattern: app_commands.Range[str, 1, 200],
                  kind: Literal["word", "phrase", "fuzzy"] | None = None,
                  scope: Literal["channel", "workspace"] | None = None,
                  topic: str | None = None, argument: str | None = None) -> None:
        await run_command(interaction, "trigger", "add", pattern, kind=kind, scope=scope, topic=topic,
                          argument=argument)

    @app_commands.command(name="remove", description="Remove a trigger")
    @app_commands.describe(target="The trigger's id (see /trigger list) or its exact pattern")
    async def remove(self, interaction: discord.Interaction, target: app_commands.Range[str, 1, 200]) -> None:
        await run_command(interaction, "trigger", "remove", target)

    @app_commands.command(name="list", description="List the triggers for this channel and server")
    async def list_(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "trigger", "list")


class AutoReplyGroup(ModeratorGroup, name="autoreply", description="Automatic answers in this channel",
                     guild_only=True, default_permissions=MODERATOR_PERMISSIONS):
    @app_commands.command(name="on", description="Answer on-topic claims in this channel automatically")
    @app_commands.describe(cooldown="Seconds between automatic answers in this channel")
    async def on(self, interaction: discord.Interaction,
                 cooldown: app_commands.Range[int, 0, 86400] | None = None) -> None:
        await run_command(interaction, "autoreply", "on", cooldown=cooldown)

    @app_commands.command(name="off", description="Stop automatic answers in this channel")
    async def off(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "autoreply", "off")

    @app_commands.command(name="status", description="Show whether automatic answers are on here")
    async def status(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "autoreply", "status")


class ArgumentGroup(ModeratorGroup, name="argument", description="Add, link or remove this server's arguments",
                    guild_only=True, default_permissions=MODERATOR_PERMISSIONS):
    @app_commands.command(name="add", description="Add an argument backed by a verbatim quote")
    @app_commands.describe(claim="The claim, in one sentence", stance="Which side it argues for",
                           topic="Its topic", quote="The exact words from the source",
                           source="Source id the quote is in (see /sources)",
                           url="Or: a link to where the quote was said", id="An id for it (optional)")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def add(self, interaction: discord.Interaction, claim: app_commands.Range[str, 1, 300],
                  stance: Literal["open", "closed", "mixed"], topic: app_commands.Range[str, 1, 100],
                  quote: app_commands.Range[str, 1, 1500], source: str | None = None,
                  url: str | None = None, id: app_commands.Range[str, 1, 80] | None = None) -> None:
        await run_command(interaction, "argument", "add", claim=claim, stance=stance, topic=topic, quote=quote,
                          source=source, url=url, id=id)

    @app_commands.command(name="link", description="Mark one argument as the answer to another")
    @app_commands.describe(argument="The argument being answered", counter="The argument that answers it")
    @app_commands.autocomplete(argument=argument_autocomplete, counter=argument_autocomplete)
    async def link(self, interaction: discord.Interaction, argument: str, counter: str) -> None:
        await run_command(interaction, "argument", "link", argument, counter)

    @app_commands.command(name="remove", description="Remove an argument this server added")
    @app_commands.describe(argument="The argument's id")
    @app_commands.autocomplete(argument=argument_autocomplete)
    async def remove(self, interaction: discord.Interaction, argument: str) -> None:
        await run_command(interaction, "argument", "remove", argument)


MODERATOR_GROUPS: tuple[type[ModeratorGroup], ...] = (DebateGroup, TriggerGroup, AutoReplyGroup, ArgumentGroup)
