"""Arguments, quotes and counter links: converting rows to value objects, moderator additions and removals."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.argmap.types import Argument, Quote
from bot.db.models import Argument as ArgumentRow
from bot.db.models import CounterLink, QuoteRow
from bot.db.repos.state import ARGUMENTS, bump

MODERATOR_SOURCE_ID = "moderator"  # Quote.source_id of a moderator-supplied quote from a URL


def argument_hash(argument: Argument) -> str:
    """A digest of everything stored about an argument except its counter links."""
    payload = {"claim": argument.claim, "stance": argument.stance, "topic": argument.topic,
               "keywords": list(argument.keywords), "workspace_id": argument.workspace_id,
               "quotes": [[q.text, q.source_id, q.source_title, q.speaker, q.locator, q.url, q.original_text,
                           q.moderator_supplied] for q in argument.quotes]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def quote_rows(argument: Argument) -> list[QuoteRow]:
    return [QuoteRow(position=i, source_id=None if q.moderator_supplied else q.source_id,
                     source_title=q.source_title, text=q.text, original_text=q.original_text, speaker=q.speaker,
                     locator=q.locator, url=q.url, moderator_supplied=q.moderator_supplied)
            for i, q in enumerate(argument.quotes)]


def new_argument_row(argument: Argument, *, now: datetime, created_by: str | None = None) -> ArgumentRow:
    return ArgumentRow(id=argument.id, origin=argument.origin, workspace_id=argument.workspace_id,
                       claim=argument.claim, stance=argument.stance, topic=argument.topic,
                       keywords=list(argument.keywords), content_hash=argument_hash(argument),
                       created_by=created_by, created_at=now, updated_at=now, quotes=quote_rows(argument))


def update_argument_row(row: ArgumentRow, argument: Argument, *, now: datetime) -> None:
    row.claim, row.stance, row.topic = argument.claim, argument.stance, argument.topic
    row.keywords, row.workspace_id = list(argument.keywords), argument.workspace_id
    row.content_hash, row.updated_at = argument_hash(argument), now
    row.quotes = quote_rows(argument)


def row_to_argument(row: ArgumentRow, counters: Iterable[str] = ()) -> Argument:
    quotes = tuple(Quote(text=q.text, source_id=q.source_id or MODERATOR_SOURCE_ID, source_title=q.source_title,
                         speaker=q.speaker, locator=q.locator, url=q.url, original_text=q.original_text,
                         moderator_supplied=q.moderator_supplied) for q in row.quotes)
    return Argument(id=row.id, claim=row.claim, stance=row.stance, topic=row.topic,  # type: ignore[arg-type]
                    keywords=tuple(row.keywords or ()), quotes=quotes, counters=tuple(counters),
                    origin=row.origin, workspace_id=row.workspace_id)  # type: ignore[arg-type]


async def moderator_arguments(session: AsyncSession) -> list[Argument]:
    """Every moderator-added argument (all workspaces) with the counters moderators linked to it."""
    rows = (await session.scalars(select(ArgumentRow).where(ArgumentRow.origin == "moderator")
                                  .order_by(ArgumentRow.created_at, ArgumentRow.id))).all()
    links = await moderator_links(session)
    return [row_to_argument(row, [c for a, c in links if a == row.id]) for row in rows]


async def moderator_links(session: AsyncSession) -> list[tuple[str, str]]:
    """(argument_id, counter_id) pairs added by moderators, oldest first."""
    rows = await session.execute(select(CounterLink.argument_id, CounterLink.counter_id)
                                 .where(CounterLink.origin == "moderator").order_by(CounterLink.id))
    return [(a, c) for a, c in rows.all()]


async def get_argument(session: AsyncSession, argument_id: str) -> ArgumentRow | None:
    return await session.get(ArgumentRow, argument_id)


async def add_moderator_argument(session: AsyncSession, argument: Argument, *, created_by: str,
                                 now: datetime) -> None:
    session.add(new_argument_row(argument, now=now, created_by=created_by))
    await session.flush()
    await bump(session, ARGUMENTS)


async def remove_moderator_argument(session: AsyncSession, argument_id: str) -> bool:
    """Delete a moderator-added argument, its quotes and every moderator link touching it."""
    row = await session.get(ArgumentRow, argument_id)
    if row is None or row.origin != "moderator":
        return False
    await session.delete(row)
    await session.execute(delete(CounterLink).where(
        CounterLink.origin == "moderator",
        or_(CounterLink.argument_id == argument_id, CounterLink.counter_id == argument_id)))
    await session.flush()
    await bump(session, ARGUMENTS)
    return True


async def link_exists(session: AsyncSession, argument_id: str, counter_id: str) -> bool:
    found = await session.scalar(select(CounterLink.id).where(CounterLink.argument_id == argument_id,
                                                              CounterLink.counter_id == counter_id))
    return found is not None


async def add_moderator_link(session: AsyncSession, argument_id: str, counter_id: str, *, workspace_id: str,
                             created_by: str, now: datetime) -> bool:
    """Record that `counter_id` answers `argument_id`; False if that link already exists."""
    if await link_exists(session, argument_id, counter_id):
        return False
    session.add(CounterLink(argument_id=argument_id, counter_id=counter_id, origin="moderator",
                            workspace_id=workspace_id, created_by=created_by, created_at=now))
    await session.flush()
    await bump(session, ARGUMENTS)
    return True
