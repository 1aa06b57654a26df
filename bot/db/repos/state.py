"""Change counters of shared state: a write bumps its scope's version in its own transaction; workers poll them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StateVersion
from bot.db.types import utcnow

ARGUMENTS = "arguments"  # moderator arguments and counter links (the matcher's map)
TRIGGERS = "triggers"
CHANNELS = "channels"  # per-channel auto-reply switch and cooldown (not the last-reply time)
DEBATES = "debates"  # debates opened, given their thread, or closed
FEEDBACK = "feedback"  # reactions that move an argument's ranking
SCOPES = (ARGUMENTS, TRIGGERS, CHANNELS, DEBATES, FEEDBACK)
NOTIFY_CHANNEL = "counterpoint_state"  # PostgreSQL LISTEN/NOTIFY channel; the payload is the scope
BUMPED = "counterpoint_bumped"  # session.info key: {scope: new version} written in this transaction


def dialect_insert(session: AsyncSession) -> Any:
    """`insert` of the session's dialect (for ON CONFLICT clauses, which SQLite and PostgreSQL spell alike)."""
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


async def bump(session: AsyncSession, scope: str) -> int:
    """Add one to `scope`'s version inside the caller's transaction (and NOTIFY on commit, on PostgreSQL)."""
    now = utcnow()
    stmt = dialect_insert(session)(StateVersion).values(scope=scope, version=1, changed_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=[StateVersion.scope],
                                      set_={"version": StateVersion.version + 1, "changed_at": now})
    version = int((await session.execute(stmt.returning(StateVersion.version))).scalar_one())
    if session.bind.dialect.name == "postgresql":  # delivered to listeners when the transaction commits
        await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, scope)))
    session.info.setdefault(BUMPED, {})[scope] = version
    return version


async def versions(session: AsyncSession) -> dict[str, int]:
    """Every scope's current version (a scope never bumped is absent: version 0)."""
    rows = await session.execute(select(StateVersion.scope, StateVersion.version))
    return {scope: int(version) for scope, version in rows.all()}


def bumped(session: AsyncSession) -> dict[str, int]:
    """The scopes this session's transaction bumped, with their new versions."""
    return dict(session.info.get(BUMPED, {}))
