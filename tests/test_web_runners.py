"""WEB_PORT in the bot's run modes: Discord serves the pages on their own port, Slack's HTTP mode on its own."""
from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from adapters.discord.runner import run_discord
from adapters.slack.runner import run_slack
from bot.settings import Settings
from discord_standin.fixtures import standin  # noqa: F401  (fixture)
from discord_standin.harness import standin_settings
from slack_standin import SlackStandIn
from web_helpers import free_port

START = 180.0  # upper bound for a bot to start; never asserted as a speed limit


@pytest.fixture
def keep_endpoints(monkeypatch):
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'counterpoint.sqlite3'}"


async def status_of(http: aiohttp.ClientSession, url: str) -> tuple[int, aiohttp.typedefs.LooseHeaders, str]:
    async with http.get(url, allow_redirects=False) as resp:
        return resp.status, resp.headers, await resp.text()


async def wait_for(url: str, task: asyncio.Task) -> None:
    async with asyncio.timeout(START), aiohttp.ClientSession() as http:
        while True:
            if task.done():
                raise AssertionError(f"the bot stopped: {task.result()}")
            try:
                if (await status_of(http, url))[0] == 200:
                    return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


async def test_discord_bot_serves_the_pages_on_web_port_beside_health_port(standin, tmp_path,  # noqa: F811
                                                                           keep_endpoints):
    web_port, health_port = free_port(), free_port()
    settings = standin_settings(standin, data_dir=tmp_path / "data", database_url=database_url(tmp_path),
                                web_port=web_port, web_host="127.0.0.1", health_port=health_port,
                                health_host="127.0.0.1", discord_guild_ids=str(standin.world.guild_id))
    stop = asyncio.Event()
    task = asyncio.create_task(run_discord(settings, stop=stop, guild_ready_timeout=0.05))
    try:
        await wait_for(f"http://127.0.0.1:{health_port}/healthz", task)  # 200 once Discord is connected
        async with aiohttp.ClientSession() as http:
            status, headers, body = await status_of(http, f"http://127.0.0.1:{web_port}/map")
            assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
            assert 'class="node side-open"' in body
            assert (await status_of(http, f"http://127.0.0.1:{web_port}/healthz"))[0] == 404
            assert (await status_of(http, f"http://127.0.0.1:{health_port}/"))[0] == 404
    finally:
        stop.set()
    assert await asyncio.wait_for(task, 30) == 0


async def test_discord_bot_says_which_port_it_cannot_serve(standin, tmp_path, keep_endpoints, capsys):  # noqa: F811
    taken = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = taken.sockets[0].getsockname()[1]
    settings = standin_settings(standin, data_dir=tmp_path / "data", database_url=database_url(tmp_path),
                                web_port=port, web_host="127.0.0.1")
    try:
        assert await asyncio.wait_for(run_discord(settings, guild_ready_timeout=0.05), START) == 1
    finally:
        taken.close()
        await taken.wait_closed()
    assert f"cannot serve WEB_PORT on 127.0.0.1:{port}" in capsys.readouterr().err


async def test_slack_http_mode_serves_the_pages_on_its_own_port_when_web_port_is_that_port(tmp_path):
    slack = await SlackStandIn().start()
    port = free_port()
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", database_url=database_url(tmp_path),
                        slack_bot_token=SecretStr(slack.token), slack_api_url=slack.base_url,
                        slack_signing_secret=SecretStr("web-runner-secret"), slack_host="127.0.0.1",
                        web_port=port, web_host="127.0.0.1")
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_slack(settings, port, stop=stop, started=started))
    try:
        await wait_for(f"http://127.0.0.1:{port}/healthz", task)
        async with aiohttp.ClientSession() as http:
            status, headers, body = await status_of(http, f"http://127.0.0.1:{port}/sources/002")
            assert status == 200 and 'id="p0"' in body and "Set-Cookie" not in headers
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data="x") as resp:
                assert resp.status == 401  # Slack's endpoint is still there, still checking signatures
    finally:
        stop.set()
        try:
            assert await asyncio.wait_for(task, 30) == 0
        finally:
            await slack.close()
