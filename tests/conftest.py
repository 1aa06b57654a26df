"""Shared fixtures: the real corpus, loaded once per test session, and settings for temp dirs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.corpus import Corpus, load_corpus
from bot.settings import REPO_ROOT, Settings

CORPUS_DIR = REPO_ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def matcher(corpus: Corpus):
    from bot.match.matcher import Matcher

    return Matcher(corpus, Settings(_env_file=None, corpus_dir=CORPUS_DIR))


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the corpus folder (files keep their repo-relative paths under tmp_path)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target
