"""End to end on Discord, slash commands: a real bot, the real service and SQLite file, the stand-in."""
from __future__ import annotations

from discord_standin.fixtures import (  # noqa: F401  (fixtures)
    NO_PINGS, ON_TOPIC, callback, debate_summary, env, original, standin,
)


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
    [pointer] = await standin.wait_for("PATCH", original(interaction))
    assert f"<#{thread_id}>" in pointer.json["content"] and motion in pointer.json["content"]
    cards = standin.matching("POST", rf"^/channels/{thread_id}/messages$")
    embeds = [e for rec in cards for e in rec.json["embeds"]]
    authors = {e["author"]["name"].split(" · ")[0] for e in embeds}
    assert {"Open side", "Closed side"} <= authors
    assert all(rec.json["allowed_mentions"] == NO_PINGS for rec in cards)


async def test_topic_autocomplete_offers_the_service_topics(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.moderator, w.general, "trigger add", kind=4, focused="topic",
                                      pattern="nukes", topic="mis")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.json["type"] == 8
    assert "misuse" in [c["value"] for c in rec.json["data"]["choices"]]


async def test_argument_autocomplete_lists_argument_ids(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.moderator, w.general, "argument link", kind=4, focused="argument",
                                      argument="misuse", counter="")
    [rec] = await standin.wait_for("POST", callback(interaction))
    values = [c["value"] for c in rec.json["data"]["choices"]]
    assert "misuse-bioweapons" in values and all("misuse" in v for v in values)


async def test_nothing_unexpected_was_called(env):
    standin, *_ = env
    w = standin.world
    interaction = await standin.slash(w.alice, w.general, "help")
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.json["data"]["flags"] == 64
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


async def test_debate_summary_inside_the_debate_thread(env):
    standin, *_ = env
    data = await debate_summary(standin, "Open weights are a net good")
    assert not (data.get("flags") or 0) & 64, data.get("content")  # answered in the thread, not an error
    assert "Open weights are a net good" in (data.get("content") or "")
