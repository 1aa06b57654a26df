"""Parser for plain text or markdown documents a moderator adds: paragraphs -> sentences, "¶N".

Front matter and `#` headings are not passages; list items and block quotes are paragraphs of
their own; inline markdown (`**`, `*`, `` ` ``, `[text](url)`), wiki links and html are reduced
to their text."""
from __future__ import annotations

import re

from bot.ingest.frontmatter import split_front_matter
from bot.ingest.markup import Block, blocks, strip_inline
from bot.ingest.paragraphs import paragraph_passages
from bot.ingest.types import Passage, Source

LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|>+)\s+")
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")


def _split_lists(block: Block) -> list[Block]:
    """A list item or quote line starts a paragraph of its own."""
    out: list[list[tuple[int, str]]] = []
    for number, line in block.lines:
        if RULE.match(line):
            continue
        if LIST_MARK.match(line) or not out:
            out.append([(number, line)])
        else:
            out[-1].append((number, line))
    return [Block(tuple(lines)) for lines in out if lines]


def _visible(line: str) -> str:
    return strip_inline(LIST_MARK.sub("", line, count=1))


def parse(text: str, source: Source, label: str) -> list[Passage]:
    """Sentences of the document's paragraphs, located "¶N"."""
    _, body, first_line = split_front_matter(text, label)
    split = [part for block in blocks(body, first_line) for part in _split_lists(block)]
    return paragraph_passages(source, split, line_text=_visible)
