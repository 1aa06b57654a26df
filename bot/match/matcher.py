"""The matcher: from one chat message to ranked arguments with quotes, counters and a trigger decision."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from bot.argmap.types import Argument, ArgumentMap, Quote
from bot.corpus import Corpus
from bot.ingest.types import Passage
from bot.match.argindex import ArgumentIndex
from bot.match.bm25 import BM25Index
from bot.match.counters import pick_counters
from bot.match.english import EnglishFrequency
from bot.match.gate import should_trigger
from bot.match.lexicon import Lexicon
from bot.match.normalize import Normalizer, Speller
from bot.match.types import ArgumentMatch, MatchResult
from bot.settings import Settings

PASSAGE_CANDIDATES = 40
MAX_QUOTES = 6
WINDOW_DISCOUNT = 0.85
OWN_WEIGHT = 0.2  # coverage of the message by the argument's own claim, keywords and quotes
EVIDENCE_WEIGHT = 0.6  # coverage by the source passages the argument quotes (or adopted)
RANK_WEIGHT = 0.6  # BM25 over argument texts, as a share of the highest score the message's terms allow
EXTRA_QUOTE_MIN = 0.8  # an uncurated passage joins a match's quotes only if nearly the best passage
FULL_EVIDENCE_MASS = 6.0  # IDF mass (about two distinctive words) needed for full confidence


@dataclass(frozen=True, slots=True)
class Query:
    """A message reduced to what matching needs."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    weights: dict[str, float]  # term -> idf
    mass: float
    topic: float


class Matcher:
    """Indexes the corpus and argument map once; answers many messages."""

    def __init__(self, corpus: Corpus, settings: Settings, extra_arguments: Iterable[Argument] = ()):
        self.corpus = corpus
        self.settings = settings
        self.lexicon = Lexicon.load(corpus.corpus_dir)
        self.norm = Normalizer(self.lexicon, settings.match_max_chars)
        self.english = EnglishFrequency.load()
        self.passages: list[Passage] = list(corpus.passages)
        self._passage_pos = {(p.source_id, p.index): i for i, p in enumerate(self.passages)}
        passage_terms = [self.norm.text_terms(p.text) for p in self.passages]
        self._passage_terms = passage_terms
        self._passage_sets = [frozenset(t) for t in passage_terms]
        self.passage_index = BM25Index([_counts(t) for t in passage_terms])
        window_terms = _windows(self.passages, passage_terms)
        self._window_sets = [frozenset(t) for t in window_terms]
        self.window_index = BM25Index([_counts(t) for t in window_terms])
        self._arguments: dict[str, Argument] = dict(corpus.argmap.arguments)
        for arg in extra_arguments:
            self._arguments[arg.id] = arg
        self._rebuild()

    # -- map maintenance -------------------------------------------------------------------
    @property
    def argmap(self) -> ArgumentMap:
        return ArgumentMap(dict(self._arguments))

    def add_argument(self, argument: Argument) -> None:
        self._arguments[argument.id] = argument
        self._rebuild()

    def remove_argument(self, argument_id: str) -> None:
        self._arguments.pop(argument_id, None)
        for arg_id, arg in list(self._arguments.items()):
            if argument_id in arg.counters:
                self._arguments[arg_id] = _with_counters(arg, tuple(c for c in arg.counters if c != argument_id))
        self._rebuild()

    def link(self, argument_id: str, counter_id: str) -> None:
        arg = self._arguments[argument_id]
        if counter_id not in arg.counters:
            self._arguments[argument_id] = _with_counters(arg, (*arg.counters, counter_id))
            self._rebuild()

    def _rebuild(self) -> None:
        self.index = ArgumentIndex.build(list(self._arguments.values()), self.corpus, self.norm,
                                        self.passages, self._passage_terms)
        self._map = ArgumentMap(dict(self._arguments))
        self._positions = {arg.id: pos for pos, arg in enumerate(self.index.arguments)}
        vocab = {w for p in self.passages for w in self.norm.words(p.text)}
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
            for term in self.norm.terms([word]):
                weight = self.passage_index.idf_of(term) * self.english.specificity(word)
                weights[term] = max(weights.get(term, 0.0), weight)
        return Query(tuple(words), tuple(weights), weights, sum(weights.values()), self.lexicon.topic_score(words))

    def _coverage(self, q: Query, term_set: frozenset[str]) -> float:
        """Share of the message's IDF mass that `term_set` explains."""
        if not q.mass:
            return 0.0
        return self._mass(q, term_set) / q.mass

    @staticmethod
    def _mass(q: Query, term_set: frozenset[str]) -> float:
        return sum(w for t, w in q.weights.items() if t in term_set)

    def match(self, text: str, *, limit: int = 3, workspace_id: str | None = None, topic: str | None = None,
              argument_ids: Collection[str] | None = None, boosts: Mapping[str, float] | None = None) -> MatchResult:
        q = self.query(text)
        if not q.terms:
            return MatchResult(text=text, trigger=False, matches=(), topic_score=q.topic)
        passage_cov, window_cov = self._passage_evidence(q)
        ranked = self._rank(q, window_cov, workspace_id, topic, argument_ids, boosts)
        matches = []
        for pos, score in ranked[:limit]:
            arg = self.index.arguments[pos]
            quotes = self._quotes_for(pos, passage_cov)
            counters = pick_counters(self, q, arg, quotes[0] if quotes else None, workspace_id)
            matches.append(ArgumentMatch(argument=arg, score=score, quotes=tuple(quotes), counters=tuple(counters)))
        trigger = bool(matches) and should_trigger(q.topic, matches[0].score, self._matched_terms(q, ranked[0][0]),
                                                   self.settings)
        return MatchResult(text=text, trigger=trigger, matches=tuple(matches), topic_score=q.topic)

    def _matched_terms(self, q: Query, pos: int) -> int:
        return sum(1 for t in q.terms if t in self.index.term_sets[pos])

    def argument_scores(self, q: Query, positions: Iterable[int]) -> dict[int, float]:
        """Coverage of the message by each given argument's own text (claim, keywords, quotes)."""
        return {pos: self._coverage(q, self.index.term_sets[pos]) for pos in positions}

    def _passage_evidence(self, q: Query) -> tuple[dict[int, float], dict[int, float]]:
        """How well the best passages explain the message, by passage position: (the passage alone,
        the passage with its neighbours by the same speaker, discounted), since a point often spans sentences."""
        alone = {i: self._coverage(q, self._passage_sets[i]) for i, _ in self.passage_index.top(q.terms, PASSAGE_CANDIDATES)}
        window = dict(alone)
        for i, _ in self.window_index.top(q.terms, PASSAGE_CANDIDATES):
            window[i] = max(window.get(i, 0.0), WINDOW_DISCOUNT * self._coverage(q, self._window_sets[i]))
        return alone, window

    def _visible(self, arg: Argument, workspace_id: str | None, topic: str | None,
                 argument_ids: Collection[str] | None) -> bool:
        if arg.workspace_id is not None and arg.workspace_id != workspace_id:
            return False
        if argument_ids is not None and arg.id not in argument_ids:
            return False
        return topic is None or arg.topic == topic

    def _rank(self, q: Query, passage_cov: dict[int, float], workspace_id: str | None, topic: str | None,
              argument_ids: Collection[str] | None, boosts: Mapping[str, float] | None) -> list[tuple[int, float]]:
        bm25 = self.index.bm25.scores(q.terms)
        ceiling = self.index.bm25.ceiling(q.terms)
        evidence: dict[int, float] = {}
        for i, cov in passage_cov.items():
            p = self.passages[i]
            for pos, weight in self.index.links.get((p.source_id, p.index), ()):
                evidence[pos] = max(evidence.get(pos, 0.0), cov * weight)
        qphrases = _ngrams(q.words, 4)
        ranked = []
        for pos, arg in enumerate(self.index.arguments):
            if not self._visible(arg, workspace_id, topic, argument_ids):
                continue
            own = self._coverage(q, self.index.term_sets[pos])
            if own <= 0 and pos not in evidence:
                continue
            phrase_bonus = min(0.2, 0.1 * len(self.index.phrases[pos] & qphrases))
            rank_bonus = RANK_WEIGHT * (float(bm25[pos]) / ceiling) if ceiling > 0 else 0.0
            raw = OWN_WEIGHT * own + EVIDENCE_WEIGHT * evidence.get(pos, 0.0) + phrase_bonus + rank_bonus
            # thin evidence (one everyday word explains a one-word message) is not confidence
            matched = max(own, evidence.get(pos, 0.0)) * q.mass
            score = raw * min(1.0, matched / FULL_EVIDENCE_MASS)
            if boosts:
                score *= boosts.get(arg.id, 1.0)
            ranked.append((pos, min(1.0, score)))
        ranked.sort(key=lambda item: -item[1])
        return ranked

    def _quotes_for(self, pos: int, passage_cov: dict[int, float]) -> list[Quote]:
        """The argument's quotes, the ones nearest this message first, plus a strongly matching neighbour."""
        arg = self.index.arguments[pos]
        scored: list[tuple[float, int, Quote]] = []
        for n, (quote, key) in enumerate(zip(arg.quotes, self.index.quote_passages[pos])):
            cov = passage_cov.get(self._passage_pos.get(key, -1), 0.0) if key else 0.0
            scored.append((cov + 0.15, -n, quote))
        own = {k for k in self.index.quote_passages[pos] if k}
        floor = EXTRA_QUOTE_MIN * max(passage_cov.values(), default=0.0)
        for i, cov in passage_cov.items():
            p = self.passages[i]
            key = (p.source_id, p.index)
            if key in own:
                continue
            for link_pos, weight in self.index.links.get(key, ()):
                if link_pos == pos and weight < 1.0 and cov >= floor:
                    scored.append((cov, -99, self.corpus.quote_of_passage(p)))
        scored.sort(key=lambda s: (-s[0], -s[1]))
        return [q for _, _, q in scored[:MAX_QUOTES]]

    def search_passages(self, text: str, *, limit: int = 5) -> list[tuple[Passage, float]]:
        q = self.query(text)
        if not q.terms:
            return []
        cov, _ = self._passage_evidence(q)
        best = sorted(cov.items(), key=lambda item: -item[1])[:limit]
        return [(self.passages[i], round(c, 4)) for i, c in best if c > 0]

    def quote_for(self, passage: Passage) -> Quote:
        return self.corpus.quote_of_passage(passage)

    def position_of(self, argument_id: str) -> int | None:
        return self._positions.get(argument_id)

    def fuzzy_contains(self, text: str, phrase: str, threshold: float = 85) -> bool:
        """Whether the message contains `phrase`, tolerating typos (rapidfuzz partial ratio on clean words)."""
        from rapidfuzz import fuzz

        hay = " ".join(self.norm.words(text, spell=True))
        needle = " ".join(self.norm.words(phrase))
        if not needle or not hay:
            return False
        return needle in hay.split() or fuzz.partial_ratio(needle, hay) >= threshold


def _counts(terms: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in terms:
        out[t] = out.get(t, 0.0) + 1.0
    return out


def _windows(passages: list[Passage], terms: list[list[str]]) -> list[list[str]]:
    """Each passage's terms with those of its neighbours from the same source and speaker."""
    out = []
    for i, p in enumerate(passages):
        window = list(terms[i])
        for j in (i - 1, i + 1):
            if 0 <= j < len(passages) and passages[j].source_id == p.source_id and passages[j].speaker == p.speaker:
                window.extend(terms[j])
        out.append(window)
    return out


def _ngrams(words: tuple[str, ...], n_max: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for n in range(2, n_max + 1) for i in range(len(words) - n + 1)}


def _with_counters(arg: Argument, counters: tuple[str, ...]) -> Argument:
    from dataclasses import replace

    return replace(arg, counters=counters)

