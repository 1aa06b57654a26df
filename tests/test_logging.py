"""Logs: timestamps always, LOG_FORMAT=json, no secrets, no body of a rejected Slack request, no Bolt token warning."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import SecretStr
from slack_bolt.middleware.request_verification.async_request_verification import AsyncRequestVerification
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.health.metrics import ErrorCounter, Metrics
from bot.logsetup import configure_logging
from bot.settings import Settings

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d ")
VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def restore_root_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def logged(settings: Settings, emit, level: str = "DEBUG") -> str:
    stream = io.StringIO()
    configure_logging(settings, level=level, stream=stream)
    emit(logging.getLogger("counterpoint.test"))
    return stream.getvalue()


def test_text_lines_carry_a_timestamp_level_and_logger(restore_root_logging):
    out = logged(Settings(_env_file=None), lambda log: log.warning("hello %s", "world"))
    [line] = out.splitlines()
    assert STAMP.match(line) and line.endswith("WARNING counterpoint.test: hello world")


def test_json_format_is_one_object_per_line(restore_root_logging):
    def emit(log: logging.Logger) -> None:
        log.info("first %d", 1)
        try:
            raise ValueError("boom\nsecond line")
        except ValueError:
            log.exception("it failed")

    out = logged(Settings(_env_file=None, log_format="json"), emit)
    lines = out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "first 1" and first["level"] == "INFO" and first["logger"] == "counterpoint.test"
    assert STAMP.match(first["time"] + " ")
    assert second["message"] == "it failed" and "ValueError: boom" in second["exception"]


def test_configured_secrets_never_reach_a_log_line(restore_root_logging):
    settings = Settings(_env_file=None, discord_token=SecretStr("discord-secret-token-1"),
                        slack_signing_secret=SecretStr("signing-secret-2"),
                        database_url="postgresql+asyncpg://bot:db-password-3@db/counterpoint")

    def emit(log: logging.Logger) -> None:
        log.error("token %s and %s", "discord-secret-token-1", "signing-secret-2")
        try:
            raise RuntimeError("could not connect with db-password-3")
        except RuntimeError:
            log.exception("connect failed")

    out = logged(settings, emit)
    for secret in ("discord-secret-token-1", "signing-secret-2", "db-password-3"):
        assert secret not in out
    assert "token [redacted] and [redacted]" in out and "could not connect with [redacted]" in out


async def test_bolts_log_of_a_badly_signed_request_never_shows_its_body(restore_root_logging):
    stream = io.StringIO()
    configure_logging(Settings(_env_file=None), level="DEBUG", stream=stream)
    verification = AsyncRequestVerification(signing_secret="the-secret", base_logger=logging.getLogger("x"))
    body = "token=legacy&text=private+words+from+a+member&user_name=alice"
    request = AsyncBoltRequest(body=body, headers={"x-slack-request-timestamp": [str(int(time.time()))],
                                                   "x-slack-signature": ["v0=forged"],
                                                   "content-type": ["application/x-www-form-urlencoded"]})

    async def next_() -> BoltResponse:
        raise AssertionError("a forged request must not get through")

    response = await verification.async_process(req=request, resp=BoltResponse(status=200), next=next_)
    assert response.status == 401
    out = stream.getvalue()
    assert "Invalid request signature detected" in out  # the refusal is still logged
    assert "private+words" not in out and "alice" not in out


def test_the_cli_logs_with_timestamps_and_as_json(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'a.sqlite3'}"
    done = subprocess.run([str(VENV_BIN / "counterpoint"), "-v", "db", "upgrade"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and all(STAMP.match(line) for line in lines)
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'b.sqlite3'}", LOG_FORMAT="json", LOG_LEVEL="INFO")
    done = subprocess.run([str(VENV_BIN / "counterpoint"), "db", "upgrade"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)


def test_errors_logged_anywhere_are_counted(restore_root_logging):
    metrics = Metrics("console")
    with ErrorCounter(metrics):
        logging.getLogger("bot.service.service").error("one")
        logging.getLogger("adapters.slack.events").exception("two")
        logging.getLogger("bot.service.service").warning("not an error")
    logging.getLogger("bot.service.service").error("after: not counted")
    assert metrics.value("counterpoint_errors_total", where="bot.service") == 1
    assert metrics.value("counterpoint_errors_total", where="adapters.slack") == 1
