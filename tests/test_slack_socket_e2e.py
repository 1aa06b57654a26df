"""End to end in Socket Mode: `run_slack` with an app token (the real Bolt Socket Mode handler and service on a
SQLite file) against the stand-in's websocket; envelopes pushed in, acks and Web API calls recorded."""
from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from pydantic import SecretStr

import adapters.slack.runner as runner
from adapters.slack.deps import SlackDeps
from bot.settings import Settings
from slack_standin import ApiCall, SlackStandIn, block_errors

pytestmark = pytest.mark.asyncio(loop_scope="module")

ON_TOPIC = "Open sourcing model weights makes AI safer because everyone can inspect them"
OFF_TOPIC = "my alpaca sweater is so warm"
ADMIN, MEMBER = "U0ADMIN", "U0ALICE"
START = 120.0  # upper bound for the bot to start (index load on a busy machine); never a speed limit


@dataclass
class SocketBot:
    """The running bot, its stand-in, and the bot's own delivery log (to know when an envelope is done)."""

    standin: SlackStandIn
    deps: SlackDeps
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_channel(self) -> str:
        return f"CS{next(self._ids):07d}"

    async def ack(self, envelope_id: str) -> ApiCall:
        return await self.standin.wait_for("socket_ack", lambda c: c.params.get("envelope_id") == envelope_id)

    async def command(self, text: str, *, channel: str, user: str = MEMBER) -> tuple[str, str]:
        """Push a /counterpoint slash command envelope; (envelope id, response_url key)."""
        n = next(self._ids)
        key, envelope_id = f"sock-cmd-{n}", f"env-cmd-{n}"
        payload = {"token": "legacy", "team_id": self.standin.team_id, "team_domain": "standin",
                   "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": user.lower(),
                   "command": "/counterpoint", "text": text, "api_app_id": "A0STANDIN",
                   "response_url": self.standin.response_url(key), "trigger_id": f"{key}.trigger"}
        await self.standin.socket_send("slash_commands", payload, envelope_id)
        return envelope_id, key

    def message(self, text: str, *, channel: str, user: str = MEMBER) -> dict[str, Any]:
        n = next(self._ids)
        ts = f"{1_600_100_000 + n}.{n:06d}"
        return {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "event_ts": ts,
                "channel_type": "channel", "team": self.standin.team_id}

    async def event(self, event: dict[str, Any], *, event_id: str | None = None, **extra: Any) -> tuple[str, str]:
        """Push an events_api envelope carrying `event`; (envelope id, event id)."""
        n = next(self._ids)
        event_id = event_id or f"EvSock{n:06d}"
        body = {"token": "legacy", "team_id": self.standin.team_id, "api_app_id": "A0STANDIN",
                "type": "event_callback", "event_id": event_id, "event_time": int(time.time()), "event": event,
                "authorizations": [{"team_id": self.standin.team_id, "user_id": self.standin.bot_user_id,
                                    "is_bot": True}]}
        envelope_id = f"env-ev-{n}"
        await self.standin.socket_send("events_api", body, envelope_id, **extra)
        return envelope_id, event_id

    def posts_in(self, channel: str) -> list[ApiCall]:
        return [c for c in self.standin.calls_to("chat.postMessage") if c.params.get("channel") == channel]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(tmp_path_factory) -> AsyncIterator[SocketBot]:
    standin = await SlackStandIn().start()
    standin.add_user(ADMIN, "ada", admin=True)
    standin.add_user(MEMBER, "alice")
    folder = tmp_path_factory.mktemp("slack-socket")
    settings = Settings(_env_file=None, data_dir=folder, database_url=f"sqlite+aiosqlite:///{folder / 'cp.sqlite3'}",
                        auto_reply_default="off", slack_bot_token=SecretStr(standin.token),
                        slack_app_token=SecretStr(standin.app_token), slack_api_url=standin.base_url)
    built: list[SlackDeps] = []
    real_build_app = runner.build_app

    def build_app(*args: Any, **kwargs: Any) -> Any:  # the runner's own app; keep a handle on its deps
        app, deps = real_build_app(*args, **kwargs)
        built.append(deps)
        return app, deps

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "build_app", build_app)
        stop, started = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(runner.run_slack(settings, 0, stop=stop, started=started))
        waiter = asyncio.create_task(started.wait())
        await asyncio.wait({task, waiter}, timeout=START, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        assert started.is_set(), task.result() if task.done() else "did not start"
    try:
        yield SocketBot(standin, built[0])
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
        await standin.close()


async def opt_in(bot: SocketBot, channel: str) -> None:
    envelope_id, key = await bot.command("autoreply on cooldown=0", channel=channel, user=ADMIN)
    ack = await bot.ack(envelope_id)
    assert not ack.params.get("payload")  # an empty ack: the answer goes to the response URL
    answer = await bot.standin.wait_for("response_url", lambda c: c.params["key"] == key)
    assert answer.params["response_type"] == "ephemeral" and "on in this channel" in answer.params["text"]


async def test_on_topic_message_is_acked_and_answered_once_in_its_thread(bot):
    channel = bot.new_channel()
    await opt_in(bot, channel)
    event = bot.message(ON_TOPIC, channel=channel)
    envelope_id, event_id = await bot.event(event)
    await bot.ack(envelope_id)
    assert await bot.deps.deliveries.wait(event_id) == ["replied"]
    [post] = bot.posts_in(channel)
    assert post.response["ok"] and post.params["thread_ts"] == event["ts"]  # a thread under the message
    assert block_errors(post.params["blocks"]) == [] and post.params["text"]
    assert any(t.startswith("> ") for t in post.texts())  # a quote card

    # Slack redelivers an envelope it saw no ack for: the same event, retry_attempt set; still one answer
    again, _ = await bot.event(event, event_id=event_id, retry_attempt=1, retry_reason="timeout")
    await bot.ack(again)
    assert sorted(await bot.deps.deliveries.wait(event_id, count=2)) == ["duplicate (retry 1)", "replied"]
    assert len(bot.posts_in(channel)) == 1


async def test_off_topic_and_not_opted_in_messages_are_acked_and_get_nothing(bot):
    channel, quiet = bot.new_channel(), bot.new_channel()
    await opt_in(bot, channel)
    off_envelope, off = await bot.event(bot.message(OFF_TOPIC, channel=channel))
    quiet_envelope, on = await bot.event(bot.message(ON_TOPIC, channel=quiet))
    await bot.ack(off_envelope)
    await bot.ack(quiet_envelope)
    assert await bot.deps.deliveries.wait(off) == ["silent"]
    assert await bot.deps.deliveries.wait(on) == ["silent"]
    assert bot.posts_in(channel) == [] and bot.posts_in(quiet) == []


async def test_slash_command_envelope_is_acked_and_answered_in_the_channel(bot):
    channel = bot.new_channel()
    envelope_id, key = await bot.command(f"argue {ON_TOPIC}", channel=channel)
    ack = await bot.ack(envelope_id)
    assert not ack.params.get("payload")
    lead = await bot.standin.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel)
    assert lead.response["ok"] and not lead.params.get("thread_ts")  # one short line in the channel
    cards = await bot.standin.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == lead.response["ts"])
    assert cards.params["channel"] == channel and block_errors(cards.params["blocks"]) == []
    assert any(t.startswith("> ") for t in cards.texts())
    await bot.deps.deliveries.wait(f"{key}.trigger")
    assert len(bot.posts_in(channel)) == 2
    assert not [c for c in bot.standin.calls_to("response_url") if c.params["key"] == key]  # all in the channel
