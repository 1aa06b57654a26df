"""Rendering "in context →" card links and the debate page link on Discord, Slack and the console."""
from __future__ import annotations

import json

import discord
import pytest

from adapters.console.render import render_reply as console_reply
from adapters.discord.render import card_embed
from adapters.discord.render import render_reply as discord_reply
from adapters.slack.render import render_cards, render_lead
from adapters.slack.render import render_reply as slack_reply
from bot.argmap.types import Quote
from bot.reply import Placement, QuoteCard, Reply
from bot.service.plaintext import reply_text
from discord_standin.validation import check_message
from slack_standin import block_errors

URL = "https://cp.example.org/quotes/open-safety/2"
PAGE = "https://cp.example.org/debates/7?exp=1900000000&sig=abc123"


def card(context_url: str | None = URL, **kw) -> QuoteCard:
    quote = Quote(text=kw.pop("text", "Open source AI will be safer."), source_id="002",
                  source_title="Zuckerberg interview notes", speaker="Mark Zuckerberg", locator="[00:41:05]",
                  url="https://www.youtube.com/watch?v=oX7OduG1YmI&t=2465", **kw)
    return QuoteCard(argument_id="open-safety", claim="Open models are safer", stance="open", quote=quote,
                     context_url=context_url)


def test_discord_card_ends_with_the_context_link():
    embed = card_embed(card())
    assert embed.description == f"> Open source AI will be safer.\n\n[in context →]({URL})"
    assert embed.url == "https://www.youtube.com/watch?v=oX7OduG1YmI&t=2465"  # the title still opens the source
    assert "in context" not in card_embed(card(None)).description


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://cp.example.org/a b", "ftp://cp.example.org/x",
                                 "https://cp.example.org/" + "x" * 2100, ""])
def test_discord_drops_unusable_context_urls(bad: str):
    assert "in context" not in card_embed(card(bad)).description


def test_discord_brackets_cannot_break_out_of_the_link():
    embed = card_embed(card("https://cp.example.org/quotes/a)b[@everyone](x/0"))
    tail = embed.description.split("\n\n")[-1]
    assert tail == "[in context →](https://cp.example.org/quotes/a%29b[@everyone]%28x/0)"


def test_discord_huge_card_keeps_limits_and_the_quote_wins_over_the_link():
    big = ("Sentence with words " * 600).strip()
    long_url = "https://cp.example.org/quotes/" + "x" * 2000
    reply = Reply(Placement.CHANNEL, body=big, page_url=PAGE, page_label="Debate page",
                  cards=tuple(QuoteCard(f"a{i}", "claim " * 100, "open", Quote(
                      text=big, source_id="s", source_title="T " * 2000, speaker="S" * 3000, original_text=big),
                      context_url=long_url if i % 2 else URL) for i in range(4)))
    messages = discord_reply(reply)
    for m in messages:
        payload = {"content": m.content, "embeds": [e.to_dict() for e in m.embeds]}
        check_message(payload)  # the stand-in's copy of Discord's rules
        assert sum(len(discord.Embed.from_dict(e)) for e in payload["embeds"]) <= 6000
    embeds = [e for m in messages for e in m.embeds]
    assert embeds[0].description.endswith(f"[in context →]({URL})")
    assert all(e.description.startswith("> Sentence") for e in embeds)


def test_discord_debate_page_link_is_in_the_content_without_preview():
    reply = Reply(Placement.THREAD, title="Debate summary: x", body="Status: open.", page_url=PAGE,
                  page_label="Debate page (private link, valid until 2030-03-17 17:46 UTC; no names or messages)")
    [message] = discord_reply(reply)
    assert message.content.endswith(f"Debate page (private link, valid until 2030-03-17 17:46 UTC; no names or "
                                    f"messages): <{PAGE}>")
    [message] = discord_reply(Reply(Placement.THREAD, body="Status: open.", page_url="javascript:x"))
    assert "javascript" not in message.content


def test_slack_card_has_the_context_link_in_its_attribution_line():
    [message] = slack_reply(Reply(Placement.THREAD, cards=(card(),)))
    assert block_errors(message.blocks) == []
    context = message.blocks[2]
    assert context["type"] == "context"
    assert context["elements"][-1] == {"type": "mrkdwn", "text": f"<{URL}|in context →>"}
    [plain] = slack_reply(Reply(Placement.THREAD, cards=(card(None),)))
    assert "in context" not in json.dumps(plain.blocks, ensure_ascii=False)
    assert len(plain.blocks[2]["elements"]) == 1


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://cp.example.org/a b", "<!channel>",
                                 "https://cp.example.org/" + "x" * 2100])
def test_slack_drops_unusable_context_urls(bad: str):
    [message] = slack_reply(Reply(Placement.THREAD, cards=(card(bad),)))
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert "in context" not in text and "<!channel>" not in text


def test_slack_escapes_the_link_so_nothing_pings():
    [message] = slack_reply(Reply(Placement.THREAD, cards=(card("https://cp.example.org/q?a=1&b=<!here>|x"),)))
    assert message.blocks[2]["elements"][-1]["text"] == \
        "<https://cp.example.org/q?a=1&amp;b=&lt;!here&gt;%7Cx|in context →>"


def test_slack_debate_page_link_follows_the_body_in_the_lead():
    reply = Reply(Placement.THREAD, title="Debate summary: x", body="Status: open.", page_url=PAGE,
                  page_label="Debate page <@U1>", cards=(card(),))
    messages = slack_reply(reply)
    assert all(block_errors(m.blocks) == [] for m in messages)
    texts = [b["text"]["text"] for b in messages[0].blocks if b["type"] == "section"]
    assert texts[1] == "<https://cp.example.org/debates/7?exp=1900000000&amp;sig=abc123|Debate page &lt;@U1&gt;> →"
    lead = render_lead(reply)
    assert any("/debates/7" in b.get("text", {}).get("text", "") for b in lead.blocks)
    assert "/debates/" not in json.dumps([m.blocks for m in render_cards(reply)])


def test_console_and_fallback_print_the_addresses():
    reply = Reply(Placement.CHANNEL, body="Status: open.", page_url=PAGE, page_label="Debate page", cards=(card(),))
    text = console_reply(reply)
    assert f"in context → {URL}" in text and f"Debate page: {PAGE}" in text
    assert "in context" not in reply_text(Reply(Placement.CHANNEL, cards=(card(None),)))
