"""DISCORD_SHARD_IDS: two `counterpoint run discord` processes split two shards over one database; the
stand-in gives each shard's connection only its own guilds, and every guild is answered exactly once."""
from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from discord_standin.fixtures import OFF_TOPIC, ON_TOPIC, callback, standin  # noqa: F401  (fixture)
from discord_standin.server import DiscordStandIn
from discord_standin.world import World
from pg_scratch import needs_postgres, scratch_database
from service_helpers import counterpoint_cli

SHARDS = 2
GUILDS_PER_SHARD = 2
START = 240.0  # upper bound for a process to start (index load on a busy machine); never a speed limit
WAIT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgres)])
async def database_url(request, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        async with scratch_database() as url:
            yield url


class Worker:
    """One `counterpoint run discord` process running `shard` of SHARDS, its stderr in a file."""

    def __init__(self, shard: int, log: Path) -> None:
        self.shard = shard
        self.tag = f"process{shard}"
        self.log = log
        self.health_port = free_port()
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, standin: DiscordStandIn, database_url: str, data_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DISCORD_", "SLACK_", "DATABASE_URL", "AUTO_REPLY", "HEALTH_", "LOG_"))}
        env.update(DISCORD_TOKEN=standin.token, DISCORD_API_BASE=standin.api_base,
                   DISCORD_GATEWAY_URL=f"{standin.gateway_url}/{self.tag}",  # the tag tells the processes apart
                   DISCORD_SHARD_COUNT=str(SHARDS), DISCORD_SHARD_IDS=str(self.shard),
                   DISCORD_GUILD_IDS=",".join(str(w.guild_id) for w in standin.worlds),
                   DATABASE_URL=database_url, DATA_DIR=str(data_dir), AUTO_REPLY_DEFAULT="off",
                   HEALTH_PORT=str(self.health_port), HEALTH_HOST="127.0.0.1", LOG_LEVEL="INFO")
        with self.log.open("wb") as err:
            self.proc = await asyncio.create_subprocess_exec(
                *counterpoint_cli(), "run", "discord", env=env, cwd=data_dir, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL, stderr=err)

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")

    async def metrics(self, http: aiohttp.ClientSession) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        async with http.get(f"http://127.0.0.1:{self.health_port}/metrics") as resp:
            assert resp.status == 200
            text = await resp.text()
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(text) for s in family.samples}

    async def healthy(self, http: aiohttp.ClientSession) -> bool:
        assert self.proc is not None
        if self.proc.returncode is not None:
            raise AssertionError(f"shard {self.shard}'s process exited ({self.proc.returncode}):\n"
                                 f"{self.stderr()[-3000:]}")
        try:
            async with http.get(f"http://127.0.0.1:{self.health_port}/healthz") as resp:
                return resp.status == 200
        except aiohttp.ClientConnectionError:
            return False

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.terminate()
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()


def count(metrics: dict, name: str, **labels: str) -> float:
    """The sum of a metric's samples with these labels."""
    return sum(value for (sample, found), value in metrics.items()
               if sample == name and all(dict(found).get(k) == v for k, v in labels.items()))


async def until(check: Any, timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def two_workers(standin: DiscordStandIn, database_url: str, tmp_path: Path,
                      data_dir: Path) -> AsyncIterator[list[Worker]]:
    workers = [Worker(shard, tmp_path / f"shard{shard}.log") for shard in range(SHARDS)]
    try:
        for worker in workers:  # both at once: migrations on one database are serialised across processes
            await worker.start(standin, database_url, data_dir)
        async with aiohttp.ClientSession() as http:
            async def all_healthy() -> bool:
                return all([await w.healthy(http) for w in workers])
            await until(all_healthy, START)
        yield workers
    finally:
        for worker in workers:
            await worker.stop()


async def test_two_processes_split_the_shards_and_answer_each_guild_once(standin, database_url, tmp_path,
                                                                         warm_data_dir):
    guilds: dict[int, list[World]] = {shard: [] for shard in range(SHARDS)}
    for n in range(SHARDS * GUILDS_PER_SHARD):
        shard = n % SHARDS
        guilds[shard].append(standin.add_guild(f"Server {n}", shard=shard, shard_count=SHARDS))
    async with two_workers(standin, database_url, tmp_path, warm_data_dir) as workers:
        # each process identified its own shard, once, and no other
        assert sorted(standin.identified) == [(w.tag, (w.shard, SHARDS)) for w in workers]
        for worker in workers:
            assert f"running Discord shard {worker.shard} of {SHARDS}" in worker.stderr()
        everyone = [standin.world, *(w for shard in range(SHARDS) for w in guilds[shard])]

        on_topic: dict[int, dict[str, Any]] = {}
        for world in everyone:
            interaction = await standin.slash(world.moderator, world.general, "autoreply on")
            [ack] = await standin.wait_for("POST", callback(interaction), timeout=WAIT)
            assert ack.status == 200 and ack.json["data"]["flags"] & 64  # an ephemeral acknowledgement
        for world in everyone:
            on_topic[world.guild_id] = await standin.user_message(world.alice, world.general, ON_TOPIC)
            await standin.user_message(world.bob, world.debates, ON_TOPIC)  # never opted in
            await standin.user_message(world.bob, world.general, OFF_TOPIC)

        owned = {w.shard: [g for g in everyone if (g.guild_id >> 22) % SHARDS == w.shard] for w in workers}
        async with aiohttp.ClientSession() as http:
            async def all_decided() -> bool:
                totals = [count(await w.metrics(http), "counterpoint_gate_decisions_total") for w in workers]
                return sum(totals) >= 3 * len(everyone)
            await until(all_decided, WAIT)
            for worker in workers:
                m = await worker.metrics(http)
                mine = len(owned[worker.shard])
                # a process saw the messages of its own shard's guilds and nothing else
                assert count(m, "counterpoint_messages_seen_total") == 3 * mine
                assert count(m, "counterpoint_gate_decisions_total", decision="posted") == mine
                assert count(m, "counterpoint_commands_total", command="autoreply") == mine
        for world in everyone:
            message = on_topic[world.guild_id]
            [thread] = await standin.wait_for(
                "POST", rf"^/channels/{world.general.id}/messages/{message['id']}/threads$", timeout=WAIT)
            assert thread.status == 201
            [post] = await standin.wait_for("POST", rf"^/channels/{message['id']}/messages$", timeout=WAIT)
            assert post.status == 200 and post.json["embeds"]
        threads = standin.matching("POST", r"/threads$")
        assert len(threads) == len(everyone)  # one answer per guild: nothing for #debates or the chatter
