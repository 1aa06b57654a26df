"""Reading a short reply together with the message it answers, the reply's own words deciding its side."""
from __future__ import annotations

from dataclasses import replace

from bot.match.types import MatchResult
from bot.service.args import clean_text
from bot.textnorm import tokens

SHORT_REPLY_WORDS = 12  # a reply with fewer words leans on what it answers ("lol no, that's just PR")
CONTEXT_CANDIDATES = 10  # matches of the joined text the reply's words may pick from
OWN_FOUND = 3  # the reply's own best matches that count as "found by its words"
# The reply must find, by its own words, an argument at least this good that the joined text also brings up.
# Without this, "thanks!" or "anyone tried the 405b yet?" under a claim would be answered as that claim.
OWN_MIN_SCORE = 0.2
_OTHER = {"open": "closed", "closed": "open"}


def needs_context(text: str) -> bool:
    """True when a message is short enough to be read together with the message it answers."""
    return 0 < len(tokens(text)) < SHORT_REPLY_WORDS


def joined_text(context: str, text: str, limit: int | None = None) -> str:
    """The message answered, then the reply, both cleaned as a message is; the context gives way to fit `limit`."""
    text = clean_text(text, limit)
    budget = None if limit is None else max(0, limit - len(text) - 1)
    context = clean_text(context, budget).strip()
    return f"{context}\n{text}" if context else text


def in_context(own: MatchResult, joined: MatchResult, *, limit: int = 5) -> MatchResult | None:
    """What to answer a short reply with, from the match of its own words and that of context + reply.

    None when the context changes nothing: the reply triggers on its own words, the joined text does not
    trigger, or the reply's words find no argument (score >= OWN_MIN_SCORE) that the joined text also brings
    up. Otherwise the joined result, with the reply's side (when its best own match is of that side; else the
    joined side) and, first, the arguments not opposing that side, those the reply's own words found leading.
    """
    if own.trigger or not joined.trigger or not own.matches or own.matches[0].score < OWN_MIN_SCORE:
        return None
    found = {m.argument.id for m in own.matches[:OWN_FOUND]}
    if not found & {m.argument.id for m in joined.matches}:
        return None
    backed = own.side in _OTHER and own.matches[0].argument.stance == own.side
    side = own.side if backed else joined.side
    against = _OTHER.get(side)
    ordered = sorted(joined.matches, key=lambda m: (m.argument.stance == against, m.argument.id not in found))
    return replace(joined, matches=tuple(ordered[:limit]), side=side)
