"""Choosing the counterpoints for a match: linked arguments, best quotes from another voice first."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.argmap.types import Argument, Quote
from bot.match.types import CounterMatch

if TYPE_CHECKING:
    from bot.match.matcher import Matcher, Query

MAX_COUNTERS = 2


def _other_voice(quote: Quote, shown: Quote | None) -> bool:
    if shown is None:
        return True
    if quote.source_id != shown.source_id:
        return True
    return quote.speaker is not None and quote.speaker != shown.speaker


def pick_counters(matcher: "Matcher", q: "Query", arg: Argument, shown: Quote | None,
                  workspace_id: str | None) -> list[CounterMatch]:
    """The arguments that answer `arg`, most relevant to the message first, quotes from another voice first."""
    candidates = [c for c in matcher._map.countered_by(arg.id)
                  if c.workspace_id is None or c.workspace_id == workspace_id]
    positions = {c.id: matcher.position_of(c.id) for c in candidates}
    relevance = matcher.argument_scores(q, [p for p in positions.values() if p is not None])
    # a counter from the other side answers best; then the one closest to what was said
    def order(c: Argument) -> tuple[int, float]:
        opposite = arg.stance != "mixed" and c.stance not in (arg.stance, "mixed")
        return (0 if opposite else 1, -relevance.get(positions[c.id] or -1, 0.0))

    out = []
    for counter in sorted(candidates, key=order)[:MAX_COUNTERS]:
        quotes = sorted(counter.quotes, key=lambda qt: 0 if _other_voice(qt, shown) else 1)
        out.append(CounterMatch(argument=counter, quotes=tuple(quotes)))
    return out
