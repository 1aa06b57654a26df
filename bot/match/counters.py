"""Choosing the counterpoints for a match: linked arguments, best quotes from another voice first."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from bot.argmap.types import Argument, ArgumentMap, Quote
from bot.match.types import CounterMatch

MAX_COUNTERS = 2
MAX_COUNTER_QUOTES = 2


def _other_voice(quote: Quote, shown: Quote | None) -> bool:
    if shown is None or quote.source_id != shown.source_id:
        return True
    return quote.speaker is not None and quote.speaker != shown.speaker


def counter_order(arg: Argument, counters: list[Argument]) -> list[tuple[int, Argument]]:
    """The counters of `arg` with their stance rank: 0 for the other side, 1 for the rest."""
    def rank(c: Argument) -> int:
        return 0 if arg.stance != "mixed" and c.stance not in (arg.stance, "mixed") else 1

    return sorted(((rank(c), c) for c in counters), key=lambda rc: rc[0])


class CounterPicker:
    """The counters of every argument in stance order, built once per map; each counter's quotes are
    ordered once per voice shown beside it and remembered (a handful of sources and speakers)."""

    def __init__(self, argmap: ArgumentMap, positions: Mapping[str, int]):
        self._order = {arg.id: [(rank, positions[c.id], c)
                                for rank, c in counter_order(arg, argmap.countered_by(arg.id)) if c.id in positions]
                       for arg in argmap}
        self._answers: dict[tuple[str, str | None, str | None], CounterMatch] = {}

    def pick(self, arg: Argument, shown: Quote | None, workspace_id: str | None,
             relevance: np.ndarray) -> list[CounterMatch]:
        """The arguments that answer `arg`: the other side first, then those closest to what was said
        (`relevance` per argument position); each with its quotes from another source or speaker than
        `shown` first."""
        ranked = [(rank, -float(relevance[pos]), c) for rank, pos, c in self._order.get(arg.id, ())
                  if c.workspace_id is None or c.workspace_id == workspace_id]
        if len(ranked) > 1:
            ranked.sort(key=lambda item: item[:2])
        return [self._answer(counter, shown) for _, _, counter in ranked[:MAX_COUNTERS]]

    def _answer(self, counter: Argument, shown: Quote | None) -> CounterMatch:
        key = (counter.id, shown.source_id, shown.speaker) if shown is not None else (counter.id, None, None)
        found = self._answers.get(key)
        if found is None:
            voices = [_other_voice(qt, shown) for qt in counter.quotes]
            quotes = ([qt for qt, other in zip(counter.quotes, voices) if other]
                      + [qt for qt, other in zip(counter.quotes, voices) if not other])[:MAX_COUNTER_QUOTES]
            found = self._answers[key] = CounterMatch(argument=counter, quotes=tuple(quotes))
        return found
