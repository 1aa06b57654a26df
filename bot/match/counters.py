"""Choosing the counterpoints for a match: linked arguments, best quotes from another voice first."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bot.argmap.types import Argument, Quote
from bot.match.types import CounterMatch

if TYPE_CHECKING:
    from bot.match.matcher import Matcher

MAX_COUNTERS = 2
MAX_COUNTER_QUOTES = 2


def _other_voice(quote: Quote, shown: Quote | None) -> bool:
    if shown is None or quote.source_id != shown.source_id:
        return True
    return quote.speaker is not None and quote.speaker != shown.speaker


def counter_order(arg: Argument, counters: list[Argument]) -> list[tuple[int, Argument]]:
    """The counters of `arg` with their stance rank: 0 for the other side, 1 for the rest (built once)."""
    def rank(c: Argument) -> int:
        return 0 if arg.stance != "mixed" and c.stance not in (arg.stance, "mixed") else 1

    return sorted(((rank(c), c) for c in counters), key=lambda rc: rc[0])


def pick_counters(matcher: "Matcher", arg: Argument, shown: Quote | None, workspace_id: str | None,
                  relevance: np.ndarray) -> list[CounterMatch]:
    """The arguments that answer `arg`: the other side first, then those closest to what was said;
    each with its quotes from another source or speaker than `shown` first."""
    ranked = [(rank, -float(relevance[matcher.position_of(c.id)]), c)
              for rank, c in matcher.counter_order.get(arg.id, ())
              if c.workspace_id is None or c.workspace_id == workspace_id]
    if len(ranked) > 1:
        ranked.sort(key=lambda item: item[:2])
    out = []
    for _, _, counter in ranked[:MAX_COUNTERS]:
        voices = [_other_voice(qt, shown) for qt in counter.quotes]
        quotes = ([qt for qt, other in zip(counter.quotes, voices) if other]
                  + [qt for qt, other in zip(counter.quotes, voices) if not other])[:MAX_COUNTER_QUOTES]
        out.append(CounterMatch(argument=counter, quotes=tuple(quotes)))
    return out
