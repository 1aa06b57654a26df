"""A local Discord stand-in (REST + gateway on 127.0.0.1) that records what the bot does and lets tests drive it."""
from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from discord_standin.gateway import GatewaySession, gateway_handler
from discord_standin.rest import route
from discord_standin.world import BOT_PERMS, Channel, User, World

API_PREFIX = "/api/v10"
STANDIN: web.AppKey["DiscordStandIn"] = web.AppKey("standin")
TOKEN = "standin-bot-token"
UNAUTHENTICATED = re.compile(r"^/(interactions|webhooks)/")  # interaction tokens authorise these
OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}


@dataclass
class Recorded:
    """One REST request the bot made (the Authorization header is never kept)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int | None = None
    response: Any = field(default=None, repr=False)


class DiscordStandIn:
    """Start with `await standin.start()`; point discord.py at `api_base` and `gateway_url`."""

    def __init__(self, token: str = TOKEN, *, recommended_shards: int = 1) -> None:
        self.token = token
        self.recommended_shards = recommended_shards
        self.privileged_intents_allowed = True  # False: refuse Message Content like an unconfigured app
        self.world = World()
        self.worlds: list[World] = [self.world]  # the first guild, then any `add_guild` made
        self.requests: list[Recorded] = []
        self.unhandled: list[Recorded] = []
        self.sessions: list[GatewaySession] = []
        self.gateway_log: list[dict[str, Any]] = []
        self.gateway_queries: list[dict[str, str]] = []
        self.identified: list[tuple[str, tuple[int, int]]] = []  # (gateway path tag, shard) per IDENTIFY
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[str, dict[str, Any]] = {}
        self._failures: list[tuple[str, re.Pattern[str], int, Any, dict[str, str]]] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app[STANDIN] = self
        app.router.add_get("/gateway", gateway_handler)
        app.router.add_get("/gateway/{tag}", gateway_handler)  # a tag per client tells processes apart
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for session in list(self.sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- guilds ----------------------------------------------------------------------------------
    def add_guild(self, name: str, *, shard: int | None = None, shard_count: int = 1) -> World:
        """Another guild the bot is in (on `shard` of `shard_count`, when given), with its own members and
        channels (#general, #debates); each shard's connection gets the GUILD_CREATE of the guilds it owns."""
        first = self.world
        world = World(first.bot.name, counter=first._counter, bot_id=first.bot.id, guild_name=name,
                      guild_id=first.snowflake(shard=shard, shard_count=shard_count) if shard is not None else None)
        self.worlds.append(world)
        return world

    def world_of_guild(self, guild_id: int | str | None) -> World:
        return next((w for w in self.worlds if str(w.guild_id) == str(guild_id)), self.world)

    def world_of_channel(self, channel_id: int | str) -> World | None:
        return next((w for w in self.worlds if int(channel_id) in w.channels), None)

    # -- REST ------------------------------------------------------------------------------------
    def fail_next(self, method: str, pattern: str, *, status: int = 429, retry_after: float = 0.2,
                  times: int = 1) -> None:
        """The next `times` requests with `method` whose path matches `pattern` fail as Discord fails them:
        429 with `retry_after` (body and Retry-After header), 5xx, or 403 Missing Permissions; nothing happens."""
        if status == 429:
            body: Any = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
            headers = {"Retry-After": str(retry_after), "Via": "1.1 google", "X-RateLimit-Scope": "user"}
        elif status == 403:
            body, headers = {"code": 50013, "message": "Missing Permissions"}, {}
        else:
            body, headers = {"code": 0, "message": f"{status}: Internal Server Error"}, {}
        self._failures.extend([(method, re.compile(pattern), status, body, headers)] * times)

    def _failure_for(self, rec: Recorded) -> tuple[int, Any, dict[str, str]] | None:
        for i, (method, pattern, status, body, headers) in enumerate(self._failures):
            if method == rec.method and pattern.search(rec.path):
                del self._failures[i]
                return status, body, headers
        return None

    async def _rest(self, request: web.Request) -> web.Response:
        path = request.path[len(API_PREFIX):]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": True}
        rec = Recorded(request.method, path, dict(request.query), body)
        headers = {"Content-Type": "application/json"}
        failure = self._failure_for(rec)
        if not UNAUTHENTICATED.match(path) and request.headers.get("Authorization") != f"Bot {self.token}":
            status, payload = 401, {"code": 0, "message": "401: Unauthorized"}
        elif failure is not None:
            status, payload, extra = failure
            headers.update(extra)
        else:
            status, payload = await route(self, rec)
        rec.status, rec.response = status, payload
        async with self._changed:
            self.requests.append(rec)
            self._changed.notify_all()
        return web.Response(status=status, body=json.dumps(payload).encode(), headers=headers)

    def matching(self, method: str, pattern: str, where: Any = None) -> list[Recorded]:
        """Recorded requests with this method whose path matches the regex `pattern` (and `where(rec)`)."""
        rx = re.compile(pattern)
        return [r for r in self.requests
                if r.method == method and rx.search(r.path) and (where is None or where(r))]

    async def wait_for(self, method: str, pattern: str, where: Any = None, *, count: int = 1,
                       timeout: float = 10.0) -> list[Recorded]:
        """Wait until `count` matching requests have been answered; returns all matches."""
        async def arrived() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.matching(method, pattern, where)) >= count)
        await asyncio.wait_for(arrived(), timeout)
        return self.matching(method, pattern, where)

    # -- gateway ---------------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any], *, timeout: float = 10.0) -> None:
        """Send a gateway event of a guild (its `guild_id`, else the first guild) to every identified session
        of the shard that owns that guild, as Discord does; waits for one to be identified."""
        guild_id = self.world_of_guild(data.get("guild_id")).guild_id

        async def ready_sessions() -> list[GatewaySession]:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(self._sessions_for(guild_id)))
            return self._sessions_for(guild_id)
        for session in await asyncio.wait_for(ready_sessions(), timeout):
            await session.dispatch(event, data)

    def _sessions_for(self, guild_id: int) -> list[GatewaySession]:
        return [s for s in self.sessions if s.ready.is_set() and s.owns(guild_id)]

    async def notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def user_message(self, author: User, channel: Channel | int, content: str, *,
                           reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        """A member posts `content` (as a reply to the message `reply_to`, if given); returns the message
        object sent as MESSAGE_CREATE."""
        channel_id = channel if isinstance(channel, int) else channel.id
        world = self.world_of_channel(channel_id) or self.world
        extra = None
        if reply_to is not None:  # Discord sends the replied-to message along, as `referenced_message`
            extra = {"message_reference": {"type": 0, "message_id": reply_to["id"],
                                           "channel_id": reply_to["channel_id"], "guild_id": str(world.guild_id)},
                     "referenced_message": reply_to}
        data = world.message_payload(author, channel_id, content, kind=19 if reply_to else 0, extra=extra)
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    async def react(self, user: User, channel_id: int, message_id: int, emoji: str = "👍") -> None:
        world = self.world_of_channel(channel_id) or self.world
        message = world.messages[message_id]
        await self.dispatch("MESSAGE_REACTION_ADD", {
            "user_id": str(user.id), "channel_id": str(channel_id), "message_id": str(message_id),
            "guild_id": str(world.guild_id), "member": user.member_payload(),
            "emoji": {"id": None, "name": emoji}, "message_author_id": message["author"]["id"],
            "burst": False, "burst_colors": [], "type": 0,
        })

    # -- interactions ----------------------------------------------------------------------------
    def _options(self, path: str, values: dict[str, Any], focused: str | None) -> tuple[str, list[dict]]:
        names = path.split()
        leaf = [{"type": OPTION_TYPES[type(v)], "name": k, "value": v, **({"focused": True} if k == focused else {})}
                for k, v in values.items() if v is not None]
        options: list[dict[str, Any]] = leaf
        for depth, name in reversed(list(enumerate(names[1:], start=1))):
            options = [{"type": 1 if depth == len(names) - 1 else 2, "name": name, "options": options}]
        return names[0], options

    async def slash(self, user: User, channel: Channel | int, path: str, *, kind: int = 2, focused: str | None = None,
                    **values: Any) -> dict[str, Any]:
        """`user` runs `/path` with option `values` in `channel`; returns the interaction (its state updates)."""
        channel_id = channel if isinstance(channel, int) else channel.id
        w = self.world_of_channel(channel_id) or self.world
        channel_obj = w.channels[channel_id]
        name, options = self._options(path, values, focused)
        guild_key = str(w.guild_id) if str(w.guild_id) in self.commands else "global"
        registered = {c["name"]: c for c in self.commands.get(guild_key, [])}
        data: dict[str, Any] = {"id": registered.get(name, {}).get("id", str(w.snowflake())), "name": name,
                                "type": 1, "options": options}
        if guild_key != "global":
            data["guild_id"] = guild_key
        token = f"interaction-token-{w.snowflake()}"
        interaction: dict[str, Any] = {
            "id": str(w.snowflake()), "application_id": str(w.application_id), "type": kind, "data": data,
            "guild_id": str(w.guild_id), "channel_id": str(channel_obj.id), "channel": w.channel_payload(channel_obj),
            "member": user.member_payload(permissions=w.permissions(user, channel_obj.id)),
            "token": token, "version": 1, "app_permissions": str(BOT_PERMS.value), "locale": "en-US",
            "guild_locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"0": str(w.guild_id)},
            "context": 0, "attachment_size_limit": 10 * 1024 * 1024,
        }
        self.interactions[token] = dict(interaction, responded=False, user=user)
        await self.dispatch("INTERACTION_CREATE", interaction)
        return self.interactions[token]

    async def interaction_message(self, interaction: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """The message an interaction response or follow-up creates (echoed unless ephemeral)."""
        w = self.world_of_guild(interaction["guild_id"])
        flags = int(body.get("flags") or 0)
        user: User = interaction["user"]
        data = w.message_payload(w.bot, int(interaction["channel_id"]), body.get("content") or "",
                                 embeds=body.get("embeds") or [], flags=flags, kind=20, extra={
                                     "application_id": str(w.application_id), "webhook_id": str(w.application_id),
                                     "interaction_metadata": {"id": interaction["id"], "type": 2,
                                                              "user": user.user_payload(),
                                                              "authorizing_integration_owners": {},
                                                              "name": interaction["data"]["name"]}})
        interaction.setdefault("messages", []).append(data)
        if not flags & 64:
            await self.dispatch("MESSAGE_CREATE", data)
        return data
