"""Parser for wiki notes of a video: front matter, [[links]], yt-timestamp anchors, [hh:mm:ss] stamps.

Each sentence is located at a stamp of the video: the first stamp inside it (an anchor opening
it counts), else the next stamp later in its paragraph, else the last stamp before it. The link
goes to that second of the video (front matter `videoId`, else the source url)."""
from __future__ import annotations

import re

from bot.ingest.frontmatter import split_front_matter
from bot.ingest.markup import CLOCK, YT_ANCHOR, blocks, clock_seconds, hms, is_chrome, strip_inline, video_url, \
    youtube_watch_url
from bot.ingest.sentences import sentence_spans
from bot.ingest.textbuild import TextBuilder
from bot.ingest.types import Passage, Source

_STAMP = re.compile(rf"{YT_ANCHOR.pattern}|{CLOCK.pattern}", re.DOTALL)


def _seconds(m: re.Match[str]) -> int:
    if m.group(1):
        return clock_seconds(m.group(1))
    h_or_m, m_or_s, s = m.group(2), m.group(3), m.group(4)
    return clock_seconds(":".join(p for p in (h_or_m, m_or_s, s) if p is not None))


def _fill(builder: TextBuilder, line: str, number: int) -> None:
    """Append a line's visible text, recording a marker (seconds) where each stamp stood.
    Stamps are cut out before the generic markup stripping, which would drop anchors blindly."""
    pos = 0
    for m in _STAMP.finditer(line):
        builder.append(strip_inline(line[pos:m.start()]), number)
        builder.mark(_seconds(m))
        pos = m.end()
    builder.append(strip_inline(line[pos:]), number)


def _stamp_for(builder: TextBuilder, start: int, end: int, para_end: int, previous: int | None) -> int | None:
    """Seconds of the stamp locating the sentence text[start:end] of a paragraph ending at para_end."""
    inside = builder.marks_between(start, end)
    if inside:
        return inside[0]
    after = builder.first_mark_after(end, para_end)
    if after is not None:
        return after
    before = builder.marks_between(0, start)
    return before[-1] if before else previous


def parse(text: str, source: Source, label: str) -> list[Passage]:
    """Sentences of the note paragraphs; headings, the front matter and chrome are not passages."""
    meta, body, first_line = split_front_matter(text, label)
    video_id = meta.get("videoId") or meta.get("video_id")
    base = youtube_watch_url(str(video_id)) if video_id else source.url
    passages: list[Passage] = []
    previous: int | None = None
    number = 0
    for block in blocks(body, first_line):
        builder = TextBuilder()
        for line_no, line in block.lines:
            _fill(builder, line, line_no)
        end_of_para = len(builder.text)
        last = builder.last_mark_before(end_of_para)
        if not builder.text or is_chrome(builder.text):
            previous = last if last is not None else previous
            continue
        number += 1
        for s, e in sentence_spans(builder.text):
            seconds = _stamp_for(builder, s, e, end_of_para, previous)
            locator = hms(seconds) if seconds is not None else f"¶{number}"
            passages.append(Passage(source_id=source.id, index=0, text=builder.text[s:e], speaker=None,
                                    locator=locator, url=video_url(base, seconds), line=builder.line_at(s)))
        previous = last if last is not None else previous
    return passages
