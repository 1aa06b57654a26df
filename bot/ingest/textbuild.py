"""Joined text built from file pieces, remembering which line (and tag) each offset came from."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

_SPACE = re.compile(r"\s+")
_NO_SPACE_BEFORE = tuple(".,;:!?)]}%")


@dataclass(slots=True)
class TextBuilder:
    """Concatenate markup-free pieces with single spaces; map offsets back to lines and tags.

    `mark(value)` records a marker (e.g. a timestamp) at the current end, so that a sentence
    starting at or after that offset can find the last marker before it.
    """

    text: str = ""
    _starts: list[int] = field(default_factory=list)
    _lines: list[int] = field(default_factory=list)
    _tags: list[Any] = field(default_factory=list)
    _mark_offsets: list[int] = field(default_factory=list)
    _mark_values: list[Any] = field(default_factory=list)

    def append(self, piece: str, line: int, tag: Any = None) -> None:
        """Add a piece of text from file line `line`; whitespace is collapsed to single spaces."""
        piece = _SPACE.sub(" ", piece).strip()
        if not piece:
            return
        if self.text and not piece.startswith(_NO_SPACE_BEFORE):
            self.text += " "
        self._starts.append(len(self.text))
        self._lines.append(line)
        self._tags.append(tag)
        self.text += piece

    def mark(self, value: Any) -> None:
        """Record a marker at the current end of the text."""
        self._mark_offsets.append(len(self.text))
        self._mark_values.append(value)

    def _piece_at(self, offset: int) -> int:
        return max(bisect.bisect_right(self._starts, offset) - 1, 0)

    def line_at(self, offset: int) -> int | None:
        """The file line the character at `offset` came from."""
        return self._lines[self._piece_at(offset)] if self._lines else None

    def tag_at(self, offset: int) -> Any:
        """The tag of the piece holding `offset`."""
        return self._tags[self._piece_at(offset)] if self._tags else None

    def marks_between(self, start: int, end: int) -> list[Any]:
        """Marker values recorded at offsets in [start, end]."""
        lo = bisect.bisect_left(self._mark_offsets, start)
        hi = bisect.bisect_right(self._mark_offsets, end)
        return self._mark_values[lo:hi]

    def last_mark_before(self, offset: int) -> Any:
        """The value of the last marker at or before `offset`, else None."""
        i = bisect.bisect_right(self._mark_offsets, offset)
        return self._mark_values[i - 1] if i else None

    def first_mark_after(self, offset: int, limit: int | None = None) -> Any:
        """The value of the first marker after `offset` (and at or before `limit`), else None."""
        i = bisect.bisect_right(self._mark_offsets, offset)
        if i < len(self._mark_offsets) and (limit is None or self._mark_offsets[i] <= limit):
            return self._mark_values[i]
        return None
