"""Token-level text normalisation used to check that quotes appear verbatim in their sources."""
from __future__ import annotations

import re

_MARKUP = [
    (re.compile(r"\[\d+(?:\.\d+)?s\s*->\s*\d+(?:\.\d+)?s\]"), " "),  # [0.00s -> 5.00s]
    (re.compile(r"\[\d{1,2}:\d{2}(?::\d{2})?\]"), " "),  # [00:41:05]
    (re.compile(r"<a [^>]*>|</a>"), " "),  # yt-timestamp anchors
    (re.compile(r"\[\[([^\]|]*)\|([^\]]*)\]\]"), r" \2 "),  # [[target | alias]]
    (re.compile(r"\[\[([^\]]*)\]\]"), r" \1 "),
]
_TOKEN = re.compile(r"[a-z0-9]+")
ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")


def strip_markup(text: str) -> str:
    """Remove transcript timestamps, wiki links and html anchors."""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def tokens(text: str) -> list[str]:
    """Lowercase alphanumeric tokens after markup removal; apostrophes join words (don't -> dont)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower().replace("'", "")
    return _TOKEN.findall(strip_markup(text))


def find_run(hay: list[str], needle: list[str], start: int = 0) -> int:
    """Index of the first occurrence of `needle` in `hay` at or after `start`, else -1."""
    if not needle:
        return -1
    n, first = len(needle), needle[0]
    i = start
    try:
        while True:
            i = hay.index(first, i)  # C-speed jump to the next candidate
            if hay[i:i + n] == needle:
                return i
            i += 1
    except ValueError:
        return -1


def quote_parts(quote: str) -> list[list[str]]:
    """The token runs of a quote, split at elisions (`…` or `...`)."""
    return [t for t in (tokens(part) for part in ELLIPSIS.split(quote)) if t]


def locate_quote(hay: list[str], quote: str) -> tuple[int, int] | None:
    """(start, end) token span of `quote` in `hay`, elided parts in order; None if absent."""
    parts = quote_parts(quote)
    if not parts:
        return None
    pos = find_run(hay, parts[0])
    if pos < 0:
        return None
    start, end = pos, pos + len(parts[0])
    for part in parts[1:]:
        nxt = find_run(hay, part, end)
        if nxt < 0:
            return None
        end = nxt + len(part)
    return start, end
