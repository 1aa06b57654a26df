"""The matcher: from one chat message to ranked arguments with quotes, counters and a trigger decision."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from bot.argmap.types import Argument, ArgumentMap, Quote
from bot.corpus import Corpus
from bot.ingest.types import Passage
from bot.match.argindex import ArgumentIndex
from bot.match.chatwords import ChatWords, WordReading, fits
from bot.match.counters import CounterPicker
from bot.match.embed import Embedder
from bot.match.english import EnglishFrequency
from bot.match.fusion import SIGN, Blend, fuse, side_first
from bot.match.claimgate import ClaimGate, features
from bot.match.gate import should_trigger
from bot.match.lexicon import Lexicon
from bot.match.links import LinkTable
from bot.match.normalize import Normalizer, Speller, clean
from bot.match.passages import PassageEvidence
from bot.match.polarity import StanceCues
from bot.match.questions import asking
from bot.match.semantic import SemanticFigures, SemanticIndex
from bot.match.sidepick import SidePicker, pick_side
from bot.match.sidewords import WordSides
from bot.match.rows import Query, QuoteLookup, Scored, Semantics
from bot.match.types import ArgumentMatch, CounterMatch, MatchResult
from bot.settings import Settings

MAX_QUOTES = 6
OWN_WEIGHT = 0.2  # coverage of the message by the argument's own claim, keywords and quotes
EVIDENCE_WEIGHT = 0.6  # coverage by the source passages the argument quotes (or adopted)
RANK_WEIGHT = 0.6  # BM25 over argument texts, as a share of the highest score the message's terms allow
PHRASE_BONUS, PHRASE_BONUS_MAX = 0.1, 0.2  # per multi-word keyword said verbatim
FULL_EVIDENCE_MASS = 6.0  # matched IDF mass (about two distinctive words) needed for full confidence
CURATED_QUOTE_BONUS = 0.15
EXTRA_QUOTE_MIN = 0.8  # a weakly linked passage joins a match's quotes only if nearly the best passage
WORD_CACHE_SIZE = 200_000
MIN_MATCH_SCORE = 0.15  # below this nothing fits: better no match than a random one
MIN_WORDLESS_SCORE = 0.4  # an argument sharing no word with the message must fit its meaning this well (keyboard mash reaches 0.36)
SIDE_CANDIDATES = 8  # arguments beyond the shown ones that may move up to put the message's side first
MAX_BATCH = 64  # messages scored together by match_many
BATCH_CELLS = 1_000_000  # ... and fewer when the corpus is large: a batch's arrays stay a few MB


class Matcher:
    """Indexes the corpus and argument map once; answers many messages."""

    def __init__(self, corpus: Corpus, settings: Settings, extra_arguments: Iterable[Argument] = (), *,
                 embedder: Embedder | None = None, cache_dir: Path | None = None):
        self.corpus = corpus
        self.semantic = SemanticIndex(embedder, cache_dir) if embedder is not None else None
        self.blend = Blend()
        self.gate = ClaimGate.load() if embedder is not None else None
        self.sides = SidePicker.load() if embedder is not None else None
        self.settings = settings
        self.lexicon = Lexicon.load(corpus.corpus_dir)
        self.norm = Normalizer(self.lexicon, settings.match_max_chars)
        self.cues = StanceCues.load(corpus.corpus_dir, self.norm.words)
        self.english = EnglishFrequency.load()
        self._word_weights: dict[str, tuple[str | None, float]] = {}
        self.passages: list[Passage] = list(corpus.passages)
        self._passage_vocab: set[str] = set()
        self._passage_terms: list[list[str]] = []
        for p in self.passages:
            words = self.norm.words(p.text)
            self._passage_vocab.update(words)
            self._passage_terms.append(self.norm.terms(words))
        self.evidence = PassageEvidence(self.passages, self._passage_terms)
        self._arguments: dict[str, Argument] = dict(corpus.argmap.arguments)
        for arg in extra_arguments:
            self._arguments[arg.id] = arg
        # fitted once (utterances are corpus data) and before the index, which then reuses the memory the fit let
        # go (after it, the process peaked 11 MB higher); words unspelt: utterances are ours and spelt right
        self.word_sides = (WordSides.fit_on_chat(corpus.chat, self._arguments, self.norm.words)
                           if self.semantic is not None else None)
        self._rebuild()

    def use_settings(self, settings: Settings) -> None:
        """Apply run-time settings (thresholds, message prefix) to a matcher built earlier."""
        self.settings = settings
        self.norm.max_chars = settings.match_max_chars

    # -- map maintenance -------------------------------------------------------------------
    @property
    def argmap(self) -> ArgumentMap:
        return self._map

    def add_argument(self, argument: Argument) -> None:
        self._arguments[argument.id] = argument
        self._rebuild()

    def remove_argument(self, argument_id: str) -> None:
        self._arguments.pop(argument_id, None)
        for arg_id, arg in list(self._arguments.items()):
            if argument_id in arg.counters:
                self._arguments[arg_id] = replace(arg, counters=tuple(c for c in arg.counters if c != argument_id))
        self._rebuild()

    def link(self, argument_id: str, counter_id: str) -> None:
        self.link_many([(argument_id, counter_id)])

    def link_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add counter links (B counters A); unknown ids are skipped; the index is rebuilt once."""
        changed = False
        for argument_id, counter_id in pairs:
            arg = self._arguments.get(argument_id)
            if arg is not None and counter_id in self._arguments and counter_id not in arg.counters:
                self._arguments[argument_id] = replace(arg, counters=(*arg.counters, counter_id))
                changed = True
        if changed:
            self._rebuild()

    def _rebuild(self) -> None:
        self.index = ArgumentIndex.build(list(self._arguments.values()), self.corpus, self.norm,
                                         self.passages, self._passage_terms)
        self._map = ArgumentMap(dict(self._arguments))
        self._positions = {arg.id: pos for pos, arg in enumerate(self.index.arguments)}
        self._links = LinkTable(self.index.links, self.evidence.position, len(self.index.arguments))
        # per argument: the passage each quote starts in, and the passages weakly linked to it (same-speaker
        # neighbours of its quotes, adopted passages) that may join its quotes when they fit a message,
        # even if a sibling argument quotes them: the sentence next to a point often states it best
        self._quote_lookup: list[QuoteLookup] = []
        for pos, keys in enumerate(self.index.quote_passages):
            where = [self.evidence.position.get(k, -1) if k else -1 for k in keys]
            linked, weights = self._links.of(pos)
            extra = linked[weights < 1.0].tolist()
            self._quote_lookup.append(QuoteLookup(np.array([max(w, 0) for w in where] + extra, dtype=np.int64),
                                                   [w >= 0 for w in where], extra))
        self._passage_quotes: dict[int, Quote] = {}
        self._counters = CounterPicker(self._map, self._positions)
        self._workspaces = np.array([a.workspace_id or "" for a in self.index.arguments], dtype=object)
        self._curated = self._workspaces == ""
        self._signs = np.array([SIGN[a.stance] for a in self.index.arguments])
        self._topics = np.array([a.topic for a in self.index.arguments])
        if self.semantic is not None:
            self.semantic.build(self.index.arguments, self.corpus.chat)
        self.chat_words = (ChatWords(self.word_sides, self.index.arguments, self.norm.words)
                           if self.word_sides is not None else None)
        self._phrase_args: dict[tuple[str, ...], list[int]] = {}
        self._phrase_lengths: dict[str, set[int]] = {}
        for pos, phrases in enumerate(self.index.phrases):
            for phrase in phrases:
                self._phrase_args.setdefault(phrase, []).append(pos)
                self._phrase_lengths.setdefault(phrase[0], set()).add(len(phrase))
        vocab = set(self._passage_vocab)
        for arg in self._arguments.values():
            vocab.update(self.norm.words(" ".join((arg.claim, *arg.keywords))))
        vocab.update(w for key in self.lexicon.synonyms for w in key)
        vocab.update(w for key in self.lexicon.topic_terms for w in key)
        self.norm.speller = Speller(vocab, self.english)

    # -- queries ------------------------------------------------------------------------------
    def query(self, text: str) -> Query:
        """The message's content terms, each weighted by corpus IDF times how unusual it is in everyday
        English: "infrastructure" is evidence, "store" or "deal" barely."""
        words = self.norm.words(text, spell=True)
        weights: dict[str, float] = {}
        for word in words:
            found = self._word_weights.get(word)
            if found is None:
                found = self._word_weight(word)
            term, weight = found
            if term is not None and weight > weights.get(term, 0.0):
                weights[term] = weight
        return Query(tuple(words), weights, sum(weights.values()), self.lexicon.topic_score(words))

    def _word_weight(self, word: str) -> tuple[str | None, float]:
        """(term, weight) of one word, remembered for the process's vocabulary."""
        terms = self.norm.terms([word])
        if not terms:
            found: tuple[str | None, float] = (None, 0.0)
        else:
            # words the lexicon lists as weak or medium topic words are ambiguous ("meta", "torrent")
            specificity = min(self.english.specificity(word), self.lexicon.ambiguity_cap(word))
            found = (terms[0], self.evidence.idf_of(terms[0]) * specificity)
        if len(self._word_weights) < WORD_CACHE_SIZE:
            self._word_weights[word] = found
        return found

    def match(self, text: str, *, limit: int = 3, workspace_id: str | None = None, topic: str | None = None,
              argument_ids: Collection[str] | None = None, boosts: Mapping[str, float] | None = None) -> MatchResult:
        return self.match_many([text], limit=limit, workspace_id=workspace_id, topic=topic,
                               argument_ids=argument_ids, boosts=boosts)[0]

    def match_many(self, texts: Sequence[str], *, limit: int = 3, workspace_id: str | None = None,
                   topic: str | None = None, argument_ids: Collection[str] | None = None,
                   boosts: Mapping[str, float] | None = None) -> list[MatchResult]:
        """`match` for several messages: the same answers, with the scoring done as one set of array
        operations per batch (array overhead, not arithmetic, is most of a message's cost)."""
        queries = [self.query(text) for text in texts]
        results = [MatchResult(text=text, trigger=False, matches=(), topic_score=q.topic)
                   for text, q in zip(texts, queries)]
        semantic = self.semantic
        live = ([i for i, q in enumerate(queries) if (q.words if semantic else q.weights)]
                if self.index.arguments else [])
        if not live:
            return results
        visible = self._visible(workspace_id, topic, argument_ids)
        step = max(1, min(MAX_BATCH, BATCH_CELLS // (2 * len(self.passages) + len(self.index.arguments) + 1)))
        for first in range(0, len(live), step):
            rows = live[first:first + step]
            batch = [queries[i] for i in rows]
            alone, window = self.evidence.evidence_many([(q.weights, q.mass) for q in batch])
            scored = self._score(batch, window, boosts)
            figures = semantic.figures(semantic.encode([self._plain(texts[i]) for i in rows])) if semantic else None
            words = [self.chat_words.read(q.words) for q in batch] if figures is not None else None
            score = scored.score if figures is None else self._boosted(
                fuse(scored.score, figures, self.blend, fits(words)), boosts)
            order = np.argsort(-np.where(visible, score, -1.0), axis=1, kind="stable")[:, :limit + SIDE_CANDIDATES]
            for row, i in enumerate(rows):
                results[i] = self._result(texts[i], batch[row], alone[row], score[row], scored.own[row],
                                          order[row].tolist(), visible, workspace_id, limit,
                                          figures and Semantics(figures, row, scored.score[row], words[row]))
        return results

    def score_parts(self, texts: Sequence[str]) -> tuple[np.ndarray, SemanticFigures | None, list[Query],
                                                          list[WordReading]]:
        """The word scores (messages x argument positions), embedding figures and chat-word readings that
        `match_many` blends, with the queries; for calibration scripts and diagnostics."""
        queries = [self.query(text) for text in texts]
        _, window = self.evidence.evidence_many([(q.weights, q.mass) for q in queries])
        lexical = self._score(queries, window, None).score
        figures = self.semantic.figures(self.semantic.encode([self._plain(t) for t in texts])) if self.semantic else None
        words = [self.chat_words.read(q.words) for q in queries] if self.chat_words is not None else []
        return lexical, figures, queries, words

    def _result(self, text: str, q: Query, alone: np.ndarray, score: np.ndarray, own: np.ndarray,
                order: list[int], visible: np.ndarray, workspace_id: str | None, limit: int,
                sem: Semantics | None) -> MatchResult:
        """One message's answer from its row of the batch's figures."""
        ranked = [p for p in order if visible[p] and score[p] >= MIN_MATCH_SCORE
                  and (sem is None or sem.lexical[p] > 0 or score[p] >= MIN_WORDLESS_SCORE)]
        side, confident = "neutral", False
        if sem is not None:
            side, confident, ranked = self._decide(text, q, score, ranked, visible, sem)
        else:
            cue = self.cues.lean(q.words, text)
            if cue:
                side = "open" if cue > 0 else "closed"
                ranked = side_first(ranked, score, self._signs, side, self.blend.cue_slack)
        ranked = ranked[:limit]
        if not ranked:
            side = "neutral"
        matches = []
        floor = EXTRA_QUOTE_MIN * float(alone.max())
        for pos in ranked:
            arg = self.index.arguments[pos]
            quotes = self._quotes_for(pos, alone, floor)
            counters = self._counters.pick(arg, quotes[0] if quotes else None, workspace_id, own)
            matches.append(ArgumentMatch(argument=arg, score=float(score[pos]), quotes=tuple(quotes),
                                         counters=tuple(counters)))
        if sem is None:  # words only: the lexical gate; the side of the cues, else of the best match
            confident = bool(ranked) and should_trigger(q.topic, matches[0].score, self._matched_terms(q, ranked[0]),
                                                        self.settings)
            if side == "neutral":
                side = next((m.argument.stance for m in matches if m.argument.stance != "mixed"), "neutral")
        return MatchResult(text=text, trigger=confident, matches=tuple(matches), topic_score=q.topic, side=side)

    def _plain(self, text: str) -> str:
        """What the embedding model reads: the message's bounded prefix without mentions, links and markup."""
        return clean(text, self.norm.max_chars)

    def _decide(self, text: str, q: Query, score: np.ndarray, ranked: list[int], visible: np.ndarray,
                sem: Semantics) -> tuple[str, bool, list[int]]:
        """With embeddings: the message's side, the order with its side first, and whether the learned gate
        is confident the first argument is the message's point."""
        fig, row = sem.figures, sem.row
        cue = self.cues.lean(q.words, text)
        asks = asking(text)
        side, lean = pick_side(self.sides, np.where(visible, score, 0.0), float(fig.side[row]), self._signs,
                               self.blend, cue, asks, ranked[0] if ranked else None,
                               self.chat_words.side_words(sem.words, score, visible, self.blend.utter_words))
        ranked = side_first(ranked, score, self._signs, side, self.blend.cue_slack if cue else self.blend.side_slack)
        if not ranked:
            return side, False, ranked
        x = features(text, asks.question, score, ranked, sem.lexical, visible, float(fig.utter[row].max()),
                     float(fig.not_claim[row]), q.topic, lean, self._topics)
        if self.gate is None:
            confident = should_trigger(q.topic, float(score[ranked[0]]), self._matched_terms(q, ranked[0]),
                                       self.settings)
        else:
            confident = self.gate.posts(x, self.settings.trigger_min_probability)
        return side, confident, ranked

    def _score(self, batch: Sequence[Query], window: np.ndarray, boosts: Mapping[str, float] | None) -> Scored:
        """Calibrated [0, 1] score of every argument for each message (messages x arguments)."""
        bm25, present = self.index.bm25.score_and_presence_many([q.weights for q in batch])
        mass = np.array([max(q.mass, 1e-9) for q in batch])[:, None]
        own = present / mass
        ceiling = np.array([self.index.bm25.ceiling(q.weights) for q in batch])[:, None]
        rank = np.divide(bm25, ceiling, out=np.zeros_like(bm25), where=ceiling > 0)
        evidence = self._links.evidence(window)
        phrases = np.zeros_like(bm25)
        for row, q in enumerate(batch):
            for gram in self._keyword_phrases_in(q.words):
                for pos in self._phrase_args[gram]:
                    phrases[row, pos] = min(PHRASE_BONUS_MAX, phrases[row, pos] + PHRASE_BONUS)
        raw = OWN_WEIGHT * own + EVIDENCE_WEIGHT * evidence + RANK_WEIGHT * rank + phrases
        # thin evidence (one everyday word explaining a one-word message) is not confidence
        thin = np.minimum(1.0, np.maximum(own, evidence) * mass / FULL_EVIDENCE_MASS)
        score = raw * thin
        if self.semantic is None:
            score = self._boosted(score, boosts)
        return Scored(score=np.minimum(1.0, score), own=own)

    def _boosted(self, score: np.ndarray, boosts: Mapping[str, float] | None) -> np.ndarray:
        """Scores with workspace feedback applied (a factor per argument)."""
        if boosts:
            for arg_id, factor in boosts.items():
                pos = self._positions.get(arg_id)
                if pos is not None:
                    score[:, pos] *= factor
        return np.minimum(1.0, score)

    def _visible(self, workspace_id: str | None, topic: str | None, argument_ids: Collection[str] | None) -> np.ndarray:
        if workspace_id is None and topic is None and argument_ids is None:
            return self._curated
        visible = (self._workspaces == "") | (self._workspaces == (workspace_id or ""))
        if topic is not None or argument_ids is not None:
            keep = np.array([(topic is None or a.topic == topic) and (argument_ids is None or a.id in argument_ids)
                             for a in self.index.arguments], dtype=bool)
            visible &= keep
        return visible

    def _keyword_phrases_in(self, words: tuple[str, ...]) -> set[tuple[str, ...]]:
        """The multi-word keywords said in the message."""
        found = set()
        for i, word in enumerate(words):
            for size in self._phrase_lengths.get(word, ()):
                gram = words[i:i + size]
                if gram in self._phrase_args:
                    found.add(gram)
        return found

    def _matched_terms(self, q: Query, pos: int) -> int:
        return sum(1 for t in q.weights if t in self.index.term_sets[pos])

    def _quotes_for(self, pos: int, alone: np.ndarray, floor: float) -> list[Quote]:
        """The argument's quotes, those nearest this message first, plus passages weakly linked to it
        that explain the message nearly as well as the best passage does (`floor`)."""
        arg = self.index.arguments[pos]
        lookup = self._quote_lookup[pos]
        values = alone[lookup.fetch].tolist() if len(alone) else [0.0] * len(lookup.fetch)
        scored = [((value if found else 0.0) + CURATED_QUOTE_BONUS, -n, quote)
                  for n, (value, found, quote) in enumerate(zip(values, lookup.found, arg.quotes))]
        if lookup.extra and floor > 0:
            extra = sorted(((v, i) for v, i in zip(values[len(lookup.found):], lookup.extra) if v >= floor),
                           key=lambda vi: -vi[0])
            for value, i in extra[:MAX_QUOTES]:
                scored.append((value, -len(scored), self._passage_quote(i)))
        scored.sort(key=lambda s: (-s[0], -s[1]))
        return [q for _, _, q in scored[:MAX_QUOTES]]

    def _passage_quote(self, i: int) -> Quote:
        found = self._passage_quotes.get(i)
        if found is None:
            found = self._passage_quotes[i] = self.corpus.quote_of_passage(self.passages[i])
        return found

    # -- helpers for commands -----------------------------------------------------------------
    def counters_for(self, text: str, *, limit: int = 3, workspace_id: str | None = None,
                     boosts: Mapping[str, float] | None = None) -> list[CounterMatch]:
        """Only the other side: the counters of the best matches, each argument once, best match first."""
        result = self.match(text, limit=limit, workspace_id=workspace_id, boosts=boosts)
        matches = result.matches
        # lower matches from the other side are arguments the message attacks: their counters would agree
        side = result.side if result.side != "neutral" else "mixed"
        seen: set[str] = set()
        out: list[CounterMatch] = []
        for match in matches:
            if side != "mixed" and match.argument.stance not in (side, "mixed"):
                continue
            for counter in match.counters:
                if counter.argument.id not in seen and counter.argument.stance != side:
                    seen.add(counter.argument.id)
                    out.append(counter)
        return out[:limit]

    def search_passages(self, text: str, *, limit: int = 5) -> list[tuple[Passage, float]]:
        q = self.query(text)
        return [(self.passages[i], round(c, 4)) for i, c in self.evidence.best(q.weights, q.mass, limit)]

    def quote_for(self, passage: Passage) -> Quote:
        return self.corpus.quote_of_passage(passage)

    def position_of(self, argument_id: str) -> int | None:
        return self._positions.get(argument_id)

    def spelled(self, text: str) -> str:
        """The message's words as the matcher reads them: cleaned, typo-corrected, synonyms rewritten."""
        return " ".join(self.norm.words(text, spell=True))

    def fuzzy_contains(self, hay: str, phrase: str, threshold: float = 85) -> bool:
        """Whether a message (`hay`, from `spelled`) contains `phrase`, tolerating typos (rapidfuzz partial
        ratio on clean words)."""
        needle = " ".join(self.norm.words(phrase))
        if not needle or not hay:
            return False
        return needle in hay.split() or fuzz.partial_ratio(needle, hay) >= threshold


