"""Where a quote shown on the pages links to: its exact place, highlighted, in its source page."""
from __future__ import annotations

from urllib.parse import quote as url_quote

from bot.argmap.types import Argument, ArgumentMap, Quote
from bot.corpus import Corpus
from bot.reply import QuoteCard
from bot.service.cards import quote_key
from bot.weblinks import passage_anchor, source_path

from adapters.web.pages.sourcetext import quote_passages


def quote_ref(argument_id: str, index: int) -> str:
    """The `quote=` value of a source page: `<argument id>.<index of the quote>`."""
    return f"{argument_id}.{index}"


def parse_quote_ref(value: str) -> tuple[str, int] | None:
    argument_id, dot, number = value.rpartition(".")
    if not dot or not argument_id or not number.isascii() or not number.isdigit() or len(number) > 4:
        return None
    return argument_id, int(number)


def quoted(argmap: ArgumentMap, ref: str | None) -> tuple[Argument, int, Quote] | None:
    """The argument and quote a `quote=` value names, if it exists."""
    parsed = parse_quote_ref(ref or "")
    argument = argmap.get(parsed[0]) if parsed else None
    if parsed is None or argument is None or parsed[1] >= len(argument.quotes):
        return None
    return argument, parsed[1], argument.quotes[parsed[1]]


def quote_place(corpus: Corpus, argument: Argument, index: int) -> str | None:
    """`/sources/<source>?quote=<argument>.<index>#p<passage>`, or None for a quote from outside the sources."""
    quote = argument.quotes[index]
    source = corpus.indexes.get(quote.source_id)
    found = quote_passages(source, quote) if source is not None else []
    if not found:
        return None
    ref = url_quote(quote_ref(argument.id, index), safe="")
    return f"{source_path(quote.source_id)}?quote={ref}#{passage_anchor(found[0].index)}"


def passage_place(corpus: Corpus, quote: Quote) -> str | None:
    """A passage shown on its own (a `quote` answer, or one the matcher adopted): its anchor in the source."""
    if quote.moderator_supplied:
        return None
    for passage in corpus.passages_of(quote.source_id):
        if passage.text == quote.text:
            return f"{source_path(quote.source_id)}#{passage_anchor(passage.index)}"
    return None


def card_place(corpus: Corpus, argmap: ArgumentMap, card: QuoteCard) -> str | None:
    """The place of a search result's quote: the argument's own quote if it is one, else its passage."""
    argument = argmap.get(card.argument_id) if card.argument_id else None
    if argument is not None:
        key = quote_key(card.quote)
        for i, own in enumerate(argument.quotes):
            if quote_key(own) == key:
                return quote_place(corpus, argument, i)
    return passage_place(corpus, card.quote)
