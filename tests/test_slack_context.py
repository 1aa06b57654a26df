"""Slack end to end: a short reply in a thread is read with the thread's parent (conversations.replies)."""
from __future__ import annotations

import pytest
import pytest_asyncio

from slack_standin.harness import SlackHarness, open_harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

PARENT = "Zuck says open source AI is safer"  # a debate claim
REPLY = "lol no, that's just PR"  # alone it makes no confident point
LONG = "Open sourcing model weights makes AI safer because everyone can inspect them, every single line"
ADMIN = "U0ADMIN"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def h(tmp_path_factory, warm_data_dir) -> SlackHarness:
    db = tmp_path_factory.mktemp("slack-context") / "counterpoint.sqlite3"
    async with open_harness(warm_data_dir, database_url=f"sqlite+aiosqlite:///{db}") as harness:
        yield harness


async def opted_in_channel(h: SlackHarness) -> str:
    channel = h.new_channel()
    result = await h.send_command("autoreply on cooldown=0", user=ADMIN, channel=channel)
    assert result.status == 200
    await h.standin.wait_for("response_url", lambda c: c.params["key"] == result.response_key)
    return channel


def lookups(h: SlackHarness, channel: str) -> list:
    return [c for c in h.standin.calls_to("conversations.replies") if c.params.get("channel") == channel]


async def test_a_short_thread_reply_is_answered_through_the_threads_parent(h):
    channel = await opted_in_channel(h)
    alone = await h.send_message(REPLY, channel=channel)
    assert await h.outcome(alone) == ["silent"]  # its own words do not trigger
    assert lookups(h, channel) == []  # not in a thread: nothing to look up
    parent = h.message_event(PARENT, channel=channel, user="U0BOB")  # posted before the bot was listening
    h.standin.add_message(channel, parent)
    sent = await h.send_message(REPLY, channel=channel, thread_ts=parent["ts"])
    assert await h.outcome(sent) == ["replied"]
    [lookup] = lookups(h, channel)
    assert lookup.params["ts"] == parent["ts"] and str(lookup.params["limit"]) == "1"
    post = [c for c in h.standin.calls_to("chat.postMessage") if c.params.get("channel") == channel][-1]
    assert post.params["thread_ts"] == parent["ts"] and post.params["blocks"]
    # the parent is remembered, and a long message stands alone: neither asks Slack again
    for text in ("nope", LONG):
        again = await h.send_message(text, channel=channel, thread_ts=parent["ts"])
        await h.outcome(again)
    assert len(lookups(h, channel)) == 1


async def test_a_parent_that_cannot_be_had_or_is_a_bots_costs_only_the_context(h):
    channel = await opted_in_channel(h)
    unknown = await h.send_message(REPLY, channel=channel, thread_ts="1600000000.000001")
    assert await h.outcome(unknown) == ["silent"]  # thread_not_found: read alone, no error
    assert [c.response["error"] for c in lookups(h, channel)] == ["thread_not_found"]
    by_bot = h.message_event(PARENT, channel=channel, user=h.standin.bot_user_id, bot_id=h.standin.bot_id)
    h.standin.add_message(channel, by_bot)
    sent = await h.send_message(REPLY, channel=channel, thread_ts=by_bot["ts"])
    assert await h.outcome(sent) == ["silent"]  # the bot's own words are not a person's claim
    assert len(lookups(h, channel)) == 2
