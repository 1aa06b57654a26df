"""A post that fails is retried and answered exactly once; one that keeps failing gives its message back.

Slack: the real Bolt app against the stand-in, its chat.postMessage failing with 429 + Retry-After or 500.
Discord: the real discord.py bot against the stand-in, its message POST failing with 429, 500 or 403.
"""
from __future__ import annotations

import sqlite3

import pytest

from bot.service import CounterpointService
from discord_standin.fixtures import ON_TOPIC, opt_in, standin  # noqa: F401  (fixture)
from discord_standin.harness import running_bot, standin_settings
from service_helpers import db_file
from slack_standin.harness import SlackHarness, open_harness

CLAIM = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."


def replies_for(settings, message_id: str) -> list[tuple]:
    with sqlite3.connect(db_file(settings)) as conn:
        return conn.execute("SELECT r.id, count(m.id) FROM posted_replies r LEFT JOIN posted_messages m "
                            "ON m.reply_id = r.id WHERE r.source_message_id = ? GROUP BY r.id",
                            (message_id,)).fetchall()


# -- Slack -------------------------------------------------------------------------------------------------

def thread_posts(h: SlackHarness, ts: str) -> tuple[list, list]:
    """(successful, failed) chat.postMessage calls into the thread of the message `ts`."""
    calls = [c for c in h.standin.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts]
    return [c for c in calls if c.response.get("ok")], [c for c in calls if not c.response.get("ok")]


@pytest.mark.parametrize("status,error,retry_after", [(429, "ratelimited", "1"), (500, "internal_error", None)])
async def test_slack_post_failing_once_is_retried_and_posted_once(tmp_path, corpus, status, error, retry_after):
    async with open_harness(tmp_path, corpus=corpus, embeddings="off", auto_reply_default="on") as h:
        h.standin.fail_next("chat.postMessage", status=status, error=error, retry_after=retry_after)
        sent = await h.send_message(CLAIM, channel=h.new_channel())
        assert await h.outcome(sent) == ["replied"]
        posted, failed = thread_posts(h, sent.ts)
        assert len(failed) == 1 and failed[0].response["error"] == error
        assert posted and len({c.params["text"] for c in posted}) == len(posted)  # nothing posted twice
        assert failed[0].params["text"] == posted[0].params["text"]  # the failed one, posted on the retry
        [(_, messages)] = replies_for(h.settings, sent.ts)
        assert messages == len(posted)


async def test_slack_post_that_keeps_failing_is_answered_on_slacks_retry(tmp_path, corpus):
    async with open_harness(tmp_path, corpus=corpus, embeddings="off", auto_reply_default="on") as h:
        h.standin.fail_next("chat.postMessage", status=500, error="internal_error", times=3)  # every attempt
        event = h.message_event(CLAIM, channel=h.new_channel())
        first = await h.send_event(event, event_id="EvKeepsFailing")
        assert await h.outcome(first) == ["error"]
        posted, failed = thread_posts(h, event["ts"])
        assert posted == [] and len(failed) == 3  # bounded: three attempts, then given up
        assert replies_for(h.settings, event["ts"]) == []  # the claim was given back, cooldown too
        assert h.service.metrics["replies_released"] == 1

        retry = await h.send_event(event, event_id="EvKeepsFailing", retry=1)
        assert await h.outcome(retry, count=2) == ["error", "replied"]
        posted, failed = thread_posts(h, event["ts"])
        assert posted and len(failed) == 3
        [(_, messages)] = replies_for(h.settings, event["ts"])
        assert messages == len(posted)
        again = await h.send_event(event, event_id="EvKeepsFailing", retry=2)
        assert (await h.outcome(again, count=3))[-1].startswith("duplicate")
        assert len(thread_posts(h, event["ts"])[0]) == len(posted)


# -- Discord -----------------------------------------------------------------------------------------------

@pytest.fixture
async def discord_env(standin, tmp_path, corpus):  # noqa: F811  (the stand-in fixture)
    settings = standin_settings(standin, data_dir=tmp_path, embeddings="off",
                                discord_guild_ids=str(standin.world.guild_id))
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        async with running_bot(settings, service) as (bot, events):
            yield standin, events, service, settings
    finally:
        await service.close()


@pytest.mark.parametrize("status", [429, 500])
async def test_discord_send_failing_once_is_retried_and_posted_once(discord_env, status):
    server, events, service, settings = discord_env
    w = server.world
    await opt_in(server)
    server.fail_next("POST", r"^/channels/\d+/messages$", status=status)
    message = await server.user_message(w.alice, w.general, ON_TOPIC)
    [reply] = await events.handled(message["id"])
    assert reply is not None
    sends = server.matching("POST", rf"^/channels/{message['id']}/messages$")  # the new thread's id
    assert [r.status for r in sends][:2] == [status, 200]
    posted = [r for r in sends if r.status == 200]
    assert len(posted) == len({r.json["embeds"][0]["description"] for r in posted})  # nothing twice
    [(_, messages)] = replies_for(settings, message["id"])
    assert messages == len(posted)


async def test_discord_send_refused_gives_the_message_back(discord_env):
    server, events, service, settings = discord_env
    w = server.world
    await opt_in(server)
    server.fail_next("POST", r"^/channels/\d+/messages$", status=403)
    message = await server.user_message(w.alice, w.general, ON_TOPIC)
    [reply] = await events.handled(message["id"])
    assert reply is not None and not server.matching("POST", r"/messages$", lambda r: r.status == 200)
    assert replies_for(settings, message["id"]) == []  # released: claim and cooldown slot
    assert service.metrics["replies_released"] == 1

    events.messages.pop(int(message["id"]))
    await server.dispatch("MESSAGE_CREATE", message)  # the gateway delivers the message again
    [again] = await events.handled(message["id"])
    assert again is not None
    posted = server.matching("POST", rf"^/channels/{message['id']}/messages$", lambda r: r.status == 200)
    assert posted
    [(_, messages)] = replies_for(settings, message["id"])
    assert messages == len(posted)
