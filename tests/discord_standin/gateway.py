"""The stand-in's gateway: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, then dispatches."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from discord_standin.server import DiscordStandIn

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 9, 10, 11
AUTH_FAILED, DISALLOWED_INTENTS = 4004, 4014
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


def _redacted(payload: dict[str, Any]) -> dict[str, Any]:
    data = payload.get("d")
    if isinstance(data, dict) and "token" in data:
        return dict(payload, d=dict(data, token="<redacted>"))
    return payload


class GatewaySession:
    """One websocket connection (one shard). Sends plain text frames, whatever compression is asked for."""

    def __init__(self, ws: web.WebSocketResponse, server: "DiscordStandIn", tag: str = "") -> None:
        self.ws = ws
        self.server = server
        self.tag = tag  # the path after /gateway/ the client connected to ("" for /gateway)
        self.seq = 0
        self.shard = (0, 1)
        self.identify: dict[str, Any] | None = None
        self.ready = asyncio.Event()
        self._send_lock = asyncio.Lock()

    def owns(self, guild_id: int) -> bool:
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id

    async def send(self, payload: dict[str, Any]) -> None:
        async with self._send_lock:
            if not self.ws.closed:
                await self.ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        async with self._send_lock:  # sequence numbers go out in order
            self.seq += 1
            if not self.ws.closed:
                await self.ws.send_str(json.dumps({"op": DISPATCH, "t": event, "s": self.seq, "d": data}))

    async def on_identify(self, data: dict[str, Any]) -> None:
        server = self.server
        if data.get("token") != self.server.token:
            await self.ws.close(code=AUTH_FAILED, message=b"Authentication failed.")
            return
        if not self.server.privileged_intents_allowed and int(data.get("intents") or 0) & PRIVILEGED_INTENTS:
            await self.ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        self.identify = data
        if data.get("shard"):
            self.shard = (int(data["shard"][0]), int(data["shard"][1]))
        server.identified.append((self.tag, self.shard))
        worlds = [w for w in server.worlds if self.owns(w.guild_id)]
        await self.dispatch("READY", {
            "v": 10, "user": server.world.bot.user_payload(), "session_id": f"session-{id(self)}",
            "resume_gateway_url": server.gateway_url + (f"/{self.tag}" if self.tag else ""),
            "shard": list(self.shard), "guilds": [{"id": str(w.guild_id), "unavailable": True} for w in worlds],
            "application": {"id": str(server.world.application_id), "flags": 0},
            "private_channels": [], "relationships": [], "presences": [], "guild_join_requests": [],
        })
        for world in worlds:
            await self.dispatch("GUILD_CREATE", world.guild_payload())
        self.ready.set()
        await self.server.notify()

    async def serve(self) -> None:
        await self.send({"op": HELLO, "d": {"heartbeat_interval": 41250}})
        async for msg in self.ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            self.server.gateway_log.append(_redacted(payload))
            op = payload.get("op")
            if op == HEARTBEAT:
                await self.send({"op": HEARTBEAT_ACK})
            elif op == IDENTIFY:
                await self.on_identify(payload.get("d") or {})
            elif op == RESUME:  # sessions are not kept: start over
                await self.send({"op": INVALID_SESSION, "d": False})


async def gateway_handler(request: web.Request) -> web.WebSocketResponse:
    from discord_standin.server import STANDIN

    server = request.app[STANDIN]
    ws = web.WebSocketResponse(autoping=True)
    await ws.prepare(request)
    session = GatewaySession(ws, server, request.match_info.get("tag", ""))
    server.gateway_queries.append(dict(request.query))
    server.sessions.append(session)
    try:
        await session.serve()
    finally:
        server.sessions.remove(session)
    return ws
