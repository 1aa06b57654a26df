"""Feedback: one +1/-1 per user per posted message, and the net score of each argument per workspace."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Feedback
from bot.db.repos.state import FEEDBACK, bump


async def upsert_feedback(session: AsyncSession, *, workspace_id: str, posted_message_id: str, argument_id: str,
                          user_id: str, value: int, now: datetime) -> Feedback:
    row = await session.scalar(select(Feedback).where(Feedback.workspace_id == workspace_id,
                                                      Feedback.posted_message_id == posted_message_id,
                                                      Feedback.user_id == user_id))
    if row is None:
        row = Feedback(workspace_id=workspace_id, posted_message_id=posted_message_id, argument_id=argument_id,
                       user_id=user_id, value=value, created_at=now, updated_at=now)
        session.add(row)
    elif row.value != value:
        row.value, row.updated_at = value, now
    else:
        return row
    await session.flush()
    await bump(session, FEEDBACK)
    return row


async def net_scores(session: AsyncSession, workspace_id: str) -> dict[str, int]:
    """Sum of feedback values per argument in one workspace."""
    rows = await session.execute(select(Feedback.argument_id, func.sum(Feedback.value))
                                 .where(Feedback.workspace_id == workspace_id).group_by(Feedback.argument_id))
    return {argument_id: int(total or 0) for argument_id, total in rows.all()}
