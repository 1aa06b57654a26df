"""Reply -> Slack Block Kit messages, escaped and within Slack's size limits."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.escape import cut, escape, link, plain, quote_block
from bot.reply import QuoteCard, Reply
from bot.service.plaintext import slash_hints

MAX_BLOCKS = 50  # per message
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
MAX_FALLBACK_TEXT = 3000

STANCE_LABELS = {"open": "🔓 open side", "closed": "🔒 closed side", "mixed": "⚖️ mixed"}
COMMAND_PREFIX = "/counterpoint "  # how a command hint reads on Slack: `/counterpoint trigger add`
RESTORED_MARK = " (restored reading: the source was machine-reworded)"
CONTEXT_LABEL = "in context →"
MAX_LINK_URL = 2000  # a longer address would not fit a context element whole

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One chat.postMessage payload: a plain `text` fallback and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Group:
    """Blocks that must stay in one message (a card), with their plain fallback."""

    blocks: list[Block]
    fallback: str


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION_TEXT) or " "}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": cut(plain(text), MAX_HEADER_TEXT) or " ",
                                       "emoji": True}}


def context(*texts: str) -> Block:
    elements = [{"type": "mrkdwn", "text": cut(t, MAX_CONTEXT_TEXT)} for t in texts if t][:MAX_CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements}


def divider() -> Block:
    return {"type": "divider"}


def _body_chunks(body: str) -> list[str]:
    """Escaped body split at paragraph (else line) breaks into pieces that fit one section."""
    chunks: list[str] = []
    current = ""
    for para in escape(slash_hints(body.strip(), COMMAND_PREFIX)).split("\n"):
        candidate = f"{current}\n{para}" if current else para
        if len(candidate) <= MAX_SECTION_TEXT:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = para
        while len(current) > MAX_SECTION_TEXT:
            piece = cut(current, MAX_SECTION_TEXT)
            chunks.append(piece)
            current = current[len(piece) - 1:].lstrip()
    if current.strip():
        chunks.append(current)
    return chunks


def _attribution(card: QuoteCard) -> str:
    q = card.quote
    title = escape(q.source_title)
    extra = ""
    if q.url and q.moderator_supplied:  # a moderator-supplied URL stays plain, escaped text, never a link
        extra = escape(q.url)
    elif q.url:  # the link reads as the source's title (or "source"), never a topic word
        title = link(q.url, q.source_title or "source")
    parts = [f"*{escape(q.speaker)}*" if q.speaker else "", title, escape(q.locator or ""), extra]
    return "— " + " · ".join(p for p in parts if p)


def _web_link(url: str | None, label: str) -> str:
    """A mrkdwn link to one of our web pages, or "" when the address is unusable (never shown as text)."""
    if not url or len(url) > MAX_LINK_URL or not re.match(r"https?://\S+$", url):
        return ""
    return link(url, label)


def _card_group(card: QuoteCard) -> _Group:
    stance = "Passage" if card.is_passage else STANCE_LABELS.get(card.stance, escape(card.stance))
    claim = escape(card.claim)
    heading = f"*Counterpoint* · {stance}\n*{claim}*" if card.is_counter else f"*{claim}*\n{stance}"
    blocks = [section(heading), section(quote_block(card.quote.text)),
              context(_attribution(card), _web_link(card.context_url, CONTEXT_LABEL))]
    notes = []
    if card.restored and card.quote.original_text:
        notes.append("_Restored reading: the source was machine-reworded. Its own words:_ "
                     + "“" + escape(card.quote.original_text) + "”")
    if card.quote.moderator_supplied:
        notes.append("_Quote supplied by a moderator, not from an indexed source._")
    if notes:
        blocks.append(context(*notes))
    q = card.quote
    who = ", ".join(p for p in (q.speaker, q.source_title, q.locator) if p)
    label = "Counterpoint: " if card.is_counter else ""
    fallback = f"{label}{card.claim}\n“{q.text}” — {who}{RESTORED_MARK if card.restored else ''}"
    return _Group(blocks, escape(fallback))


def _head_groups(reply: Reply) -> list[_Group]:
    groups: list[_Group] = []
    if reply.title:
        groups.append(_Group([header(reply.title)], escape(reply.title)))
    for chunk in _body_chunks(reply.body):
        groups.append(_Group([section(chunk)], chunk))
    page = _web_link(reply.page_url, reply.page_label or "Web page")
    if page:
        groups.append(_Group([section(page + " →")], escape(reply.page_label or "Web page")))
    return groups


def _card_groups(reply: Reply) -> list[_Group]:
    groups: list[_Group] = []
    for i, card in enumerate(reply.cards):
        group = _card_group(card)
        if i:
            group.blocks.insert(0, divider())
        groups.append(group)
    return groups


def _pack(groups: list[_Group], fallback_if_empty: str) -> list[SlackMessage]:
    """Pack groups into messages of at most MAX_BLOCKS blocks, never splitting a group."""
    if not groups:
        text = escape(fallback_if_empty.strip()) or "(nothing to show)"
        return [SlackMessage(cut(text, MAX_FALLBACK_TEXT), [section(text)])]
    messages: list[SlackMessage] = []
    blocks: list[Block] = []
    texts: list[str] = []
    for group in groups:
        group_blocks = group.blocks[:MAX_BLOCKS]
        if blocks and len(blocks) + len(group_blocks) > MAX_BLOCKS:
            messages.append(SlackMessage(cut("\n\n".join(texts), MAX_FALLBACK_TEXT), blocks))
            blocks, texts = [], []
            if group_blocks and group_blocks[0]["type"] == "divider":
                group_blocks = group_blocks[1:]
        blocks.extend(group_blocks)
        texts.append(group.fallback)
    messages.append(SlackMessage(cut("\n\n".join(texts), MAX_FALLBACK_TEXT), blocks))
    return messages


def render_reply(reply: Reply) -> list[SlackMessage]:
    """The whole reply (title, body, cards) as one or more messages, in order."""
    return _pack(_head_groups(reply) + _card_groups(reply), reply.fallback_text)


def render_lead(reply: Reply) -> SlackMessage:
    """The title and body alone (a debate motion), posted in the channel to thread the cards under."""
    messages = _pack(_head_groups(reply), reply.thread_name or reply.fallback_text)
    return messages[0]


def render_cards(reply: Reply) -> list[SlackMessage]:
    """The cards alone, for posting in a thread under a lead message; empty when there are none."""
    groups = _card_groups(reply)
    return _pack(groups, "") if groups else []
