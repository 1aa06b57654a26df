"""Plain value objects for arguments and the verbatim quotes that back them."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Stance = Literal["open", "closed", "mixed"]
STANCES: tuple[str, ...] = ("open", "closed", "mixed")


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim quote, resolved against its source: the QUOTE shape of the JSON contract.

    `text` is what is displayed; when the source was reworded, `text` is the restored
    reading and `original_text` the verbatim source words.
    """

    text: str
    source_id: str
    source_title: str
    speaker: str | None = None
    locator: str | None = None
    url: str | None = None
    original_text: str | None = None
    moderator_supplied: bool = False  # a moderator's quote from outside the indexed sources

    @property
    def restored(self) -> bool:
        return self.original_text is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source_id": self.source_id,
            "source_title": self.source_title,
            "speaker": self.speaker,
            "locator": self.locator,
            "url": self.url,
            "original_text": self.original_text,
        }


@dataclass(frozen=True, slots=True)
class Argument:
    """A claim on one side of the debate with the quotes that make it and the ids that answer it."""

    id: str
    claim: str
    stance: Stance
    topic: str
    keywords: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    counters: tuple[str, ...] = ()
    origin: Literal["curated", "moderator"] = "curated"
    workspace_id: str | None = None  # None: visible everywhere (curated)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim,
            "stance": self.stance,
            "topic": self.topic,
            "quotes": [q.to_json() for q in self.quotes],
            "counters": list(self.counters),
        }


@dataclass(slots=True)
class ArgumentMap:
    """All arguments by id, with counter links in both directions."""

    arguments: dict[str, Argument] = field(default_factory=dict)

    def get(self, argument_id: str) -> Argument | None:
        return self.arguments.get(argument_id)

    def __iter__(self):
        return iter(self.arguments.values())

    def __len__(self) -> int:
        return len(self.arguments)

    def topics(self) -> list[str]:
        return sorted({a.topic for a in self.arguments.values()})

    def countered_by(self, argument_id: str) -> list[Argument]:
        """Arguments that answer `argument_id`: its own counters plus those that list it."""
        own = self.arguments.get(argument_id)
        ids = list(own.counters) if own else []
        ids += [a.id for a in self.arguments.values() if argument_id in a.counters and a.id not in ids]
        return [self.arguments[i] for i in ids if i in self.arguments and i != argument_id]

    def unanswered(self, raised: Sequence[str], visible: Callable[[Argument], bool]) -> dict[str, list[Argument]]:
        """Per raised argument (in order), its visible counters that nobody raised; arguments with none left out."""
        said = set(raised)
        found = {arg_id: [c for c in self.countered_by(arg_id) if visible(c) and c.id not in said] for arg_id in raised}
        return {arg_id: counters for arg_id, counters in found.items() if counters}
