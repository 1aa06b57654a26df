"""The start-up cache: a current cache gives the same answers; any corpus edit invalidates it."""
from __future__ import annotations

from pathlib import Path

from bot.match.cache import cache_key, load_matcher
from bot.settings import Settings


def test_cached_matcher_answers_like_a_fresh_one(tmp_path: Path, corpus_copy: Path):
    settings = Settings(_env_file=None, corpus_dir=corpus_copy, data_dir=tmp_path / "data")
    fresh = load_matcher(settings)  # builds and writes the cache
    assert list((tmp_path / "data" / "cache").glob("matcher-*.pickle"))
    cached = load_matcher(settings)  # reads it
    assert cached is not fresh
    for text in ("open weights just hand terrorists a bioweapon recipe", "zuck is flip flopping on open source"):
        a, b = fresh.match(text), cached.match(text)
        assert [m.argument.id for m in a.matches] == [m.argument.id for m in b.matches]
        assert [m.score for m in a.matches] == [m.score for m in b.matches]
        assert a.trigger == b.trigger


def test_cache_key_follows_the_corpus(corpus_copy: Path):
    before = cache_key(corpus_copy)
    lexicon = corpus_copy / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text() + "\n# edited\n")
    assert cache_key(corpus_copy) != before


def test_damaged_cache_is_rebuilt(tmp_path: Path, corpus_copy: Path):
    settings = Settings(_env_file=None, corpus_dir=corpus_copy, data_dir=tmp_path / "data")
    load_matcher(settings)
    [cache_file] = (tmp_path / "data" / "cache").glob("matcher-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    matcher = load_matcher(settings)
    assert matcher.match("open source AI will be safer than the alternatives").matches
    assert cache_file.read_bytes() != b"not a pickle"
