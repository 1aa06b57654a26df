"""Automatic replies to chat messages: gate or trigger, cooldown, de-duplication, quotes fresh per thread."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from bot.db.repos import channels as channels_repo
from bot.db.repos import debates as debates_repo
from bot.db.repos import replies as replies_repo
from bot.db.repos.replies import ReplyRef
from bot.match.types import ArgumentMatch, MatchResult
from bot.messages import IncomingMessage
from bot.reply import Placement, Reply
from bot.service.args import clean_text, clip, cut_at_word
from bot.service.autoreply import channel_cooldown, channel_enabled
from bot.service.caches import ChannelState
from bot.service.cards import cards_for, direct_match, finish, quote_key
from bot.service.core import ServiceCore
from bot.service.debates import record_message, strong_matches
from bot.service.thread_context import CONTEXT_CANDIDATES, in_context, joined_text, needs_context
from bot.service.triggers import TriggerSpec, first_fired, triggers_in_force
from bot.textnorm import tokens

log = logging.getLogger(__name__)
CANDIDATES = 5


class _SlotTaken(Exception):
    """The channel's cooldown slot went to another reply: roll the decision back."""


async def handle_message(core: ServiceCore, msg: IncomingMessage) -> Reply | None:
    if msg.author_is_bot:
        return None
    text = clean_text(msg.text, core.settings.match_max_chars)
    words = tokens(text)
    if not words:
        return None
    ws, ch = clip(msg.workspace_id, 64), clip(msg.channel_id, 64)
    thread = clip(msg.thread_id, 64) if msg.thread_id else None
    debate, setting = await core.message_state(ws, thread, ch)
    if debate is not None and debate.status == "closed":
        return None
    in_debate = debate is not None
    gate_on = in_debate or channel_enabled(core, setting)
    # an explicit trigger is the moderator opting in, unless this channel was switched off
    triggers_allowed = in_debate or setting is None or setting.autoreply is not False
    triggers = await triggers_in_force(core, ws, ch) if triggers_allowed else []
    if not gate_on and not triggers:
        return None
    boosts = await core.boosts(ws)
    result = await core.batcher.match(core.matcher, text, limit=CANDIDATES, workspace_id=ws, boosts=boosts)
    if debate is not None:
        await record_message(core, debate.id, msg, result)
    fired = first_fired(core, triggers, text, words)
    if fired is not None:
        candidates = _trigger_candidates(core, fired, text, ws, boosts)
    elif gate_on and result.trigger:
        candidates = strong_matches(result)
    elif gate_on and (read := _read_in_context(core, msg, text, result, ws, boosts)) is not None:
        candidates = strong_matches(read)
    else:
        return None
    if not candidates:
        return None
    return await _decide(core, msg, ws, ch, candidates, setting)


def _read_in_context(core: ServiceCore, msg: IncomingMessage, text: str, own: MatchResult, ws: str,
                     boosts: dict[str, float]) -> MatchResult | None:
    """A short reply matched together with the message it answers (see thread_context.in_context), or None."""
    if not msg.context_text or not needs_context(text):
        return None
    joined = joined_text(msg.context_text, text, core.settings.match_max_chars)
    found = core.matcher.match(joined, limit=CONTEXT_CANDIDATES, workspace_id=ws, boosts=boosts)
    return in_context(own, found, limit=CANDIDATES)


def _trigger_candidates(core: ServiceCore, trigger: TriggerSpec, text: str, ws: str,
                        boosts: dict[str, float]) -> list[ArgumentMatch]:
    """The best matches within the trigger's topic or argument; the tied argument itself if nothing overlaps."""
    only = [trigger.argument_id] if trigger.argument_id else None
    found = core.matcher.match(text, limit=CANDIDATES, workspace_id=ws, topic=trigger.topic, argument_ids=only,
                               boosts=boosts).matches
    if found:
        return list(found)
    argument = core.argument(trigger.argument_id, ws) if trigger.argument_id else None
    return [direct_match(argument, core.countered_by(argument.id, ws))] if argument else []


async def _decide(core: ServiceCore, msg: IncomingMessage, ws: str, ch: str, candidates: list[ArgumentMatch],
                  setting: ChannelState | None) -> Reply | None:
    """Under the channel lock, in one transaction: claim the message (never answered twice) and the cooldown
    slot, with quotes the thread has not seen. The claim is given back if posting fails (`reply_failed`)."""
    message_id = clip(msg.message_id, 64)
    thread = clip(msg.thread_id, 64) if msg.thread_id else None
    async with core.channel_lock(ws, ch):
        now = core.now()
        cooling_until = core.cooling.peek((ws, ch))
        if cooling_until is not None and now < cooling_until:  # this process answered here moments ago
            return None
        cooldown = channel_cooldown(core, setting)
        try:
            async with core.db.write() as session:
                used = await replies_repo.used_quote_keys(session, ws, thread) if thread else set()
                cards = cards_for(candidates, limit=1, used=used)
                if not cards:
                    return None
                row = await replies_repo.record_reply(
                    session, platform=msg.platform, workspace_id=ws, channel_id=ch, thread_id=thread,
                    source_message_id=message_id, argument_ids=[c.argument_id for c in cards],
                    quote_keys=[quote_key(c.quote) for c in cards], kind="auto", now=now)
                if not await channels_repo.claim_reply_slot(session, ws, ch, now=now, cooldown_seconds=cooldown):
                    raise _SlotTaken
                claim = ReplyRef(row.id, ch, thread, now)
        except _SlotTaken:
            return None
        except IntegrityError:  # this message was answered already (a retry, or another process)
            log.info("auto reply to %s skipped: already recorded", message_id)
            return None
        core.cooling.put((ws, ch), now + timedelta(seconds=cooldown))
    core.claims.put((msg.platform, ws, ch, message_id), claim)
    if msg.thread_id:
        reply = Reply(placement=Placement.THREAD, channel_id=msg.channel_id, thread_id=msg.thread_id,
                      message_id=msg.message_id, cards=tuple(cards))
    else:
        reply = Reply(placement=Placement.NEW_THREAD, channel_id=msg.channel_id, message_id=msg.message_id,
                      thread_name=cut_at_word(cards[0].claim, 100), cards=tuple(cards))
    return finish(reply)


def _claim_keys(reply: Reply, platform: str, ws: str, ch: str) -> tuple[str | None, list[str]]:
    """The source message an auto reply answers, and the channel ids its claim may be under."""
    source = clip(reply.message_id, 64) if reply.message_id else None
    return source, list(dict.fromkeys((clip(reply.channel_id, 64) if reply.channel_id else ch, ch)))


def _take_claim(core: ServiceCore, platform: str, ws: str, channels: list[str], source: str) -> ReplyRef | None:
    for channel in channels:
        found = core.claims.pop((platform, ws, channel, source))
        if found is not None:
            return found
    return None


async def reply_posted(core: ServiceCore, reply: Reply, *, platform: str, workspace_id: str, channel_id: str,
                       thread_id: str | None, message_ids: Sequence[str]) -> None:
    """Remember where a reply landed: its message ids (for reactions) and thread (for quotes used there)."""
    ws, ch = clip(workspace_id, 64), clip(channel_id, 64)
    thread = clip(thread_id, 64) if thread_id else None
    ids = [clip(m, 64) for m in message_ids if m]
    argument_for = _argument_per_message(reply, len(ids))
    source, channels = _claim_keys(reply, platform, ws, ch)
    claim = _take_claim(core, platform, ws, channels, source) if source is not None else None
    fresh = claim is not None  # claimed moments ago by this process: nothing attached to it yet
    async with core.write() as session:
        if claim is None and source is not None:
            claim = await replies_repo.find_reply_ref(session, platform=platform, workspace_id=ws,
                                                      channel_ids=channels, source_message_id=source, kind="auto")
        if claim is None:
            row = await replies_repo.record_reply(
                session, platform=platform, workspace_id=ws, channel_id=ch, thread_id=thread,
                source_message_id=None, argument_ids=list(reply.argument_ids),
                quote_keys=[quote_key(c.quote) for c in reply.cards], kind="command", now=core.now())
            await replies_repo.attach_messages(session, row.id, ws, ids, argument_for)
        else:
            await replies_repo.attach_messages(session, claim.id, ws, ids, argument_for, fresh=fresh,
                                               thread_id=thread if thread != claim.thread_id else None)
        if reply.placement is Placement.NEW_THREAD and reply.message_id is None and reply.title and thread:
            await debates_repo.attach_thread(session, workspace_id=ws, channel_id=ch, motion=reply.title,
                                             thread_id=thread)


async def reply_failed(core: ServiceCore, reply: Reply, *, platform: str, workspace_id: str,
                       channel_id: str) -> bool:
    """Nothing of an automatic reply could be posted: give back its claim on the message and the channel's
    cooldown slot, so the platform's retry of the same message is answered. True if a claim was released."""
    ws, ch = clip(workspace_id, 64), clip(channel_id, 64)
    source, channels = _claim_keys(reply, platform, ws, ch)
    if source is None:
        return False
    claim = _take_claim(core, platform, ws, channels, source)
    async with core.write() as session:
        if claim is None:
            claim = await replies_repo.find_reply_ref(session, platform=platform, workspace_id=ws,
                                                      channel_ids=channels, source_message_id=source, kind="auto")
        if claim is None or not await replies_repo.release_reply(session, claim.id):
            return False
        await channels_repo.release_reply_slot(session, ws, claim.channel_id, claimed_at=claim.created_at)
    core.cooling.pop((ws, claim.channel_id))
    core.counters["replies_released"] += 1
    log.warning("reply to message %s in %s could not be posted; released it for a retry", source, claim.channel_id)
    return True


def _argument_per_message(reply: Reply, count: int) -> list[str | None]:
    """The argument each posted message shows: one message per card (maybe after a lead), else the main one."""
    per_card: list[str | None] = [c.argument_id or None for c in reply.cards]
    primary = reply.argument_ids[0] if reply.argument_ids else None
    if count == len(per_card) and count > 1:
        return per_card
    if count == len(per_card) + 1 and per_card:
        return [primary, *per_card]
    return [primary] * count
