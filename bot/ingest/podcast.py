"""Parser for podcast transcripts with `Name:` turn labels and `[hh:mm:ss]` minute markers.

Lines without a label continue the previous speaker's turn; header lines before the first turn
are not passages. A passage is located at the last marker before it starts ("~00:08:00")."""
from __future__ import annotations

import re

from bot.errors import CorpusError
from bot.ingest.markup import CLOCK, clock_seconds, hms, video_url
from bot.ingest.sentences import sentence_spans
from bot.ingest.textbuild import TextBuilder
from bot.ingest.types import Passage, Source

LABEL = re.compile(r"^\s*([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}):(?=\s|$)\s*")


def _label(line: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """(label, rest of line) when the line opens a turn."""
    m = LABEL.match(line)
    if m is None or (labels and m.group(1) not in labels):
        return None
    return m.group(1), line[m.end():]


def _turns(text: str, source: Source, label: str) -> list[tuple[str, list[tuple[int, str]]]]:
    turns: list[tuple[str, list[tuple[int, str]]]] = []
    for number, line in enumerate(text.split("\n"), 1):
        opened = _label(line, source.speaker_labels)
        if opened is not None:
            turns.append((opened[0], [(number, opened[1])]))
        elif turns and line.strip():
            turns[-1][1].append((number, line))
    if not turns:
        known = ", ".join(f"'{k}:'" for k in source.speaker_labels) or "'Name:'"
        first = next((i for i, l in enumerate(text.split("\n"), 1) if l.strip()), 1)
        raise CorpusError(label, f"no speaker turn found: expected lines starting with {known}", first)
    return turns


def parse(text: str, source: Source, label: str) -> list[Passage]:
    """Sentences of each turn with the speaker's full name and the last minute marker before them."""
    passages: list[Passage] = []
    marker: int | None = None  # last marker of the previous turns
    for tag, lines in _turns(text, source, label):
        speaker = source.speaker_labels.get(tag, tag)
        builder = TextBuilder()
        for number, line in lines:
            pos = 0
            for m in CLOCK.finditer(line):
                builder.append(line[pos:m.start()], number)
                builder.mark(clock_seconds(":".join(g for g in m.groups() if g is not None)))
                pos = m.end()
            builder.append(line[pos:], number)
        for s, e in sentence_spans(builder.text):
            at = builder.last_mark_before(s)
            at = marker if at is None else at
            passages.append(Passage(source_id=source.id, index=0, text=builder.text[s:e], speaker=speaker,
                                    locator=f"~{hms(at)}" if at is not None else None,
                                    url=video_url(source.url, at), line=builder.line_at(s)))
        last = builder.last_mark_before(len(builder.text))
        marker = marker if last is None else last
    return passages
