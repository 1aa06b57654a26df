"""`corpus check`: every quote verbatim, corrupted quotes and broken YAML reported with file, line and id."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from bot.corpus import check_corpus
from bot.errors import CorpusError
from bot.settings import REPO_ROOT
from bot.textnorm import locate_quote, tokens

CLI = [sys.executable, "-m", "bot.cli"]


def run_cli(*args: str, corpus_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if corpus_dir is not None:
        env["CORPUS_DIR"] = str(corpus_dir)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120)


def test_bundled_corpus_passes_check():
    result = run_cli("corpus", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_corrupted_quote_is_refused_naming_the_argument(corpus_copy: Path):
    path = corpus_copy / "arguments.yaml"
    data = yaml.safe_load(path.read_text())
    victim = data["arguments"][3]
    victim["quotes"][0]["text"] = victim["quotes"][0]["text"].replace(" ", " definitely ", 1)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    _, errors = check_corpus(corpus_copy)
    assert [e.argument_id for e in errors] == [victim["id"]]
    result = run_cli("corpus", "check", corpus_dir=corpus_copy)
    assert result.returncode != 0
    assert victim["id"] in result.stderr and "arguments.yaml" in result.stderr
    assert "not verbatim" in result.stderr


def test_unknown_counter_and_bad_stance_are_reported(corpus_copy: Path):
    path = corpus_copy / "arguments.yaml"
    data = yaml.safe_load(path.read_text())
    data["arguments"][0]["counters"].append("no-such-argument")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    _, errors = check_corpus(corpus_copy)
    assert any("no-such-argument" in str(e) and e.argument_id == data["arguments"][0]["id"] for e in errors)
    data["arguments"][1]["stance"] = "neutral"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    try:
        check_corpus(corpus_copy)
    except CorpusError as exc:
        assert exc.argument_id == data["arguments"][1]["id"] and "stance" in exc.message
    else:
        raise AssertionError("an invalid stance must be refused")


def test_broken_yaml_names_file_and_line(corpus_copy: Path):
    path = corpus_copy / "arguments.yaml"
    lines = path.read_text().splitlines()
    broken_at = 12
    lines.insert(broken_at - 1, "  - id: [unclosed")
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("corpus", "check", corpus_dir=corpus_copy)
    assert result.returncode != 0
    assert "arguments.yaml:" in result.stderr
    line = int(result.stderr.split("arguments.yaml:")[1].split(":")[0].split()[0])
    assert abs(line - broken_at) <= 2, result.stderr


def test_corpus_json_contract(corpus):
    result = run_cli("corpus", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    args = data["arguments"]
    assert len(args) >= 40
    stances = [a["stance"] for a in args]
    assert stances.count("open") >= 15 and stances.count("closed") >= 15
    files = {s["id"]: (REPO_ROOT / "corpus" / s["file"]) for s in data["sources"]}
    assert all(f.is_file() for f in files.values())
    ids = {a["id"] for a in args}
    for arg in args:
        assert set(arg["counters"]) <= ids
        if arg["stance"] in ("open", "closed"):
            assert arg["counters"], arg["id"]
        for quote in arg["quotes"]:
            assert set(quote) >= {"text", "source_id", "source_title", "speaker", "locator", "url", "original_text"}
            verbatim = quote["original_text"] or quote["text"]
            hay = tokens(files[quote["source_id"]].read_text(encoding="utf-8"))
            assert locate_quote(hay, verbatim) is not None, (arg["id"], verbatim)


def test_every_002_quote_links_near_its_stamp_and_003_names_the_turn_speaker(corpus):
    for arg in corpus.argmap:
        for quote in arg.quotes:
            if quote.source_id == "002":
                assert quote.url and "oX7OduG1YmI" in quote.url and quote.locator
                seconds = int(quote.url.rsplit("t=", 1)[1].rstrip("s"))
                h, m, s = (int(x) for x in quote.locator.strip("[]~").split(":"))
                assert abs(seconds - (h * 3600 + m * 60 + s)) <= 60
            if quote.source_id == "003":
                assert quote.speaker in ("Thomas Krendl Gilbert", "Nathan Lambert"), (arg.id, quote.text)
                assert _turn_speaker(corpus, quote) == quote.speaker


def _turn_speaker(corpus, quote) -> str:
    """The label of the turn the quote starts in, read straight from the raw file."""
    raw = (corpus.root / corpus.sources["003"].file).read_text(encoding="utf-8")
    labels = {"Tom": "Thomas Krendl Gilbert", "Nathan": "Nathan Lambert"}
    words, speakers, current = [], [], "none"
    for line in raw.splitlines():
        for label, name in labels.items():
            if line.startswith(label + ":"):
                current = name
        line_tokens = tokens(line)
        words.extend(line_tokens)
        speakers.extend([current] * len(line_tokens))
    span = locate_quote(words, quote.original_text or quote.text)
    return speakers[span[0]] if span else "not found"
