"""Each card's "in context" link to the web pages, when WEB_BASE_URL is set."""
from __future__ import annotations

from dataclasses import replace

from bot.argmap.types import Quote
from bot.corpus import Corpus
from bot.reply import QuoteCard, Reply
from bot.service.cards import quote_key
from bot.service.core import ServiceCore
from bot.service.plaintext import reply_text
from bot.weblinks import argument_url, quote_url, source_url


def passage_index(corpus: Corpus, quote: Quote) -> int | None:
    """The index of the source passage that reads exactly as this quote, if there is one."""
    if quote.moderator_supplied or quote.source_id not in corpus.sources:
        return None
    return next((p.index for p in corpus.passages_of(quote.source_id) if p.text == quote.text), None)


def card_url(core: ServiceCore, base: str, card: QuoteCard) -> str | None:
    """The quote in its source (its index among the argument's quotes), else the passage, else the argument."""
    quote = card.quote
    if not card.argument_id:  # a passage from `quote`: only its source page can show it
        index = passage_index(core.corpus, quote)
        return None if index is None else source_url(base, quote.source_id, index)
    if quote.moderator_supplied:  # from outside the sources: nothing to show it in but the argument page
        return argument_url(base, card.argument_id)
    argument = core.matcher.argmap.get(card.argument_id)
    key = quote_key(quote)
    for i, own in enumerate(argument.quotes if argument else ()):
        if quote_key(own) == key:
            return quote_url(base, card.argument_id, i)
    index = passage_index(core.corpus, quote)  # a passage the matcher adopted for this argument
    if index is not None:
        return source_url(base, quote.source_id, index)
    return argument_url(base, card.argument_id)


def with_links(core: ServiceCore, reply: Reply) -> Reply:
    """`reply` with every card's `context_url` filled in; unchanged when WEB_BASE_URL is unset."""
    base = (core.settings.web_base_url or "").strip()
    if not base or not reply.cards:
        return reply
    cards = tuple(replace(c, context_url=card_url(core, base, c)) for c in reply.cards)
    linked = replace(reply, cards=cards)
    return replace(linked, fallback_text=reply_text(linked))
