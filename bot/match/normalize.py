"""Chat-text normalisation: markup, mentions, emoji, contractions, typos, synonyms, stopwords, stems."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.match.english import EnglishFrequency
from bot.match.lexicon import Lexicon

MIN_TYPO_LENGTH = 5

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren as at be because been before being below
between both but by can cannot could did do does doing down during each either else ever few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself just let lets me
more most much must my myself no nor not now of off on once only or other ought our ours ourselves out over own
same shall she should so some such than that the their theirs them themselves then there these they this those
through to too under until up upon us very was we were what when where which while who whom why will with
would you your yours yourself yourselves yet via per
im ive id youre youve theyre theyve thats whats isnt arent doesnt dont didnt wont wouldnt shouldnt couldnt cant
lol lmao imo imho tbh ngl fr btw idk afaik iirc smh like literally basically actually really kinda sorta gonna
wanna gotta yeah yes nah ok okay hey hi hello thanks thank please pls plz guys folks everyone anyone someone
thing things stuff lot lots way ways get gets got getting make makes made making say says said saying
think thinks thought know knows knew go goes going went one ones even still always never maybe perhaps
""".split())

_LINKS_AND_MENTIONS = re.compile(r"<?(?:https?://|www\.)\S+>?|<[@#!][^>\s]*>|(?<![\w.])@\w[\w.-]*|<a?:\w+:\d+>", re.I)
_SHORTCODES_AND_MARKDOWN = re.compile(r":[a-z0-9_+\-]{2,30}:|[*_~`>|#\\]+")
_CONTRACTION = re.compile(r"\b(?:won't|can't)\b|n't\b|'(?:re|ve|ll|m|d|s)\b")
_EXPANSIONS = {"won't": "will not", "can't": "can not", "n't": " not", "'re": " are", "'ve": " have",
               "'ll": " will", "'m": " am", "'d": " would", "'s": ""}
_WORD = re.compile(r"[a-z0-9]+")


def clean(text: str, max_chars: int) -> str:
    """Plain lowercase words: no URLs, mentions, emoji, markdown, accents or zalgo marks."""
    text = _LINKS_AND_MENTIONS.sub(" ", text[:max_chars])
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _SHORTCODES_AND_MARKDOWN.sub(" ", text.lower())
    return _CONTRACTION.sub(lambda m: _EXPANSIONS[m.group(0)], text).replace("'", "")


class Speller:
    """Typo tolerance: maps an unknown word to the closest known word within a small edit distance."""

    def __init__(self, vocabulary: Iterable[str], english: EnglishFrequency | None = None, cache_size: int = 50_000):
        words = sorted({w for w in vocabulary if len(w) >= 4 and w.isalpha()})
        self._known = frozenset(words)
        self._by_initial: dict[str, list[str]] = {}
        for w in words:
            self._by_initial.setdefault(w[0], []).append(w)
        self._cache: dict[str, str] = {}
        self._cache_size = cache_size
        self._english = english

    def correct(self, word: str) -> str:
        if len(word) < MIN_TYPO_LENGTH or word in self._known or not word.isalpha():
            return word
        if self._english is not None and self._english.is_word(word):
            return word  # a real word we do not index ("patch") is not a typo of one we do ("path")
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        limit = 1 if len(word) < 8 else 2
        pool = self._by_initial.get(word[0], ())
        best = process.extractOne(word, pool, scorer=Levenshtein.distance, score_cutoff=limit) if pool else None
        fixed = best[0] if best else word
        if len(self._cache) < self._cache_size:
            self._cache[word] = fixed
        return fixed


class Normalizer:
    """Turns any text into matching terms; the same pipeline serves documents and messages."""

    def __init__(self, lexicon: Lexicon, max_chars: int = 2000):
        self.lexicon = lexicon
        self.max_chars = max_chars
        self.speller: Speller | None = None
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}

    def __getstate__(self) -> dict:
        state = {k: getattr(self, k) for k in ("lexicon", "max_chars", "speller", "_stems")}
        return state  # the C stemmer is rebuilt on load

    def __setstate__(self, state: dict) -> None:
        for key, value in state.items():
            setattr(self, key, value)
        self._stemmer = snowballstemmer.stemmer("english")

    def words(self, text: str, *, spell: bool = False) -> list[str]:
        """Lowercase words after cleaning, typo correction (messages only) and synonym rewriting."""
        words = _WORD.findall(clean(text, self.max_chars))
        if spell and self.speller is not None:
            words = [self.speller.correct(w) for w in words]
        return self.lexicon.rewrite(words)

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word)
            if len(self._stems) < 200_000:
                self._stems[word] = stem
        return stem

    def terms(self, words: list[str]) -> list[str]:
        """Content terms: stopwords dropped, stems kept."""
        return [self.stem(w) for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]

    def text_terms(self, text: str, *, spell: bool = False) -> list[str]:
        return self.terms(self.words(text, spell=spell))
