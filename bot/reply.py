"""The one outbound model: a `Reply` of quote cards that every adapter renders its own way."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.argmap.types import Quote


class Placement(str, Enum):
    """Where a reply goes."""

    THREAD = "thread"  # into `thread_id` (the message's existing thread)
    NEW_THREAD = "new_thread"  # a new thread started from `message_id`, named `thread_name`
    CHANNEL = "channel"  # plainly in the channel (command answers)
    EPHEMERAL = "ephemeral"  # only the caller sees it (errors, refusals, help)


@dataclass(frozen=True, slots=True)
class QuoteCard:
    """One argument shown with one verbatim quote."""

    argument_id: str
    claim: str
    stance: str  # open | closed | mixed
    quote: Quote
    is_counter: bool = False  # True: this card is the counterpoint to the card before it
    score: float | None = None
    context_url: str | None = None  # the quote in its source on the web pages (WEB_BASE_URL), else None

    @property
    def restored(self) -> bool:
        return self.quote.restored

    @property
    def is_passage(self) -> bool:
        """A passage found by `quote`, not an argument: `claim` holds the source title, no stance applies."""
        return not self.argument_id


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything an adapter needs to post an answer; nothing platform-specific.

    `title` is an optional heading line (a debate motion, "Sources"); `body` is plain
    text shown before the cards (help, summaries, errors); `cards` are the quote cards
    in order (a match card followed by its counter card). `fallback_text` is a plain
    rendering of the whole reply for notifications and text-only clients. `page_url`, when set,
    is shown after the body as a link reading `page_label`.
    """

    placement: Placement
    channel_id: str | None = None
    thread_id: str | None = None
    message_id: str | None = None  # the message a NEW_THREAD starts from / that was answered
    thread_name: str | None = None
    title: str | None = None
    body: str = ""
    cards: tuple[QuoteCard, ...] = ()
    fallback_text: str = ""
    is_error: bool = False
    argument_ids: tuple[str, ...] = field(default=())  # arguments shown, for feedback and audit
    page_url: str | None = None  # one web page for the whole reply (a debate's signed, expiring link)
    page_label: str = ""  # what the page link reads as
