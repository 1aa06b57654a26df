"""Rendering a Reply for Discord: card layout, notes, markdown escaping and every size limit."""
from __future__ import annotations

import json

import discord
import pytest

from adapters.discord.limits import cut, split_text
from adapters.discord.render import OutgoingMessage, card_embed, render_reply, thread_name
from bot.argmap.types import Quote
from bot.reply import Placement, QuoteCard, Reply
from discord_standin.validation import check_message


def quote(text: str = "Open source AI will be safer.", **kw) -> Quote:
    base = dict(source_id="002", source_title="Zuckerberg interview notes", speaker="Mark Zuckerberg",
                locator="[00:41:05]", url="https://www.youtube.com/watch?v=oX7OduG1YmI&t=2465")
    base.update(kw)
    return Quote(text=text, **base)


def card(claim: str = "Open models are safer", stance: str = "open", counter: bool = False, **kw) -> QuoteCard:
    return QuoteCard(argument_id="open-safety", claim=claim, stance=stance, quote=quote(**kw), is_counter=counter)


def payloads(messages: list[OutgoingMessage]) -> list[dict]:
    return [{"content": m.content, "embeds": [e.to_dict() for e in m.embeds]} for m in messages]


def test_card_layout_claim_quote_footer_link_and_colour():
    embed = card_embed(card())
    assert embed.title == "Open models are safer"
    assert embed.description == "> Open source AI will be safer."
    assert embed.footer.text == "Mark Zuckerberg · Zuckerberg interview notes · [00:41:05]"
    assert embed.url == "https://www.youtube.com/watch?v=oX7OduG1YmI&t=2465"
    colours = {s: card_embed(card(stance=s)).colour for s in ("open", "closed", "mixed")}
    assert len(set(colours.values())) == 3


def test_counter_card_follows_with_counterpoint_title():
    reply = Reply(Placement.CHANNEL, cards=(card(), card("Closed models are safer", "closed", counter=True)))
    [message] = render_reply(reply)
    assert [e.title for e in message.embeds] == ["Open models are safer", "Counterpoint: Closed models are safer"]


def test_multiline_quote_is_a_block_quote_on_every_line():
    embed = card_embed(card(text="Tom: first line\nNathan: second line"))
    assert embed.description == "> Tom: first line\n> Nathan: second line"


def test_restored_quote_carries_the_original_words():
    embed = card_embed(card(text="open source", original_text="unfastened root"))
    [field] = embed.fields
    assert field.value == "restored from machine-reworded text; original: “unfastened root”"


def test_missing_parts_and_non_web_links_are_left_out():
    embed = card_embed(card(speaker=None, locator=None, url="corpus/sources/001.txt"))
    assert embed.footer.text == "Zuckerberg interview notes"
    assert embed.url is None


def test_user_text_is_markdown_escaped_but_links_survive():
    reply = Reply(Placement.CHANNEL, title="**bold** motion", body="see https://example.com/a_b_c and _this_")
    [message] = render_reply(reply)
    assert message.content == "**\\*\\*bold\\*\\* motion**\nsee https://example.com/a_b_c and \\_this\\_"
    assert card_embed(card(claim="a *starred* claim")).title == "a \\*starred\\* claim"


def test_empty_reply_still_sends_something():
    [message] = render_reply(Reply(Placement.EPHEMERAL, fallback_text="Nothing matched."))
    assert message.content == "Nothing matched."
    [message] = render_reply(Reply(Placement.EPHEMERAL))
    assert message.content


def test_cut_ends_at_a_word_boundary_with_an_ellipsis():
    text = "alpha beta gamma delta epsilon"
    assert cut(text, 100) == text
    assert cut(text, 15) == "alpha beta…"
    assert len(cut("x" * 50, 10)) == 10
    assert not cut("word " * 10 + "\\" * 40, 53).endswith("\\…")


def test_split_text_keeps_every_word_until_the_last_part():
    text = " ".join(f"w{i}" for i in range(2000))
    parts = split_text(text, 2000, 10)
    assert all(len(p) <= 2000 for p in parts)
    assert " ".join(parts).split() == text.split()


@pytest.mark.parametrize("n_cards", [1, 7, 15])
def test_huge_reply_stays_within_every_discord_limit(n_cards: int):
    big = ("Sentence with words " * 600).strip()  # ~12,000 characters
    cards = []
    for i in range(n_cards):
        cards.append(QuoteCard(f"arg-{i}", "claim " * 100, "open" if i % 2 else "closed",
                               quote(big + "\n" + big, speaker="S" * 3000, source_title="T " * 2000,
                                     original_text=big), is_counter=bool(i % 2)))
    reply = Reply(Placement.CHANNEL, title="M" * 5000, body=big, cards=tuple(cards))
    messages = render_reply(reply)
    for payload in payloads(messages):
        check_message(payload)  # the stand-in's copy of Discord's rules
        assert len(payload["content"] or "") <= 2000
        assert len(payload["embeds"]) <= 10
        for e in payload["embeds"]:
            assert len(e["title"]) <= 256 and e["title"].endswith("…")
            assert len(e["description"]) <= 4096 and e["description"].startswith("> ")
            assert len(e["footer"]["text"]) <= 2048
            assert all(len(f["value"]) <= 1024 for f in e["fields"])
        assert sum(len(discord.Embed.from_dict(e)) for e in payload["embeds"]) <= 6000
    assert sum(len(m.embeds) for m in messages) == n_cards
    assert messages[0].content.startswith("**MMM")


def test_pairs_stay_together_when_a_message_fills_up():
    cards = []
    for i in range(6):
        cards += [card(f"claim {i}"), card(f"answer {i}", "closed", counter=True)]
    messages = render_reply(Reply(Placement.NEW_THREAD, cards=tuple(cards)))
    assert [len(m.embeds) for m in messages] == [10, 2]
    assert messages[1].embeds[0].title == "claim 5"


def test_thread_name_is_short_and_never_empty():
    assert thread_name(Reply(Placement.NEW_THREAD, thread_name="x " * 200)).endswith("…")
    assert len(thread_name(Reply(Placement.NEW_THREAD, thread_name="x " * 200))) <= 100
    assert thread_name(Reply(Placement.NEW_THREAD, cards=(card("A claim"),))) == "A claim"
    assert thread_name(Reply(Placement.NEW_THREAD)) == "Counterpoint"


def test_code_spans_from_the_service_survive_escaping():
    [message] = render_reply(Reply(Placement.EPHEMERAL, body="Use `trigger add <pattern>`, *not* this"))
    assert message.content == "Use `/trigger add <pattern>`, \\*not\\* this"  # the hint in slash form


def test_hints_use_the_slash_form_and_leave_other_code_spans_alone():
    body = "See `topics`, or `argument link A B`; `safety` is a topic and `counterpoint ingest` a shell command."
    [message] = render_reply(Reply(Placement.EPHEMERAL, body=body))
    assert "`/topics`" in message.content and "`/argument link A B`" in message.content
    assert "`safety`" in message.content and "`counterpoint ingest`" in message.content


def _embed_texts(embed: discord.Embed) -> str:
    return json.dumps(embed.to_dict())


def test_members_never_see_argument_ids_moderators_do_in_the_footer():
    cards = (card(), card("Closed models are safer", "closed", counter=True))
    for placement in (Placement.CHANNEL, Placement.THREAD, Placement.NEW_THREAD):
        [message] = render_reply(Reply(placement, cards=cards))
        assert all("open-safety" not in _embed_texts(e) for e in message.embeds)
        assert [e.author.name for e in message.embeds] == ["Open side", "Closed side"]
    [added] = render_reply(Reply(Placement.EPHEMERAL, title="Argument added", cards=(card(),)))
    assert added.embeds[0].footer.text.endswith(" · argument open-safety")
