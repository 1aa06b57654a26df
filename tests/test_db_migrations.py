"""Migrations: `counterpoint db upgrade` from empty and from the previous revision; models match migrations."""
from __future__ import annotations

import os
import sqlite3
import subprocess

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.db.engine import create_engine
from bot.db.migrate import downgrade_database, head_revision, upgrade_database
from bot.db.models import Base
from service_helpers import counterpoint_cli

SERVICE_TABLES = {"debates", "debate_events", "triggers", "channel_settings", "posted_replies", "posted_messages",
                  "feedback", "request_signatures", "state_versions"}
CORPUS_TABLES = {"meta", "sources", "passages", "arguments", "quotes", "counter_links"}


def cli(tmp_path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([*counterpoint_cli(), *args], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


def tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def version(path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_upgrade_an_empty_database(tmp_path):
    path = tmp_path / "new" / "db.sqlite3"  # the folder does not exist yet
    result = cli(tmp_path, f"sqlite+aiosqlite:///{path}", "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert f"at revision {head_revision()}" in result.stdout
    assert tables(path) >= SERVICE_TABLES | CORPUS_TABLES
    assert version(path) == head_revision() == "0003"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upgrade_from_the_previous_revision_keeps_data(tmp_path):
    path = tmp_path / "db.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    result = cli(tmp_path, url, "db", "upgrade", "--revision", "0001")
    assert result.returncode == 0, result.stderr
    assert version(path) == "0001" and not tables(path) & SERVICE_TABLES
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    result = cli(tmp_path, url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert version(path) == head_revision() and tables(path) >= SERVICE_TABLES
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='kept'").fetchone() == ("yes",)
    result = cli(tmp_path, url, "db", "current")
    assert head_revision() in result.stdout and "up to date" in result.stdout


def test_unknown_revision_is_a_clear_error(tmp_path):
    result = cli(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", "db", "upgrade", "--revision", "9999")
    assert result.returncode == 1 and "9999" in result.stderr and "Traceback" not in result.stderr


async def _diff(url: str) -> list:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata))
    finally:
        await engine.dispose()


async def test_models_match_the_migrations_and_downgrade_works(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    assert await upgrade_database(url) == head_revision()
    assert await _diff(url) == []
    assert await downgrade_database(url, "0001") == "0001"
    assert await downgrade_database(url, "base") is None
    assert await upgrade_database(url) == head_revision()


async def _alone_on(url: str) -> None:
    """End sessions an earlier test may have left on the shared server: a leftover open transaction would
    hold the locks that emptying the schema waits for."""
    import sqlalchemy as sa

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    finally:
        await engine.dispose()


@pytest.mark.skipif(not os.environ.get("COUNTERPOINT_TEST_POSTGRES_URL"),
                    reason="set COUNTERPOINT_TEST_POSTGRES_URL=postgresql+asyncpg://... to run against PostgreSQL")
async def test_postgresql_upgrade_and_models_match():
    url = os.environ["COUNTERPOINT_TEST_POSTGRES_URL"]
    await _alone_on(url)
    await downgrade_database(url, "base")
    assert await upgrade_database(url, "0001") == "0001"
    assert await upgrade_database(url) == head_revision()
    assert await _diff(url) == []


@pytest.mark.skipif(not os.environ.get("COUNTERPOINT_TEST_POSTGRES_URL"),
                    reason="set COUNTERPOINT_TEST_POSTGRES_URL=postgresql+asyncpg://... to run against PostgreSQL")
async def test_postgresql_service_round_trip(tmp_path, corpus):
    import asyncio

    from bot.service import CounterpointService
    from service_helpers import Clock, cmd, make_settings, msg

    url = os.environ["COUNTERPOINT_TEST_POSTGRES_URL"]
    await _alone_on(url)
    await downgrade_database(url, "base")
    settings = make_settings(tmp_path, database_url=url)
    service = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
    try:
        assert not (await service.handle_command(cmd("autoreply", "on 60"))).is_error
        assert not (await service.handle_command(cmd("trigger", "add llama kind=word"))).is_error
        text = "Keep the weights closed so malicious actors can't misuse them."
        replies = await asyncio.gather(*(service.handle_message(msg(text)) for _ in range(20)))
        assert sum(r is not None for r in replies) == 1
        reply = await service.handle_command(cmd("argument", "add claim=\"Binary \x00 junk\" stance=open "
                                                             "topic=research quote=\"x\" url=https://e.org"))
        assert not reply.is_error  # NUL bytes are cleaned before they reach PostgreSQL
    finally:
        await service.close()
    service = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
    try:
        assert "llama" in (await service.handle_command(cmd("trigger", "list"))).body
    finally:
        await service.close()
