"""Paragraph-numbered passages ("¶N") shared by the article and plain parsers."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.ingest.markup import Block, is_chrome, strip_inline
from bot.ingest.sentences import sentence_spans
from bot.ingest.textbuild import TextBuilder
from bot.ingest.types import Passage, Source

_OPEN, _CLOSE, _STRAIGHT = "“", "”", '"'


def quote_depth_at(text: str, offset: int) -> int:
    """How many quotations are open at `offset` (straight quotes toggle, curly ones nest)."""
    depth, straight_open = 0, False
    for ch in text[:offset]:
        if ch == _STRAIGHT:
            straight_open = not straight_open
        elif ch == _OPEN:
            depth += 1
        elif ch == _CLOSE:
            depth = max(depth - 1, 0)
    return depth + int(straight_open)


def attributed_speaker(text: str, start: int, speaker: str | None) -> str | None:
    """The mapped speaker for a sentence of a paragraph: every sentence when the paragraph holds
    no quotation marks (a block quote), else only sentences that open or sit inside a quotation;
    the narration around quotations has no speaker."""
    if speaker is None:
        return None
    if not any(q in text for q in (_OPEN, _CLOSE, _STRAIGHT)):
        return speaker
    if text[start:start + 1] in (_OPEN, _STRAIGHT) or quote_depth_at(text, start) > 0:
        return speaker
    return None


def paragraph_passages(source: Source, blocks: Iterable[Block],
                       line_text: Callable[[str], str] = strip_inline) -> list[Passage]:
    """Sentence passages of body paragraphs numbered ¶1, ¶2, ...; chrome lines are skipped
    and not counted. `line_text` turns a file line into its visible text."""
    passages: list[Passage] = []
    number = 0
    for block in blocks:
        builder = TextBuilder()
        for line_no, line in block.lines:
            builder.append(line_text(line), line_no)
        if not builder.text or is_chrome(builder.text):
            continue
        number += 1
        locator = f"¶{number}"
        speaker = source.speaker_map.get(locator)
        for s, e in sentence_spans(builder.text):
            passages.append(Passage(source_id=source.id, index=0, text=builder.text[s:e],
                                    speaker=attributed_speaker(builder.text, s, speaker), locator=locator,
                                    url=source.url, line=builder.line_at(s)))
    return passages
