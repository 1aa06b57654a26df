"""Slack rendering: Reply -> Block Kit, escaped so nothing pings, within Slack's limits."""
from __future__ import annotations

import json

from adapters.slack.escape import cut, escape, link, unformat
from adapters.slack.render import render_cards, render_lead, render_reply
from bot.argmap.types import Quote
from bot.reply import Placement, QuoteCard, Reply
from slack_standin import block_errors


def quote(text: str = "Open source AI is the path forward.", **kw) -> Quote:
    base = dict(text=text, source_id="002", source_title="Zuckerberg interview notes", speaker="Mark Zuckerberg",
                locator="00:41:05", url="https://www.youtube.com/watch?v=oX7OduG1YmI&t=2465")
    base.update(kw)
    return Quote(**base)


def card(claim: str = "Open weights make AI safer", stance: str = "open", counter: bool = False, **kw) -> QuoteCard:
    return QuoteCard(argument_id="a1", claim=claim, stance=stance, quote=quote(**kw), is_counter=counter)


def all_text(messages) -> str:
    return json.dumps([{"text": m.text, "blocks": m.blocks} for m in messages], ensure_ascii=False)


def test_card_layout_has_claim_quote_attribution_and_counter_with_divider():
    reply = Reply(placement=Placement.THREAD, cards=(card(), card("Closed models are safer", "closed", True)))
    [message] = render_reply(reply)
    types = [b["type"] for b in message.blocks]
    assert types == ["section", "section", "context", "divider", "section", "section", "context"]
    assert message.blocks[0]["text"]["text"].startswith("*Open weights make AI safer*")
    assert message.blocks[1]["text"]["text"] == "> Open source AI is the path forward."
    attribution = message.blocks[2]["elements"][0]["text"]
    assert "*Mark Zuckerberg*" in attribution and "00:41:05" in attribution
    # the link reads as the source's title, never a topic word such as "open source"
    assert "<https://www.youtube.com/watch?v=oX7OduG1YmI&amp;t=2465|Zuckerberg interview notes>" in attribution
    assert "|open source>" not in attribution
    assert message.blocks[4]["text"]["text"].startswith("*Counterpoint*")
    assert "Closed models are safer" in message.text and "Open source AI is the path forward." in message.text
    assert block_errors(message.blocks) == []


def test_mentions_in_any_echoed_text_are_escaped():
    hostile = "<!channel> <!everyone> <!here> <@U123> & <https://evil.example|click>"
    reply = Reply(placement=Placement.CHANNEL, title=hostile, body=hostile,
                  cards=(card(claim=hostile, text=hostile, speaker=hostile, locator=hostile,
                              original_text=hostile),),
                  fallback_text=hostile)
    messages = render_reply(reply)
    text = all_text(messages)
    assert "<!" not in text and "<@" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt;" in text
    assert all(block_errors(m.blocks) == [] for m in messages)


def test_moderator_urls_are_not_turned_into_links():
    reply = Reply(placement=Placement.CHANNEL, cards=(card(url="https://x.example/a|<!channel>",
                                                           moderator_supplied=True),))
    [message] = render_reply(reply)
    context_text = " ".join(e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"])
    assert "<https" not in context_text and "<!" not in context_text
    assert "supplied by a moderator" in context_text


def test_non_http_urls_never_become_links():
    assert link("javascript:alert(1)", "x") == "javascript:alert(1)"
    assert link("https://ok.example/?a=1&b=2", "a|b") == "<https://ok.example/?a=1&amp;b=2|a¦b>"


def test_restored_quote_gets_a_note_with_the_source_words():
    reply = Reply(placement=Placement.THREAD,
                  cards=(card(text="open source is the way", original_text="unfastened root is the way"),))
    [message] = render_reply(reply)
    notes = [b for b in message.blocks if b["type"] == "context"][1]
    assert "Restored reading" in notes["elements"][0]["text"]
    assert "unfastened root is the way" in notes["elements"][0]["text"]


def test_long_text_is_cut_at_a_word_within_limits():
    long_quote = "word " * 1000
    long_claim = "claim " * 700
    reply = Reply(placement=Placement.CHANNEL, title="motion " * 40, body="para " * 2000,
                  cards=(card(claim=long_claim, text=long_quote),))
    messages = render_reply(reply)
    for m in messages:
        assert block_errors(m.blocks) == []
        assert len(m.text) <= 3000
    header = messages[0].blocks[0]
    assert header["type"] == "header" and header["text"]["text"].endswith("…")
    assert header["text"]["text"][:-1].endswith("motion")
    quote_section = [b for m in messages for b in m.blocks if b["type"] == "section"
                     and b["text"]["text"].startswith("> word")][0]
    assert quote_section["text"]["text"].endswith("word…")


def test_cut_never_splits_an_entity():
    text = escape("<" * 100)
    out = cut(text, 50)
    assert out.endswith("…") and len(out) <= 50
    assert out[:-1].endswith("&lt;")


def test_many_cards_are_split_into_messages_of_at_most_50_blocks():
    cards = tuple(card(claim=f"claim {i}", counter=bool(i % 2), original_text="x") for i in range(30))
    reply = Reply(placement=Placement.THREAD, title="Many", cards=cards)
    messages = render_reply(reply)
    assert len(messages) > 1
    quotes = [b for m in messages for b in m.blocks if b["type"] == "section" and b["text"]["text"].startswith("> ")]
    assert len(quotes) == 30
    for m in messages:
        assert block_errors(m.blocks) == []
        assert m.blocks[0]["type"] != "divider"


def test_debate_lead_and_cards_render_separately():
    reply = Reply(placement=Placement.NEW_THREAD, title="Open weights do more good than harm",
                  body="Debate started.", cards=(card(), card("No", "closed", True)))
    lead = render_lead(reply)
    assert [b["type"] for b in lead.blocks] == ["header", "section"]
    cards = render_cards(reply)
    assert len(cards) == 1 and cards[0].blocks[0]["type"] == "section"
    assert render_cards(Reply(placement=Placement.NEW_THREAD, title="x")) == []


def test_empty_reply_still_renders_something_valid():
    [message] = render_reply(Reply(placement=Placement.EPHEMERAL))
    assert message.text and block_errors(message.blocks) == []


def test_unformat_turns_slack_markup_into_plain_words():
    text = "hey <@U123|ann> and <!channel> &amp; <#C1|general> see <https://x.example|this> &lt;3"
    assert unformat(text) == "hey @ann and @channel & #general see this <3"
    assert unformat("<!subteam^S1|@devs> <@U9>") == "@devs @U9"


def test_a_source_without_a_title_links_as_source():
    [message] = render_reply(Reply(placement=Placement.THREAD, cards=(card(source_title=""),)))
    attribution = message.blocks[2]["elements"][0]["text"]
    assert "<https://www.youtube.com/watch?v=oX7OduG1YmI&amp;t=2465|source>" in attribution


def test_plain_text_fallback_of_a_restored_quote_says_it_is_restored():
    restored = card(text="open source is the way", original_text="unfastened root is the way")
    [message] = render_reply(Reply(placement=Placement.THREAD, cards=(restored,)))
    assert "open source is the way" in message.text and "restored" in message.text
    [plain_card] = render_reply(Reply(placement=Placement.THREAD, cards=(card(),)))
    assert "restored" not in plain_card.text


def test_command_hints_read_as_slack_commands():
    [message] = render_reply(Reply(placement=Placement.EPHEMERAL,
                                   body="Use `trigger add <pattern>` or see `topics`; `safety` is a topic."))
    text = message.blocks[0]["text"]["text"]
    assert "`/counterpoint trigger add &lt;pattern&gt;`" in text and "`/counterpoint topics`" in text
    assert "`safety`" in text
