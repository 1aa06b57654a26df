"""Post a rendered Reply where its placement says, and tell the service which messages carry it."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import SlackMessage, render_cards, render_lead, render_reply
from bot.reply import Placement, Reply

if TYPE_CHECKING:
    from bot.service.service import CounterpointService

log = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[Any]]
# Errors that mean "the bot cannot post here"; a slash command can still answer through its response_url.
_NOT_HERE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
POST_ATTEMPTS = 3
MAX_RETRY_AFTER = 30.0  # seconds; a longer Retry-After is waited out in this many seconds, then tried
_TRANSIENT = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


class PostFailed(Exception):
    """Nothing of an automatic reply could be posted (its claim was released, so a retry can answer)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a reply is going: the conversation, the user it answers and, for messages, their thread."""

    workspace_id: str
    channel_id: str
    user_id: str
    thread_ts: str | None = None  # replies to a chat message go into its thread
    respond: Respond | None = None  # a slash command's response_url


def _slack_error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error") or "unknown_error") if isinstance(data, dict) else "unknown_error"


def retry_delay(exc: Exception, attempt: int) -> float | None:
    """Seconds to wait before trying a failed post again, or None when trying again cannot help."""
    if isinstance(exc, (aiohttp.ClientConnectionError, asyncio.TimeoutError)):
        return 0.5 * 2 ** (attempt - 1)
    if not isinstance(exc, SlackApiError):
        return None
    status = getattr(exc.response, "status_code", 200)
    error = _slack_error(exc)
    if status == 429 or error == "ratelimited":
        headers = {k.lower(): v for k, v in (getattr(exc.response, "headers", None) or {}).items()}
        value = headers.get("retry-after")
        value = value[0] if isinstance(value, list) and value else value
        try:
            return min(max(float(value), 0.0), MAX_RETRY_AFTER)
        except (TypeError, ValueError):
            return 1.0
    if status >= 500 or error in _TRANSIENT:
        return 0.5 * 2 ** (attempt - 1)
    return None


async def _post(client: AsyncWebClient, channel: str, message: SlackMessage, thread_ts: str | None) -> str:
    """chat.postMessage, tried up to POST_ATTEMPTS times on rate limits (honouring Retry-After), server
    errors and lost connections."""
    for attempt in range(1, POST_ATTEMPTS + 1):
        try:
            resp = await client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks,
                                                 thread_ts=thread_ts, unfurl_links=False, unfurl_media=False,
                                                 link_names=False)
            return str(resp["ts"])
        except (SlackApiError, aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
            delay = retry_delay(exc, attempt)
            if delay is None or attempt == POST_ATTEMPTS:
                raise
            log.warning("posting to %s failed (%s); trying again in %.1f s (attempt %d of %d)", channel,
                        _describe(exc), delay, attempt + 1, POST_ATTEMPTS)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def _describe(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"HTTP {getattr(exc.response, 'status_code', '?')} {_slack_error(exc)}"
    return type(exc).__name__


async def post_ephemeral(client: AsyncWebClient, target: Target, messages: list[SlackMessage]) -> None:
    """Messages only the caller sees: through the response_url when there is one, else chat.postEphemeral."""
    for message in messages:
        if target.respond is not None:
            await target.respond(text=message.text, blocks=message.blocks, response_type="ephemeral",
                                 replace_original=False)
        else:
            await client.chat_postEphemeral(channel=target.channel_id, user=target.user_id, text=message.text,
                                            blocks=message.blocks, thread_ts=target.thread_ts)


async def deliver(reply: Reply, target: Target, client: AsyncWebClient,
                  service: CounterpointService) -> list[str]:
    """Post `reply` and report it to the service; returns the ts of every public message posted."""
    if reply.placement is Placement.EPHEMERAL:
        await post_ephemeral(client, target, render_reply(reply))
        return []
    channel = reply.channel_id or target.channel_id
    # A new thread with no message to start from (debate start): the lead goes in the channel, the cards under it.
    under_lead = reply.placement is Placement.NEW_THREAD and reply.message_id is None and target.thread_ts is None
    if under_lead:
        thread_ts = None
        plan = [render_lead(reply), *render_cards(reply)]
    else:
        thread_ts = target.thread_ts or reply.thread_id
        if reply.placement is Placement.NEW_THREAD:
            thread_ts = thread_ts or reply.message_id
        plan = render_reply(reply)
    ids: list[str] = []
    try:
        for message in plan:
            where = (ids[0] if ids else None) if under_lead else thread_ts
            ids.append(await _post(client, channel, message, where))
    except (SlackApiError, aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
        error = _slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("posting to %s failed after %d of %d messages: %s", channel, len(ids), len(plan), error)
        if not ids:
            released = await service.reply_failed(reply, platform="slack", workspace_id=target.workspace_id,
                                                  channel_id=channel)
            if target.respond is None and released:  # a chat message: Slack's retry of the event may answer it
                raise PostFailed(f"chat.postMessage to {channel} failed: {error}") from None
            await _answer_elsewhere(reply, target, error)
            return []
    if under_lead:
        thread_ts = ids[0]
    await service.reply_posted(reply, platform="slack", workspace_id=target.workspace_id, channel_id=channel,
                               thread_id=thread_ts, message_ids=ids)
    return ids


async def _answer_elsewhere(reply: Reply, target: Target, error: str) -> None:
    """The bot may not post in the channel: answer a slash command through its response_url instead."""
    if target.respond is None:
        return
    if error in _NOT_HERE:
        for m in render_reply(reply):
            await target.respond(text=m.text, blocks=m.blocks, response_type="in_channel", replace_original=False)
    else:
        await target.respond(text=f"Counterpoint could not post here (Slack said: {error}).",
                             response_type="ephemeral", replace_original=False)
