"""Moderator commands: refusal of non-moderators, argument add/link/remove with quote checking."""
from __future__ import annotations

import pytest

from bot.messages import Command
from bot.reply import Placement
from bot.service import CounterpointService
from service_helpers import WS, Clock, cmd, make_settings, rows

# sentences that stand verbatim in the sources (002 interview notes, 004 listicle)
VERBATIM_002 = ("Open source in the context of AI development means that people can take and modify a model "
                "and build applications on top of it")
VERBATIM_004 = ("Community scrutiny can enhance the development process, leading to more robust and reliable AI "
                "systems while reducing the risks associated with closed-source alternatives.")
COUNTS = {t: f"SELECT count(*) FROM {t}" for t in
          ("debates", "triggers", "channel_settings", "arguments", "quotes", "counter_links")}


@pytest.fixture()
def settings(tmp_path):
    return make_settings(tmp_path)


@pytest.fixture()
async def service(settings, corpus):
    svc = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
    yield svc
    await svc.close()


def snapshot(settings) -> dict[str, int]:
    return {t: rows(settings, sql)[0][0] for t, sql in COUNTS.items()}


@pytest.mark.parametrize("name,text", [
    ("debate", "start Open weights should be banned"), ("debate", "close"), ("trigger", "add llama kind=word"),
    ("trigger", "list"), ("autoreply", "on 10"), ("autoreply", "off"),
    ("argument", f'add claim="Open means modify" stance=open topic=definition quote="{VERBATIM_002}" source=002'),
    ("argument", "link misuse-bioweapons security-open-ai-safer"), ("argument", "remove misuse-bioweapons"),
])
async def test_non_moderator_is_refused_and_nothing_changes(service, settings, name, text):
    before = snapshot(settings)
    links_before = len(service.matcher.argmap.countered_by("misuse-bioweapons"))
    reply = await service.handle_command(cmd(name, text, moderator=False, user="eve"))
    assert reply.is_error and reply.placement is Placement.EPHEMERAL
    assert "Only moderators" in reply.body
    assert snapshot(settings) == before
    assert len(service.matcher.argmap.countered_by("misuse-bioweapons")) == links_before
    assert service.matcher.argmap.get("misuse-bioweapons") is not None


async def test_moderator_command_without_a_context_says_it_needs_one(service, settings):
    before = snapshot(settings)
    reply = await service.handle_command(Command("trigger", ("add", "llama")))
    assert reply.is_error and reply.body == "This command needs a workspace and channel."
    assert snapshot(settings) == before


async def test_fabricated_quote_is_refused(service, settings):
    before = snapshot(settings)
    fake = "Open source AI models will certainly cure every disease by next year"
    reply = await service.handle_command(cmd(
        "argument", f'add claim="Open models cure disease" stance=open topic=research quote="{fake}" source=002'))
    assert reply.is_error and "does not appear word for word in source 002" in reply.body
    assert snapshot(settings) == before
    assert not [a for a in service.matcher.argmap if a.origin == "moderator"]


async def test_quote_needs_a_source_or_url(service):
    reply = await service.handle_command(cmd("argument", 'add claim="x y" stance=open topic=research quote="a b c"'))
    assert reply.is_error and "url=" in reply.body
    reply = await service.handle_command(cmd(
        "argument", 'add claim="x y" stance=sideways topic=research quote="a b" url=https://e.org'))
    assert reply.is_error and "stance" in reply.body
    reply = await service.handle_command(cmd("argument", 'add claim="x y" stance=open topic=research quote="a" '
                                                         "url=ftp://nowhere"))
    assert reply.is_error and "http" in reply.body


async def test_add_link_remove_a_moderator_argument(service, settings):
    reply = await service.handle_command(cmd(
        "argument", f'add id=mod-modify claim="Community scrutiny makes open AI systems more robust and reliable" '
                    f'stance=open topic=security quote="{VERBATIM_004}" source=004'))
    assert not reply.is_error, reply.body
    added = service.matcher.argmap.get("mod-modify")
    assert added is not None and added.origin == "moderator" and added.workspace_id == WS
    assert added.quotes[0].source_id == "004" and added.quotes[0].locator  # resolved against the source
    assert rows(settings, "SELECT origin, workspace_id FROM arguments WHERE id='mod-modify'") == [("moderator", WS)]
    assert "mod-modify" in service.argument_ids("mod-", WS)
    assert "mod-modify" not in service.argument_ids("mod-", "OTHER-WORKSPACE")

    reply = await service.handle_command(cmd("argument", "link mod-modify definition-llama-not-open-source"))
    assert not reply.is_error, reply.body
    assert "definition-llama-not-open-source" in {a.id for a in service.matcher.argmap.countered_by("mod-modify")}
    assert rows(settings, "SELECT origin FROM counter_links WHERE argument_id='mod-modify'") == [("moderator",)]

    text = "community scrutiny makes AI systems more robust and reliable than closed-source alternatives"
    assert "mod-modify" in {m.argument.id for m in service.matcher.match(text, limit=10, workspace_id=WS).matches}
    assert "mod-modify" not in {m.argument.id for m in service.matcher.match(text, limit=10,
                                                                             workspace_id="W-other").matches}

    reply = await service.handle_command(cmd("argument", "remove misuse-bioweapons"))
    assert reply.is_error and "curated" in reply.body and "can't be removed from chat" in reply.body
    assert service.matcher.argmap.get("misuse-bioweapons") is not None

    reply = await service.handle_command(cmd("argument", "remove mod-modify"))
    assert not reply.is_error
    assert service.matcher.argmap.get("mod-modify") is None
    assert rows(settings, "SELECT count(*) FROM arguments WHERE id='mod-modify'") == [(0,)]
    assert rows(settings, "SELECT count(*) FROM quotes WHERE argument_id='mod-modify'") == [(0,)]
    assert rows(settings, "SELECT count(*) FROM counter_links WHERE argument_id='mod-modify'") == [(0,)]


async def test_quote_from_elsewhere_needs_url_and_is_marked(service, settings):
    reply = await service.handle_command(cmd(
        "argument", 'add claim="Open weights help small labs compete" stance=open topic=competition '
                    'quote="Small labs cannot train frontier models from scratch." speaker="A. Researcher" '
                    "url=https://www.example.org/blog/open-weights"))
    assert not reply.is_error, reply.body
    [argument] = [a for a in service.matcher.argmap if a.origin == "moderator"]
    quote = argument.quotes[0]
    assert quote.moderator_supplied and quote.source_id == "moderator" and quote.source_title == "example.org"
    assert quote.speaker == "A. Researcher"
    assert rows(settings, "SELECT moderator_supplied, source_id, url FROM quotes WHERE argument_id=?",
                argument.id) == [(1, None, "https://www.example.org/blog/open-weights")]
    assert "supplied by a moderator" in reply.fallback_text


async def test_link_unknown_ids_is_refused(service, settings):
    before = snapshot(settings)
    reply = await service.handle_command(cmd("argument", "link misuse-bioweapons no-such-argument"))
    assert reply.is_error and "no-such-argument" in reply.body
    assert snapshot(settings) == before
