"""Member commands through the real service: argue, counter, quote, sources, topics, help, and bad input."""
from __future__ import annotations

import pytest

from bot.reply import Placement
from bot.service import CounterpointService
from bot.textnorm import locate_quote, tokens
from service_helpers import Clock, cmd, make_settings, msg


@pytest.fixture()
async def service(tmp_path, corpus):
    svc = await CounterpointService.start(make_settings(tmp_path, auto_reply_default="on"), corpus=corpus,
                                          clock=Clock())
    yield svc
    await svc.close()


def assert_verbatim(corpus, quote) -> None:
    """The quote's source words really are in that source."""
    words = quote.original_text if quote.original_text is not None else quote.text
    source_tokens = tokens((corpus.root / corpus.sources[quote.source_id].file).read_text(encoding="utf-8"))
    assert locate_quote(source_tokens, words) is not None, quote


async def test_argue_gives_match_cards_each_followed_by_its_counter(service, corpus):
    reply = await service.handle_command(cmd("argue", "open sourcing models lets terrorists build bioweapons",
                                             moderator=False))
    assert reply.placement is Placement.CHANNEL and not reply.is_error
    assert reply.cards and not reply.cards[0].is_counter
    assert reply.cards[0].argument_id == "misuse-bioweapons"
    pairs = sum(1 for c in reply.cards if not c.is_counter)
    assert 1 <= pairs <= 3
    argmap = service.matcher.argmap
    for i, card in enumerate(reply.cards):
        assert_verbatim(corpus, card.quote)
        if card.is_counter:
            answered = reply.cards[i - 1].argument_id
            assert card.argument_id in {a.id for a in argmap.countered_by(answered)}
    assert len({c.quote.text for c in reply.cards}) == len(reply.cards)  # no quote twice in one reply
    assert "misuse-bioweapons" in reply.argument_ids
    assert "biological weapons" in reply.fallback_text


async def test_counter_gives_only_the_other_side(service):
    reply = await service.handle_command(cmd("counter", "closed models are safer because bad actors cannot "
                                                        "misuse them", moderator=False))
    assert reply.placement is Placement.CHANNEL and reply.cards
    assert all(c.is_counter for c in reply.cards)
    assert all(c.stance != "closed" for c in reply.cards)


async def test_empty_text_is_a_clear_error(service):
    for name in ("argue", "counter", "quote"):
        reply = await service.handle_command(cmd(name, "   ", moderator=False))
        assert reply.is_error and reply.placement is Placement.EPHEMERAL
        assert f"`{name}" in reply.body


async def test_nothing_found_is_a_reply_not_an_exception(service):
    reply = await service.handle_command(cmd("argue", "qwzx vbnm plokij", moderator=False))
    assert not reply.cards and "No argument matches" in reply.body
    reply = await service.handle_command(cmd("quote", "qwzx vbnm plokij", moderator=False))
    assert not reply.cards and "No passage" in reply.body


async def test_quote_searches_every_source_with_locators(service, corpus):
    reply = await service.handle_command(cmd("quote", "nuclear weapons", moderator=False))
    assert reply.placement is Placement.CHANNEL and 1 <= len(reply.cards) <= 5
    top = reply.cards[0].quote
    assert "nuclear weapons" in top.text.lower() and top.locator
    for card in reply.cards:
        assert_verbatim(corpus, card.quote)


async def test_sources_topics_help(service, corpus):
    sources = await service.handle_command(cmd("sources", moderator=False))
    for sid in corpus.sources:
        assert sid in sources.body
    topics = await service.handle_command(cmd("topics", moderator=False))
    for topic in service.topics():
        assert topic in topics.body
    help_ = await service.handle_command(cmd("help", moderator=False))
    assert help_.placement is Placement.EPHEMERAL and "debate start" in help_.body


async def test_unknown_command(service):
    reply = await service.handle_command(cmd("frobnicate", "x"))
    assert reply.is_error and "help" in reply.body


BAD_INPUTS = [
    "",
    "x" * 100_000,
    "open source " * 10_000,
    "\x00\x01\x02\ud800 binary \xff\xfe garbage \x7f",
    "Z̸̢̛̗͎̦̫̓̈́̅͑̚a̵̡̛̱̝̦̼̓l̴̨̛̰͔̿̈́g̷̢̛̣̺̓̈́o̵̡̘̎ ̸̢̀o̴̢̊p̷̨̀ȩ̴̀n̵̢̊ ̷̨̀ẘ̵̢ȩ̴̀ḭ̸̀g̵̢̊h̷̨̀ț̴̀s̵̢̊" * 50,
    "@everyone <!channel> <@123> look at bioweapons",
    '"unbalanced quote \'and more',
]


async def test_bad_input_never_crashes(service, caplog):
    for text in BAD_INPUTS:
        for name in ("argue", "quote"):
            reply = await service.handle_command(cmd(name, text, moderator=False))
            assert reply.placement in (Placement.CHANNEL, Placement.EPHEMERAL)
            assert "went wrong" not in reply.body
        for name, words in (("trigger", "add " + text), ("argument", "add claim=" + text),
                            ("debate", "start " + text)):
            reply = await service.handle_command(cmd(name, words))
            assert reply.placement in (Placement.EPHEMERAL, Placement.NEW_THREAD)
            assert "went wrong" not in reply.body
        reply = await service.handle_message(msg(text))
        assert reply is None or reply.cards
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_replies_never_build_mentions(service):
    reply = await service.handle_command(cmd("argue", "@everyone open weights let terrorists build bioweapons",
                                             moderator=False))
    for text in (reply.body, reply.fallback_text, reply.title or ""):
        assert "<@" not in text and "<!" not in text
