"""End to end on Discord, messages and reactions: a real bot, the real service and SQLite file, the stand-in."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Feedback, PostedMessage, PostedReply
from bot.service import CounterpointService
from discord_standin.fixtures import (  # noqa: F401  (fixtures)
    NO_PINGS, OFF_TOPIC, ON_TOPIC, callback, database, env, opt_in, original, posts, standin,
)
from discord_standin.harness import running_bot, standin_settings


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
        async with running_bot(settings, service) as (bot, events):
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


async def test_message_in_a_thread_the_bot_never_saw_is_resolved(env):
    standin, bot, events, service, settings = env
    w = standin.world
    await opt_in(standin)
    hidden = w.add_channel("made while the bot was away", parent_id=w.general.id, owner_id=w.bob.id)
    message = await standin.user_message(w.bob, hidden, ON_TOPIC)
    [reply] = await events.handled(message["id"])
    assert standin.matching("GET", rf"^/channels/{hidden.id}$")  # fetched to learn its parent
    assert reply is not None and reply.channel_id == str(w.general.id) and reply.thread_id == str(hidden.id)
    [post] = standin.matching("POST", rf"^/channels/{hidden.id}/messages$")
    async with database(settings) as session:
        posted = await session.scalar(select(PostedMessage).where(PostedMessage.message_id == post.response["id"]))
        parent = await session.get(PostedReply, posted.reply_id)
    assert (parent.channel_id, parent.thread_id) == (str(w.general.id), str(hidden.id))


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
    [pointer] = await standin.wait_for("PATCH", original(interaction))
    assert "Create Public Threads" in pointer.json["content"]


async def test_when_someone_already_opened_a_thread_on_the_message_the_reply_goes_there(env):
    standin, bot, events, *_ = env
    w = standin.world
    await opt_in(standin)
    message = w.message_payload(w.alice, w.general.id, ON_TOPIC)
    mid = int(message["id"])
    w.add_channel("alice's thread", parent_id=w.general.id, owner_id=w.bob.id, channel_id=mid)
    w.threads_by_message[mid] = mid
    await standin.dispatch("MESSAGE_CREATE", message)
    [reply] = await events.handled(mid)
    assert reply is not None
    [attempt] = standin.matching("POST", rf"/messages/{mid}/threads$")
    assert attempt.status == 400 and attempt.response["code"] == 160004
    [post] = standin.matching("POST", rf"^/channels/{mid}/messages$")
    assert post.status == 200 and post.json["embeds"]
