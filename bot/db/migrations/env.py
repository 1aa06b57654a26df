"""Alembic environment: runs on the connection handed in by bot.db.migrate, or opens one from the URL."""
from __future__ import annotations

import asyncio
import os
import sys
import threading
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from bot.db.engine import create_engine
from bot.db.migrate import TEST_PAUSE_VARIABLE, lock_migrations
from bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def _pause_for_tests(ctx: Any, step: Any, heads: Any, run_args: Any, **_: Any) -> None:
    """Test hook: with COUNTERPOINT_TEST_PAUSE_IN_MIGRATION=<revision>, block inside that migration step
    (its DDL done, its transaction open) until the process is killed, so a test can SIGKILL it there."""
    if step.up_revision_id == os.environ.get(TEST_PAUSE_VARIABLE):
        print(f"paused in migration {step.up_revision_id}", file=sys.stderr, flush=True)
        threading.Event().wait()


def _run(connection: Connection) -> None:
    lock_migrations(connection)
    options: dict[str, Any] = {"on_version_apply": _pause_for_tests} if os.environ.get(TEST_PAUSE_VARIABLE) else {}
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True, **options)
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_engine(url, exclusive_transactions=True)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (shared := config.attributes.get("connection")) is not None:
    _run(shared)
else:
    asyncio.run(_run_with_url(config.get_main_option("sqlalchemy.url") or ""))
