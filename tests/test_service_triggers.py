"""Moderator triggers: word, phrase and fuzzy patterns, channel or workspace scope, topic and argument ties."""
from __future__ import annotations

from service_helpers import cmd, msg, rows
from service_helpers import service, settings  # noqa: F401  (fixtures: auto replies off, so only triggers speak)


async def add(service, text: str, **kw) -> str:
    reply = await service.handle_command(cmd("trigger", "add " + text, **kw))
    assert not reply.is_error, reply.body
    return reply.body


async def test_word_trigger_fires_and_other_messages_stay_silent(service, settings):
    await add(service, "llama kind=word")
    assert rows(settings, "SELECT kind, pattern, scope, channel_id FROM triggers") == [("word", "llama", "channel", "C1")]
    assert await service.handle_message(msg("my llama runs locally on a laptop")) is not None
    assert await service.handle_message(msg("the weather is nice today")) is None
    assert await service.handle_message(msg("llamas")) is None  # whole words only


async def test_phrase_trigger(service):
    await add(service, '"open weights"')
    assert await service.handle_message(msg("should we ship open weights next year")) is not None
    assert await service.handle_message(msg("the weights are open to debate")) is None


async def test_fuzzy_trigger_tolerates_typos(service):
    await add(service, "bioweapons kind=fuzzy")
    reply = await service.handle_message(msg("bioweapns are scary"))
    assert reply is not None and reply.cards[0].argument_id == "misuse-bioweapons"
    assert await service.handle_message(msg("lunch was great")) is None


async def test_trigger_with_topic_answers_within_it(service):
    await add(service, "closed kind=word topic=misuse")
    reply = await service.handle_message(msg("closed models are better for everyone"))
    assert reply is not None
    assert service.matcher.argmap.get(reply.cards[0].argument_id).topic == "misuse"


async def test_trigger_tied_to_an_argument(service):
    await add(service, "zuck kind=word argument=misuse-compute-checks-bad-actors")
    reply = await service.handle_message(msg("what does zuck think"))
    assert reply is not None and reply.cards[0].argument_id == "misuse-compute-checks-bad-actors"


async def test_scope_channel_vs_workspace(service):
    await add(service, "llama kind=word")
    assert await service.handle_message(msg("llama everywhere", channel="C2")) is None
    await add(service, "mistral kind=word scope=workspace")
    assert await service.handle_message(msg("open models like mistral are catching up", channel="C2")) is not None


async def test_remove_and_list(service, settings):
    await add(service, "llama kind=word")
    await add(service, "open weights")
    listing = await service.handle_command(cmd("trigger", "list"))
    assert "llama" in listing.body and "open weights" in listing.body
    [(trigger_id,)] = rows(settings, "SELECT id FROM triggers WHERE pattern='llama'")
    reply = await service.handle_command(cmd("trigger", f"remove {trigger_id}"))
    assert not reply.is_error
    reply = await service.handle_command(cmd("trigger", "remove open weights"))
    assert not reply.is_error
    assert rows(settings, "SELECT count(*) FROM triggers") == [(0,)]
    assert await service.handle_message(msg("my llama runs locally")) is None
    reply = await service.handle_command(cmd("trigger", "remove nothing-like-this"))
    assert reply.is_error


async def test_switched_off_channel_silences_triggers(service):
    await add(service, "llama kind=word")
    await service.handle_command(cmd("autoreply", "off"))
    assert await service.handle_message(msg("my llama runs locally")) is None


async def test_invalid_triggers_are_refused(service, settings):
    for text in ("", "two words kind=word", "llama kind=regex", "llama scope=galaxy", "llama topic=nope",
                 "llama argument=nope"):
        reply = await service.handle_command(cmd("trigger", "add " + text))
        assert reply.is_error, text
    assert rows(settings, "SELECT count(*) FROM triggers") == [(0,)]
