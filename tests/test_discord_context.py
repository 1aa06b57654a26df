"""Discord end to end: a short reply is read with what it answers (the replied-to message, a thread's starter)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.service import CounterpointService
from discord_standin.fixtures import opt_in, standin  # noqa: F401  (fixture)
from discord_standin.harness import running_bot, standin_settings

PARENT = "Zuck says open source AI is safer"  # a debate claim
REPLY = "lol no, that's just PR"  # alone it makes no confident point


@pytest.fixture
async def env(standin, tmp_path, warm_data_dir, corpus) -> AsyncIterator[tuple[Any, ...]]:  # noqa: F811
    """(stand-in, events): the bot ready in the guild, on the session's warm index and a database of its own."""
    settings = standin_settings(standin, data_dir=warm_data_dir, discord_guild_ids=str(standin.world.guild_id),
                                database_url=f"sqlite+aiosqlite:///{tmp_path / 'counterpoint.sqlite3'}")
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        async with running_bot(settings, service) as (bot, events):
            yield standin, events
    finally:
        await service.close()


def starter_thread(standin, author, text: str):
    """A thread started from a message the bot never saw (its starter is not in discord.py's cache)."""
    w = standin.world
    starter = w.message_payload(author, w.general.id, text)
    thread = w.add_channel("zuck on safety", parent_id=w.general.id, owner_id=author.id, channel_id=int(starter["id"]))
    w.threads_by_message[thread.id] = thread.id
    return starter, thread


async def test_a_short_reply_in_a_thread_is_answered_through_the_threads_starter(env):
    standin, events = env
    w = standin.world
    await opt_in(standin)
    alone = await standin.user_message(w.alice, w.general, REPLY)
    assert await events.handled(alone["id"]) == [None]  # its own words do not trigger
    starter, thread = starter_thread(standin, w.bob, PARENT)
    message = await standin.user_message(w.alice, thread, REPLY)
    [reply] = await events.handled(message["id"])
    [fetch] = standin.matching("GET", rf"^/channels/{w.general.id}/messages/{starter['id']}$")
    assert fetch.status == 200  # the starter was fetched from the parent channel
    assert reply is not None and reply.thread_id == str(thread.id) and reply.cards
    [post] = standin.matching("POST", rf"^/channels/{thread.id}/messages$")
    assert post.json["embeds"]
    # the starter is remembered: the next short reply in the thread asks Discord nothing
    again = await standin.user_message(w.bob, thread, "nope")
    await events.handled(again["id"])
    assert len(standin.matching("GET", r"/messages/\d+$")) == 1


async def test_a_reply_to_a_claim_is_read_with_the_message_it_replies_to(env):
    standin, events = env
    w = standin.world
    parent = await standin.user_message(w.bob, w.general, PARENT)
    assert await events.handled(parent["id"]) == [None]  # #general is not opted in yet
    await opt_in(standin)
    message = await standin.user_message(w.alice, w.general, REPLY, reply_to=parent)
    [reply] = await events.handled(message["id"])
    assert reply is not None and reply.message_id == message["id"]  # a new thread on the reply
    assert standin.matching("POST", rf"^/channels/{w.general.id}/messages/{message['id']}/threads$")
    assert standin.matching("GET", r"/messages/\d+$") == []  # Discord sent the replied-to message along


async def test_a_starter_that_cannot_be_had_costs_only_the_context(env):
    standin, events = env
    w = standin.world
    await opt_in(standin)
    bare = w.add_channel("started without a message", parent_id=w.general.id, owner_id=w.bob.id)
    refused_starter, refused = starter_thread(standin, w.bob, PARENT)
    standin.fail_next("GET", rf"/messages/{refused.id}$", status=403)
    for thread in (bare, refused):  # 404 and 403: read alone (silence, no error), and not asked again
        for author in (w.alice, w.bob):
            message = await standin.user_message(author, thread, REPLY)
            assert await events.handled(message["id"]) == [None]
    assert [r.status for r in standin.matching("GET", rf"/messages/({bare.id}|{refused.id})$")] == [404, 403]
    # a passing failure (the fetch outlasts its timeout while discord.py retries a 500) is asked again next time
    _, flaky = starter_thread(standin, w.bob, PARENT)
    standin.fail_next("GET", rf"/messages/{flaky.id}$", status=500, times=2)
    first = await standin.user_message(w.alice, flaky, REPLY)
    assert await events.handled(first["id"]) == [None]
    second = await standin.user_message(w.bob, flaky, REPLY)
    [reply] = await events.handled(second["id"])
    assert reply is not None and reply.thread_id == str(flaky.id)
    assert [r.status for r in standin.matching("GET", rf"/messages/{flaky.id}$")] == [500, 500, 200]
