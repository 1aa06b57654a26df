"""The real Slack app served on 127.0.0.1, its client pointed at the stand-in, and signed requests to it."""
from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import build_app
from adapters.slack.deps import SlackDeps
from bot.settings import Settings
from slack_standin.server import SlackStandIn

SIGNING_SECRET = "standin-signing-secret"


@dataclass(frozen=True, slots=True)
class HttpResult:
    status: int
    body: str
    event_id: str = ""
    ts: str = ""
    response_key: str = ""


@dataclass
class SlackHarness:
    """Send Slack-shaped, signed requests to the app; watch what it calls on the stand-in."""

    standin: SlackStandIn
    deps: SlackDeps
    server: TestServer
    session: aiohttp.ClientSession
    settings: Settings
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def service(self):
        return self.deps.service

    @property
    def url(self) -> str:
        return str(self.server.make_url("/slack/events"))

    async def post_signed(self, body: str, content_type: str, *, secret: str = SIGNING_SECRET,
                          timestamp: int | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                       "X-Slack-Signature": signature, **(headers or {})}
        async with self.session.post(self.url, data=body.encode(), headers=all_headers) as resp:
            return resp.status, await resp.text()

    def next_id(self) -> int:
        return next(self._ids)

    def new_channel(self) -> str:
        """A channel id no other test has used (tests share one service)."""
        return f"C{self.next_id():08d}"

    async def send_event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None,
                         **sign: Any) -> HttpResult:
        event_id = event_id or f"Ev{self.next_id():08d}"
        envelope = {"token": "legacy", "team_id": self.standin.team_id, "api_app_id": "A0STANDIN",
                    "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                    "event": event, "authorizations": [{"team_id": self.standin.team_id,
                                                        "user_id": self.standin.bot_user_id, "is_bot": True}]}
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        status, body = await self.post_signed(json.dumps(envelope), "application/json", headers=headers, **sign)
        return HttpResult(status, body, event_id=event_id, ts=event.get("ts", ""))

    def message_event(self, text: str, *, channel: str = "C0GENERAL", user: str = "U0ALICE",
                      thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
        n = self.next_id()
        ts = f"{1_600_000_000 + n}.{n:06d}"
        event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "event_ts": ts,
                 "channel_type": "channel", "team": self.standin.team_id}
        if thread_ts:
            event["thread_ts"] = thread_ts
        event.update(extra)
        return event

    async def send_message(self, text: str, **kw: Any) -> HttpResult:
        return await self.send_event(self.message_event(text, **kw))

    async def send_command(self, text: str, *, command: str = "/counterpoint", user: str = "U0ALICE",
                           channel: str = "C0GENERAL", **sign: Any) -> HttpResult:
        key = f"cmd{self.next_id()}"
        form = {"token": "legacy", "team_id": self.standin.team_id, "team_domain": "standin",
                "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": user.lower(),
                "command": command, "text": text, "api_app_id": "A0STANDIN",
                "response_url": self.standin.response_url(key), "trigger_id": f"{key}.trigger"}
        status, body = await self.post_signed(urlencode(form), "application/x-www-form-urlencoded", **sign)
        return HttpResult(status, body, response_key=key)

    async def outcome(self, result: HttpResult, count: int = 1) -> list[str]:
        """What the app did with an event delivery or slash command, once it is done."""
        key = result.event_id or f"{result.response_key}.trigger"
        return await self.deps.deliveries.wait(key, count=count)


@asynccontextmanager
async def open_harness(data_dir: Path, *, corpus: Any = None, **overrides: Any) -> AsyncIterator[SlackHarness]:
    """Stand-in + real CounterpointService on a SQLite file in `data_dir` + the AsyncApp on a local port."""
    from bot.service.service import CounterpointService

    standin = await SlackStandIn().start()
    standin.add_user("U0ALICE", "alice")
    standin.add_user("U0ADMIN", "ada", admin=True)
    values: dict[str, Any] = dict(data_dir=data_dir, auto_reply_default="off",
                                  slack_bot_token=SecretStr(standin.token),
                                  slack_signing_secret=SecretStr(SIGNING_SECRET),
                                  slack_api_url=standin.base_url, slack_moderator_ids="U0LISTEDMOD")
    values.update(overrides)
    settings = Settings(_env_file=None, **values)
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        app, deps = build_app(settings, service)
        server = TestServer(app.web_app(), host="127.0.0.1")
        await server.start_server()
        session = aiohttp.ClientSession()
        try:
            yield SlackHarness(standin, deps, server, session, settings)
            await deps.deliveries.drain()
        finally:
            await session.close()
            await server.close()
    finally:
        await service.close()
        await standin.close()
