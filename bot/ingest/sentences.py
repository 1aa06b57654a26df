"""Sentence splitting into quotable spans: abbreviation-aware, run-ons split, fragments merged."""
from __future__ import annotations

import re

MAX_WORDS = 60  # a longer sentence is split at a clause boundary
MIN_WORDS = 4  # a shorter one ("But.", "Probably not.") is merged with a neighbour
MIN_PIECE_WORDS = 8  # never split a run-on into a piece shorter than this

# Words that end with a period without ending a sentence (lowercase, with the final period).
ABBREVIATIONS = frozenset({
    "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "v.", "cf.", "no.", "fig.",
    "approx.", "inc.", "ltd.", "co.", "corp.", "gen.", "gov.", "sen.", "rep.", "rev.", "mt.",
})
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+$")  # e.g. i.e. U.S. P.
# Sentence-final punctuation, optional closing quotes/brackets, whitespace, then a capital
# letter (optionally behind an opening quote or bracket).
_BOUNDARY = re.compile(r"(?:[.!?]+|…)[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z])")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_CLAUSE = re.compile(r"(?:;|,(?= (?:and|but|so|because|which|whereas|while) )| —| –)(?= )")
_COMMA = re.compile(r",(?= )")
_LEADS_ON = re.compile(r"^[\"“‘']?(?:but|and|so|or|because|well|then|like)\b", re.IGNORECASE)
_TRAILS_OFF = re.compile(r"(?:\.\.\.|…|,|—|-)[\"”’']?$")


def word_count(text: str) -> int:
    """Number of words (apostrophe contractions count once)."""
    return len(_WORD.findall(text))


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the period at `dot` part of an abbreviation or an initial rather than a full stop?"""
    if text[dot] != ".":
        return False
    if dot + 1 < len(text) and text[dot + 1] == ".":
        return False  # an ellipsis
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"“‘":
        start -= 1
    word = text[start:dot + 1]
    return word.lower() in ABBREVIATIONS or bool(_INITIALS.match(word))


def _raw_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] by punctuation alone."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        first = m.start()
        if _is_abbreviation(text, first) and m.end() == first + 1:
            continue
        spans.append((pos, m.end()))
        pos = m.end()
        while pos < end and text[pos].isspace():
            pos += 1
    if pos < end:
        spans.append((pos, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _best_cut(text: str, start: int, end: int, boundary: re.Pattern[str]) -> int | None:
    """The boundary nearest the middle of text[start:end] leaving both pieces long enough."""
    total = word_count(text[start:end])
    best: tuple[float, int] | None = None
    for m in boundary.finditer(text, start, end):
        cut = m.end()
        left, right = word_count(text[start:cut]), word_count(text[cut:end])
        if left < MIN_PIECE_WORDS or right < MIN_PIECE_WORDS:
            continue
        distance = abs(left - total / 2)
        if best is None or distance < best[0]:
            best = (distance, cut)
    return best[1] if best else None


def _split_long(text: str, span: tuple[int, int], max_words: int) -> list[tuple[int, int]]:
    """Split a run-on sentence at the clause boundary (else any comma) nearest its middle, recursively."""
    start, end = span
    if word_count(text[start:end]) <= max_words:
        return [span]
    cut = _best_cut(text, start, end, _CLAUSE)
    if cut is None:
        cut = _best_cut(text, start, end, _COMMA)
    if cut is None:
        return [span]
    return _split_long(text, _trim(text, start, cut), max_words) + _split_long(text, _trim(text, cut, end), max_words)


def _merge_fragments(text: str, spans: list[tuple[int, int]], min_words: int) -> list[tuple[int, int]]:
    """Join fragments shorter than `min_words` to the previous sentence, or to the next one
    when the fragment leads on ("But.", "Because...") or nothing precedes it."""
    result: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for span in spans:
        if pending is not None:
            span, pending = (pending[0], span[1]), None
        piece = text[span[0]:span[1]]
        if word_count(piece) >= min_words:
            result.append(span)
        elif not result or _LEADS_ON.match(piece) or _TRAILS_OFF.search(piece):
            pending = span
        else:
            result[-1] = (result[-1][0], span[1])
    if pending is not None:
        if result and word_count(text[pending[0]:pending[1]]) < min_words:
            result[-1] = (result[-1][0], pending[1])
        else:
            result.append(pending)
    return result


def sentence_spans(text: str, start: int = 0, end: int | None = None, *, max_words: int = MAX_WORDS,
                   min_words: int = MIN_WORDS) -> list[tuple[int, int]]:
    """(start, end) offsets of the quotable sentences of text[start:end], in order."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for span in _raw_spans(text, start, end):
        spans.extend(_split_long(text, span, max_words))
    return _merge_fragments(text, spans, min_words)


def split_sentences(text: str, **limits: int) -> list[str]:
    """The quotable sentences of `text`."""
    return [text[s:e] for s, e in sentence_spans(text, **limits)]
