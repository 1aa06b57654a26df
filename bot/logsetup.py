"""Logging on stderr for every command: timestamped lines or one JSON object a line, with secrets kept out."""
from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
# Bolt logs the whole body of a request whose signature fails, at INFO: the body is someone else's data.
BAD_SIGNATURE = "Invalid request signature detected"
BAD_SIGNATURE_NOTE = "Invalid request signature detected; the request was refused (its body is not logged)"


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """`2025-01-31T12:00:00.123+00:00 INFO name: message`."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return _timestamp(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (and the traceback, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": _timestamp(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RejectedBodyFilter(logging.Filter):
    """Replaces Bolt's "invalid signature" line, which carries the whole request body, by a short note."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(BAD_SIGNATURE):
            record.msg, record.args = BAD_SIGNATURE_NOTE, None
        return True


class SecretFilter(logging.Filter):
    """Replaces any configured secret that reaches a log line (message or traceback) with [redacted]."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        return True


def secrets_of(settings: Settings) -> list[str]:
    """The values that must never be logged: tokens, the signing secret, the database password."""
    values = [s.get_secret_value().strip() for s in (settings.discord_token, settings.slack_bot_token,
                                                     settings.slack_signing_secret, settings.slack_app_token) if s]
    if settings.database_url:
        from sqlalchemy.engine import make_url  # only here: `match --json` starts faster without it

        try:
            password = make_url(settings.database_url).password
        except Exception:  # noqa: BLE001 - an unusable URL is reported elsewhere
            password = None
        if password:
            values.append(str(password))
    return [v for v in values if v]


def level_number(name: str | None, default: str) -> int:
    level = logging.getLevelName((name or default).strip().upper())
    return level if isinstance(level, int) else logging.getLevelName(default)


class _Handler(logging.StreamHandler):
    """Counterpoint's own stderr handler (so configuring twice replaces it instead of doubling lines)."""


def configure_logging(settings: Settings, *, level: str | None = None, default_level: str = "WARNING",
                      stream: TextIO | None = None) -> logging.Handler:
    """Send log records to stderr in LOG_FORMAT at `level` (else LOG_LEVEL, else `default_level`)."""
    handler = _Handler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    handler.addFilter(RejectedBodyFilter())
    handler.addFilter(SecretFilter(secrets_of(settings)))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level_number(level or settings.log_level, default_level))
    return handler
