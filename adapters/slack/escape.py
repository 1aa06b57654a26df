"""Slack text both ways: incoming markup to plain text; outgoing text escaped and cut to size."""
from __future__ import annotations

import re

from bot.textcut import cut_at_word
_ENTITY_TAIL = re.compile(r"&[a-z]{0,3}$")


def escape(text: str) -> str:
    """Escape `&`, `<`, `>` so no text can become a mention (`<!channel>`, `<@U1>`) or a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """Text for `plain_text` objects (headers): angle brackets swapped for look-alikes, never markup."""
    return text.replace("<", "‹").replace(">", "›")


def cut(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at the last word break with "…".

    Safe on escaped text: an `&amp;`-style entity is never split.
    """
    return cut_at_word(text, limit, tidy=lambda head: _ENTITY_TAIL.sub("", head).rstrip())


def quote_block(text: str) -> str:
    """Escaped text as a mrkdwn block quote: every line starts with "> "."""
    lines = escape(text).splitlines() or [""]
    return "\n".join("> " + line for line in lines)


def link(url: str, label: str) -> str:
    """A mrkdwn link `<url|label>` with both parts escaped; non-http(s) URLs come back as plain text."""
    if not re.match(r"https?://[^\s]+$", url):
        return escape(url)
    safe_url = escape(url).replace("|", "%7C")
    safe_label = escape(label).replace("|", "¦")
    return f"<{safe_url}|{safe_label}>"


_MARKUP = re.compile(r"<([^<>]*)>")


def _plain_markup(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # user mention <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # channel link <#C123|general>
        return "#" + (label or target[1:])
    if target.startswith("!"):  # <!channel>, <!here>, <!subteam^S1|@team>, <!date^...|fallback>
        if label:
            return label
        return "@" + target[1:].split("^")[0]
    return label or target  # <https://x|label> or <https://x>


def unformat(text: str) -> str:
    """Slack message/command text as the user saw it: mentions and links to plain words, entities decoded."""
    text = _MARKUP.sub(_plain_markup, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
