"""The stand-in's REST API: the routes discord.py calls for Counterpoint, with Discord's checks."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from discord_standin.validation import (
    FormError, check_choices, check_commands, check_message, check_thread_name,
)
from discord_standin.world import PUBLIC_THREAD

if TYPE_CHECKING:
    from discord_standin.server import DiscordStandIn, Recorded
    from discord_standin.world import Channel, World

EPHEMERAL = 64
Result = tuple[int, Any]


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _require(server: "DiscordStandIn", permission: str) -> None:
    if permission in server.world.bot_denied:
        raise ApiError(403, 50013, "Missing Permissions")


def _channel(server: "DiscordStandIn", channel_id: str):
    return _located(server, channel_id)[1]


def _located(server: "DiscordStandIn", channel_id: str) -> tuple["World", "Channel"]:
    """The guild (world) a channel is in, and the channel."""
    world = server.world_of_channel(channel_id)
    if world is None:
        raise ApiError(404, 10003, "Unknown Channel")
    return world, world.channels[int(channel_id)]


async def users_me(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    return 200, server.world.bot.user_payload()


async def application_me(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    w = server.world
    return 200, {"id": str(w.application_id), "name": w.bot.name, "icon": None, "description": "",
                 "bot_public": True, "bot_require_code_grant": False, "owner": w.owner.user_payload(),
                 "summary": "", "verify_key": "0" * 64, "team": None, "flags": 0, "rpc_origins": [],
                 "bot": w.bot.user_payload()}


async def gateway_bot(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    return 200, {"url": server.gateway_url, "shards": server.recommended_shards,
                 "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                                         "max_concurrency": 1}}


async def put_commands(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    commands = req.json or []
    check_commands(commands)
    guild_id = m.group("guild")
    out = []
    for command in commands:
        data = dict(command, id=str(server.world.snowflake()), application_id=str(server.world.application_id),
                    version=str(server.world.snowflake()))
        if guild_id:
            data["guild_id"] = guild_id
        out.append(data)
    server.commands[guild_id or "global"] = out
    return 200, out


async def get_commands(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    return 200, server.commands.get(m.group("guild") or "global", [])


async def get_channel(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    world, channel = _located(server, m.group("channel"))
    return 200, world.channel_payload(channel)


async def get_message(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    world, channel = _located(server, m.group("channel"))
    data = world.messages.get(int(m.group("message")))
    if data is None or int(data["channel_id"]) != channel.id:
        raise ApiError(404, 10008, "Unknown Message")
    _require(server, "read_message_history")
    return 200, data


async def post_message(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    world, channel = _located(server, m.group("channel"))
    body = req.json or {}
    check_message(body)
    data = world.message_payload(world.bot, channel.id, body.get("content") or "", embeds=body.get("embeds") or [])
    await server.dispatch("MESSAGE_CREATE", data)
    return 200, data


async def thread_from_message(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    w, channel = _located(server, m.group("channel"))
    message_id = int(m.group("message"))
    if channel.is_thread:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    if message_id not in w.messages:
        raise ApiError(404, 10008, "Unknown Message")
    if message_id in w.threads_by_message:
        raise ApiError(400, 160004, "A thread has already been created for this message")
    check_thread_name(req.json or {})
    _require(server, "create_public_threads")
    thread = w.add_channel(req.json["name"], parent_id=channel.id, owner_id=w.bot.id, channel_id=message_id)
    w.threads_by_message[message_id] = thread.id
    data = w.channel_payload(thread)
    await server.dispatch("THREAD_CREATE", dict(data, newly_created=True))
    return 201, data


async def thread_in_channel(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    w, channel = _located(server, m.group("channel"))
    body = req.json or {}
    check_thread_name(body)
    if channel.is_thread or body.get("type", PUBLIC_THREAD) != PUBLIC_THREAD:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    _require(server, "create_public_threads")
    thread = w.add_channel(body["name"], parent_id=channel.id, owner_id=w.bot.id)
    data = w.channel_payload(thread)
    await server.dispatch("THREAD_CREATE", dict(data, newly_created=True))
    notice = w.message_payload(w.bot, channel.id, body["name"], kind=18,
                               extra={"message_reference": {"channel_id": str(thread.id),
                                                            "guild_id": str(w.guild_id)}})
    await server.dispatch("MESSAGE_CREATE", notice)
    return 201, data


async def interaction_callback(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    interaction = server.interactions.get(m.group("token"))
    if interaction is None or str(interaction["id"]) != m.group("id"):
        raise ApiError(404, 10062, "Unknown interaction")
    if interaction.get("responded"):
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    body = req.json or {}
    kind, data = body.get("type"), body.get("data") or {}
    response: dict[str, Any] = {"id": str(interaction["id"]), "type": interaction["type"]}
    if kind == 4:
        check_message(data)
        message = await server.interaction_message(interaction, data)
        interaction["original"] = message
        response.update(response_message_id=message["id"], response_message_loading=False,
                        response_message_ephemeral=bool(message["flags"] & EPHEMERAL))
        interaction["responded"] = True
        return 200, {"interaction": response, "resource": {"type": 4, "message": message}}
    if kind == 5:
        interaction["responded"] = True
        response.update(response_message_loading=True,
                        response_message_ephemeral=bool((data.get("flags") or 0) & EPHEMERAL))
        return 200, {"interaction": response}
    if kind == 8:
        check_choices(data.get("choices") or [])
        interaction["responded"] = True
        interaction["choices"] = data.get("choices") or []
        return 200, {"interaction": response}
    raise ApiError(400, 50035, f"unsupported interaction callback type {kind}")


async def followup(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    interaction = server.interactions.get(m.group("token"))
    if interaction is None:
        raise ApiError(404, 10015, "Unknown Webhook")
    if not interaction.get("responded"):
        raise ApiError(400, 40060, "The interaction has not been acknowledged")
    check_message(req.json or {})
    return 200, await server.interaction_message(interaction, req.json or {})


async def original(server: "DiscordStandIn", req: "Recorded", m: re.Match) -> Result:
    interaction = server.interactions.get(m.group("token"))
    if interaction is None or "original" not in interaction and req.method != "PATCH":
        raise ApiError(404, 10008, "Unknown Message")
    if req.method == "PATCH":
        body = req.json or {}
        if "original" not in interaction:
            interaction["original"] = await server.interaction_message(interaction, body)
        else:
            interaction["original"].update({k: v for k, v in body.items() if k in ("content", "embeds")})
        check_message(interaction["original"])
    return 200, interaction["original"]


Handler = Callable[["DiscordStandIn", "Recorded", re.Match], Awaitable[Result]]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    ("GET", re.compile(r"^/users/@me$"), users_me),
    ("GET", re.compile(r"^/oauth2/applications/@me$"), application_me),
    ("GET", re.compile(r"^/gateway/bot$"), gateway_bot),
    ("PUT", re.compile(r"^/applications/\d+(?:/guilds/(?P<guild>\d+))?/commands$"), put_commands),
    ("GET", re.compile(r"^/applications/\d+(?:/guilds/(?P<guild>\d+))?/commands$"), get_commands),
    ("GET", re.compile(r"^/channels/(?P<channel>\d+)$"), get_channel),
    ("GET", re.compile(r"^/channels/(?P<channel>\d+)/messages/(?P<message>\d+)$"), get_message),
    ("POST", re.compile(r"^/channels/(?P<channel>\d+)/messages$"), post_message),
    ("POST", re.compile(r"^/channels/(?P<channel>\d+)/messages/(?P<message>\d+)/threads$"), thread_from_message),
    ("POST", re.compile(r"^/channels/(?P<channel>\d+)/threads$"), thread_in_channel),
    ("POST", re.compile(r"^/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback$"), interaction_callback),
    ("POST", re.compile(r"^/webhooks/\d+/(?P<token>[^/]+)$"), followup),
    ("GET", re.compile(r"^/webhooks/\d+/(?P<token>[^/]+)/messages/@original$"), original),
    ("PATCH", re.compile(r"^/webhooks/\d+/(?P<token>[^/]+)/messages/@original$"), original),
]


async def route(server: "DiscordStandIn", req: "Recorded") -> Result:
    """Run the handler for a request; Discord-style JSON errors for failures and unknown routes."""
    for method, pattern, handler in ROUTES:
        match = pattern.match(req.path)
        if match and method == req.method:
            try:
                return await handler(server, req, match)
            except FormError as exc:
                return 400, {"code": exc.code, "message": str(exc), "errors": {}}
            except ApiError as exc:
                return exc.status, {"code": exc.code, "message": exc.message}
    server.unhandled.append(req)
    return 404, {"code": 0, "message": f"404: Not Found ({req.method} {req.path} is not in the stand-in)"}
