"""End to end: the real AsyncApp over HTTP on 127.0.0.1, the real service on SQLite, Slack's API a stand-in."""
from __future__ import annotations

import sqlite3
import time

import pytest
import pytest_asyncio

from adapters.slack.escape import unformat
from bot.messages import Command, CommandContext
from bot.textnorm import locate_quote, tokens
from slack_standin import ApiCall, block_errors
from slack_standin.harness import SlackHarness, open_harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

ON_TOPIC = "Open sourcing model weights makes AI safer because everyone can inspect them"
CLOSED_TAKE = "Closed models are safer, releasing weights lets bad actors build bioweapons"
OFF_TOPIC = "my alpaca sweater is so warm"
ADMIN, MEMBER = "U0ADMIN", "U0ALICE"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def h(tmp_path_factory) -> SlackHarness:
    async with open_harness(tmp_path_factory.mktemp("slack")) as harness:
        yield harness


async def opt_in(h: SlackHarness, channel: str) -> None:
    """A moderator turns auto replies on (no cooldown) with the slash command, as in Slack."""
    result = await h.send_command("autoreply on cooldown=0", user=ADMIN, channel=channel)
    assert result.status == 200
    ack = await h.standin.wait_for("response_url", lambda c: c.params["key"] == result.response_key)
    assert ack.params["response_type"] == "ephemeral" and "on in this channel" in ack.params["text"]


async def answer_to(h: SlackHarness, channel: str, response_key: str) -> ApiCall:
    """The first thing a slash command led to: a public post in its channel or a response_url answer."""
    return await h.standin.wait_for(None, lambda c: c.params.get("key") == response_key or (
        c.method == "chat.postMessage" and c.params.get("channel") == channel))


def posts_in(h: SlackHarness, channel: str) -> list[ApiCall]:
    return [c for c in h.standin.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def verbatim(h: SlackHarness, quote: str) -> bool:
    """The quote's words run, in order, through one source's passages as displayed (restored where reworded)."""
    corpus = h.service.corpus
    return any(locate_quote(tokens(" ".join(p.text for p in corpus.passages_of(sid))), quote) is not None
               for sid in corpus.sources)


def all_verbatim(h: SlackHarness, call: ApiCall) -> bool:
    quotes = quoted_texts(call)
    return bool(quotes) and all(verbatim(h, q) for q in quotes)


def assert_valid_blocks(call: ApiCall) -> None:
    blocks = call.params["blocks"]
    assert block_errors(blocks) == []
    for block in blocks:
        assert block["type"] in {"header", "section", "context", "divider"}
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert 0 < len(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
    assert call.params["text"]


def quoted_texts(call: ApiCall) -> list[str]:
    """The quotes a posted message shows, unescaped back to the source's words."""
    out = []
    for block in call.params["blocks"]:
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        if text.startswith("> "):
            out.append(unformat("\n".join(line[2:] for line in text.split("\n"))))
    return out


async def test_on_topic_message_in_opted_in_channel_gets_a_threaded_reply_with_valid_blocks(h):
    channel = h.new_channel()
    await opt_in(h, channel)
    sent = await h.send_message(ON_TOPIC, channel=channel)
    assert sent.status == 200
    assert await h.outcome(sent) == ["replied"]
    [post] = posts_in(h, channel)
    assert post.params["thread_ts"] == sent.ts  # a new thread under the message
    assert_valid_blocks(post)
    assert all_verbatim(h, post)  # never invented

    # a message inside a thread is answered in that same thread
    in_thread = await h.send_message(CLOSED_TAKE, channel=channel, thread_ts=sent.ts)
    assert await h.outcome(in_thread) == ["replied"]
    reply = posts_in(h, channel)[-1]
    assert reply.params["thread_ts"] == sent.ts
    assert_valid_blocks(reply)


async def test_off_topic_and_not_opted_in_get_nothing(h):
    channel = h.new_channel()
    await opt_in(h, channel)
    off = await h.send_message(OFF_TOPIC, channel=channel)
    assert await h.outcome(off) == ["silent"]
    quiet = h.new_channel()  # auto_reply_default is off and nobody opted this one in
    on = await h.send_message(ON_TOPIC, channel=quiet)
    assert await h.outcome(on) == ["silent"]
    assert posts_in(h, channel) == [] and posts_in(h, quiet) == []


async def test_slash_command_is_acknowledged_in_the_request_and_answered_after(h):
    channel = h.new_channel()
    result = await h.send_command("open weights make AI safer", command="/argue", channel=channel)
    assert result.status == 200 and result.body == ""
    lead = await answer_to(h, channel, result.response_key)
    assert lead.method == "chat.postMessage", lead.params.get("text")
    assert "thread_ts" not in lead.params or lead.params["thread_ts"] is None  # a short line in the channel
    assert_valid_blocks(lead)
    post = await h.standin.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == lead.response["ts"])
    assert_valid_blocks(post)
    assert all_verbatim(h, post)  # the cards, in its thread

    help_result = await h.send_command("help", channel=channel)
    assert help_result.status == 200 and help_result.body == ""
    answer = await h.standin.wait_for("response_url", lambda c: c.params["key"] == help_result.response_key)
    assert answer.params["response_type"] == "ephemeral" and "argue" in answer.params["text"]
    assert [p.params.get("thread_ts") for p in posts_in(h, channel)] == [None, lead.response["ts"]]  # not help


async def test_counterpoint_subcommand_with_quoted_words(h):
    channel = h.new_channel()
    result = await h.send_command('counter "closed models are safer"', channel=channel)
    assert result.status == 200
    post = await answer_to(h, channel, result.response_key)
    assert post.method == "chat.postMessage", post.params.get("text")
    assert_valid_blocks(post)


@pytest.mark.parametrize("how", ["wrong secret", "ten minutes old"])
async def test_badly_signed_or_stale_requests_get_401_and_nothing_is_posted(h, how):
    channel = h.new_channel()
    await opt_in(h, channel)
    before = len(h.standin.calls)
    sign = {"secret": "not-the-secret"} if how == "wrong secret" else {"timestamp": int(time.time()) - 600}
    event = await h.send_event(h.message_event(ON_TOPIC, channel=channel), **sign)
    command = await h.send_command("argue open weights are safer", channel=channel, **sign)
    assert (event.status, command.status) == (401, 401)
    # the requests were refused before any listener ran, so nothing can arrive later either
    assert h.deps.deliveries.outcomes(event.event_id) == []
    assert h.standin.calls[before:] == []


async def test_retried_delivery_is_answered_once(h):
    channel = h.new_channel()
    await opt_in(h, channel)
    event = h.message_event(ON_TOPIC, channel=channel)
    first = await h.send_event(event)
    retry = await h.send_event(event, event_id=first.event_id, retry=1)
    assert (first.status, retry.status) == (200, 200)
    assert sorted(await h.outcome(first, count=2)) == ["duplicate (retry 1)", "replied"]
    assert len(posts_in(h, channel)) == 1

    # a retry whose first delivery never arrived is still answered, once
    lost = h.message_event(CLOSED_TAKE, channel=channel)
    late = await h.send_event(lost, retry=2)
    assert await h.outcome(late) == ["replied"]
    assert [c.params["thread_ts"] for c in posts_in(h, channel)] == [event["ts"], lost["ts"]]


@pytest.mark.parametrize("extra", [{"subtype": "bot_message", "bot_id": "B0OTHER"}, {"bot_id": "B0OTHER"},
                                   {"subtype": "message_changed"}, {"subtype": "thread_broadcast"}])
async def test_bot_and_non_plain_messages_get_nothing(h, extra):
    channel = h.new_channel()
    await opt_in(h, channel)
    sent = await h.send_event(h.message_event(ON_TOPIC, channel=channel, **extra))
    [outcome] = await h.outcome(sent)
    assert outcome.startswith("ignored")
    assert posts_in(h, channel) == []


async def test_mentions_are_never_echoed_live(h):
    channel = h.new_channel()
    await opt_in(h, channel)
    before = len(h.standin.calls)
    sent = await h.send_message(f"<!channel> <!everyone> {ON_TOPIC} <!here> <@U0ADMIN>", channel=channel)
    assert await h.outcome(sent) == ["replied"]

    motion = "<!channel> <!everyone> open weights do more good than harm &amp; <@U0ALICE>"
    debate = await h.send_command(f"debate start {motion}", user=ADMIN, channel=channel)
    lead = await h.standin.wait_for(None, lambda c: c.params.get("key") == debate.response_key or (
        c.method == "chat.postMessage" and c.params.get("channel") == channel and not c.params.get("thread_ts")))
    assert lead.method == "chat.postMessage" and "@channel" in lead.params["text"]  # shown, as plain words
    await h.standin.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == lead.response["ts"])

    other = h.new_channel()
    argue = await h.send_command(f"argue <!everyone> {CLOSED_TAKE}", channel=other)
    assert (await answer_to(h, other, argue.response_key)).method == "chat.postMessage"
    refused = await h.send_command("trigger add <!channel>", user=MEMBER, channel=channel)
    await h.standin.wait_for("response_url", lambda c: c.params["key"] == refused.response_key)

    shown = [text for call in h.standin.calls[before:] for text in call.texts()]
    assert len(shown) > 10
    assert all("<!" not in t and "<@" not in t for t in shown)


async def test_moderator_command_from_a_member_is_refused_and_changes_nothing(h):
    channel = h.new_channel()
    result = await h.send_command("autoreply on", user=MEMBER, channel=channel)
    refusal = await h.standin.wait_for("response_url", lambda c: c.params["key"] == result.response_key)
    assert refusal.params["response_type"] == "ephemeral"
    assert "moderator" in refusal.params["text"].lower()
    ctx = CommandContext("slack", h.standin.team_id, channel, ADMIN, "ada", is_moderator=True)
    status = await h.service.handle_command(Command("autoreply", ("status",), ctx))
    assert "off" in status.body
    sent = await h.send_message(ON_TOPIC, channel=channel)
    assert await h.outcome(sent) == ["silent"]
    assert posts_in(h, channel) == []

    # a user listed in SLACK_MODERATOR_IDS may, though users.info does not know them as an admin
    listed = await h.send_command("autoreply on cooldown=0", user="U0LISTEDMOD", channel=channel)
    ack = await h.standin.wait_for("response_url", lambda c: c.params["key"] == listed.response_key)
    assert "on in this channel" in ack.params["text"]


async def test_debate_start_posts_the_motion_and_threads_the_cards(h):
    channel = h.new_channel()
    result = await h.send_command("debate start Open weights do more good than harm", user=ADMIN, channel=channel)
    assert result.status == 200
    lead = await answer_to(h, channel, result.response_key)
    assert lead.method == "chat.postMessage", lead.params.get("text")
    assert not lead.params.get("thread_ts")
    assert "Open weights do more good than harm" in lead.params["text"]
    lead_ts = lead.response["ts"]
    cards = await h.standin.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == lead_ts)
    assert_valid_blocks(cards)
    assert all_verbatim(h, cards)
    assert await h.outcome(result) == ["posted"]  # and the service was told where the thread is

    # the debate thread is answered although auto replies are off in the channel
    sent = await h.send_message(CLOSED_TAKE, channel=channel, thread_ts=lead_ts)
    assert await h.outcome(sent) == ["replied"]
    assert posts_in(h, channel)[-1].params["thread_ts"] == lead_ts


async def test_answer_goes_through_the_response_url_where_the_bot_is_not_a_member(h):
    channel = h.new_channel()
    h.standin.errors["chat.postMessage"] = "not_in_channel"
    try:
        result = await h.send_command(f"argue {ON_TOPIC}", channel=channel)
        answer = await h.standin.wait_for("response_url", lambda c: c.params["key"] == result.response_key)
    finally:
        del h.standin.errors["chat.postMessage"]
    assert answer.params["response_type"] == "in_channel"
    assert block_errors(answer.params["blocks"]) == [] and all_verbatim(h, answer)


async def test_thumbs_up_on_the_bots_reply_is_stored_as_feedback(h):
    channel = h.new_channel()
    await opt_in(h, channel)
    sent = await h.send_message(ON_TOPIC, channel=channel)
    assert await h.outcome(sent) == ["replied"]
    reply_ts = posts_in(h, channel)[0].response["ts"]

    def reaction(name: str, ts: str, item_user: str) -> dict:
        return {"type": "reaction_added", "user": MEMBER, "reaction": name, "item_user": item_user,
                "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": f"{time.time():.6f}"}

    up = await h.send_event(reaction("+1", reply_ts, h.standin.bot_user_id))
    assert await h.outcome(up) == ["feedback stored"]
    other = await h.send_event(reaction("+1", sent.ts, MEMBER))  # on the user's own message
    assert (await h.outcome(other))[0].startswith("ignored")
    party = await h.send_event(reaction("tada", reply_ts, h.standin.bot_user_id))
    assert (await h.outcome(party))[0].startswith("ignored")

    db = sqlite3.connect(h.settings.data_dir / "counterpoint.sqlite3")
    try:
        rows = db.execute("select posted_message_id, user_id, value from feedback").fetchall()
    finally:
        db.close()
    assert (reply_ts, MEMBER, 1) in rows
