"""`run discord`: missing or rejected token, bad shard setting, sharded start, clean stop; the token never shows."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.runner import run_discord
from bot.service import CounterpointService
from bot.settings import REPO_ROOT
from discord_standin.fixtures import standin  # noqa: F401  (fixture)
from discord_standin.harness import running_bot, standin_settings

VENV_BIN = Path(sys.executable).parent
RUN_DIRECT = ("import sys, logging; from adapters.discord.runner import run; from bot.settings import Settings; "
              "logging.basicConfig(level=logging.INFO); logging.getLogger('discord').setLevel(logging.DEBUG); "
              "sys.exit(run(Settings()))")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env.update(extra)
    return env


@pytest.fixture
def keep_endpoints(monkeypatch):
    """run_discord points discord.py at the configured server; put the defaults back afterwards."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


def cli_has_run_discord() -> bool:
    probe = subprocess.run([str(VENV_BIN / "counterpoint"), "run", "discord", "--help"], capture_output=True,
                           text=True, cwd=REPO_ROOT)
    return probe.returncode == 0


def test_no_token_exits_2_and_says_how_to_set_one(tmp_path):
    done = subprocess.run([sys.executable, "-c", RUN_DIRECT], cwd=tmp_path, env=clean_env(DATA_DIR=str(tmp_path)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "DISCORD_TOKEN" in done.stderr and ".env" in done.stderr
    assert "https://discord.com/developers/applications" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not cli_has_run_discord(), reason="`counterpoint run discord` is not wired in bot/cli yet")
def test_cli_run_discord_without_token(tmp_path):
    done = subprocess.run([str(VENV_BIN / "counterpoint"), "run", "discord"], cwd=tmp_path,
                          env=clean_env(DATA_DIR=str(tmp_path)), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "DISCORD_TOKEN" in done.stderr and "Traceback" not in done.stderr


def test_bad_shard_count_is_a_configuration_error(tmp_path):
    env = clean_env(DATA_DIR=str(tmp_path), DISCORD_TOKEN="tok-never-shown", DISCORD_SHARD_COUNT="lots",
                    DISCORD_API_BASE="http://127.0.0.1:9/api/v10")  # were it accepted, the start fails fast
    done = subprocess.run([sys.executable, "-m", "adapters.cli", "run", "discord"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "DISCORD_SHARD_COUNT" in done.stderr and "'lots'" in done.stderr
    assert "Traceback" not in done.stderr and "tok-never-shown" not in done.stderr


async def test_rejected_token_exits_1_with_a_clear_message(standin, tmp_path, capsys, keep_endpoints):
    settings = standin_settings(standin, data_dir=tmp_path, discord_token="not-the-right-token")
    assert await run_discord(settings) == 1
    err = capsys.readouterr().err
    assert "rejected DISCORD_TOKEN" in err and "Traceback" not in err
    assert "not-the-right-token" not in err
    assert [r.status for r in standin.requests] == [401]  # stopped at the first refusal


async def test_sharded_bot_connects_every_shard_and_answers(standin, tmp_path, corpus):
    standin.recommended_shards = 2
    settings = standin_settings(standin, data_dir=tmp_path, discord_shard_count="auto", auto_reply_default="on")
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        async with running_bot(settings, service) as (bot, events):
            assert bot.shard_count == 2 and len(standin.sessions) == 2
            assert sorted(s.identify["shard"][0] for s in standin.sessions) == [0, 1]
            w = standin.world
            message = await standin.user_message(w.alice, w.general, "Keeping models closed keeps them out of "
                                                                     "the hands of bad actors.")
            [reply] = await events.handled(message["id"])
            assert reply is not None
    finally:
        await service.close()
    assert standin.matching("GET", r"^/gateway/bot$")


async def test_run_stops_cleanly_on_sigterm_and_never_logs_the_token(standin, tmp_path):
    env = clean_env(DISCORD_TOKEN=standin.token, DISCORD_API_BASE=standin.api_base,
                    DISCORD_GATEWAY_URL=standin.gateway_url, DATA_DIR=str(tmp_path))
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", RUN_DIRECT, cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with standin._changed:
            await asyncio.wait_for(standin._changed.wait_for(
                lambda: any(s.ready.is_set() for s in standin.sessions)), 120)
        await standin.wait_for("PUT", r"/commands$")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert standin.token not in out.decode() + err.decode()
    assert "Shard ID None has connected to Gateway" in err.decode()  # discord.py logged at DEBUG


async def test_message_content_intent_refused_exits_1_and_says_where_to_enable_it(standin, tmp_path, capsys,
                                                                                  keep_endpoints):
    standin.privileged_intents_allowed = False
    settings = standin_settings(standin, data_dir=tmp_path)
    assert await run_discord(settings) == 1
    err = capsys.readouterr().err
    assert "Message Content" in err and "Traceback" not in err
