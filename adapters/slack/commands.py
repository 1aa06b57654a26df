"""Slash commands: `/counterpoint <subcommand> ...`, plus the `/argue` and `/counter` shortcuts."""
from __future__ import annotations

import logging
import shlex
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deps import SlackDeps
from adapters.slack.escape import unformat
from adapters.slack.poster import Respond, Target, deliver
from bot.messages import Command, CommandContext

log = logging.getLogger(__name__)

SHORTCUTS = {"/argue": "argue", "/counter": "counter"}


def split_words(text: str) -> tuple[str, ...]:
    """Shell-style words (quotes group words, `key="a b"` stays one word); whitespace split if quotes don't pair."""
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def parse(command_name: str, text: str) -> tuple[str, tuple[str, ...]]:
    """(subcommand, args) for a slash command and its text; an empty `/counterpoint` means help."""
    words = split_words(unformat(text).strip())
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

    for name in ("/counterpoint", *SHORTCUTS):
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
    target = Target(context.workspace_id, context.channel_id, user_id, None, respond)
    posted = await deliver(reply, target, client, service)
    return "posted" if posted else reply.placement.value

