"""Reactions on posted replies become feedback (👍 +1, 👎 -1) that nudges ranking in that workspace."""
from __future__ import annotations

import re

from bot.db.repos import feedback as repo
from bot.db.repos.replies import posted_message
from bot.messages import Reaction
from bot.service.args import clip
from bot.service.core import ServiceCore

_SKIN_TONE = re.compile(r"[\U0001F3FB-\U0001F3FF]|::skin-tone-\d|:skin-tone-\d:")
UP = {"👍", "+1", "thumbsup", "thumbs_up", "thumbs-up"}
DOWN = {"👎", "-1", "thumbsdown", "thumbs_down", "thumbs-down"}


def reaction_value(emoji: str) -> int | None:
    """+1 / -1 for thumbs up / down in any spelling (unicode, Slack or Discord names, skin tones)."""
    name = _SKIN_TONE.sub("", emoji or "").strip().strip(":").replace("\ufe0f", "").lower()
    if name in UP:
        return 1
    if name in DOWN:
        return -1
    return None


async def handle_reaction(core: ServiceCore, reaction: Reaction) -> bool:
    value = reaction_value(reaction.emoji)
    if value is None:
        return False
    workspace_id = reaction.workspace_id
    async with core.write() as session:
        message = await posted_message(session, workspace_id, clip(reaction.message_id, 64))
        if message is None or not message.argument_id:
            return False
        await repo.upsert_feedback(session, workspace_id=workspace_id, posted_message_id=message.message_id,
                                   argument_id=message.argument_id, user_id=clip(reaction.user_id, 64),
                                   value=value, now=core.now())
    return True
