"""Reactions on posted replies become feedback and nudge that argument's ranking in the workspace."""
from __future__ import annotations

import pytest

from bot.service.core import feedback_factor
from service_helpers import CH, WS, cmd, msg, reaction, rows
from service_helpers import service, settings  # noqa: F401  (fixtures)

CLAIM = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."


@pytest.fixture(autouse=True)
async def channel_on(service):
    await service.handle_command(cmd("autoreply", "on"))


async def post(service, message_ids):
    message = msg(CLAIM)
    reply = await service.handle_message(message)
    assert reply is not None
    await service.reply_posted(reply, platform="test", workspace_id=WS, channel_id=CH,
                               thread_id=message.message_id, message_ids=message_ids)
    return reply


async def test_thumbs_become_feedback_one_per_user(service, settings):
    reply = await post(service, ["P1"])
    assert await service.handle_reaction(reaction("P1", "👍", user="alice"))
    assert await service.handle_reaction(reaction("P1", "thumbsup", user="bob"))
    assert await service.handle_reaction(reaction("P1", "+1::skin-tone-3", user="carol"))
    assert await service.handle_reaction(reaction("P1", "👎", user="alice"))  # alice changes her mind
    got = rows(settings, "SELECT user_id, argument_id, value FROM feedback ORDER BY user_id")
    top = reply.cards[0].argument_id
    assert got == [("U-alice", top, -1), ("U-bob", top, 1), ("U-carol", top, 1)]


async def test_other_emoji_and_unknown_messages_are_ignored(service, settings):
    await post(service, ["P1"])
    assert not await service.handle_reaction(reaction("P1", "🎉"))
    assert not await service.handle_reaction(reaction("P-unknown", "👍"))
    assert rows(settings, "SELECT count(*) FROM feedback") == [(0,)]


async def test_one_message_per_card_maps_each_card(service, settings):
    reply = await post(service, ["P1", "P2"])
    assert len(reply.cards) == 2
    assert await service.handle_reaction(reaction("P2", "-1"))
    assert rows(settings, "SELECT argument_id, value FROM feedback") == [(reply.cards[1].argument_id, -1)]


async def test_feedback_reranks_in_that_workspace_only(service):
    reply = await post(service, ["P1"])
    top = reply.cards[0].argument_id
    for user in ("a", "b", "c", "d", "e", "f"):
        assert await service.handle_reaction(reaction("P1", "👎", user=user))
    core = service._core
    assert (await core.boosts(WS))[top] == pytest.approx(feedback_factor(-4)) == pytest.approx(0.8)
    assert top not in await core.boosts("another-workspace")
    plain = service.matcher.match(CLAIM, workspace_id=WS)
    nudged = service.matcher.match(CLAIM, workspace_id=WS, boosts=await core.boosts(WS))
    before = next(m.score for m in plain.matches if m.argument.id == top)
    after = next(m.score for m in nudged.matches if m.argument.id == top)
    assert after < before


async def test_command_replies_map_reactions_too(service, settings):
    reply = await service.handle_command(cmd("argue", CLAIM))
    await service.reply_posted(reply, platform="test", workspace_id=WS, channel_id=CH, thread_id=None,
                               message_ids=["P-cmd"])
    assert await service.handle_reaction(reaction("P-cmd", "👍"))
    assert rows(settings, "SELECT argument_id FROM feedback") == [(reply.argument_ids[0],)]


async def test_lead_message_then_one_per_card(service, settings):
    reply = await service.handle_command(cmd("debate", "start open weights should be released"))
    ids = ["P-lead", *(f"P-card{i}" for i in range(len(reply.cards)))]
    await service.reply_posted(reply, platform="test", workspace_id=WS, channel_id=CH, thread_id="P-lead",
                               message_ids=ids)
    assert await service.handle_reaction(reaction("P-card1", "👍"))
    assert await service.handle_reaction(reaction("P-lead", "👍", user="bob"))
    got = dict(rows(settings, "SELECT posted_message_id, argument_id FROM feedback"))
    assert got == {"P-card1": reply.cards[1].argument_id, "P-lead": reply.cards[0].argument_id}
    assert rows(settings, "SELECT thread_id FROM debates") == [("P-lead",)]
