"""`counterpoint match --json`: one JSON line out per line in, in order; bad lines answered with an error;
a line typed into a pipe answered before the input ends; batched answers equal single ones."""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

CLI = [sys.executable, "-m", "adapters.cli", "match", "--json"]
ON_TOPIC = "open weights just hand terrorists a bioweapon recipe"


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DATA_DIR": str(tmp_path / "data")}


def _run(tmp_path: Path, stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(CLI, input=stdin, capture_output=True, env=_env(tmp_path), cwd=REPO_ROOT, timeout=180)


def test_one_json_line_per_input_line_in_order_with_errors_for_bad_lines(tmp_path: Path):
    lines = [
        json.dumps({"text": ON_TOPIC}).encode(),
        b"",  # blank lines are skipped, not answered
        b"{not json",
        json.dumps({"message": "no text field"}).encode(),
        json.dumps(["a list"]).encode(),
        b'{"text": "bytes that are not UTF-8: \xff\xfe open weights"}',
        json.dumps({"text": "lone surrogate \ud800 in open source"}).encode(),
        json.dumps({"text": "x" * 100_000}).encode(),
        json.dumps({"text": "o\u0336\u0317p\u035be\u0328n\u0301 s\u0300o\u0327urce m\u0334odels"}).encode(),
        json.dumps({"text": "@everyone my llama farm"}).encode(),
        b"   ",
        json.dumps({"text": "Closed models are safer than open ones."}).encode() + b"\r",
    ]
    result = _run(tmp_path, b"\n".join(lines))  # and no newline after the last line
    assert result.returncode == 0, result.stderr.decode()
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(out) == len([line for line in lines if line.strip()])
    assert out[0]["text"] == ON_TOPIC and out[0]["trigger"] is True and out[0]["matches"]
    assert all(set(o) == {"text", "trigger", "matches", "error"} and o["matches"] == [] and not o["trigger"]
               for o in out[1:4])
    assert "expected an object" in out[2]["error"]
    stderr = result.stderr.decode()
    assert "line 3:" in stderr and "line 4:" in stderr and "line 5:" in stderr  # numbered as given
    assert out[4]["text"].startswith("bytes that are not UTF-8") and "error" not in out[4]
    assert out[5]["text"] == "lone surrogate \ud800 in open source"
    assert out[6]["text"] == "x" * 100_000
    assert out[7]["matches"], "zalgo folds to plain words and still matches"
    assert out[8]["trigger"] is False
    assert out[9]["text"] == "Closed models are safer than open ones." and out[9]["matches"]
    for o in out:
        for match in o["matches"]:
            assert 0.0 <= match["score"] <= 1.0
            assert match["quotes"] and all(set(q) == {"text", "source_id", "source_title", "speaker", "locator",
                                                      "url", "original_text"} for q in match["quotes"])


def test_a_line_is_answered_before_the_input_ends(tmp_path: Path):
    """A person (or a program) writing one line at a time gets each answer at once, not at end of input."""
    proc = subprocess.Popen(CLI, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=_env(tmp_path), cwd=REPO_ROOT)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            for text in (ON_TOPIC, "lunch at noon?"):
                proc.stdin.write(json.dumps({"text": text}).encode() + b"\n")
                proc.stdin.flush()
                assert sel.select(timeout=120), "no answer while stdin is still open"
                assert json.loads(proc.stdout.readline())["text"] == text
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        assert proc.stdout.read() == b""
    finally:
        proc.kill()


@pytest.mark.parametrize("options", [{}, {"workspace_id": "w1", "boosts": {"misuse-bioweapons": 1.5}},
                                     {"topic": "misuse"}, {"limit": 5}])
def test_batched_answers_equal_single_answers(matcher, options):
    from bot.match.matcher import MAX_BATCH

    texts = ["open weights just hand terrorists a bioweapon recipe", "", "the store is closed",
             "zuck flip flopped on open sourcing llama", "closed labs give privileged access to universities",
             "🚀🚀🚀", "x" * 5_000, "OpenAI closed GPT-2 in the name of safety"]
    texts = (texts * (2 * MAX_BATCH // len(texts) + 1))[:2 * MAX_BATCH + 3]  # spans several batches
    batched = matcher.match_many(texts, **options)
    assert [r.to_json() for r in batched] == [matcher.match(t, **options).to_json() for t in texts]
    assert any(r.matches for r in batched) and any(not r.matches for r in batched)
