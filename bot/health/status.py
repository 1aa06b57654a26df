"""`counterpoint status`: the facts of a local instance's database (replies today, channels, triggers, debates)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.db.engine import Database, is_sqlite, safe_url
from bot.db.models.service import ChannelSetting, Debate, PostedReply, Trigger
from bot.health.report import database_reachable
from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class InstanceStatus:
    """What `counterpoint status` prints (and `--json` returns)."""

    database: str  # the URL, password hidden
    reachable: bool
    problem: str = ""
    schema: str | None = None
    replies_today: int = 0  # automatic replies since 00:00 UTC
    command_replies_today: int = 0
    channels_opted_in: int = 0
    channels_opted_out: int = 0
    auto_reply_default: str = "off"
    triggers: int = 0
    debates_open: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file a URL names when it does not exist (status must not create an empty one)."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    return None if path.is_file() else path


async def instance_status(settings: Settings, *, now: datetime | None = None) -> InstanceStatus:
    """Read the facts from the database the settings name, without changing it."""
    url = settings.effective_database_url
    where = safe_url(url)
    base = InstanceStatus(database=where, reachable=False, auto_reply_default=settings.auto_reply_default)
    missing = _missing_sqlite_file(url)
    if missing is not None:
        return _with(base, problem=f"no database file at {missing} (the bot has not run with these settings)")
    db = Database(url)
    try:
        if not await database_reachable(db):
            return _with(base, problem="the database does not answer, or has no Counterpoint schema yet "
                                       "(`counterpoint db upgrade` creates it)")
        midnight = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(hour=0, minute=0, second=0,
                                                                                        microsecond=0)
        async with db.read() as session:
            async def count(stmt) -> int:  # noqa: ANN001 - a select of one count
                return int(await session.scalar(stmt) or 0)

            today = select(func.count()).select_from(PostedReply).where(PostedReply.created_at >= midnight)
            return _with(
                base, reachable=True,
                schema=await session.scalar(text("SELECT version_num FROM alembic_version")),
                replies_today=await count(today.where(PostedReply.kind == "auto")),
                command_replies_today=await count(today.where(PostedReply.kind != "auto")),
                channels_opted_in=await count(select(func.count()).select_from(ChannelSetting)
                                              .where(ChannelSetting.autoreply.is_(True))),
                channels_opted_out=await count(select(func.count()).select_from(ChannelSetting)
                                               .where(ChannelSetting.autoreply.is_(False))),
                triggers=await count(select(func.count()).select_from(Trigger)),
                debates_open=await count(select(func.count()).select_from(Debate).where(Debate.status == "open")),
            )
    finally:
        await db.dispose()


def _with(status: InstanceStatus, **changes: object) -> InstanceStatus:
    return InstanceStatus(**{**status.as_dict(), **changes})  # type: ignore[arg-type]


def status_lines(status: InstanceStatus) -> list[str]:
    """The readable form, one fact a line."""
    if not status.reachable:
        return [f"database      {status.database}: unavailable", f"              {status.problem}"]
    default = ("every other channel too (AUTO_REPLY_DEFAULT=on)" if status.auto_reply_default == "on"
               else "other channels off (AUTO_REPLY_DEFAULT=off)")
    return [
        f"database      {status.database} (reachable, schema {status.schema})",
        f"replies today {status.replies_today} automatic, {status.command_replies_today} to commands "
        "(since 00:00 UTC)",
        f"channels      {status.channels_opted_in} opted in, {status.channels_opted_out} opted out; {default}",
        f"triggers      {status.triggers}",
        f"debates open  {status.debates_open}",
    ]
