"""The stand-in server: Slack-shaped JSON for the Web API methods the adapter calls, every call recorded."""
from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from slack_standin.blocks import block_errors


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One recorded request: the Web API method (or "response_url"), its parameters and auth header."""

    method: str
    params: dict[str, Any]
    authorization: str = ""
    response: dict[str, Any] = field(default_factory=dict)  # what the stand-in answered

    def texts(self) -> list[str]:
        """Every human-visible string this call would show: `text` and every text inside its blocks."""
        found: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(self.params.get("text"))
        walk(self.params.get("blocks"))
        return found


def _parse_json_values(params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    for key in ("blocks", "attachments"):
        if isinstance(out.get(key), str):
            try:
                out[key] = json.loads(out[key])
            except ValueError:
                pass
    return out


@dataclass
class SlackStandIn:
    """A local Slack Web API. `base_url` goes into SLACK_API_URL; `response_url(key)` into slash commands."""

    token: str = "xoxb-standin-token"
    app_token: str = "xapp-standin-token"  # for apps.connections.open (Socket Mode)
    team_id: str = "T0STANDIN"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # method -> error every call to it returns
    calls: list[ApiCall] = field(default_factory=list)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel -> messages, oldest first

    def __post_init__(self) -> None:
        self._failures: dict[str, list[tuple[int, str, str | None]]] = {}
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.port = 0

    # -- lifecycle -------------------------------------------------------
    async def start(self) -> "SlackStandIn":
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def add_user(self, user_id: str, name: str, *, admin: bool = False, owner: bool = False) -> None:
        self.users[user_id] = {"id": user_id, "team_id": self.team_id, "name": name, "is_admin": admin,
                               "is_owner": owner, "is_primary_owner": False, "is_bot": False,
                               "profile": {"display_name": name, "real_name": name.title()}}

    def fail_next(self, method: str, *, status: int = 429, error: str = "ratelimited",
                  retry_after: str | None = "1", times: int = 1) -> None:
        """The next `times` calls to `method` fail as Slack fails them: e.g. HTTP 429 `ratelimited` with a
        Retry-After header (seconds), or HTTP 500 `internal_error`; nothing is posted."""
        self._failures.setdefault(method, []).extend([(status, error, retry_after)] * times)

    def add_message(self, channel: str, message: dict[str, Any]) -> None:
        """Make a message (e.g. one a test sent as an event) part of the channel's history."""
        self.history.setdefault(channel, []).append(message)

    # -- observing -------------------------------------------------------
    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str | None, where: Callable[[ApiCall], bool] = lambda call: True,
                       timeout: float = 10.0) -> ApiCall:
        """The first call to `method` (None: any method) matching `where`, made already or within `timeout` s."""
        def find() -> ApiCall | None:
            return next((c for c in self.calls if method in (None, c.method) and where(c)), None)

        async def arrived() -> ApiCall:
            async with self._changed:
                await self._changed.wait_for(lambda: find() is not None)
                return find()  # type: ignore[return-value]
        return await asyncio.wait_for(arrived(), timeout)

    async def _record(self, call: ApiCall) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # -- handlers --------------------------------------------------------
    def next_ts(self) -> str:
        n = next(self._ts)
        return f"{1_700_000_000 + n}.{n:06d}"

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        return _parse_json_values(params)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        token = self.app_token if method == "apps.connections.open" else self.token
        failure = self._failures.get(method, []).pop(0) if self._failures.get(method) else None
        if failure is not None and auth == f"Bearer {token}":
            status, error, retry_after = failure
            answer: dict[str, Any] = {"ok": False, "error": error}
            await self._record(ApiCall(method, params, auth, answer))
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return web.json_response(answer, status=status, headers=headers)
        if auth != f"Bearer {token}":
            answer = {"ok": False, "error": "invalid_auth"}
        elif method in self.errors:
            answer = {"ok": False, "error": self.errors[method]}
        elif handler is None:
            answer = {"ok": False, "error": "unknown_method"}
        else:
            answer = handler(params)
        await self._record(ApiCall(method, params, auth, answer))
        return web.json_response(answer)

    async def _response_url(self, request: web.Request) -> web.Response:
        params = _parse_json_values(await request.json())
        await self._record(ApiCall("response_url", {**params, "key": request.match_info["key"]}))
        return web.Response(text="ok")

    # -- Socket Mode -----------------------------------------------------
    def _m_apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "standin"},
                            "connection_info": {"app_id": "A0STANDIN"}})
        async with self._changed:
            self._sockets.append(ws)
            self._changed.notify_all()
        try:
            async for frame in ws:
                if frame.type.name == "TEXT":
                    await self._record(ApiCall("socket_ack", json.loads(frame.data)))
        finally:
            self._sockets.remove(ws)
        return ws

    async def socket_send(self, kind: str, payload: dict[str, Any], envelope_id: str,
                          timeout: float = 10.0, **extra: Any) -> None:
        """Push one Socket Mode envelope ("events_api", "slash_commands") to the connected app."""
        async def connected() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(self._sockets))
        await asyncio.wait_for(connected(), timeout)
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", **extra}
        await self._sockets[-1].send_json(envelope)

    def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://standin.slack.com/", "team": "Stand-in", "user": "counterpoint",
                "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": self.bot_id,
                "is_enterprise_install": False}

    def _message_errors(self, params: dict[str, Any]) -> dict[str, Any] | None:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if "blocks" in params:
            errors = block_errors(params["blocks"])
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
        return None

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        refused = self._message_errors(params)
        if refused:
            return refused
        ts = self.next_ts()
        message = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id, "ts": ts,
                   "text": params.get("text", ""), "blocks": params.get("blocks", [])}
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.add_message(params["channel"], message)
        return {"ok": True, "channel": params["channel"], "ts": ts, "message": message}

    def _m_conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent, then its replies, at most `limit` of them."""
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        messages = self.history.get(str(params["channel"]), [])  # every channel exists; most have no history
        ts = str(params.get("ts", ""))
        thread = [m for m in messages if m.get("ts") == ts] + [m for m in messages if m.get("thread_ts") == ts
                                                                 and m.get("ts") != ts]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        limit = int(params.get("limit") or 1000)
        return {"ok": True, "messages": thread[:limit], "has_more": len(thread) > limit}

    def _m_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        refused = self._message_errors(params)
        if refused:
            return refused
        if not params.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self.next_ts()}

    def _m_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}
