"""Health facts of a running bot: database reachable, platform connected, index loaded."""
from __future__ import annotations

import asyncio
import logging
import inspect
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db.engine import Database, is_sqlite

log = logging.getLogger(__name__)
Connected = Callable[[], "bool | Awaitable[bool]"]  # the adapter's answer to "is the platform connected?"
DB_TIMEOUT = 5.0  # seconds; a health probe must answer even when the database hangs


@dataclass(frozen=True, slots=True)
class HealthReport:
    """What /healthz answers; healthy only when all three facts hold."""

    platform: str
    database: bool
    connected: bool
    index: bool
    arguments: int = 0

    @property
    def ok(self) -> bool:
        return self.database and self.connected and self.index

    def as_dict(self) -> dict[str, object]:
        return {"status": "ok" if self.ok else "unavailable", **asdict(self)}


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


async def database_reachable(db: Database, timeout: float = DB_TIMEOUT) -> bool:
    """A query of the schema's version row answers in time (and a SQLite file is still where it was)."""
    if is_sqlite(db.url):
        # an open connection keeps working on a deleted file, so look for the file itself
        path = _sqlite_file(db.url)
        if path is not None and not path.is_file():
            return False
    try:
        async with asyncio.timeout(timeout):
            async with db.read() as session:
                await session.execute(text("SELECT version_num FROM alembic_version"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"; say why at debug level
        log.debug("database check failed: %s", exc.__class__.__name__)
        return False
    return True


class Health:
    """Puts the facts together for one running bot: its service's database and index, the adapter's connection."""

    def __init__(self, platform: str, db: Database | None = None, arguments: Callable[[], int] | None = None,
                 connected: Connected | None = None) -> None:
        self.platform = platform
        self.db = db
        self.arguments = arguments
        self.connected: Connected = connected or (lambda: False)

    async def report(self) -> HealthReport:
        database = self.db is not None and await database_reachable(self.db)
        count = self.arguments() if self.arguments is not None else 0
        try:
            state = self.connected()
            connected = bool(await state) if inspect.isawaitable(state) else bool(state)
        except Exception:  # noqa: BLE001 - a half-closed client may raise on inspection
            connected = False
        return HealthReport(platform=self.platform, database=database, connected=connected, index=count > 0,
                            arguments=count)
