"""Render a core `Reply` as Discord messages: content plus one embed per quote card, within limits."""
from __future__ import annotations

from dataclasses import dataclass

import discord

from adapters.discord.limits import (
    AUTHOR_MAX, CONTENT_MAX, DESCRIPTION_MAX, EMBED_TOTAL_MAX, EMBEDS_PER_MESSAGE, FIELD_VALUE_MAX, FOOTER_MAX,
    THREAD_NAME_MAX, TITLE_MAX, URL_MAX, cut, escape, split_text,
)
from bot.reply import Placement, QuoteCard, Reply
from bot.service.plaintext import slash_hints

STANCE_COLOURS: dict[str, discord.Colour] = {
    "open": discord.Colour(0x2ECC71),  # green
    "closed": discord.Colour(0xE74C3C),  # red
    "mixed": discord.Colour(0xF1C40F),  # amber
}
STANCE_LABELS: dict[str, str] = {"open": "Open side", "closed": "Closed side", "mixed": "Mixed view"}
COUNTER_PREFIX = "Counterpoint: "
RESTORED_NOTE = "restored from machine-reworded text; original: "
MODERATOR_NOTE = "quote supplied by a moderator; not from an indexed source"
MAX_TEXT_MESSAGES = 4  # a very long body is split over at most this many messages, then cut
EMPTY_REPLY = "(nothing to show)"
CONTEXT_LABEL = "in context →"
MIN_QUOTE_ROOM = 200  # description characters kept for the quote before a context link may take room
PAGE_URL_MAX = 1500  # a page link fits in one message's content with its label


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One Discord message to send: optional content and up to ten embeds."""

    content: str | None
    embeds: tuple[discord.Embed, ...] = ()


def thread_name(reply: Reply) -> str:
    """A non-empty thread name of at most 100 characters (thread names show no markdown)."""
    for candidate in (reply.thread_name, reply.title, reply.cards[0].claim if reply.cards else None):
        if candidate and candidate.strip():
            return cut(" ".join(candidate.split()), THREAD_NAME_MAX)
    return "Counterpoint"


def _footer(card: QuoteCard, show_id: bool = False) -> str:
    q = card.quote
    ident = f"argument {card.argument_id}" if show_id and card.argument_id else None
    return " · ".join(part for part in (q.speaker, q.source_title, q.locator, ident) if part and part.strip())


def _block_quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.splitlines() or [""])


def _safe_url(url: str | None, limit: int = URL_MAX) -> str | None:
    if url and url.startswith(("https://", "http://")) and len(url) <= limit and not any(c.isspace() for c in url):
        return url
    return None


def _link_target(url: str | None, limit: int = URL_MAX) -> str | None:
    """A URL safe inside markdown `[label](url)`: http(s), no spaces, brackets percent-encoded."""
    safe = _safe_url(url, limit)
    if safe is None:
        return None
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        safe = safe.replace(char, code)
    return safe if len(safe) <= limit else None


def context_link(card: QuoteCard) -> str:
    """The card's "in context →" markdown link line, or "" without a (usable) context URL."""
    target = _link_target(card.context_url)
    return f"[{CONTEXT_LABEL}]({target})" if target else ""


def card_embed(card: QuoteCard, *, show_id: bool = False) -> discord.Embed:
    """One embed for one card: claim as title, the verbatim quote as a block quote, attribution below.

    Argument ids are internal: only `show_id` (a reply only the moderator who asked sees) puts one in the footer.
    """
    q = card.quote
    title = (COUNTER_PREFIX if card.is_counter else "") + escape(card.claim)
    embed = discord.Embed(
        title=cut(title, TITLE_MAX),
        url=_safe_url(q.url),
        colour=STANCE_COLOURS.get(card.stance, discord.Colour.light_grey()),
    )
    label = STANCE_LABELS.get(card.stance, card.stance)
    embed.set_author(name="Passage" if card.is_passage else cut(label, AUTHOR_MAX))
    footer = _footer(card, show_id)
    if footer:
        embed.set_footer(text=cut(footer, FOOTER_MAX))
    if q.original_text is not None:
        value = RESTORED_NOTE + "“" + escape(q.original_text) + "”"
        embed.add_field(name="Note", value=cut(value, FIELD_VALUE_MAX), inline=False)
    elif q.moderator_supplied:
        embed.add_field(name="Note", value=MODERATOR_NOTE, inline=False)
    # The description gets whatever room the other parts (and the context link under it) leave.
    link = context_link(card)
    tail = "\n\n" + link if link else ""
    room = min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - len(embed))
    if room - len(tail) < MIN_QUOTE_ROOM:  # the quote matters more than the link to it
        tail = ""
    room -= len(tail)
    quote = escape(q.text)
    budget = min(len(quote), room)
    description = _block_quote(cut(quote, budget))
    while len(description) > room:  # the "> " prefixes took room: cut the quote by the overflow
        budget = max(1, budget - (len(description) - room))
        description = _block_quote(cut(quote, budget))
    embed.description = description + tail
    return embed


def _content_parts(reply: Reply) -> list[str]:
    pieces = []
    if reply.title and reply.title.strip():
        pieces.append("**" + cut(escape(" ".join(reply.title.split())), TITLE_MAX) + "**")
    if reply.body and reply.body.strip():
        pieces.append(escape(slash_hints(reply.body.strip(), "/")))  # hints as slash commands: `/trigger add`
    page = _link_target(reply.page_url, PAGE_URL_MAX)
    if page:  # <url>: clickable without a preview card (that would show the page's own text to all)
        label = cut(escape(" ".join((reply.page_label or "Web page").split())), TITLE_MAX)
        pieces.append(f"{label}: <{page}>")
    text = "\n".join(pieces)
    if not text and not reply.cards:
        text = escape(reply.fallback_text.strip()) or EMPTY_REPLY
    return split_text(text, CONTENT_MAX, MAX_TEXT_MESSAGES) if text else []


def _card_groups(cards: tuple[QuoteCard, ...], show_ids: bool) -> list[list[discord.Embed]]:
    """Cards grouped as [match card, its counter cards...] so a pair stays in one message if it can."""
    groups: list[list[discord.Embed]] = []
    for card in cards:
        if card.is_counter and groups:
            groups[-1].append(card_embed(card, show_id=show_ids))
        else:
            groups.append([card_embed(card, show_id=show_ids)])
    return groups


def _pack(groups: list[list[discord.Embed]]) -> list[list[discord.Embed]]:
    batches: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for group in groups:
        group_size = sum(len(e) for e in group)
        fits = len(current) + len(group) <= EMBEDS_PER_MESSAGE and size + group_size <= EMBED_TOTAL_MAX
        if current and not fits:
            batches.append(current)
            current, size = [], 0
        for embed in group:  # a group too big for one message spills embed by embed
            if current and (len(current) >= EMBEDS_PER_MESSAGE or size + len(embed) > EMBED_TOTAL_MAX):
                batches.append(current)
                current, size = [], 0
            current.append(embed)
            size += len(embed)
    if current:
        batches.append(current)
    return batches


def render_reply(reply: Reply) -> list[OutgoingMessage]:
    """The messages that carry `reply`, in order; each one within Discord's limits."""
    texts = _content_parts(reply)
    # an ephemeral reply is seen by the moderator who ran the command alone: there the ids help
    batches = _pack(_card_groups(reply.cards, show_ids=reply.placement is Placement.EPHEMERAL))
    messages = [OutgoingMessage(content=t) for t in texts[:-1]]
    last_text = texts[-1] if texts else None
    if batches:
        messages.append(OutgoingMessage(content=last_text, embeds=tuple(batches[0])))
        messages.extend(OutgoingMessage(content=None, embeds=tuple(b)) for b in batches[1:])
    elif last_text is not None:
        messages.append(OutgoingMessage(content=last_text))
    return messages
