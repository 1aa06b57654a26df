"""Argument-side index: each argument's terms, keyword phrases and the passages its quotes cover."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.argmap.types import Argument
from bot.corpus import Corpus
from bot.ingest.types import Passage
from bot.match.bm25 import BM25Index
from bot.match.normalize import Normalizer
from bot.textnorm import locate_quote

CLAIM_WEIGHT = 2.0
KEYWORD_WEIGHT = 2.0
QUOTE_WEIGHT = 1.0
CONTEXT_WEIGHT = 0.5  # a passage next to a quoted one, same speaker: weaker evidence
CONTEXT_RADIUS = 1
ADOPT_WEIGHT = 0.45  # an uncurated passage that clearly belongs to one argument
ADOPT_MIN_TERMS = 3
ADOPT_MIN_COVERAGE = 0.5
ADOPT_MARGIN = 1.25

PassageKey = tuple[str, int]


@dataclass(slots=True)
class ArgumentIndex:
    """Everything the matcher needs about the arguments, rebuilt whenever the map changes."""

    arguments: list[Argument]
    bm25: BM25Index
    term_sets: list[frozenset[str]]
    phrases: list[frozenset[tuple[str, ...]]]  # multi-word keyword phrases, rewritten words
    links: dict[PassageKey, list[tuple[int, float]]]  # passage -> (argument position, weight)
    quote_passages: list[list[PassageKey | None]]  # per argument, per quote: the passage it starts in

    @classmethod
    def build(cls, arguments: list[Argument], corpus: Corpus, norm: Normalizer,
              passages: list[Passage], passage_terms: list[list[str]]) -> "ArgumentIndex":
        docs: list[dict[str, float]] = []
        phrases: list[frozenset[tuple[str, ...]]] = []
        links: dict[PassageKey, list[tuple[int, float]]] = {}
        quote_passages: list[list[PassageKey | None]] = []
        for pos, arg in enumerate(arguments):
            weights: Counter[str] = Counter()
            for term in norm.text_terms(arg.claim):
                weights[term] += CLAIM_WEIGHT
            kw_phrases = set()
            for keyword in arg.keywords:
                words = norm.words(keyword)
                if len(words) > 1:
                    kw_phrases.add(tuple(words))
                for term in set(norm.terms(words)):
                    weights[term] = max(weights[term], KEYWORD_WEIGHT) + 0.25
            for term in norm.text_terms(arg.topic.replace("-", " ")):
                weights[term] += 0.5
            keys: list[PassageKey | None] = []
            for quote in arg.quotes:
                for term in norm.text_terms(quote.text):
                    weights[term] += QUOTE_WEIGHT
                covered = _covered_passages(corpus, quote.source_id, quote.original_text or quote.text)
                keys.append(covered[0] if covered else None)
                for key in covered:
                    _link(links, key, pos, 1.0)
                for key in _context(corpus, covered):
                    _link(links, key, pos, CONTEXT_WEIGHT)
            docs.append(dict(weights))
            phrases.append(frozenset(kw_phrases))
            quote_passages.append(keys)
        index = cls(arguments=arguments, bm25=BM25Index(docs, k1=1.2, b=0.5),
                    term_sets=[frozenset(d) for d in docs], phrases=phrases, links=links,
                    quote_passages=quote_passages)
        index.adopt(passages, passage_terms)
        return index

    def adopt(self, passages: list[Passage], passage_terms: list[list[str]]) -> None:
        """Link every uncurated passage to the argument it clearly belongs to, as weak evidence,
        so that any sentence of the sources can surface under the argument it supports."""
        for passage, terms in zip(passages, passage_terms):
            key = (passage.source_id, passage.index)
            if key in self.links or len(set(terms)) < ADOPT_MIN_TERMS:
                continue
            best = self.bm25.top(terms, 2)
            if not best:
                continue
            pos, score = best[0]
            runner_up = best[1][1] if len(best) > 1 else 0.0
            covered = sum(1 for t in set(terms) if t in self.term_sets[pos]) / len(set(terms))
            if covered >= ADOPT_MIN_COVERAGE and score >= ADOPT_MARGIN * runner_up:
                self.links[key] = [(pos, ADOPT_WEIGHT)]


def _link(links: dict[PassageKey, list[tuple[int, float]]], key: PassageKey, pos: int, weight: float) -> None:
    entries = links.setdefault(key, [])
    for i, (p, w) in enumerate(entries):
        if p == pos:
            entries[i] = (p, max(w, weight))
            return
    entries.append((pos, weight))


def _covered_passages(corpus: Corpus, source_id: str, text: str) -> list[PassageKey]:
    index = corpus.indexes.get(source_id)
    if index is None:
        return []
    span = locate_quote(index.tokens, text)
    if span is None:
        return []
    return [(p.source_id, p.index) for p in index.passages_covering(*span)]


def _context(corpus: Corpus, covered: list[PassageKey]) -> list[PassageKey]:
    """Neighbouring passages by the same speaker: a point often continues a sentence or two."""
    out: list[PassageKey] = []
    for source_id, idx in covered:
        passages: list[Passage] = corpus.indexes[source_id].passages
        by_index = {p.index: p for p in passages}
        here = by_index.get(idx)
        for delta in range(-CONTEXT_RADIUS, CONTEXT_RADIUS + 1):
            other = by_index.get(idx + delta)
            if delta and other is not None and here is not None and other.speaker == here.speaker:
                key = (source_id, other.index)
                if key not in covered:
                    out.append(key)
    return out
