"""Who counts as a moderator on Slack: workspace admins and owners, plus SLACK_MODERATOR_IDS."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SlackUser:
    """What the adapter needs to know about a user."""

    id: str
    name: str
    is_admin: bool = False


class UserDirectory:
    """users.info lookups, cached briefly per user (admin rights and names change rarely)."""

    def __init__(self, moderator_ids: Iterable[str] = (), *, ttl_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._moderator_ids = frozenset(moderator_ids)
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, SlackUser]] = {}

    async def user(self, client: AsyncWebClient, user_id: str) -> SlackUser:
        """The user's name and admin status; on an API error, a non-admin named by id (not cached)."""
        now = self._clock()
        hit = self._cache.get(user_id)
        if hit and hit[0] > now:
            return hit[1]
        try:
            resp = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
            return SlackUser(user_id, user_id)
        data = resp.get("user") or {}
        profile = data.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or data.get("name") or user_id
        admin = any(bool(data.get(k)) for k in ("is_admin", "is_owner", "is_primary_owner"))
        user = SlackUser(user_id, name, admin)
        if len(self._cache) > 10_000:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[user_id] = (now + self._ttl, user)
        return user

    async def is_moderator(self, client: AsyncWebClient, user_id: str) -> bool:
        """True for SLACK_MODERATOR_IDS and for workspace admins or owners."""
        if user_id in self._moderator_ids:
            return True
        return (await self.user(client, user_id)).is_admin
