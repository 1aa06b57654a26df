"""Plain-text rendering of a Reply for terminals (the console and `counterpoint ask`)."""
from __future__ import annotations

from dataclasses import replace

from bot.reply import Reply
from bot.service.plaintext import reply_text, slash_hints


def render_reply(reply: Reply) -> str:
    """Claim, stance, verbatim quote, speaker · source · locator, link, restoration note, counterpoint."""
    text = reply_text(replace(reply, body=slash_hints(reply.body, "/")))  # the console's commands start with /
    return f"⚠ {text}" if reply.is_error else text
