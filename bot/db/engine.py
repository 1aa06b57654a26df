"""The database handle: async engine and sessions from a URL, SQLite pragmas, serialised SQLite writes."""
from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, InvalidRequestError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import ConfigError, DatabaseError

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                  "PRAGMA busy_timeout=30000")
EXAMPLE_URLS = "sqlite+aiosqlite:///path/to/file.sqlite3 or postgresql+asyncpg://user:password@host/database"
PG_CONNECT_TIMEOUT = 10  # seconds; asyncpg's own default (60 s) looks like a hang when the host is gone


def parse_url(url: str) -> URL:
    """The parsed URL, or ConfigError naming DATABASE_URL when it is not a database URL at all."""
    try:
        return make_url(url)
    except (ArgumentError, ValueError, TypeError):
        raise ConfigError(f"DATABASE_URL {safe_url(url)!r} is not a database URL; expected {EXAMPLE_URLS}") from None


def is_sqlite(url: str) -> bool:
    return parse_url(url).get_backend_name() == "sqlite"


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs; never raises, even for garbage."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # unparseable: hide whatever sits between "user:" and "@"
        return re.sub(r"(://[^/@:]*:)[^@]*@", r"\1***@", str(url))


def _ensure_sqlite_dir(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = "a file is in the way" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
            raise ConfigError(f"cannot use {folder} as the database folder (DATA_DIR or DATABASE_URL): "
                              f"{why}") from None


def _async_engine(url: URL, **options: Any) -> AsyncEngine:
    """create_async_engine, with a driver that is unknown, sync-only or not installed as ConfigError."""
    try:
        return create_async_engine(url, **options)
    except NoSuchModuleError:
        raise ConfigError(f"DATABASE_URL names an unknown database driver {url.drivername!r}; "
                          f"expected {EXAMPLE_URLS}") from None
    except ImportError as exc:
        package = exc.name or url.get_driver_name()
        raise ConfigError(f"DATABASE_URL needs the Python package {package!r} for {url.drivername!r}, which is "
                          f"not installed (pip install {package})") from None
    except InvalidRequestError:  # "the asyncio extension requires an async driver"
        raise ConfigError(f"DATABASE_URL uses the synchronous driver {url.drivername!r}; Counterpoint needs an "
                          f"async one: {EXAMPLE_URLS}") from None
    except (ArgumentError, TypeError, ValueError) as exc:
        raise ConfigError(f"DATABASE_URL {url.render_as_string(hide_password=True)!r} is not usable: "
                          f"{exc}") from None


def _sqlite_folder_read_only(url: str) -> bool:
    """Whether a SQLite URL's folder is on a read-only mount or not writable (SQLite cannot add -wal there)."""
    try:
        folder = Path(make_url(url).database or ".").expanduser().resolve().parent
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY) or not os.access(folder, os.W_OK)
    except Exception:  # noqa: BLE001 - only used to word a message better
        return False


def database_error(url: str, exc: BaseException) -> DatabaseError:
    """One line saying why the database at `url` cannot be used, from a driver, SQLAlchemy or OS error."""
    where = safe_url(url)
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    text = lines[0] if lines else orig.__class__.__name__
    low = text.lower()
    if "readonly" in low or "read-only" in low:
        message = f"the database {where} is read-only ({text}); Counterpoint must be able to write to it"
    elif "not a database" in low or "malformed" in low:
        message = f"{where} is not a usable SQLite database ({text}); restore it or point DATABASE_URL elsewhere"
    elif "unable to open database file" in low and _sqlite_folder_read_only(url):
        message = f"the database {where} is in a read-only folder or file system; Counterpoint must write there"
    elif "unable to open database file" in low:
        message = f"cannot open the database {where} ({text}); check that its folder exists and is writable"
    elif isinstance(orig, OSError):
        message = f"cannot connect to the database {where}: {text}"
    else:
        message = f"cannot use the database {where}: {orig.__class__.__name__}: {text}"
    return DatabaseError(message)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite only opens a transaction before DML, so CREATE TABLE would commit on its own; with the
    # driver in autocommit mode the "begin" listener below opens every transaction itself.
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, exclusive_transactions: bool = False) -> AsyncEngine:
    """An async engine; for SQLite the folder is created and WAL/foreign-key pragmas set on connect.

    `exclusive_transactions` (migrations): on SQLite every transaction starts with BEGIN IMMEDIATE, so DDL
    is part of it and a second process waits for the first to commit instead of racing it.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_dir(parsed)
        engine = _async_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
        if exclusive_transactions:
            event.listen(engine.sync_engine, "connect", _autocommit_driver)
            event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_driver_name() == "asyncpg":
        options["connect_args"] = {"timeout": PG_CONNECT_TIMEOUT}
    return _async_engine(parsed, **options)


class Database:
    """Engine plus session factory. `write()` is serialised per process on SQLite (one writer at a time)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if is_sqlite(url) else None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; nothing is committed."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success and rolled back on error."""
        if self._write_lock is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock:
            async with self.sessions() as session, session.begin():
                yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
