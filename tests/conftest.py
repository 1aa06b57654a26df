"""Shared fixtures: the real corpus, loaded once per test session, and settings for temp dirs."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.corpus import Corpus, load_corpus
from bot.settings import REPO_ROOT, Settings

CORPUS_DIR = REPO_ROOT / "corpus"
# every bot a test starts (in process or as a child) embeds the map once per session, not once per data dir
os.environ.setdefault("EMBED_CACHE_DIR", tempfile.mkdtemp(prefix="counterpoint-test-embeddings-"))


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def matcher(corpus: Corpus, tmp_path_factory):
    """The matcher as the bot runs it: words and the bundled embedding model."""
    from bot.match.cache import build_matcher

    folder = tmp_path_factory.mktemp("matcher-data")
    built = build_matcher(corpus, Settings(_env_file=None, corpus_dir=CORPUS_DIR, data_dir=folder))
    assert built.semantic is not None, "the bundled embedding model did not load"
    return built


@pytest.fixture(scope="session")
def lexical_matcher(corpus: Corpus):
    """The fallback when the embedding model cannot load: words only."""
    from bot.match.matcher import Matcher

    return Matcher(corpus, Settings(_env_file=None, corpus_dir=CORPUS_DIR))


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the corpus folder (files keep their repo-relative paths under tmp_path)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target


@pytest.fixture(scope="session")
def warm_data_dir(tmp_path_factory) -> Path:
    """A DATA_DIR shared by tests that start a whole bot and keep their own database (DATABASE_URL)."""
    return tmp_path_factory.mktemp("warm-data")

