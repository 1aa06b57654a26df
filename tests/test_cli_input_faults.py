"""Hostile input never stops a reader: `match --json` answers the line after any line the decoder chokes on,
and the console survives bytes that are not UTF-8 on a strictly decoded stdin."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from service_helpers import counterpoint_cli

ON_TOPIC = "open weights just hand terrorists a bioweapon recipe"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """One DATA_DIR for the module, so the second process finds the index the first one cached."""
    return tmp_path_factory.mktemp("data")


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "DATA_DIR": str(data_dir), **extra}


def test_match_json_answers_the_line_after_any_line_the_decoder_chokes_on(tmp_path, data_dir):
    hostile = [
        b"[" * 1025 + b"]" * 1025,  # deeper than orjson allows: the fallback decoder recursed until it died
        b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"{" + b'"a":{' * 5_000 + b"}" * 5_001,
        b'{"text": ' + b"1" * 5_000 + b"}",  # an integer past Python's digit limit
        b"\xff\xfe\x00garbage",
    ]
    good = [json.dumps({"text": f"{ON_TOPIC} #{i}"}).encode() for i in range(len(hostile) + 1)]
    lines = [good[0]]
    for i, line in enumerate(hostile, start=1):
        lines += [line, good[i]]
    result = subprocess.run([*counterpoint_cli(), "match", "--json"], input=b"\n".join(lines) + b"\n",
                            capture_output=True, env=_env(data_dir), cwd=tmp_path, timeout=300)
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    for i in range(len(hostile) + 1):
        answer = out[2 * i]
        assert answer["text"] == f"{ON_TOPIC} #{i}" and answer["matches"] and "error" not in answer
    for i, line in enumerate(hostile):
        error = out[2 * i + 1]
        assert error["text"] is None and error["matches"] == [] and error["trigger"] is False
        assert isinstance(error["error"], str) and error["error"]
        assert f"line {2 * i + 2}:" in stderr  # numbered as given
    assert out[1]["error"] == "JSON nested too deeply"


def test_console_survives_invalid_utf8_on_a_strict_stdin(tmp_path, data_dir):
    session = b"/topics\n" + b"open weights \xff\xfe are \xc3 dangerous\n" + b"/sources\n/quit\n"
    result = subprocess.run([*counterpoint_cli(), "console"], input=session, capture_output=True, timeout=300,
                            env=_env(data_dir, PYTHONIOENCODING="utf-8:strict"), cwd=tmp_path)
    stdout, stderr = result.stdout.decode(), result.stderr.decode(errors="replace")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "(that line was not valid utf-8; undecodable bytes read as �)" in stdout
    after = stdout.split("not valid utf-8", 1)[1]
    assert "001  " in after and "passages)" in after  # /sources, typed after the bad line, was answered
