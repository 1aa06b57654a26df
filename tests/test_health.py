"""HEALTH_PORT: /healthz and /metrics of the Discord and Slack run modes (stand-ins); 503 without a database."""
from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from adapters.discord.runner import run_discord
from adapters.slack.runner import run_slack
from bot.settings import Settings
from discord_standin.fixtures import OFF_TOPIC, ON_TOPIC, standin  # noqa: F401  (fixture)
from discord_standin.harness import standin_settings
from pg_scratch import needs_postgres, scratch_database
from slack_standin import SlackStandIn

WAIT = 20.0  # upper bound for a condition; never asserted as a speed limit
START = 120.0  # upper bound for a bot to start (index build on a busy machine)
SECRET = "health-signing-secret"


@pytest.fixture
def keep_endpoints(monkeypatch):
    """run_discord points discord.py at the stand-in; put the defaults back afterwards."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


@pytest.fixture
async def slack():
    server = await SlackStandIn().start()
    server.add_user("U0ADMIN", "ada", admin=True)
    yield server
    await server.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'db' / 'counterpoint.sqlite3'}"


def sample(exposition: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(exposition):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with http.get(url) as resp:
        body = await resp.text()
        return resp.status, json.loads(body) if resp.content_type == "application/json" else body


async def until(check: Any, task: asyncio.Task | None = None, timeout: float = WAIT) -> Any:
    """Poll `check()` until it returns something truthy (the bot under test must still be running)."""
    async with asyncio.timeout(timeout):
        while True:
            if task is not None and task.done():
                raise AssertionError(f"the bot stopped: {task.result()}")
            try:
                found = await check()
            except aiohttp.ClientConnectionError:
                found = None
            if found:
                return found
            await asyncio.sleep(0.05)


async def metric(http: aiohttp.ClientSession, base: str, name: str, **labels: str) -> float:
    status, text = await get(http, f"{base}/metrics")
    assert status == 200
    return sample(text, name, **labels)


async def test_discord_run_mode_serves_healthz_and_metrics_and_503_without_its_database(
        standin, tmp_path, keep_endpoints, caplog):
    caplog.set_level(logging.INFO, logger="adapters.discord.client")
    port = free_port()
    settings = standin_settings(standin, data_dir=tmp_path / "data", database_url=database_url(tmp_path),
                                health_port=port, health_host="127.0.0.1", auto_reply_default="on",
                                discord_guild_ids=str(standin.world.guild_id))
    stop = asyncio.Event()
    task = asyncio.create_task(run_discord(settings, stop=stop, guild_ready_timeout=0.05))
    base, w = f"http://127.0.0.1:{port}", standin.world
    try:
        async with aiohttp.ClientSession() as http:
            async def healthy() -> Any:
                status, body = await get(http, f"{base}/healthz")
                return body if status == 200 else None

            body = await until(healthy, task, START)
            assert body["status"] == "ok" and body["platform"] == "discord"
            assert body["database"] and body["connected"] and body["index"] and body["arguments"] > 50

            await standin.user_message(w.alice, w.general, ON_TOPIC)
            posted = "counterpoint_auto_replies_posted_total"
            assert await until(lambda: metric(http, base, posted, platform="discord"), task) == 1
            await standin.user_message(w.bob, w.general, OFF_TOPIC)
            assert await until(lambda: metric(http, base, "counterpoint_gate_decisions_total", decision="silent"),
                               task) == 1
            await standin.slash(w.alice, w.general, "sources")
            assert await until(lambda: metric(http, base, "counterpoint_commands_total", command="sources"),
                               task) == 1
            _, text = await get(http, f"{base}/metrics")
            assert sample(text, "counterpoint_messages_seen_total", platform="discord") == 2
            assert sample(text, "counterpoint_gate_decisions_total", decision="posted") == 1
            assert sample(text, "counterpoint_match_seconds_count", platform="discord") == 2
            assert sample(text, "counterpoint_platform_reconnects_total", platform="discord") == 0

            await standin.sessions[0].ws.close(code=4000)  # the gateway drops the bot; it connects again
            assert await until(lambda: metric(http, base, "counterpoint_platform_reconnects_total"), task) == 1
            assert await until(healthy, task)

            ready = [r for r in caplog.records if r.getMessage().startswith("connected to Discord as ")]
            assert ready and ready[0].getMessage().endswith(" in 1 servers") and ready[0].levelno >= logging.INFO
            shutil.rmtree(tmp_path / "db")  # the database is gone
            status, body = await get(http, f"{base}/healthz")
            assert status == 503
            assert body["status"] == "unavailable" and body["database"] is False and body["connected"] is True
    finally:
        stop.set()
    assert await asyncio.wait_for(task, WAIT) == 0


def signed(body: str, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)}


def slack_settings(slack: SlackStandIn, tmp_path: Path, **values: Any) -> Settings:
    base = dict(_env_file=None, data_dir=tmp_path / "data", database_url=database_url(tmp_path),
                auto_reply_default="off", slack_bot_token=SecretStr(slack.token), slack_api_url=slack.base_url,
                slack_host="127.0.0.1", health_host="127.0.0.1")
    return Settings(**{**base, **values})


async def start_slack(settings: Settings, port: int = 0) -> tuple[asyncio.Task, asyncio.Event]:
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_slack(settings, port, stop=stop, started=started))
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, timeout=START, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    assert started.is_set(), task.result() if task.done() else "did not start"
    return task, stop


async def test_slack_http_mode_serves_the_same_paths_on_the_slack_port_and_on_health_port(
        slack, tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)  # as a deployment sets it: Bolt must not warn about it
    port, health_port = free_port(), free_port()
    settings = slack_settings(slack, tmp_path, slack_signing_secret=SecretStr(SECRET),
                              health_port=health_port, slack_host="127.0.0.2")
    task, stop = await start_slack(settings, port)  # no host argument: SLACK_HOST is the bind address
    slack_base, health_base = f"http://127.0.0.2:{port}", f"http://127.0.0.1:{health_port}"
    try:
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):  # only SLACK_HOST listens
                await get(http, f"http://127.0.0.1:{port}/healthz")
            for base in (slack_base, health_base):
                status, body = await get(http, f"{base}/healthz")
                assert status == 200 and body["status"] == "ok" and body["platform"] == "slack"
                assert body["connected"] and body["database"] and body["index"]
            form = ("command=%2Fcounterpoint&text=help&team_id=T0STANDIN&channel_id=C0H&user_id=U0ADMIN"
                    f"&user_name=ada&response_url={slack.response_url('h')}")
            async with http.post(f"{slack_base}/slack/events", data=form,
                                 headers=signed(form, "application/x-www-form-urlencoded")) as resp:
                assert resp.status == 200
            await slack.wait_for("response_url", lambda c: c.params["key"] == "h")
            forged = form.replace("text=help", "text=argue+a+private+claim+from+alice")
            async with http.post(f"{slack_base}/slack/events", data=forged,
                                 headers={**signed(form, "application/x-www-form-urlencoded")}) as resp:
                assert resp.status == 401  # signed for another body
            event = {"type": "message", "channel": "C0H", "user": "U0ALICE", "text": "lunch at noon?",
                     "ts": "1600000000.000200", "channel_type": "channel"}
            envelope = json.dumps({"type": "event_callback", "team_id": slack.team_id, "event_id": "Ev0H",
                                   "event_time": int(time.time()), "event": event, "api_app_id": "A0STANDIN"})
            async with http.post(f"{slack_base}/slack/events", data=envelope,
                                 headers=signed(envelope, "application/json")) as resp:
                assert resp.status == 200
            assert await until(lambda: metric(http, health_base, "counterpoint_gate_decisions_total",
                                              decision="silent"), task) == 1
            for base in (slack_base, health_base):
                status, text = await get(http, f"{base}/metrics")
                assert status == 200
                assert sample(text, "counterpoint_commands_total", platform="slack", command="help") == 1
                assert sample(text, "counterpoint_messages_seen_total", platform="slack") == 1
                assert "counterpoint_match_seconds_bucket" in text

            shutil.rmtree(tmp_path / "db")
            for base in (slack_base, health_base):
                status, body = await get(http, f"{base}/healthz")
                assert status == 503 and body["database"] is False
    finally:
        stop.set()
    assert await asyncio.wait_for(task, WAIT) == 0
    assert "private+claim" not in caplog.text and "private claim" not in caplog.text
    assert not [r for r in caplog.records if "unused" in r.getMessage()]  # "token will be unused"
    [ready] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("serving Slack as ")]
    assert f"on 127.0.0.2:{port}" in ready


async def test_slack_socket_mode_health_and_a_counted_reconnect(slack, tmp_path):
    port = free_port()
    settings = slack_settings(slack, tmp_path, slack_app_token=SecretStr(slack.app_token),
                              health_port=port)
    task, stop = await start_slack(settings)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            status, body = await get(http, f"{base}/healthz")
            assert status == 200 and body["connected"] is True
            first = slack._sockets[-1]
            await first.send_json({"type": "disconnect", "reason": "refresh_requested"})  # as Slack does
            assert await until(lambda: metric(http, base, "counterpoint_platform_reconnects_total",
                                              platform="slack"), task) == 1
            status, body = await until(lambda: _healthy(http, base), task)
            assert status == 200
    finally:
        stop.set()
    assert await asyncio.wait_for(task, WAIT) == 0


async def _healthy(http: aiohttp.ClientSession, base: str) -> tuple[int, Any] | None:
    status, body = await get(http, f"{base}/healthz")
    return (status, body) if status == 200 else None


class TcpProxy:
    """127.0.0.1:port -> target; `close()` drops every connection and stops listening (a database outage)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()
        await self.server.wait_closed()


@needs_postgres
async def test_healthz_is_503_while_postgresql_is_unreachable():
    from sqlalchemy.engine import make_url

    from adapters.web.health import health_routes
    from adapters.web.server import WebServer
    from bot.db.engine import Database
    from bot.db.migrate import upgrade_database
    from bot.health.metrics import Metrics
    from bot.health.report import Health

    async with scratch_database() as url:
        await upgrade_database(url)
        target = make_url(url)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        proxied = target.set(host="127.0.0.1", port=await proxy.start()).render_as_string(hide_password=False)
        db = Database(proxied)
        server = WebServer()
        server.add_routes(health_routes(Health("test", db, lambda: 1, lambda: True), Metrics("test")))
        await server.start("127.0.0.1", 0)
        try:
            async with aiohttp.ClientSession() as http:
                status, body = await get(http, f"http://127.0.0.1:{server.port}/healthz")
                assert status == 200 and body["database"] is True
                await proxy.close()
                status, body = await get(http, f"http://127.0.0.1:{server.port}/healthz")
                assert status == 503 and body["database"] is False and body["connected"] is True
        finally:
            await server.stop()
            await db.dispose()
