"""End to end on Discord: a real discord.py bot, the real service and a real SQLite file, against the stand-in."""
from __future__ import annotations

import asyncio
import contextlib
import re

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import Feedback, PostedMessage, PostedReply
from bot.service import CounterpointService
from discord_standin import DiscordStandIn
from discord_standin.harness import running_bot, standin_settings

ON_TOPIC = "Open sourcing these models will let terrorists build bioweapons, it's too dangerous."
OFF_TOPIC = "the zoo got two new llamas"
NO_PINGS = {"parse": []}


@pytest.fixture
async def standin():
    server = DiscordStandIn()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def env(standin, tmp_path, corpus):
    """(stand-in, bot, events, service, settings) with the bot ready in the stand-in's guild."""
    settings = standin_settings(standin, data_dir=tmp_path, discord_guild_ids=str(standin.world.guild_id))
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        async with running_bot(standin, settings, service) as (bot, events):
            yield standin, bot, events, service, settings
    finally:
        await service.close()


@contextlib.asynccontextmanager
async def database(settings):
    """A read session on the service's own SQLite file."""
    db = Database(settings.effective_database_url)
    try:
        async with db.read() as session:
            yield session
    finally:
        await db.dispose()


def callback(interaction: dict) -> str:
    return rf"^/interactions/{interaction['id']}/{re.escape(interaction['token'])}/callback$"


async def opt_in(standin: DiscordStandIn, channel=None) -> None:
    w = standin.world
    interaction = await standin.slash(w.moderator, channel or w.general, "autoreply on")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.status == 200 and rec.json["data"]["flags"] & 64  # an ephemeral acknowledgement


def posts(standin: DiscordStandIn, pattern: str = r"^/channels/\d+/(messages|threads)$|/threads$") -> list:
    return [r for r in standin.matching("POST", pattern)]


async def test_commands_are_synced_to_the_configured_guild(env):
    standin, *_ = env
    [sync] = standin.matching("PUT", r"/guilds/\d+/commands$")
    names = {c["name"] for c in sync.json}
    assert names == {"argue", "counter", "quote", "sources", "topics", "help", "debate", "trigger", "autoreply",
                     "argument"}
    permissions = {c["name"]: c.get("default_member_permissions") for c in sync.json}
    assert int(permissions["debate"]) == 1 << 34  # Manage Threads
    assert permissions["argue"] is None
    assert not standin.matching("PUT", r"^/applications/\d+/commands$")  # nothing global


async def test_on_topic_message_gets_a_thread_with_the_quote(env):
    standin, bot, events, service, settings = env
    w = standin.world
    await opt_in(standin)
    message = await standin.user_message(w.alice, w.general, ON_TOPIC)
    [reply] = await events.handled(message["id"])
    assert reply is not None
    [thread] = standin.matching("POST", rf"^/channels/{w.general.id}/messages/{message['id']}/threads$")
    assert thread.status == 201 and 1 <= len(thread.json["name"]) <= 100
    [post] = standin.matching("POST", rf"^/channels/{message['id']}/messages$")  # thread id = message id
    embed = post.json["embeds"][0]
    assert embed["description"].startswith("> ")
    assert "biological weapons" in embed["description"]
    assert "·" in embed["footer"]["text"]
    assert post.json["allowed_mentions"] == NO_PINGS
    # the service was told where the reply landed: the posted message, in the new thread
    async with database(settings) as session:
        posted = await session.scalar(select(PostedMessage).where(PostedMessage.message_id == post.response["id"]))
        parent = await session.get(PostedReply, posted.reply_id)
    assert posted.argument_id == reply.cards[0].argument_id
    assert (parent.channel_id, parent.thread_id) == (str(w.general.id), message["id"])


async def test_off_topic_and_not_opted_in_messages_get_nothing(env):
    standin, bot, events, *_ = env
    w = standin.world
    quiet = await standin.user_message(w.alice, w.debates, ON_TOPIC)  # #debates was never opted in
    await opt_in(standin)
    off = await standin.user_message(w.alice, w.general, OFF_TOPIC)
    assert await events.handled(quiet["id"], off["id"]) == [None, None]
    assert posts(standin) == []


async def test_argue_answers_through_the_interaction_callback(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.alice, w.general, "argue", text="open weights let terrorists make bioweapons")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.status == 200 and rec.json["type"] == 4
    data = rec.json["data"]
    assert not (data.get("flags") or 0) & 64
    assert data["embeds"] and all(e["description"].startswith("> ") for e in data["embeds"])
    assert any(e["title"].startswith("Counterpoint: ") for e in data["embeds"])
    assert data["allowed_mentions"] == NO_PINGS


async def test_non_moderator_debate_start_is_refused_privately(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.alice, w.general, "debate start", motion="Model weights should be public")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.json["data"]["flags"] == 64
    assert "Manage Threads" in rec.json["data"]["content"]
    assert standin.matching("POST", r"/threads$") == []


async def test_moderator_debate_start_opens_a_thread_with_both_sides(env):
    standin, *_ = env
    w = standin.world
    motion = "Frontier model weights should be published openly"
    interaction = await standin.slash(w.moderator, w.general, "debate start", motion=motion)
    [created] = await standin.wait_for("POST", rf"^/channels/{w.general.id}/threads$")
    assert created.json["name"] == motion and created.json["type"] == 11
    thread_id = created.response["id"]
    [deferred] = await standin.wait_for("POST", callback(interaction))
    assert deferred.json["type"] == 5 and deferred.json["data"]["flags"] == 64
    [pointer] = await standin.wait_for("PATCH", rf"/{re.escape(interaction['token'])}/messages/@original$")
    assert f"<#{thread_id}>" in pointer.json["content"] and motion in pointer.json["content"]
    cards = standin.matching("POST", rf"^/channels/{thread_id}/messages$")
    embeds = [e for rec in cards for e in rec.json["embeds"]]
    authors = {e["author"]["name"].split(" · ")[0] for e in embeds}
    assert {"Open side", "Closed side"} <= authors
    assert all(rec.json["allowed_mentions"] == NO_PINGS for rec in cards)


async def test_mentions_in_a_claim_never_ping(env):
    standin, bot, events, *_ = env
    w = standin.world
    await opt_in(standin)
    role = w.moderator_role.id
    text = f"@everyone <@&{role}> <@&123> Llama 3.1 is not a threat to global security, it is nothing like nukes"
    message = await standin.user_message(w.bob, w.general, text)
    [reply] = await events.handled(message["id"])
    assert reply is not None
    interaction = await standin.slash(w.bob, w.general, "argue", text=text)
    await standin.wait_for("POST", callback(interaction))
    sent = [r.json for r in standin.matching("POST", r"/messages$")]
    sent += [r.json["data"] for r in standin.matching("POST", r"/callback$")]
    assert sent and all(body["allowed_mentions"] == NO_PINGS for body in sent)


async def test_bots_and_the_bot_itself_get_nothing(env):
    standin, bot, events, *_ = env
    w = standin.world
    await opt_in(standin)
    other = await standin.user_message(w.other_bot, w.general, ON_TOPIC)
    itself = await standin.user_message(w.bot, w.general, ON_TOPIC)
    assert await events.handled(other["id"], itself["id"]) == [None, None]
    assert posts(standin) == []


async def test_a_burst_in_one_channel_gets_one_reply(env):
    standin, bot, events, *_ = env
    w = standin.world
    await opt_in(standin)
    burst = [await standin.user_message(w.alice if i % 2 else w.bob, w.general, f"{ON_TOPIC} ({i})")
             for i in range(20)]
    replies = await events.handled(*(m["id"] for m in burst))
    assert sum(r is not None for r in replies) == 1
    assert len(standin.matching("POST", r"/messages/\d+/threads$")) == 1
    assert len(standin.matching("POST", r"^/channels/\d+/messages$")) == 1


async def test_thumbs_up_on_a_reply_is_stored_as_feedback(env):
    standin, bot, events, service, settings = env
    w = standin.world
    await opt_in(standin)
    message = await standin.user_message(w.alice, w.general, ON_TOPIC)
    [reply] = await events.handled(message["id"])
    [post] = standin.matching("POST", rf"^/channels/{message['id']}/messages$")
    bot_message = int(post.response["id"])
    await standin.react(w.bob, int(message["id"]), bot_message, "👍")
    assert await events.reaction(bot_message) is True
    await standin.react(w.bob, w.general.id, int(message["id"]), "👍")  # not the bot's message: ignored
    assert await events.reaction(int(message["id"])) is False
    async with database(settings) as session:
        rows = (await session.scalars(select(Feedback))).all()
    assert [(r.posted_message_id, r.user_id, r.value, r.argument_id) for r in rows] == [
        (str(bot_message), str(w.bob.id), 1, reply.cards[0].argument_id)]


async def test_message_in_an_existing_thread_is_answered_in_that_thread(standin, tmp_path, corpus):
    w = standin.world
    thread = w.add_channel("open vs closed", parent_id=w.general.id, owner_id=w.alice.id)
    settings = standin_settings(standin, data_dir=tmp_path, auto_reply_default="on")
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        async with running_bot(standin, settings, service) as (bot, events):
            message = await standin.user_message(w.alice, thread, ON_TOPIC)
            [reply] = await events.handled(message["id"])
            assert reply is not None and reply.thread_id == str(thread.id) and reply.channel_id == str(w.general.id)
            assert standin.matching("POST", r"/threads$") == []
            [post] = standin.matching("POST", rf"^/channels/{thread.id}/messages$")
            assert post.json["embeds"]
    finally:
        await service.close()
    # global sync when no guild ids are configured
    assert standin.matching("PUT", r"^/applications/\d+/commands$")


async def test_topic_autocomplete_offers_the_service_topics(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.moderator, w.general, "trigger add", kind=4, focused="topic",
                                      pattern="nukes", topic="mis")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.json["type"] == 8
    assert "misuse" in [c["value"] for c in rec.json["data"]["choices"]]


async def test_nothing_unexpected_was_called(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.alice, w.general, "help")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.json["data"]["flags"] == 64
    await asyncio.sleep(0)
    assert standin.unhandled == []
    assert all(r.status < 400 for r in standin.requests)


async def test_autoreply_cooldown_option_reaches_the_service(env):
    standin, bot, events, *_ = env
    w = standin.world
    interaction = await standin.slash(w.moderator, w.general, "autoreply on", cooldown=0)
    await standin.wait_for("POST", callback(interaction))
    first = await standin.user_message(w.alice, w.general, ON_TOPIC)
    second = await standin.user_message(w.bob, w.general, "Keeping models closed keeps them out of the hands "
                                                          "of bad actors.")
    replies = await events.handled(first["id"], second["id"])
    assert all(r is not None for r in replies)  # no cooldown: both answered
    assert len(standin.matching("POST", r"/messages/\d+/threads$")) == 2


async def test_message_in_a_thread_the_bot_never_saw_is_resolved(env):
    standin, bot, events, *_ = env
    w = standin.world
    await opt_in(standin)
    hidden = w.add_channel("made while the bot was away", parent_id=w.general.id, owner_id=w.bob.id)
    message = await standin.user_message(w.bob, hidden, ON_TOPIC)
    [reply] = await events.handled(message["id"])
    assert standin.matching("GET", rf"^/channels/{hidden.id}$")  # fetched to learn its parent
    assert reply is not None and reply.channel_id == str(w.general.id) and reply.thread_id == str(hidden.id)
    assert standin.matching("POST", rf"^/channels/{hidden.id}/messages$")


async def test_without_thread_permission_nothing_breaks_and_moderators_are_told(env):
    standin, bot, events, *_ = env
    w = standin.world
    await opt_in(standin)
    w.bot_denied.add("create_public_threads")
    message = await standin.user_message(w.alice, w.general, ON_TOPIC)
    await events.handled(message["id"])
    [refused] = standin.matching("POST", r"/messages/\d+/threads$")
    assert refused.status == 403
    assert standin.matching("POST", r"^/channels/\d+/messages$") == []  # no fallback spam in the channel
    interaction = await standin.slash(w.moderator, w.general, "debate start", motion="Weights should be public")
    [pointer] = await standin.wait_for("PATCH", rf"/{re.escape(interaction['token'])}/messages/@original$")
    assert "Create Public Threads" in pointer.json["content"]


async def test_debate_summary_inside_the_debate_thread(env):
    standin, *_ = env
    w = standin.world
    start = await standin.slash(w.moderator, w.general, "debate start", motion="Open weights are a net good")
    await standin.wait_for("PATCH", rf"/{re.escape(start['token'])}/messages/@original$")
    [created] = standin.matching("POST", rf"^/channels/{w.general.id}/threads$")
    thread = w.channels[int(created.response["id"])]
    summary = await standin.slash(w.moderator, thread, "debate summary")
    [rec] = await standin.wait_for("POST", callback(summary))
    data = rec.json["data"]
    assert not (data.get("flags") or 0) & 64, data.get("content")  # answered in the thread, not an error
    assert "Open weights are a net good" in (data.get("content") or "")


async def test_argument_autocomplete_lists_argument_ids(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.moderator, w.general, "argument link", kind=4, focused="argument",
                                      argument="misuse", counter="")
    [rec] = await standin.wait_for("POST", callback(interaction))
    values = [c["value"] for c in rec.json["data"]["choices"]]
    assert "misuse-bioweapons" in values and all("misuse" in v for v in values)
