"""Plain-text rendering of a Reply: the fallback text, the console and `counterpoint ask` use it."""
from __future__ import annotations

import re

from bot.reply import QuoteCard, Reply

STANCE_LABEL = {"open": "OPEN", "closed": "CLOSED", "mixed": "MIXED"}
COMMAND_NAMES = ("argue", "counter", "quote", "sources", "topics", "help", "debate", "trigger", "autoreply",
                 "argument")
# a code span that starts with a command name: `trigger add <pattern>`, `help` (not `safety`, `counterpoint …`)
_HINT = re.compile(r"`((?:%s)(?:\s[^`]*)?)`" % "|".join(COMMAND_NAMES))


def slash_hints(text: str, prefix: str) -> str:
    """The service's command hints in a platform's own form: `trigger add` -> `/trigger add` (prefix "/")."""
    return _HINT.sub(lambda m: f"`{prefix}{m.group(1)}`", text)


def attribution(card: QuoteCard) -> str:
    """`speaker · source · locator`, leaving out what is unknown."""
    q = card.quote
    parts = [p for p in (q.speaker, q.source_title, q.locator) if p]
    return " · ".join(parts)


def card_text(card: QuoteCard, *, indent: str = "") -> str:
    """One quote card as lines of text."""
    q = card.quote
    lines = []
    if card.is_passage:
        lines.append(f"▶ From {card.claim}")
    elif card.claim:
        label = STANCE_LABEL.get(card.stance, card.stance.upper())
        head = "↳ Counterpoint" if card.is_counter else "▶"
        ident = f"  [{card.argument_id}]" if card.argument_id else ""
        lines.append(f"{head} {label}: {card.claim}{ident}")
    lines.append(f"  “{q.text}”")
    who = attribution(card)
    if who:
        lines.append(f"  — {who}")
    if q.url:
        lines.append(f"  {q.url}")
    if q.original_text is not None:
        lines.append(f"  (restored from reworded source; the source reads: “{q.original_text}”)")
    if q.moderator_supplied:
        lines.append("  (quote supplied by a moderator; not from an indexed source)")
    if card.context_url:
        lines.append(f"  in context → {card.context_url}")
    return "\n".join(indent + line for line in lines)


def reply_text(reply: Reply) -> str:
    """The whole reply as readable plain text: title, body, then every card."""
    blocks = []
    if reply.title:
        blocks.append(reply.title)
    if reply.body:
        blocks.append(reply.body)
    if reply.page_url:
        blocks.append(f"{reply.page_label or 'Web page'}: {reply.page_url}")
    blocks.extend(card_text(card) for card in reply.cards)
    return "\n\n".join(blocks)
