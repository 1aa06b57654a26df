"""Plain-text rendering of a Reply for terminals (the console and `counterpoint ask`)."""
from __future__ import annotations

from bot.reply import Reply
from bot.service.plaintext import reply_text


def render_reply(reply: Reply) -> str:
    """Claim, stance, verbatim quote, speaker · source · locator, link, restoration note, counterpoint."""
    text = reply_text(reply)
    return f"⚠ {text}" if reply.is_error else text
