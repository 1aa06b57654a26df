"""Automatic replies to chat messages: gate or trigger, cooldown, de-duplication, quotes fresh per thread."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError

from bot.db.repos import channels as channels_repo
from bot.db.repos import debates as debates_repo
from bot.db.repos import replies as replies_repo
from bot.match.types import ArgumentMatch
from bot.messages import IncomingMessage
from bot.reply import Placement, Reply
from bot.service.args import clean_text, clip, cut_at_word
from bot.service.autoreply import channel_cooldown, channel_enabled
from bot.service.cards import cards_for, direct_match, finish, quote_key
from bot.service.core import ServiceCore
from bot.service.debates import record_message, strong_matches
from bot.service.triggers import TriggerSpec, first_fired, triggers_in_force
from bot.textnorm import tokens

log = logging.getLogger(__name__)
CANDIDATES = 5


async def handle_message(core: ServiceCore, msg: IncomingMessage) -> Reply | None:
    if msg.author_is_bot:
        return None
    text = clean_text(msg.text, core.settings.match_max_chars)
    words = tokens(text)
    if not words:
        return None
    ws, ch = clip(msg.workspace_id, 64), clip(msg.channel_id, 64)
    async with core.db.read() as session:
        debate = await debates_repo.debate_for_thread(session, ws, msg.thread_id, ch)
        setting = await channels_repo.get_channel(session, ws, ch)
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
    result = core.matcher.match(text, limit=CANDIDATES, workspace_id=ws, boosts=boosts)
    if debate is not None:
        await record_message(core, debate.id, msg, result)
    fired = first_fired(core, triggers, text, words)
    if fired is not None:
        candidates = _trigger_candidates(core, fired, text, ws, boosts)
    elif gate_on and result.trigger:
        candidates = strong_matches(result)
    else:
        return None
    if not candidates:
        return None
    return await _decide(core, msg, ws, ch, candidates)


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


async def _decide(core: ServiceCore, msg: IncomingMessage, ws: str, ch: str,
                  candidates: list[ArgumentMatch]) -> Reply | None:
    """Under the channel lock: skip answered messages, respect the cooldown, never reuse a thread's quotes."""
    message_id = clip(msg.message_id, 64)
    async with core.channel_lock(ws, ch):
        try:
            async with core.db.write() as session:
                if await replies_repo.find_reply(session, platform=msg.platform, workspace_id=ws, channel_id=ch,
                                                 source_message_id=message_id, kind="auto") is not None:
                    return None
                thread = clip(msg.thread_id, 64) if msg.thread_id else None
                used = await replies_repo.used_quote_keys(session, ws, thread) if thread else set()
                cards = cards_for(candidates, limit=1, used=used)
                if not cards:
                    return None
                setting = await channels_repo.get_channel(session, ws, ch)
                now = core.now()
                if not await channels_repo.claim_reply_slot(session, ws, ch, now=now,
                                                            cooldown_seconds=channel_cooldown(core, setting)):
                    return None
                await replies_repo.record_reply(
                    session, platform=msg.platform, workspace_id=ws, channel_id=ch, thread_id=thread,
                    source_message_id=message_id, argument_ids=[c.argument_id for c in cards],
                    quote_keys=[quote_key(c.quote) for c in cards], kind="auto", now=now)
        except IntegrityError:  # another process answered this message first
            log.info("auto reply to %s skipped: already recorded", message_id)
            return None
    if msg.thread_id:
        reply = Reply(placement=Placement.THREAD, channel_id=msg.channel_id, thread_id=msg.thread_id,
                      message_id=msg.message_id, cards=tuple(cards))
    else:
        reply = Reply(placement=Placement.NEW_THREAD, channel_id=msg.channel_id, message_id=msg.message_id,
                      thread_name=cut_at_word(cards[0].claim, 100), cards=tuple(cards))
    return finish(reply)


async def reply_posted(core: ServiceCore, reply: Reply, *, platform: str, workspace_id: str, channel_id: str,
                       thread_id: str | None, message_ids: Sequence[str]) -> None:
    """Remember where a reply landed: its message ids (for reactions) and thread (for quotes used there)."""
    ws, ch = clip(workspace_id, 64), clip(channel_id, 64)
    thread = clip(thread_id, 64) if thread_id else None
    ids = [clip(m, 64) for m in message_ids if m]
    argument_for = _argument_per_message(reply, len(ids))
    source = clip(reply.message_id, 64) if reply.message_id else None
    async with core.db.write() as session:
        row = None
        for channel in dict.fromkeys((clip(reply.channel_id, 64) if reply.channel_id else ch, ch)):
            if source is not None and row is None:
                row = await replies_repo.find_reply(session, platform=platform, workspace_id=ws, channel_id=channel,
                                                    source_message_id=source, kind="auto")
        if row is None:
            row = await replies_repo.record_reply(
                session, platform=platform, workspace_id=ws, channel_id=ch, thread_id=thread,
                source_message_id=None, argument_ids=list(reply.argument_ids),
                quote_keys=[quote_key(c.quote) for c in reply.cards], kind="command", now=core.now())
        elif thread and not row.thread_id:
            row.thread_id = thread
        await replies_repo.add_messages(session, row, ids, argument_for)
        if reply.placement is Placement.NEW_THREAD and reply.message_id is None and reply.title and thread:
            await debates_repo.attach_thread(session, workspace_id=ws, channel_id=ch, motion=reply.title,
                                             thread_id=thread)


def _argument_per_message(reply: Reply, count: int) -> list[str | None]:
    """The argument each posted message shows: one message per card (maybe after a lead), else the main one."""
    per_card: list[str | None] = [c.argument_id or None for c in reply.cards]
    primary = reply.argument_ids[0] if reply.argument_ids else None
    if count == len(per_card) and count > 1:
        return per_card
    if count == len(per_card) + 1 and per_card:
        return [primary, *per_card]
    return [primary] * count
