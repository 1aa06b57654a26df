"""The argument map, lexicon and sources files are checked against their models: an unknown or misspelt key
is an error naming the file and line (and the argument), never silently ignored."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.argmap.load import load_argument_specs
from bot.errors import CorpusError
from bot.ingest.sources import load_sources
from bot.match.lexicon import Lexicon
from bot.settings import REPO_ROOT

ARGUMENT = """\
arguments:
  - id: first
    claim: Open models are safer.
    stance: open
    topic: security
    keywords: [scrutiny]
    quotes:
      - source: "000"
        text: some words
    counters: []
"""


def _arguments(tmp_path: Path, text: str) -> list:
    path = tmp_path / "arguments.yaml"
    path.write_text(text, encoding="utf-8")
    return load_argument_specs(path, "corpus/arguments.yaml")


def test_valid_argument_loads_with_lines(tmp_path: Path) -> None:
    [spec] = _arguments(tmp_path, ARGUMENT)
    assert (spec.id, spec.stance, spec.keywords, spec.line) == ("first", "open", ("scrutiny",), 2)
    assert [(q.source_id, q.text, q.line) for q in spec.quotes] == [("000", "some words", 8)]


@pytest.mark.parametrize("old,new,line,words", [
    ("    counters: []", "    counter: []", 10, "unknown field 'counter' (did you mean 'counters'?)"),
    ("        text: some words", "        txt: some words", 9, "unknown field 'txt' (did you mean 'text'?)"),
    ("    keywords: [scrutiny]", "    keywords: [scrutiny, yes]", 6, "'keywords' item 2: must be a non-empty string (YAML reads"),
    ("    stance: open", "    stance: neutral", 4, "stance 'neutral' is not one of open, closed, mixed"),
    ("    claim: Open models are safer.\n", "", 2, "missing required field 'claim'"),
    ("arguments:", "argument:", 1, "unknown field 'argument' (did you mean 'arguments'?)"),
])
def test_bad_argument_key_names_file_line_and_argument(tmp_path: Path, old: str, new: str, line: int,
                                                      words: str) -> None:
    assert old in ARGUMENT
    with pytest.raises(CorpusError) as err:
        _arguments(tmp_path, ARGUMENT.replace(old, new))
    assert err.value.file == "corpus/arguments.yaml" and err.value.line == line, str(err.value)
    assert words in err.value.message
    if old != "arguments:":
        assert err.value.argument_id == "first"


LEXICON = """\
synonyms:
  opensource: [open source, oss]
topic_terms:
  strong: [open source]
  weak: [model]
"""


def _lexicon(tmp_path: Path, text: str) -> Lexicon:
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    (folder / "lexicon.yaml").write_text(text, encoding="utf-8")
    return Lexicon.load(folder)


def test_valid_lexicon_loads(tmp_path: Path) -> None:
    lexicon = _lexicon(tmp_path, LEXICON)
    assert lexicon.synonyms[("oss",)] == ("opensource",)
    assert lexicon.topic_terms == {("opensource",): 1.0, ("model",): 0.3}


@pytest.mark.parametrize("old,new,line,words", [
    ("synonyms:", "synonym:", 1, "unknown field 'synonym' (did you mean 'synonyms'?)"),
    ("  weak: [model]", "  weakish: [model]", 5, "unknown key 'weakish' (one of 'strong', 'medium' or 'weak')"),
    ("  opensource: [open source, oss]", "  opensource: open source", 2, "'opensource': must be a list"),
])
def test_bad_lexicon_key_names_file_and_line(tmp_path: Path, old: str, new: str, line: int, words: str) -> None:
    with pytest.raises(CorpusError) as err:
        _lexicon(tmp_path, LEXICON.replace(old, new))
    assert err.value.file == "corpus/lexicon.yaml" and err.value.line == line, str(err.value)
    assert words in err.value.message


def test_misspelt_source_key_suggests_the_field(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sources").mkdir(parents=True)
    (corpus / "sources" / "a.txt").write_text("Some text.\n", encoding="utf-8")
    (corpus / "sources.yaml").write_text('sources:\n  - id: "100"\n    title: A\n    kind: article\n'
                                         '    file: sources/a.txt\n    format: plain\n    speakrs: [Ann]\n')
    with pytest.raises(CorpusError) as err:
        load_sources(corpus)
    assert (err.value.file, err.value.line) == ("corpus/sources.yaml", 7)
    assert err.value.message == "source '100': unknown field 'speakrs' (did you mean 'speakers'?)"


def test_corpus_check_reports_a_misspelt_key_in_one_line(corpus_copy: Path) -> None:
    path = corpus_copy / "arguments.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith("    counters:"))
    lines[at] = lines[at].replace("counters:", "countres:")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CORPUS_DIR": str(corpus_copy)}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "corpus", "check"], capture_output=True, text=True,
                            env=env, cwd=REPO_ROOT, timeout=120)
    assert result.returncode != 0
    assert f"arguments.yaml:{at + 1}" in result.stderr and "did you mean 'counters'?" in result.stderr
    assert "Traceback" not in result.stderr
