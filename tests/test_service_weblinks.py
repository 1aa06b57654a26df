"""WEB_BASE_URL and WEB_SECRET in replies: each card's "in context" link, the signed debate summary link."""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from bot.reply import QuoteCard, Reply
from bot.weblinks import argument_url, debate_link_valid, quote_url
from service_helpers import Clock, cmd, make_settings, msg

BASE = "https://counterpoint.example.org/"  # the trailing slash must not double up
SECRET = "s3cret-for-tests"
CLAIM = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."
MOTION = "Open-weight AI models should be released to the public"


@asynccontextmanager
async def started(tmp_path: Path, corpus, **web) -> AsyncIterator:
    from bot.service import CounterpointService

    settings = make_settings(tmp_path, auto_reply_cooldown_seconds=0, **web)
    svc = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
    try:
        yield svc
    finally:
        await svc.close()


def check_card_link(service, card: QuoteCard) -> None:
    """The link names the very quote shown: its index in the argument's quotes, or its passage in the source."""
    url = card.context_url
    assert url and url.startswith("https://counterpoint.example.org/") and "//" not in url[len("https://"):]
    if found := re.fullmatch(r"https://counterpoint\.example\.org/quotes/([^/]+)/(\d+)", url):
        argument = service.matcher.argmap.get(unquote(found.group(1)))
        assert argument.id == card.argument_id and argument.quotes[int(found.group(2))] == card.quote
        assert url == quote_url(BASE, card.argument_id, int(found.group(2)))
        return
    found = re.fullmatch(r"https://counterpoint\.example\.org/sources/([^/#]+)#p(\d+)", url)
    assert found, url
    source_id, index = unquote(found.group(1)), int(found.group(2))
    [passage] = [p for p in service.corpus.passages_of(source_id) if p.index == index]
    assert source_id == card.quote.source_id and passage.text == card.quote.text


async def test_argue_cards_link_to_their_quote_in_context(tmp_path, corpus):
    async with started(tmp_path, corpus, web_base_url=BASE) as service:
        reply = await service.handle_command(cmd("argue", CLAIM))
        assert len(reply.cards) >= 2 and any(c.is_counter for c in reply.cards)
        for card in reply.cards:
            check_card_link(service, card)
        assert any("/quotes/" in c.context_url for c in reply.cards)
        assert f"in context → {reply.cards[0].context_url}" in reply.fallback_text


async def test_no_links_without_base_url(tmp_path, corpus):
    async with started(tmp_path, corpus, web_secret=SECRET) as service:
        reply = await service.handle_command(cmd("argue", CLAIM))
        assert reply.cards and all(c.context_url is None for c in reply.cards)
        assert "in context" not in reply.fallback_text
        passages = await service.handle_command(cmd("quote", "biological weapons"))
        assert passages.cards and all(c.context_url is None for c in passages.cards)


async def test_quote_passages_link_to_their_source_page(tmp_path, corpus):
    async with started(tmp_path, corpus, web_base_url=BASE) as service:
        reply = await service.handle_command(cmd("quote", "biological weapons"))
        assert reply.cards and all(c.is_passage for c in reply.cards)
        for card in reply.cards:
            assert "/sources/" in card.context_url
            check_card_link(service, card)


async def test_auto_reply_in_a_debate_thread_carries_links(tmp_path, corpus):
    async with started(tmp_path, corpus, web_base_url=BASE) as service:
        opening = await service.handle_command(cmd("debate", f"start {MOTION}"))
        assert opening.cards and all(c.context_url for c in opening.cards)
        await service.reply_posted(opening, platform="test", workspace_id="W1", channel_id="C1",
                                   thread_id="T-debate", message_ids=["P-motion"])
        reply = await service.handle_message(msg(CLAIM, thread="T-debate"))
        assert reply is not None and reply.cards
        for card in reply.cards:
            check_card_link(service, card)


async def test_moderator_quote_links_to_the_argument_page(tmp_path, corpus):
    async with started(tmp_path, corpus, web_base_url=BASE) as service:
        reply = await service.handle_command(cmd(
            "argument", 'add claim="Open weights help small labs compete" stance=open topic=competition '
                        'quote="Small labs cannot train frontier models from scratch." '
                        "url=https://www.example.org/blog/open-weights"))
        assert not reply.is_error, reply.body
        [card] = reply.cards
        assert card.quote.moderator_supplied
        assert card.context_url == argument_url(BASE, card.argument_id)
        assert card.context_url == f"https://counterpoint.example.org/arguments/{card.argument_id}"


async def summary_of_a_debate(service) -> Reply:
    opening = await service.handle_command(cmd("debate", f"start {MOTION}"))
    await service.reply_posted(opening, platform="test", workspace_id="W1", channel_id="C1",
                               thread_id="T-debate", message_ids=["P-motion"])
    await service.handle_message(msg(CLAIM, user="alice", thread="T-debate"))
    return await service.handle_command(cmd("debate", "summary", thread="T-debate"))


def link_parts(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return parts.path.rsplit("/", 1)[1], query["exp"][0], query["sig"][0]


async def test_debate_summary_carries_a_signed_expiring_link(tmp_path, corpus):
    async with started(tmp_path, corpus, web_base_url=BASE, web_secret=SECRET) as service:
        reply = await summary_of_a_debate(service)
        url = reply.page_url
        assert url and url.startswith("https://counterpoint.example.org/debates/1?exp=")
        assert "valid until" in reply.page_label and "alice" not in url
        assert f"{reply.page_label}: {url}" in reply.fallback_text
        debate_id, expires, sig = link_parts(url)
        assert debate_link_valid(SECRET, debate_id, expires, sig)
        assert not debate_link_valid("another-secret", debate_id, expires, sig)
        assert not debate_link_valid(SECRET, "2", expires, sig)  # the signature names one debate
        assert not debate_link_valid(SECRET, debate_id, str(int(expires) + 3600), sig)  # a pushed-out expiry
        tampered = sig[:-1] + ("0" if sig[-1] != "0" else "1")
        assert not debate_link_valid(SECRET, debate_id, expires, tampered)
        assert not debate_link_valid(SECRET, debate_id, expires, sig, now=int(expires) + 1)  # expired
        closing = await service.handle_command(cmd("debate", "close", thread="T-debate"))
        assert closing.page_url and link_parts(closing.page_url)[0] == "1"


async def test_no_debate_link_without_both_settings(tmp_path, corpus):
    async with started(tmp_path / "a", corpus, web_base_url=BASE) as service:
        reply = await summary_of_a_debate(service)
        assert reply.page_url is None and "/debates/" not in reply.fallback_text
        assert reply.cards and all(c.context_url for c in reply.cards)  # card links need no secret
    async with started(tmp_path / "b", corpus, web_secret=SECRET) as service:
        reply = await summary_of_a_debate(service)
        assert reply.page_url is None and "/debates/" not in reply.fallback_text
