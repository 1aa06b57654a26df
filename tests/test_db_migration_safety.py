"""Migrations under faults: SIGKILL inside every migration step, and concurrent `db upgrade` processes, on
real SQLite files and (when COUNTERPOINT_TEST_POSTGRES_URL is set) a scratch PostgreSQL database."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import AsyncIterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.db.engine import create_engine
from bot.db.migrate import TEST_PAUSE_VARIABLE, alembic_config, current_revision, head_revision
from bot.db.models import Base
from pg_scratch import needs_postgres, scratch_database
from service_helpers import counterpoint_cli

REVISIONS = [s.revision for s in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]
BACKENDS = ["sqlite", pytest.param("postgresql", marks=needs_postgres)]


@pytest.fixture
async def empty_url(request, tmp_path) -> AsyncIterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
        return
    async with scratch_database() as url:
        yield url


def upgrade(url: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([*counterpoint_cli(), "db", "upgrade"], env={**os.environ, "DATABASE_URL": url, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_pause(proc: subprocess.Popen, revision: str) -> list[str]:
    """stderr lines up to the test hook's "paused in migration <revision>" (or EOF if it never came)."""
    watchdog = threading.Timer(60, proc.kill)  # a hang fails the test instead of blocking the suite
    watchdog.start()
    try:
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if line.strip() == f"paused in migration {revision}":
                break
        return seen
    finally:
        watchdog.cancel()


async def schema_diff(url: str) -> list:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("empty_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("revision", REVISIONS)
async def test_sigkill_inside_a_migration_step_leaves_a_database_the_next_upgrade_completes(empty_url, revision):
    proc = upgrade(empty_url, **{TEST_PAUSE_VARIABLE: revision})
    try:
        seen = wait_for_pause(proc, revision)
        assert seen and seen[-1].strip() == f"paused in migration {revision}", "".join(seen)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert await current_revision(empty_url) is None  # the killed upgrade left nothing behind, not half a schema

    again = upgrade(empty_url)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert f"at revision {head_revision()}" in out
    assert await current_revision(empty_url) == head_revision()
    assert await schema_diff(empty_url) == []


@pytest.mark.parametrize("empty_url", BACKENDS, indirect=True)
async def test_four_concurrent_upgrades_of_an_empty_database_all_succeed(empty_url):
    procs = [upgrade(empty_url) for _ in range(4)]
    results = [(p, *p.communicate(timeout=120)) for p in procs]
    for proc, out, err in results:
        assert proc.returncode == 0, err
        assert "Traceback" not in err and f"at revision {head_revision()}" in out
    assert await current_revision(empty_url) == head_revision()
    assert await schema_diff(empty_url) == []
