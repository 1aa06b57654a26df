"""Slash commands: `/counterpoint <subcommand> ...`, plus the `/argue` and `/counter` shortcuts."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deps import SlackDeps
from adapters.slack.escape import unformat
from adapters.slack.poster import Respond, Target, deliver
from bot.messages import Command, CommandContext
from bot.reply import Placement, Reply
from bot.service.args import cut_at_word

log = logging.getLogger(__name__)

MAIN_COMMAND = "/counterpoint"
# Shortcuts with names no other app is likely to use; /argue and /counter still work where an older
# install of the manifest created them.
SHORTCUTS = {"/cp-argue": "argue", "/cp-counter": "counter", "/argue": "argue", "/counter": "counter"}
COMMAND_NAMES = (MAIN_COMMAND, *SHORTCUTS)
LEAD_CLAIM_MAX = 120


def parse(command_name: str, text: str) -> tuple[str, tuple[str, ...]]:
    """(subcommand, args) for a slash command and its text; an empty `/counterpoint` means help.

    The words are split at whitespace only: the service splits quotes and `key=value` once, so an apostrophe
    (`claim=Meta's plan isn't open`) or a quoted value (`topic="safety risk"`) reaches it as typed.
    """
    words = tuple(unformat(text).split())
    if command_name in SHORTCUTS:
        return SHORTCUTS[command_name], words
    if not words:
        return "help", ()
    return words[0].lower(), words[1:]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the slash-command listeners to `app`."""

    async def on_command(ack: Any, command: dict[str, Any], client: AsyncWebClient, respond: Respond) -> None:
        await ack()  # Slack wants the 200 within 3 seconds; the answer follows through the API
        async with deps.deliveries.handling(command.get("trigger_id") or "command") as handling:
            handling.outcome = await _answer(deps, command, client, respond)

    for name in COMMAND_NAMES:
        app.command(name)(on_command)


async def _answer(deps: SlackDeps, command: dict[str, Any], client: AsyncWebClient, respond: Respond) -> str:
    try:
        return await handle(deps, command, client, respond)
    except SlackApiError as exc:
        log.warning("slash command answer failed: %s", exc.response.get("error"))
        return "answer failed"
    except Exception:
        log.exception("slash command %s failed", command.get("command"))
        try:
            await respond(text="Counterpoint hit an internal error answering that command.",
                          response_type="ephemeral", replace_original=False)
        except Exception:
            log.warning("could not tell the caller about the error")
        return "error"


async def handle(deps: SlackDeps, command: dict[str, Any], client: AsyncWebClient, respond: Respond) -> str:
    """Run one slash command through the service and post its answer; says where the answer went."""
    service = deps.service
    name, args = parse(command.get("command", ""), command.get("text", ""))
    user_id = command.get("user_id", "")
    needs_rights = name in service.MODERATOR_COMMANDS or name == "help"
    context = CommandContext(
        platform="slack",
        workspace_id=command.get("team_id", ""),
        channel_id=command.get("channel_id", ""),
        user_id=user_id,
        user_name=command.get("user_name") or user_id,
        is_moderator=needs_rights and await deps.users.is_moderator(client, user_id),
    )
    reply = await service.handle_command(Command(name, args, context))  # unknown names get the service's error
    reply = in_a_thread(reply, name, args, context.user_name)
    target = Target(context.workspace_id, context.channel_id, user_id, None, respond)
    posted = await deliver(reply, target, client, service)
    return "posted" if posted else reply.placement.value



def in_a_thread(reply: Reply, name: str, args: tuple[str, ...], user_name: str) -> Reply:
    """A public answer with quote cards goes in a thread under one short line in the channel, not as one long post."""
    if reply.placement is not Placement.CHANNEL or not reply.cards:
        return reply
    asked = cut_at_word(" ".join(args), LEAD_CLAIM_MAX)
    title = f"{reply.title or 'Counterpoint'}: “{asked}”" if asked else reply.title or "Counterpoint"
    body = f"{user_name} asked with `{MAIN_COMMAND} {name}` 🧵"  # no "see the thread": a fallback posts them inline
    return replace(reply, placement=Placement.NEW_THREAD, message_id=None, thread_id=None, title=title,
                   body=(reply.body + "\n" + body) if reply.body.strip() else body)
