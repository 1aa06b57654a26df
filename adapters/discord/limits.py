"""Discord's payload size limits and the word-boundary cutting that keeps text inside them."""
from __future__ import annotations

import re

from discord.utils import escape_markdown

from bot.textcut import cut_at_word

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FOOTER_MAX = 2048
AUTHOR_MAX = 256
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
THREAD_NAME_MAX = 100
URL_MAX = 2048

CODE_SPAN = re.compile(r"``[^`]+``|`[^`\n]+`")


def cut(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at a word boundary and ended with "…"."""
    return cut_at_word(text, limit, tidy=_tidy)


def _tidy(head: str) -> str:
    head = head.rstrip()
    # A trailing lone backslash would escape the ellipsis (and leaves a dangling markdown escape).
    trailing = len(head) - len(head.rstrip("\\"))
    return head[:-1] if trailing % 2 else head


def escape(text: str) -> str:
    """Markdown-escape text shown literally (user input, quotes), leaving links clickable and
    `code spans` intact (the service marks command syntax that way; inside them nothing renders anyway)."""
    out: list[str] = []
    last = 0
    for span in CODE_SPAN.finditer(text):
        out.append(escape_markdown(text[last:span.start()], ignore_links=True))
        out.append(span.group(0))
        last = span.end()
    out.append(escape_markdown(text[last:], ignore_links=True))
    return "".join(out)


def split_text(text: str, limit: int, max_parts: int) -> list[str]:
    """Split long text into at most `max_parts` pieces of <= `limit` chars at line or word breaks."""
    parts: list[str] = []
    rest = text.strip()
    while rest and len(parts) < max_parts - 1 and len(rest) > limit:
        window = rest[:limit]
        at = window.rfind("\n")
        if at < limit // 2:
            at = window.rfind(" ")
        if at < limit // 2:
            at = limit
        piece = rest[:at].rstrip()
        trailing = len(piece) - len(piece.rstrip("\\"))
        if trailing % 2:  # never split an escape from the character it escapes
            piece = piece[:-1]
            at = len(piece)
        parts.append(piece)
        rest = rest[at:].strip()
    if rest:
        parts.append(cut(rest, limit))
    return parts
