"""Stance cues: a message that says what one side is ("open source AI is dangerous") argues a side,
whatever its topic words suggest; negation and explicit sarcasm flip it."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.errors import CorpusError
from bot.yamlfile import compose, read_text
from bot.yamlschema import validate

STANCE_FILE = "stance.yaml"
SUBJECT_REACH = 5  # a cue speaks of the nearest side named at most this many words before it ("X is Y")
# in a longer message praise or blame is as often quoted, conceded or sarcastic as meant ("every lab said open
# source AI is safer right up to ..."), so there the cues say nothing and the side is read from the whole message
CUE_MAX_WORDS = 12
NEGATION_REACH = 3  # a negator this close before a cue flips it
SARCASM = re.compile(r"(?:^|\s)/s\s*$|\byeah,? right\b|\boh sure\b|\bsure,? because\b", re.IGNORECASE)

Phrase = tuple[str, ...]


class StanceFile(BaseModel):
    """`corpus/stance.yaml`."""

    model_config = ConfigDict(extra="forbid")
    targets: dict[str, list[str]]
    praise: list[str]
    blame: list[str]
    negators: list[str]


@dataclass(frozen=True, slots=True)
class StanceCues:
    """Side phrases, praise and blame phrases and negators, as word tuples read like messages."""

    targets: dict[Phrase, float]  # phrase -> +1 open, -1 closed
    cues: dict[Phrase, float]  # phrase -> +1 praise, -1 blame
    negators: frozenset[str]
    longest: int

    @classmethod
    def load(cls, corpus_dir: Path, words: Callable[[str], list[str]]) -> "StanceCues":
        path = corpus_dir / STANCE_FILE
        if not path.is_file():
            return cls({}, {}, frozenset(), 0)
        label = f"{corpus_dir.name}/{STANCE_FILE}"
        data, node = compose(read_text(path, label), label)
        spec = validate(StanceFile, data, node, label)
        unknown = set(spec.targets) - {"open", "closed"}
        if unknown:
            raise CorpusError(label, f"targets must be `open` and `closed`, not {sorted(unknown)}")
        targets = {tuple(words(p)): 1.0 if side == "open" else -1.0
                   for side, phrases in spec.targets.items() for p in phrases}
        cues = {tuple(words(p)): 1.0 for p in spec.praise}
        cues.update({tuple(words(p)): -1.0 for p in spec.blame})
        targets.pop((), None)
        cues.pop((), None)
        negators = frozenset(w for n in spec.negators for w in words(n))
        longest = max((len(p) for p in (*targets, *cues)), default=0)
        return cls(targets, cues, negators, longest)

    def lean(self, words: Sequence[str], raw: str = "") -> float:
        """-1 (argues closed) .. +1 (argues open); 0 when no side is praised or blamed, or when the message is
        longer than CUE_MAX_WORDS."""
        if not self.targets or len(words) > CUE_MAX_WORDS:
            return 0.0
        sides = self._find(words, self.targets)
        if not sides:
            return 0.0
        taken = {i for start, end, _ in sides for i in range(start, end)}
        total = 0.0
        for start, end, polarity in self._find(words, self.cues):
            if start in taken:
                continue
            subject = next((s for s in reversed(sides) if s[1] <= start and start - s[1] < SUBJECT_REACH), None)
            if subject is None:
                continue
            between = words[max(subject[1], start - NEGATION_REACH):start]
            flip = -1.0 if any(w in self.negators for w in between) else 1.0
            total += subject[2] * polarity * flip
        if total and SARCASM.search(raw):
            total = -total
        return max(-1.0, min(1.0, total))

    def _find(self, words: Sequence[str], phrases: dict[Phrase, float]) -> list[tuple[int, int, float]]:
        """(start, end, value) of each phrase said, longest first at each position, left to right."""
        out = []
        i = 0
        while i < len(words):
            for size in range(min(self.longest, len(words) - i), 0, -1):
                value = phrases.get(tuple(words[i:i + size]))
                if value is not None:
                    out.append((i, i + size, value))
                    i += size
                    break
            else:
                i += 1
        return out
