"""Slack events: plain user messages go to the service for auto replies; 👍/👎 on the bot's replies are feedback."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deps import SlackDeps
from adapters.slack.escape import unformat
from adapters.slack.poster import Target, deliver
from bot.messages import IncomingMessage, Reaction
from bot.service.caches import ScopeCache
from bot.service.thread_context import needs_context

log = logging.getLogger(__name__)

FEEDBACK_EMOJI = frozenset({"+1", "thumbsup", "-1", "thumbsdown"})
PARENT_TIMEOUT = 2.0  # seconds: a slow lookup costs a reply its context, never the reply
PARENTS_KEPT = 1024  # thread parents remembered: conversations.replies is tightly rate limited
Parents = ScopeCache[tuple[str, str], str]  # (channel, thread_ts) -> the parent's text ("" when it has none)


def retry_num(request: AsyncBoltRequest | None, body: dict[str, Any]) -> int:
    """How often Slack has retried this delivery (HTTP header, or the Socket Mode envelope)."""
    if request is not None:
        values = request.headers.get("x-slack-retry-num") or []
        if values and str(values[0]).isdigit():
            return int(values[0])
    return int(body.get("retry_attempt") or 0)


def skip_reason(event: dict[str, Any], bot_user_id: str | None) -> str | None:
    """Why a message event is not a plain user message (None: it is one)."""
    if event.get("subtype"):
        return f"subtype {event['subtype']}"
    if event.get("bot_id") or event.get("bot_profile"):
        return "bot message"
    if not event.get("user") or not event.get("ts") or not event.get("channel"):
        return "no author"
    if bot_user_id and event.get("user") == bot_user_id:
        return "own message"
    if not (event.get("text") or "").strip():
        return "no text"
    return None


def base_emoji(name: str) -> str:
    """`+1::skin-tone-3` -> `+1`."""
    return name.split("::", 1)[0]


async def parent_text(client: AsyncWebClient, event: dict[str, Any], parents: Parents) -> str | None:
    """For a reply in a thread, the text of the thread's parent message (a person's, not a bot's); else None.
    A failed lookup is no error: the reply is then read on its own."""
    channel, thread_ts = event.get("channel") or "", event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return None
    known = parents.peek((channel, thread_ts))
    if known is not None:
        return known or None
    try:
        answer = await asyncio.wait_for(client.conversations_replies(channel=channel, ts=thread_ts, limit=1),
                                        PARENT_TIMEOUT)
    except Exception as exc:  # timeouts, rate limits, missing scopes, a closed connection
        log.debug("could not read the parent of thread %s in %s: %s", thread_ts, channel, exc.__class__.__name__)
        return None
    found = [m for m in answer.get("messages") or [] if isinstance(m, dict) and m.get("ts") == thread_ts]
    parent = found[0] if found else {}
    by_bot = parent.get("bot_id") or parent.get("bot_profile") or parent.get("subtype") == "bot_message"
    text = "" if by_bot else unformat(parent.get("text") or "").strip()
    parents.put((channel, thread_ts), text)
    return text or None


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the event listeners to `app`."""
    parents: Parents = ScopeCache(PARENTS_KEPT)

    async def on_message(body: dict[str, Any], event: dict[str, Any], context: Any, client: AsyncWebClient,
                         request: AsyncBoltRequest) -> None:
        key = body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"
        async with deps.deliveries.handling(key) as handling:
            handling.outcome = await _handle_message(deps, body, event, context, client, request, parents)

    async def on_reaction(body: dict[str, Any], event: dict[str, Any], context: Any,
                          client: AsyncWebClient) -> None:
        key = body.get("event_id") or f"reaction:{event.get('event_ts')}"
        async with deps.deliveries.handling(key) as handling:
            handling.outcome = await _handle_reaction(deps, body, event, context, key)

    async def ignore(ack: Any) -> None:  # subscribed by some installs; nothing to do
        await ack()

    app.event("message")(on_message)
    app.event("reaction_added")(on_reaction)
    app.event("reaction_removed")(ignore)
    app.event("app_mention")(ignore)


async def _handle_message(deps: SlackDeps, body: dict[str, Any], event: dict[str, Any], context: Any,
                          client: AsyncWebClient, request: AsyncBoltRequest, parents: Parents) -> str:
    reason = skip_reason(event, context.get("bot_user_id"))
    if reason:
        return f"ignored: {reason}"
    # Claimed by message, not event id: a retry repeats both, and one message never gets two answers.
    claim = f"message:{event['channel']}:{event['ts']}"
    if not deps.deliveries.claim(claim):
        return f"duplicate (retry {retry_num(request, body)})"
    workspace_id = body.get("team_id") or event.get("team") or context.get("team_id") or ""
    text = unformat(event.get("text") or "")
    msg = IncomingMessage(
        platform="slack",
        workspace_id=workspace_id,
        channel_id=event["channel"],
        message_id=event["ts"],
        author_id=event["user"],
        author_name=event["user"],
        text=text,
        thread_id=event.get("thread_ts"),
        author_is_bot=False,
        context_text=await parent_text(client, event, parents) if needs_context(text) else None,
    )
    try:
        reply = await deps.service.handle_message(msg)
        if reply is None:
            return "silent"
        target = Target(workspace_id, msg.channel_id, msg.author_id, thread_ts=msg.thread_id or msg.message_id)
        posted = await deliver(reply, target, client, deps.service)
    except Exception:
        deps.deliveries.release(claim)  # let Slack's retry try again
        log.exception("auto reply to %s in %s failed", msg.message_id, msg.channel_id)
        return "error"
    return "replied" if posted else "reply not posted"


async def _handle_reaction(deps: SlackDeps, body: dict[str, Any], event: dict[str, Any], context: Any,
                           key: str) -> str:
    item = event.get("item") or {}
    emoji = base_emoji(event.get("reaction", ""))
    bot_user_id = context.get("bot_user_id")
    if emoji not in FEEDBACK_EMOJI:
        return "ignored: not feedback"
    if item.get("type") != "message" or (bot_user_id and event.get("item_user") != bot_user_id):
        return "ignored: not on a bot reply"
    if not event.get("user") or event.get("user") == bot_user_id:
        return "ignored: own reaction"
    if not deps.deliveries.claim(key):
        return "duplicate"
    reaction = Reaction(
        platform="slack",
        workspace_id=body.get("team_id") or context.get("team_id") or "",
        channel_id=item.get("channel", ""),
        message_id=item.get("ts", ""),
        user_id=event["user"],
        emoji=emoji,
    )
    try:
        stored = await deps.service.handle_reaction(reaction)
    except Exception:
        deps.deliveries.release(key)
        log.exception("storing a reaction failed")
        return "error"
    return "feedback stored" if stored else "feedback not stored"
