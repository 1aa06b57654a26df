"""Where the corpus and data folders are by default, and how relative folders from a `.env` or the
environment resolve (against the `.env` file's folder, or the working directory)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.corpus import load_corpus
from bot.paths import BUNDLED_CORPUS_DIR, BUNDLED_MODELS_DIR, IN_CHECKOUT
from bot.settings import REPO_ROOT, Settings


def test_a_checkout_uses_its_own_corpus_model_and_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CORPUS_DIR", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert IN_CHECKOUT
    assert settings.corpus_dir == REPO_ROOT / "corpus" == BUNDLED_CORPUS_DIR
    assert settings.data_dir == REPO_ROOT / "data"
    assert (BUNDLED_MODELS_DIR / "minilm-l6-counterpoint-int8" / "model.onnx").is_file()


def test_relative_folders_in_a_dotenv_mean_beside_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CORPUS_DIR", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    deploy, elsewhere = tmp_path / "deploy", tmp_path / "elsewhere"
    deploy.mkdir()
    elsewhere.mkdir()
    (deploy / ".env").write_text("CORPUS_DIR=my-corpus\nDATA_DIR=./state\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    settings = Settings(_env_file=deploy / ".env")
    assert settings.corpus_dir == deploy / "my-corpus"
    assert settings.data_dir == deploy / "state"
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{deploy / 'state' / 'counterpoint.sqlite3'}"


def test_the_dotenv_in_the_working_directory_and_absolute_values(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORPUS_DIR", raising=False)
    (tmp_path / ".env").write_text(f"CORPUS_DIR={tmp_path / 'abs'}\nDATA_DIR=rel\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", "from-env")  # the environment wins over .env, relative to the cwd
    settings = Settings()
    assert settings.corpus_dir == tmp_path / "abs"
    assert settings.data_dir == tmp_path / "from-env"
    monkeypatch.chdir(REPO_ROOT)  # resolved once: a later chdir changes nothing
    assert settings.data_dir == tmp_path / "from-env"


def test_sources_are_found_relative_to_any_corpus_folder(tmp_path: Path) -> None:
    """A corpus copied anywhere under any name loads: sources.yaml paths are relative to the corpus folder."""
    target = tmp_path / "nested" / "renamed-corpus"
    shutil.copytree(REPO_ROOT / "corpus", target)
    corpus = load_corpus(target)
    assert sorted(corpus.sources) == ["000", "001", "002", "003", "004"]
    assert all((target / s.file).is_file() and not s.file.startswith("corpus/") for s in corpus.sources.values())
    assert len(corpus.argmap) >= 40
