"""Run Alembic migrations programmatically (no alembic.ini needed) against any async database URL."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.db.engine import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations; `connection` is shared with env.py."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection, revision: str) -> str | None:
    command.upgrade(alembic_config(connection=connection), revision)
    return _current(connection)


def _downgrade(connection: Connection, revision: str) -> str | None:
    command.downgrade(alembic_config(connection=connection), revision)
    return _current(connection)


async def _with_connection(url: str, work: Callable[..., str | None], *args: str) -> str | None:
    """Run `work(connection, *args)` in one transaction on a short-lived engine for `url`."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work, *args)
    finally:
        await engine.dispose()


async def upgrade_database(url: str, revision: str = "head") -> str | None:
    """Migrate the database at `url` up to `revision`; returns the revision it is at afterwards."""
    return await _with_connection(url, _upgrade, revision)


async def downgrade_database(url: str, revision: str) -> str | None:
    """Migrate down to `revision` ("base" empties the schema)."""
    return await _with_connection(url, _downgrade, revision)


async def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    return await _with_connection(url, _current)
