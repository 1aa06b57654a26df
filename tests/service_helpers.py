"""Helpers shared by the service, database and console tests: settings on temp files, a test clock, builders."""
from __future__ import annotations

import sqlite3
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.messages import Command, CommandContext, IncomingMessage, Reaction
from bot.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from bot.corpus import Corpus
    from bot.service import CounterpointService

CORPUS_DIR = REPO_ROOT / "corpus"
WS = "W1"
CH = "C1"


def make_settings(tmp_path: Path, **overrides) -> Settings:
    values = {"corpus_dir": CORPUS_DIR, "data_dir": tmp_path / "data",
              "database_url": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'counterpoint.sqlite3'}",
              "auto_reply_default": "off", "auto_reply_cooldown_seconds": 120}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def db_file(settings: Settings) -> Path:
    return Path(settings.effective_database_url.split("///", 1)[1])


def rows(settings: Settings, sql: str, *params) -> list[tuple]:
    """Query the SQLite file directly (an independent reader, not the service's engine)."""
    with sqlite3.connect(db_file(settings)) as conn:
        return conn.execute(sql, params).fetchall()


class Clock:
    """A controllable clock for cooldown tests."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2024, 7, 24, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Settings on temp files, channel auto replies off by default and no cooldown: every reply shows."""
    return make_settings(tmp_path, auto_reply_cooldown_seconds=0)


@pytest.fixture()
async def service(settings: Settings, corpus: Corpus) -> AsyncIterator["CounterpointService"]:
    """A started service on `settings` with a test clock, closed afterwards (import these two to use them)."""
    from bot.service import CounterpointService  # here: the database tests import this module too

    svc = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
    yield svc
    await svc.close()


def ctx(*, moderator: bool = True, user: str = "mod", channel: str = CH, thread: str | None = None,
        workspace: str = WS) -> CommandContext:
    return CommandContext(platform="test", workspace_id=workspace, channel_id=channel, user_id=f"U-{user}",
                          user_name=user, thread_id=thread, is_moderator=moderator)


def cmd(name: str, text: str = "", *, options: dict[str, str] | None = None, **context) -> Command:
    return Command(name=name, args=tuple(text.split()), context=ctx(**context), options=options or {})


_counter = iter(range(1, 10**9))


def msg(text: str, *, user: str = "alice", channel: str = CH, thread: str | None = None, workspace: str = WS,
        message_id: str | None = None, bot: bool = False) -> IncomingMessage:
    return IncomingMessage(platform="test", workspace_id=workspace, channel_id=channel,
                           message_id=message_id or f"M{next(_counter)}", author_id=f"U-{user}", author_name=user,
                           text=text, thread_id=thread, author_is_bot=bot)


def reaction(message_id: str, emoji: str, *, user: str = "alice", workspace: str = WS) -> Reaction:
    return Reaction(platform="test", workspace_id=workspace, channel_id=CH, message_id=message_id,
                    user_id=f"U-{user}", emoji=emoji)


def counterpoint_cli() -> list[str]:
    """The `counterpoint` command: the installed script when present, else the same entry point via -m."""
    script = Path(sys.executable).parent / "counterpoint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli"]
