"""Automatic replies: opt-in per channel, cooldown, de-duplication, concurrency, threads, bots, restarts."""
from __future__ import annotations

import asyncio

import pytest

from bot.reply import Placement
from bot.service import CounterpointService
from bot.service.cards import quote_key
from service_helpers import CH, Clock, cmd, make_settings, msg, rows

CLAIM = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."
CLAIM_2 = "Keep the weights closed so malicious actors can't misuse them."
CHATTER = "I had pizza for lunch"
MANY_QUOTES = "When software is open more people scrutinize it and bugs get fixed faster"  # several quotes


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture()
def settings(tmp_path):
    return make_settings(tmp_path, auto_reply_cooldown_seconds=60)


@pytest.fixture()
async def service(settings, corpus, clock):
    svc = await CounterpointService.start(settings, corpus=corpus, clock=clock)
    yield svc
    await svc.close()


async def switch_on(service, cooldown: int | None = None, channel: str = CH) -> None:
    reply = await service.handle_command(cmd("autoreply", f"on {cooldown if cooldown is not None else ''}",
                                             channel=channel))
    assert not reply.is_error, reply.body


async def test_channels_are_silent_until_a_moderator_opts_in(service):
    assert await service.handle_message(msg(CLAIM)) is None
    await switch_on(service)
    reply = await service.handle_message(msg(CLAIM))
    assert reply is not None and reply.cards[0].argument_id == "misuse-bioweapons"
    assert reply.cards[1].is_counter
    await service.handle_command(cmd("autoreply", "off"))
    assert await service.handle_message(msg(CLAIM_2)) is None


async def test_default_on_answers_everywhere_but_not_chatter(tmp_path, corpus, clock):
    service = await CounterpointService.start(make_settings(tmp_path, auto_reply_default="on"), corpus=corpus,
                                              clock=clock)
    try:
        assert await service.handle_message(msg(CHATTER, channel="anywhere")) is None
        assert await service.handle_message(msg(CLAIM, channel="anywhere")) is not None
    finally:
        await service.close()


async def test_new_thread_placement_from_a_channel_message(service):
    await switch_on(service)
    message = msg(CLAIM)
    reply = await service.handle_message(message)
    assert reply.placement is Placement.NEW_THREAD and reply.message_id == message.message_id
    assert reply.thread_name and len(reply.thread_name) <= 100
    assert reply.cards[0].claim.startswith(reply.thread_name.rstrip("…"))


async def test_thread_placement_inside_a_thread(service):
    await switch_on(service)
    reply = await service.handle_message(msg(CLAIM, thread="T9"))
    assert reply.placement is Placement.THREAD and reply.thread_id == "T9"


async def test_cooldown_holds_and_then_expires(service, clock):
    await switch_on(service)
    assert await service.handle_message(msg(CLAIM)) is not None
    clock.advance(30)
    assert await service.handle_message(msg(CLAIM_2)) is None
    clock.advance(31)
    assert await service.handle_message(msg(CLAIM_2)) is not None


async def test_cooldown_per_channel_override(service, clock):
    await switch_on(service, cooldown=5)
    assert await service.handle_message(msg(CLAIM)) is not None
    clock.advance(4)
    assert await service.handle_message(msg(CLAIM_2)) is None
    clock.advance(2)
    assert await service.handle_message(msg(CLAIM_2)) is not None


async def test_never_twice_to_the_same_message(service, clock):
    await switch_on(service, cooldown=0)
    message = msg(CLAIM)
    assert await service.handle_message(message) is not None
    clock.advance(3600)
    assert await service.handle_message(message) is None


async def test_twenty_concurrent_messages_get_one_reply(service, settings):
    await switch_on(service)
    replies = await asyncio.gather(*(service.handle_message(msg(CLAIM)) for _ in range(20)))
    assert sum(r is not None for r in replies) == 1
    assert rows(settings, "SELECT count(*) FROM posted_replies WHERE kind='auto'") == [(1,)]


async def test_twenty_concurrent_copies_of_one_message_get_one_reply(service):
    await switch_on(service, cooldown=0)
    message = msg(CLAIM)
    replies = await asyncio.gather(*(service.handle_message(message) for _ in range(20)))
    assert sum(r is not None for r in replies) == 1


async def test_bot_messages_never_get_a_reply(service):
    await switch_on(service, cooldown=0)
    assert await service.handle_message(msg(CLAIM, bot=True)) is None
    assert await service.handle_message(msg(CLAIM, bot=True, thread="T1")) is None


async def test_never_the_same_quote_twice_in_a_thread(service, clock):
    await switch_on(service, cooldown=0)
    seen: set[str] = set()
    silent = answered = 0
    for _ in range(8):
        reply = await service.handle_message(msg(MANY_QUOTES, thread="T-same"))
        if reply is None:
            silent += 1
            continue
        answered += 1
        await service.reply_posted(reply, platform="test", workspace_id="W1", channel_id=CH, thread_id="T-same",
                                   message_ids=[f"P{len(seen)}"])
        keys = {quote_key(c.quote) for c in reply.cards}
        assert not keys & seen
        seen |= keys
    assert answered >= 2 and silent >= 1  # fresh quotes each time until they run out; then silence


async def test_quotes_used_in_a_new_thread_are_not_repeated_there(service):
    await switch_on(service, cooldown=0)
    first_msg = msg(MANY_QUOTES)
    first = await service.handle_message(first_msg)
    assert first.placement is Placement.NEW_THREAD
    await service.reply_posted(first, platform="test", workspace_id="W1", channel_id=CH,
                               thread_id=first_msg.message_id, message_ids=["P1"])
    second = await service.handle_message(msg(MANY_QUOTES, thread=first_msg.message_id))
    assert second is not None
    assert not {quote_key(c.quote) for c in first.cards} & {quote_key(c.quote) for c in second.cards}


async def test_cooldown_survives_a_restart(settings, corpus, clock):
    service = await CounterpointService.start(settings, corpus=corpus, clock=clock)
    await switch_on(service)
    assert await service.handle_message(msg(CLAIM)) is not None
    await service.close()
    clock.advance(10)
    service = await CounterpointService.start(settings, corpus=corpus, clock=clock)
    try:
        assert await service.handle_message(msg(CLAIM_2)) is None
        clock.advance(60)
        assert await service.handle_message(msg(CLAIM_2)) is not None
    finally:
        await service.close()


async def test_autoreply_status_and_bad_cooldown(service):
    reply = await service.handle_command(cmd("autoreply", "status"))
    assert "off" in reply.body and "default" in reply.body
    reply = await service.handle_command(cmd("autoreply", "on soon"))
    assert reply.is_error and "seconds" in reply.body
    reply = await service.handle_command(cmd("autoreply", "on", options={"cooldown": "45"}))
    assert "45 s" in reply.body
    reply = await service.handle_command(cmd("autoreply", "status"))
    assert "on" in reply.body and "45 s" in reply.body
