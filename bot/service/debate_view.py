"""What a debate's private web page shows: motion, arguments raised per side, unanswered counters; no chat text."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.argmap.types import Argument, ArgumentMap
from bot.db.engine import Database
from bot.db.models import Debate, DebateEvent
from bot.db.repos import debates as repo

SIDES: tuple[str, ...] = ("open", "closed", "mixed")
UNKNOWN_SIDE = "unknown"  # an argument raised once but no longer in the map


@dataclass(frozen=True, slots=True)
class ArgumentRef:
    """An argument by id with its claim and side."""

    argument_id: str
    claim: str
    side: str


@dataclass(frozen=True, slots=True)
class RaisedArgument:
    """An argument somebody made in the debate, and when it was first made."""

    argument_id: str
    claim: str | None  # None: no longer in the map
    side: str  # the argument's stance, or UNKNOWN_SIDE
    raised_at: datetime


@dataclass(frozen=True, slots=True)
class UnansweredCounters:
    """A raised argument and the arguments that answer it which nobody raised yet."""

    argument_id: str
    counters: tuple[ArgumentRef, ...]

    @property
    def counter_ids(self) -> tuple[str, ...]:
        return tuple(c.argument_id for c in self.counters)


@dataclass(frozen=True, slots=True)
class DebateView:
    """A debate as the web page shows it: counts, never who said what or their words."""

    debate_id: int
    motion: str
    status: str  # open | closed
    participants: int
    messages: int
    opened_at: datetime
    closed_at: datetime | None
    raised: tuple[RaisedArgument, ...]  # in the order they were first raised
    unanswered: tuple[UnansweredCounters, ...]

    def side(self, side: str) -> tuple[RaisedArgument, ...]:
        return tuple(r for r in self.raised if r.side == side)

    @property
    def sides(self) -> dict[str, tuple[RaisedArgument, ...]]:
        """Raised arguments by side: always open, closed, mixed; "unknown" only when some are gone from the map."""
        out = {s: self.side(s) for s in SIDES}
        gone = self.side(UNKNOWN_SIDE)
        if gone:
            out[UNKNOWN_SIDE] = gone
        return out


def _debate_number(debate_id: int | str) -> int | None:
    if isinstance(debate_id, int):
        return debate_id if debate_id > 0 else None
    text = debate_id.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 and int(text) > 0 else None


def build_view(debate: Debate, events: list[DebateEvent], argmap: ArgumentMap) -> DebateView:
    """The view of one debate from its rows; arguments of other workspaces count as gone."""
    def shown(argument: Argument) -> bool:
        return argument.workspace_id in (None, debate.workspace_id)

    def visible(argument_id: str) -> Argument | None:
        found = argmap.get(argument_id)
        return found if found is not None and shown(found) else None

    first: dict[str, datetime] = {}
    for event in events:
        for argument_id in event.argument_ids or ():
            first.setdefault(argument_id, event.created_at)
    raised = []
    for argument_id, when in first.items():
        argument = visible(argument_id)
        raised.append(RaisedArgument(argument_id, argument.claim if argument else None,
                                     argument.stance if argument else UNKNOWN_SIDE, when))
    left = argmap.unanswered(list(first), shown)
    unanswered = [UnansweredCounters(argument_id, tuple(ArgumentRef(c.id, c.claim, c.stance) for c in counters))
                  for argument_id, counters in left.items()]
    return DebateView(debate_id=debate.id, motion=debate.motion, status=debate.status,
                      participants=len({e.participant_id for e in events}), messages=len(events),
                      opened_at=debate.opened_at, closed_at=debate.closed_at, raised=tuple(raised),
                      unanswered=tuple(unanswered))


async def debate_view(db: Database, argmap: ArgumentMap, debate_id: int | str) -> DebateView | None:
    """The debate with this id (an int or the raw path text), or None when there is none."""
    number = _debate_number(debate_id)
    if number is None:
        return None
    async with db.read() as session:
        debate = await session.get(Debate, number)
        if debate is None:
            return None
        events = await repo.events(session, debate.id)
        return build_view(debate, events, argmap)
