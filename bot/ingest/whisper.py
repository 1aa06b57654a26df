"""Parser for Whisper transcripts: `[0.00s -> 5.00s]  text` segments joined into sentences."""
from __future__ import annotations

import re

from bot.errors import CorpusError
from bot.ingest.markup import m_ss, video_url
from bot.ingest.sentences import sentence_spans
from bot.ingest.textbuild import TextBuilder
from bot.ingest.types import Passage, Source

SEGMENT = re.compile(r"^\[(\d+(?:\.\d+)?)s\s*->\s*(\d+(?:\.\d+)?)s\]\s?(.*)$")


def parse(text: str, source: Source, label: str) -> list[Passage]:
    """Sentences of the transcript, each located at the start time of the segment it begins in.

    Lines before the first segment (a "Transcript:" header) are skipped; after it every
    non-blank line must be a well-formed segment."""
    builder = TextBuilder()
    seen_segment = False
    previous_start = -1.0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        m = SEGMENT.match(line.strip())
        if m is None:
            if seen_segment or line.lstrip().startswith("["):
                raise CorpusError(label, f"malformed segment, expected '[start s -> end s] text': {line[:60]!r}",
                                  number)
            continue  # header before the first segment
        start, end = float(m.group(1)), float(m.group(2))
        if end < start or start < previous_start:
            raise CorpusError(label, f"segment times out of order: {m.group(1)}s -> {m.group(2)}s", number)
        seen_segment, previous_start = True, start
        builder.append(m.group(3), number, start)
    if not seen_segment:
        raise CorpusError(label, "no '[start s -> end s]' segments found", 1)
    passages = []
    for s, e in sentence_spans(builder.text):
        start = builder.tag_at(s)
        passages.append(Passage(source_id=source.id, index=0, text=builder.text[s:e], speaker=None,
                                locator=m_ss(start), url=video_url(source.url, start), line=builder.line_at(s)))
    return passages
