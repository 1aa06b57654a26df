"""A source document as blocks of passages, with one quote's words marked where they stand."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.argmap.types import Quote
from bot.corpus import SourceIndex
from bot.ingest.types import Passage
from bot.textnorm import locate_quote, tokens
from bot.weblinks import passage_anchor

_TOKEN = re.compile(r"[a-z0-9]+")
_APOSTROPHES = "'\u2018\u2019"
NEAR = 2  # passages either side of a quote shown as its context


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a passage's text, marked when it is part of the quote."""

    text: str
    marked: bool = False


@dataclass(frozen=True, slots=True)
class PassageView:
    passage: Passage
    pieces: tuple[Piece, ...]  # the text shown (restored when the source was reworded)
    original: tuple[Piece, ...]  # the verbatim words of a restored passage, else ()
    quoted: bool = False
    near: bool = False  # within NEAR passages of the quote

    @property
    def anchor(self) -> str:
        return passage_anchor(self.passage.index)


@dataclass(frozen=True, slots=True)
class Block:
    """Consecutive passages with one speaker and locator, shown as one paragraph."""

    speaker: str | None
    locator: str | None
    passages: tuple[PassageView, ...]

    @property
    def anchor(self) -> str:
        return self.passages[0].anchor

    @property
    def quoted(self) -> bool:
        return any(p.quoted for p in self.passages)

    @property
    def restored(self) -> bool:
        return any(p.original for p in self.passages)


def quote_span(index: SourceIndex, quote: Quote) -> tuple[int, int] | None:
    """The quote's token span in its source (its verbatim words), or None."""
    if quote.moderator_supplied or quote.source_id != index.source.id:
        return None
    return locate_quote(index.tokens, quote.original_text or quote.text)


def quote_passages(index: SourceIndex, quote: Quote) -> list[Passage]:
    span = quote_span(index, quote)
    return index.passages_covering(*span) if span else []


def token_spans(text: str) -> list[tuple[int, int]] | None:
    """Character span of each of `tokens(text)`, or None when they cannot be matched up."""
    kept: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES:
            continue  # tokens() joins words across apostrophes: don't -> dont
        low = ch.lower()
        kept.append(low if len(low) == 1 else ch)
        where.append(i)
    flat = "".join(kept)
    found = list(_TOKEN.finditer(flat))
    if [m.group() for m in found] != tokens(text):
        return None
    return [(where[m.start()], where[m.end() - 1] + 1) for m in found]


def _cut(text: str, first: int, last: int) -> tuple[Piece, ...]:
    """`text` with tokens first..last-1 marked (all of it when the tokens cannot be found)."""
    spans = token_spans(text)
    if spans is None or not 0 <= first < last <= len(spans):
        return (Piece(text, True),)
    start, end = spans[first][0], spans[last - 1][1]
    return tuple(p for p in (Piece(text[:start]), Piece(text[start:end], True), Piece(text[end:])) if p.text)


def _view(index: SourceIndex, i: int, span: tuple[int, int] | None, near: set[int]) -> PassageView:
    passage = index.passages[i]
    plain = (Piece(passage.text),)
    original = (Piece(passage.original_text),) if passage.original_text is not None else ()
    start, end = index.starts[i], index.ends[i]
    if span is None or span[1] <= start or span[0] >= end:
        return PassageView(passage, plain, original, near=passage.index in near)
    first, last = max(span[0], start) - start, min(span[1], end) - start
    if passage.original_text is None:
        return PassageView(passage, _cut(passage.text, first, last), (), quoted=True)
    # restored words need not line up with the verbatim ones: mark the whole reading, the exact verbatim words
    return PassageView(passage, (Piece(passage.text, True),), _cut(passage.original_text, first, last), quoted=True)


def source_blocks(index: SourceIndex, quote: Quote | None = None) -> list[Block]:
    """The source's passages in order, grouped into blocks, with `quote` (if any) marked."""
    span = quote_span(index, quote) if quote is not None else None
    quoted = {p.index for p in index.passages_covering(*span)} if span else set()
    near = {i + d for i in quoted for d in range(-NEAR, NEAR + 1)} - quoted
    blocks: list[Block] = []
    current: list[PassageView] = []
    for i, passage in enumerate(index.passages):
        view = _view(index, i, span, near)
        if current and (current[-1].passage.speaker, current[-1].passage.locator) != (passage.speaker,
                                                                                      passage.locator):
            blocks.append(_block(current))
            current = []
        current.append(view)
    if current:
        blocks.append(_block(current))
    return blocks


def _block(views: list[PassageView]) -> Block:
    first = views[0].passage
    return Block(first.speaker, first.locator, tuple(views))
