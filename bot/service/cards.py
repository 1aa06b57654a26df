"""Turning matches into quote cards (each match card followed by its counter card) and building replies."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace

from bot.argmap.types import Argument, Quote
from bot.match.types import ArgumentMatch, CounterMatch
from bot.messages import CommandContext
from bot.reply import Placement, QuoteCard, Reply
from bot.service.plaintext import reply_text


def quote_key(quote: Quote) -> str:
    """A stable identity for a quote, for "never the same quote twice in one thread"."""
    digest = hashlib.sha1(f"{quote.source_id}\n{quote.text}".encode()).hexdigest()[:16]
    return f"{quote.source_id}:{digest}"


def first_unused(quotes: Iterable[Quote], used: set[str]) -> Quote | None:
    for quote in quotes:
        if quote_key(quote) not in used:
            return quote
    return None


def card(argument: Argument, quote: Quote, *, is_counter: bool = False, score: float | None = None) -> QuoteCard:
    return QuoteCard(argument_id=argument.id, claim=argument.claim, stance=argument.stance, quote=quote,
                     is_counter=is_counter, score=None if score is None else round(score, 4))


def counter_card(counters: Iterable[CounterMatch], used: set[str], shown: set[str]) -> QuoteCard | None:
    """The first counter (preferring arguments not shown yet) that still has an unused quote."""
    ordered = sorted(counters, key=lambda c: c.argument.id in shown)
    for counter in ordered:
        quote = first_unused(counter.quotes or counter.argument.quotes, used)
        if quote is not None:
            return card(counter.argument, quote, is_counter=True)
    return None


def pair_cards(match: ArgumentMatch, used: set[str], shown: set[str]) -> list[QuoteCard]:
    """A match card and its counter card with quotes not in `used` (updated); [] if the match has none left."""
    quote = first_unused(match.quotes or match.argument.quotes, used)
    if quote is None:
        return []
    cards = [card(match.argument, quote, score=match.score)]
    used.add(quote_key(quote))
    shown.add(match.argument.id)
    answer = counter_card(match.counters, used, shown)
    if answer is not None:
        cards.append(answer)
        used.add(quote_key(answer.quote))
        shown.add(answer.argument_id)
    return cards


def cards_for(matches: Iterable[ArgumentMatch], *, limit: int, used: set[str] | None = None) -> list[QuoteCard]:
    """Up to `limit` match/counter pairs, never repeating a quote (nor one already in `used`)."""
    used = set() if used is None else used
    shown: set[str] = set()
    out: list[QuoteCard] = []
    pairs = 0
    for match in matches:
        if pairs >= limit:
            break
        if match.argument.id in shown:
            continue
        pair = pair_cards(match, used, shown)
        if pair:
            out.extend(pair)
            pairs += 1
    return out


def direct_match(argument: Argument, countered_by: Iterable[Argument]) -> ArgumentMatch:
    """A match built straight from an argument (a trigger tied to it fired without lexical overlap)."""
    counters = tuple(CounterMatch(argument=c, quotes=c.quotes) for c in countered_by)
    return ArgumentMatch(argument=argument, score=0.0, quotes=argument.quotes, counters=counters)


def finish(reply: Reply) -> Reply:
    """Fill in the plain-text fallback and the argument ids shown."""
    ids = reply.argument_ids or tuple(dict.fromkeys(c.argument_id for c in reply.cards if c.argument_id))
    return replace(reply, fallback_text=reply_text(reply), argument_ids=ids)


def answer(ctx: CommandContext | None, *, placement: Placement = Placement.CHANNEL, **fields) -> Reply:
    """A command answer placed where the command was issued."""
    where = {"channel_id": ctx.channel_id, "thread_id": ctx.thread_id} if ctx else {}
    return finish(Reply(placement=placement, **{**where, **fields}))


def note(ctx: CommandContext | None, text: str, *, title: str | None = None) -> Reply:
    """An ephemeral informational answer (help, acknowledgements)."""
    return answer(ctx, placement=Placement.EPHEMERAL, body=text, title=title)


def error(ctx: CommandContext | None, text: str) -> Reply:
    """An ephemeral error the caller alone sees."""
    return answer(ctx, placement=Placement.EPHEMERAL, body=text, is_error=True)
