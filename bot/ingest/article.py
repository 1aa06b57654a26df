"""Parser for news articles: a headline, page chrome, then body paragraphs numbered ¶1, ¶2, ...

Numbering matches what a reader counts: the headline (first block, its own passage) and short lines
without sentence punctuation ("Trending 1 month ago", a trailing "More" link) are not body paragraphs."""
from __future__ import annotations

from bot.errors import CorpusError
from bot.ingest.markup import blocks
from bot.ingest.paragraphs import paragraph_passages
from bot.ingest.types import Passage, Source


def parse(text: str, source: Source, label: str) -> list[Passage]:
    """The headline (locator "headline": it states the article's question) and the sentences of the
    body paragraphs with locator "¶N"."""
    found = blocks(text, headings_split=False)
    if len(found) < 2:
        raise CorpusError(label, "an article needs a headline and at least one body paragraph",
                          found[0].first_line if found else 1)
    passages = paragraph_passages(source, found[1:], line_text=str)
    if not passages:
        raise CorpusError(label, "article has no body paragraphs", found[1].first_line)
    head = found[0]
    headline = Passage(source_id=source.id, index=0, text=" ".join(line.strip() for _, line in head.lines),
                       locator="headline", url=source.url, line=head.first_line)
    return [headline, *passages]
