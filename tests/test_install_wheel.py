"""An installed copy works from any folder: build the sdist and wheel, install the wheel into a fresh venv and
answer a message from an empty directory with no CORPUS_DIR / DATA_DIR (the bundled corpus and model are
package data; the database goes to the user's data folder, not the working directory)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT
from bot.textnorm import locate_quote, tokens

pytestmark = pytest.mark.slow  # 20-30 s with uv's cache warm; CI runs it (nothing deselects `slow` there)

CLAIM = "open weights just hand terrorists a bioweapon recipe"
_SKIP = shutil.ignore_patterns(".venv", ".git", "data", "build", "dist", "*.egg-info", "__pycache__",
                               ".pytest_cache", "*.sqlite3*", ".env")
_QUOTE = re.compile(r"“([^”]{20,})”")


def _uv() -> str:
    from uv import find_uv_bin  # the test extra installs uv: fast, parallel installs from its cache

    return find_uv_bin()


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's bin folder, with the wheel built from a clean copy of the tree installed."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "src"
    shutil.copytree(REPO_ROOT, source, ignore=_SKIP)  # no stale build/ or local state leaks into the wheel
    uv = _uv()
    # sdist first, then the wheel from the sdist: proves MANIFEST.in carries corpus/ and models/
    _run([uv, "build", "-q", "--out-dir", str(root / "dist"), str(source)])
    [wheel] = (root / "dist").glob("counterpoint-*.whl")
    _run([uv, "venv", "-q", "--python", sys.executable, str(root / "venv")])
    _run([uv, "pip", "install", "-q", "--python", str(root / "venv" / "bin" / "python"),
          "-c", str(REPO_ROOT / "constraints.txt"), str(wheel)])
    return root / "venv" / "bin"


def _clean_env(home: Path) -> dict[str, str]:
    drop = {"CORPUS_DIR", "DATA_DIR", "DATABASE_URL", "EMBED_MODEL_DIR", "EMBEDDINGS", "PYTHONPATH", "VIRTUAL_ENV"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "xdg-data"), PATH="/usr/bin:/bin")
    return env


def test_installed_copy_answers_from_an_empty_directory(installed: Path, tmp_path: Path) -> None:
    empty, home = tmp_path / "empty", tmp_path / "home"
    empty.mkdir()
    home.mkdir()
    env = _clean_env(home)
    version = _run([str(installed / "counterpoint"), "--version"], cwd=empty, env=env)
    assert re.fullmatch(r"counterpoint \d+\.\d+\.\d+\S*\n", version.stdout)

    # words only here: embedding every utterance on a first start takes minutes on 2 busy cores; the next
    # test loads the bundled model from the installed package and encodes with it
    answer = _run([str(installed / "counterpoint"), "ask", CLAIM], cwd=empty, env={**env, "EMBEDDINGS": "off"})
    quotes = _QUOTE.findall(answer.stdout)
    assert quotes, answer.stdout
    sources = [tokens(p.read_text(encoding="utf-8")) for p in (REPO_ROOT / "corpus" / "sources").glob("*.txt")]
    assert any(locate_quote(hay, quote) is not None for quote in quotes for hay in sources), quotes
    assert "cannot read" not in answer.stderr and "not found" not in answer.stderr, answer.stderr

    assert list(empty.iterdir()) == []  # nothing written into the working directory
    assert (home / "xdg-data" / "counterpoint" / "counterpoint.sqlite3").is_file()


def test_installed_copy_carries_the_corpus_and_model(installed: Path, tmp_path: Path) -> None:
    probe = ("from bot.paths import BUNDLED_CORPUS_DIR as c, BUNDLED_MODELS_DIR as m, IN_CHECKOUT\n"
             "from bot.settings import Settings\n"
             "s = Settings()\n"
             "from bot.match.embed import load_embedder\n"
             "e = load_embedder(s)\n"
             "print(IN_CHECKOUT, s.corpus_dir == c, c.is_relative_to(m.parent), e.encode(['open weights']).shape)\n"
             "print(*sorted(str(p.relative_to(c)) for p in c.rglob('*') if p.is_file()), sep='\\n')\n"
             "print(*sorted(str(p.relative_to(m)) for p in m.rglob('*') if p.is_file()), sep='\\n')\n")
    result = _run([str(installed / "python"), "-c", probe], cwd=tmp_path, env=_clean_env(tmp_path))
    first, *files = result.stdout.splitlines()
    assert first == "False True True (1, 384)", result.stderr
    expected = sorted(str(p.relative_to(REPO_ROOT / "corpus")) for p in (REPO_ROOT / "corpus").rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    assert set(expected) <= set(files)
    assert {"sources.yaml", "not_claims.yaml", "sources/000_56dece2f1a3381df.txt"} <= set(files)
    assert any(f.startswith("utterances/") for f in files)
    assert "minilm-l6-counterpoint-int8/model.onnx" in files and "minilm-l6-counterpoint-int8/tokenizer.json" in files
