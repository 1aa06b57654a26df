"""`counterpoint run slack` end to end: HTTP mode on a loopback port, Socket Mode against the stand-in, bad setups."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from adapters.slack.runner import run_slack
from bot.settings import Settings
from slack_standin import SlackStandIn

REPO = Path(__file__).resolve().parent.parent
SECRET = "runner-signing-secret"
ON_TOPIC = "Open sourcing model weights makes AI safer because everyone can inspect them"


@pytest.fixture
async def standin():
    server = await SlackStandIn().start()
    server.add_user("U0ADMIN", "ada", admin=True)
    yield server
    await server.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(standin: SlackStandIn, tmp_path: Path, **kw) -> Settings:
    values = dict(data_dir=tmp_path, auto_reply_default="off", slack_bot_token=SecretStr(standin.token),
                  slack_api_url=standin.base_url)
    values.update(kw)
    return Settings(_env_file=None, **values)


async def start(settings: Settings, port: int = 0) -> tuple[asyncio.Task, asyncio.Event]:
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_slack(settings, port, host="127.0.0.1", stop=stop, started=started))
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    assert started.is_set(), task.result() if task.done() else "did not start"
    return task, stop


def signed(body: str, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)}


async def test_http_mode_serves_slack_events_on_the_port(standin, tmp_path, capsys, caplog):
    caplog.set_level(logging.INFO, logger="adapters.slack.runner")
    port = free_port()
    task, stop = await start(settings_for(standin, tmp_path, slack_signing_secret=SecretStr(SECRET)), port)
    url = f"http://127.0.0.1:{port}/slack/events"
    async with aiohttp.ClientSession() as session:
        body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
        async with session.post(url, data=body, headers=signed(body, "application/json")) as resp:
            assert resp.status == 200 and "c-123" in await resp.text()
        form = urlencode({"command": "/counterpoint", "text": "help", "team_id": standin.team_id,
                          "channel_id": "C0RUN", "user_id": "U0ALICE", "user_name": "alice",
                          "response_url": standin.response_url("help")})
        async with session.post(url, data=form, headers=signed(form, "application/x-www-form-urlencoded")) as resp:
            assert resp.status == 200
        async with session.post(url, data=form, headers={**signed(form, "application/x-www-form-urlencoded"),
                                                         "X-Slack-Signature": "v0=bad"}) as resp:
            assert resp.status == 401
    answer = await standin.wait_for("response_url", lambda c: c.params["key"] == "help")
    assert answer.params["response_type"] == "ephemeral"
    stop.set()
    assert await task == 0
    out = capsys.readouterr()
    [ready] = [r for r in caplog.records if r.getMessage().startswith("serving Slack as ")]
    assert ready.levelno >= logging.INFO and f" on 127.0.0.1:{port}" in ready.getMessage()
    logged = caplog.text + out.out + out.err
    assert standin.token not in logged and SECRET not in logged


async def test_socket_mode_when_an_app_token_is_set(standin, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="adapters.slack.runner")
    settings = settings_for(standin, tmp_path, slack_app_token=SecretStr(standin.app_token))
    task, stop = await start(settings)
    command = {"command": "/counterpoint", "text": "autoreply on cooldown=0", "team_id": standin.team_id,
               "channel_id": "C0SOCK", "user_id": "U0ADMIN", "user_name": "ada",
               "response_url": standin.response_url("sock-on")}
    await standin.socket_send("slash_commands", command, "env-1")
    ack = await standin.wait_for("socket_ack", lambda c: c.params.get("envelope_id") == "env-1")
    assert "payload" not in ack.params or not ack.params["payload"]  # empty ack; the answer goes separately
    answer = await standin.wait_for("response_url", lambda c: c.params["key"] == "sock-on")
    assert "on in this channel" in answer.params["text"]

    event = {"type": "message", "channel": "C0SOCK", "user": "U0ALICE", "text": ON_TOPIC,
             "ts": "1600000000.000100", "event_ts": "1600000000.000100", "channel_type": "channel"}
    body = {"type": "event_callback", "team_id": standin.team_id, "api_app_id": "A0STANDIN",
            "event_id": "Ev0SOCK", "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": standin.team_id, "user_id": standin.bot_user_id, "is_bot": True}]}
    await standin.socket_send("events_api", body, "env-2")
    post = await standin.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "C0SOCK")
    assert post.params["thread_ts"] == "1600000000.000100" and post.params["blocks"]
    stop.set()
    assert await task == 0
    assert any(r.getMessage().startswith("connected to Slack over Socket Mode as ") for r in caplog.records)


async def test_rejected_tokens_exit_2_with_a_clear_message(standin, tmp_path, capsys):
    bad_bot = settings_for(standin, tmp_path, slack_bot_token=SecretStr("xoxb-wrong"),
                           slack_signing_secret=SecretStr(SECRET))
    assert await run_slack(bad_bot, free_port(), host="127.0.0.1", stop=asyncio.Event()) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
    bad_app = settings_for(standin, tmp_path, slack_app_token=SecretStr("xapp-wrong"))
    assert await run_slack(bad_app, 0, stop=asyncio.Event()) == 2
    err = capsys.readouterr().err
    assert "SLACK_APP_TOKEN" in err and "xapp-wrong" not in err


def _env_without_slack(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["HOME"] = str(tmp_path)
    return env


def test_runner_process_without_tokens_prints_what_to_set_and_exits_2(tmp_path):
    code = "import sys; from adapters.slack.runner import run; from bot.settings import Settings; " \
           "sys.exit(run(Settings(), 3000))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env_without_slack(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "SLACK_BOT_TOKEN" in proc.stderr and "SLACK_SIGNING_SECRET" in proc.stderr
    assert "SLACK_APP_TOKEN" in proc.stderr


def test_cli_run_slack_without_tokens_prints_what_to_set_and_exits_2(tmp_path):
    cli = REPO / ".venv" / "bin" / "counterpoint"
    proc = subprocess.run([str(cli), "run", "slack"], cwd=tmp_path, env=_env_without_slack(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "SLACK_BOT_TOKEN" in proc.stderr and "SLACK_SIGNING_SECRET" in proc.stderr
