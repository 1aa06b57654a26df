"""Run Alembic migrations programmatically (no alembic.ini needed) against any async database URL.

An upgrade is one transaction, serialised across processes: on PostgreSQL by an advisory lock taken
before the version is read, on SQLite by BEGIN IMMEDIATE (see bot.db.engine). A process killed part-way
leaves the database as it was; a second process starting at the same time waits and finds it current.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path


def _quiet_alembic() -> None:
    """Alembic's INFO lines ("setup plugin ...", "Context impl SQLiteImpl.") are noise at every start;
    they are shown only when debugging. Called before alembic is imported: it logs while importing."""
    debugging = logging.getLogger().isEnabledFor(logging.DEBUG)
    logging.getLogger("alembic").setLevel(logging.NOTSET if debugging else logging.WARNING)


_quiet_alembic()

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from alembic.util import CommandError  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from bot.db.engine import create_engine, database_error  # noqa: E402
from bot.errors import DatabaseError  # noqa: E402

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 7_303_836_312_021_455  # any fixed 64-bit number; the same in every Counterpoint process
TEST_PAUSE_VARIABLE = "COUNTERPOINT_TEST_PAUSE_IN_MIGRATION"  # tests only: env.py's _pause_for_tests


log = logging.getLogger(__name__)


class SchemaTooNew(DatabaseError):
    """The database was migrated by a newer Counterpoint than this one."""


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


def lock_migrations(connection: Connection) -> None:
    """Hold the migration lock until this transaction ends (SQLite: BEGIN IMMEDIATE already holds it)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _known_current(connection: Connection) -> str | None:
    """The current revision; SchemaTooNew when this code has never heard of it."""
    current = _current(connection)
    if current is not None:
        try:
            ScriptDirectory.from_config(alembic_config()).get_revision(current)
        except CommandError:
            raise SchemaTooNew(f"the database is at schema revision {current}, which this Counterpoint does not "
                               f"know (its newest is {head_revision()}): it was migrated by a newer version; "
                               "upgrade Counterpoint or use another DATABASE_URL") from None
    return current


def _upgrade(connection: Connection, revision: str) -> str | None:
    lock_migrations(connection)
    before = _known_current(connection)
    command.upgrade(alembic_config(connection=connection), revision)
    # The write probe: a database that only reads (read-only file, folder or mount) is refused at start.
    connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
    after = _current(connection)
    if after != before:
        log.info("database schema migrated from %s to %s", before or "empty", after)
    return after


def _downgrade(connection: Connection, revision: str) -> str | None:
    lock_migrations(connection)
    _known_current(connection)
    command.downgrade(alembic_config(connection=connection), revision)
    return _current(connection)


async def _with_connection(url: str, work: Callable[..., str | None], *args: str,
                           exclusive: bool = True) -> str | None:
    """Run `work(connection, *args)` in one transaction on a short-lived engine for `url`."""
    _quiet_alembic()
    engine = create_engine(url, exclusive_transactions=exclusive)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work, *args)
    except (SQLAlchemyError, OSError, sqlite3.Error) as exc:
        raise database_error(url, exc) from exc
    finally:
        await engine.dispose()


async def upgrade_database(url: str, revision: str = "head") -> str | None:
    """Migrate the database at `url` up to `revision`; returns the revision it is at afterwards.

    Raises ConfigError for an unusable URL and DatabaseError (SchemaTooNew among them) for a database that
    cannot be reached, opened, written or migrated; alembic's CommandError for an unknown target revision.
    """
    return await _with_connection(url, _upgrade, revision)


async def downgrade_database(url: str, revision: str) -> str | None:
    """Migrate down to `revision` ("base" empties the schema)."""
    return await _with_connection(url, _downgrade, revision)


async def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    return await _with_connection(url, _current, exclusive=False)

