"""Parser for numbered-list summaries: `1. Heading:` items with `- Key Point:` / `- Insight:` bullets.

Each bullet is quoted without its label, located at "item N: Heading". The title (first line)
is not a passage; a bare heading line ("Conclusion") starts a section whose paragraphs are
located by the heading in lowercase ("conclusion")."""
from __future__ import annotations

import re

from bot.errors import CorpusError
from bot.ingest.markup import HEADING, is_chrome, strip_inline
from bot.ingest.sentences import sentence_spans
from bot.ingest.types import Passage, Source

ITEM = re.compile(r"^\s*(\d{1,3})[.)]\s+(.+?)\s*:?\s*$")
BULLET = re.compile(r"^\s*[-*•]\s+(?:([A-Z][A-Za-z]*(?: [A-Za-z]+){0,3}):\s+)?(.*\S)\s*$")


def parse(text: str, source: Source, label: str) -> list[Passage]:
    """Bullets and section paragraphs, sentence by sentence."""
    passages: list[Passage] = []
    locator: str | None = None
    title_seen = False
    items = 0

    def add(body: str, number: int) -> None:
        body = strip_inline(body).strip()
        for s, e in sentence_spans(body):
            passages.append(Passage(source_id=source.id, index=0, text=body[s:e], speaker=None,
                                    locator=locator, url=source.url, line=number))

    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        bullet = BULLET.match(line)
        item = ITEM.match(line) if bullet is None else None
        if item is not None and not item.group(2).rstrip(":").strip().endswith("."):
            items += 1
            locator = f"item {item.group(1)}: {strip_inline(item.group(2)).rstrip(':').strip()}"
        elif bullet is not None:
            if locator is None:
                raise CorpusError(label, "a bullet before any numbered item or heading", number)
            add(bullet.group(2), number)
        elif not title_seen:
            title_seen = True  # the document title
        elif HEADING.match(line) or is_chrome(strip_inline(line)):
            locator = strip_inline(HEADING.sub("", line)).strip().rstrip(":").lower()
        else:
            if locator is None:
                locator = "introduction"
            add(line, number)
    if not items:
        raise CorpusError(label, "no numbered items ('1. Heading:') found", 1)
    return passages
