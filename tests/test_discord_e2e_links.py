"""End to end on Discord, web links: "in context →" on cards and the signed debate link, only when configured."""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.weblinks import debate_link_valid
from discord_standin.fixtures import (  # noqa: F401  (fixtures)
    NO_PINGS, ON_TOPIC, bot_env, callback, debate_summary, env, opt_in, standin,
)
from discord_standin.server import DiscordStandIn

BASE = "https://cp.example.org"
SECRET = "discord-e2e-secret"
CONTEXT = re.compile(r"\[in context →\]\((https://cp\.example\.org/(?:quotes/[^/)]+/\d+|sources/[^)#]+#p\d+|"
                     r"arguments/[^)]+))\)$")
DEBATE_LINK = re.compile(r"<(https://cp\.example\.org/debates/\d+\?exp=\d+&sig=[0-9a-f]+)>")
CLAIM = "open weights let terrorists make bioweapons"


@pytest.fixture
async def linked(standin: DiscordStandIn, tmp_path, corpus) -> AsyncIterator[tuple[Any, ...]]:
    """Like `env`, with WEB_BASE_URL and WEB_SECRET set."""
    async with bot_env(standin, tmp_path, corpus, web_base_url=BASE, web_secret=SECRET) as parts:
        yield parts


async def argue(standin: DiscordStandIn) -> list[dict]:
    w = standin.world
    interaction = await standin.slash(w.alice, w.general, "argue", text=CLAIM)
    [rec] = await standin.wait_for("POST", callback(interaction))
    assert rec.status == 200 and rec.json["data"]["allowed_mentions"] == NO_PINGS
    return rec.json["data"]["embeds"]


async def test_argue_cards_link_to_their_quote_in_context(linked):
    standin, _, _, service, _ = linked
    embeds = await argue(standin)
    assert len(embeds) >= 2
    for embed in embeds:
        head, _, tail = embed["description"].rpartition("\n\n")
        assert head.startswith("> ")
        url = CONTEXT.match(tail).group(1)
        if "/quotes/" in url:  # the index names the quote shown, within the argument's quotes
            argument_id, index = url.split("/")[-2:]
            shown = service.matcher.argmap.get(argument_id).quotes[int(index)].text
            assert shown.split()[0] in head
    assert any("/quotes/" in e["description"] for e in embeds)


async def test_no_links_without_web_base_url(env):
    standin, *_ = env
    embeds = await argue(standin)
    assert embeds and not any("in context" in e["description"] or "cp.example" in e["description"]
                              for e in embeds)


async def test_auto_reply_cards_carry_links(linked):
    standin, bot, events, *_ = linked
    w = standin.world
    await opt_in(standin)
    message = await standin.user_message(w.alice, w.general, ON_TOPIC)
    [reply] = await events.handled(message["id"])
    assert reply is not None
    [post] = standin.matching("POST", rf"^/channels/{message['id']}/messages$")
    assert all(CONTEXT.match(e["description"].rpartition("\n\n")[2]) for e in post.json["embeds"])


async def summary_content(standin: DiscordStandIn) -> str:
    data = await debate_summary(standin, "Open weights are a net good")
    assert not (data.get("flags") or 0) & 64, data.get("content")
    assert data["allowed_mentions"] == NO_PINGS
    return data.get("content") or ""


async def test_debate_summary_carries_a_signed_link_that_verifies(linked):
    standin, *_ = linked
    content = await summary_content(standin)
    [url] = DEBATE_LINK.findall(content)
    assert "private link" in content
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    debate_id, expires, sig = parts.path.rsplit("/", 1)[1], query["exp"][0], query["sig"][0]
    assert debate_link_valid(SECRET, debate_id, expires, sig)
    assert not debate_link_valid(SECRET, debate_id, expires, sig[::-1])
    assert not debate_link_valid(SECRET, str(int(debate_id) + 1), expires, sig)
    assert not debate_link_valid("guessed", debate_id, expires, sig)


async def test_debate_summary_has_no_link_when_unset(env):
    standin, *_ = env
    content = await summary_content(standin)
    assert "Open weights are a net good" in content and "/debates/" not in content and "private link" not in content
