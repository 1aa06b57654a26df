"""Slack adapter parts against the stand-in: user directory, command parsing, delivery log, manifest, runner."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.commands import parse
from adapters.slack.delivery import DeliveryLog
from adapters.slack.events import base_emoji, skip_reason
from adapters.slack.moderators import UserDirectory
from adapters.slack.runner import run, run_slack
from bot.settings import Settings
from slack_standin import SlackStandIn

MANIFEST = Path(__file__).resolve().parent.parent / "adapters" / "slack" / "manifest.yaml"
SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")


@pytest.fixture
def no_slack_env(monkeypatch):
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def standin():
    server = await SlackStandIn().start()
    yield server
    await server.close()


async def test_moderators_are_admins_owners_or_listed_and_lookups_are_cached(standin):
    standin.add_user("UADMIN", "ada", admin=True)
    standin.add_user("UOWNER", "olu", owner=True)
    standin.add_user("UPLAIN", "pat")
    now = [0.0]
    users = UserDirectory(["ULISTED"], ttl_seconds=60, clock=lambda: now[0])
    client = AsyncWebClient(token=standin.token, base_url=standin.base_url)
    assert await users.is_moderator(client, "UADMIN")
    assert await users.is_moderator(client, "UOWNER")
    assert not await users.is_moderator(client, "UPLAIN")
    assert await users.is_moderator(client, "ULISTED")  # no users.info needed
    assert not await users.is_moderator(client, "UNKNOWN")  # user_not_found: not a moderator
    assert (await users.user(client, "UPLAIN")).name == "pat"
    assert len(standin.calls_to("users.info")) == 4  # UPLAIN's second lookup came from the cache
    standin.users["UPLAIN"]["is_admin"] = True
    assert not await users.is_moderator(client, "UPLAIN")
    now[0] = 61.0
    assert await users.is_moderator(client, "UPLAIN")  # cache expired: fresh rights
    assert all(c.authorization == f"Bearer {standin.token}" for c in standin.calls)


def test_parse_names_the_subcommand_and_passes_the_words_as_typed():
    assert parse("/counterpoint", "") == ("help", ())
    assert parse("/counterpoint", "ARGUE open weights are safer") == ("argue", ("open", "weights", "are", "safer"))
    # quotes are the service's to read (it splits once): here they stay as typed
    assert parse("/counterpoint", 'trigger add "open weights" kind=phrase topic="safety risk"') == (
        "trigger", ("add", '"open', 'weights"', "kind=phrase", 'topic="safety', 'risk"'))
    assert parse("/counterpoint", "argue don't trust closed labs") == (
        "argue", ("don't", "trust", "closed", "labs"))
    assert parse("/argue", "Meta &amp; <!channel> open") == ("argue", ("Meta", "&", "@channel", "open"))
    assert parse("/counter", "closed is safer") == ("counter", ("closed", "is", "safer"))


def test_message_filter_keeps_only_plain_user_messages():
    plain = {"type": "message", "user": "U1", "text": "hi", "ts": "1.0", "channel": "C1"}
    assert skip_reason(plain, "UBOT") is None
    assert skip_reason({**plain, "subtype": "bot_message"}, "UBOT")
    assert skip_reason({**plain, "subtype": "message_changed"}, "UBOT")
    assert skip_reason({**plain, "subtype": "channel_join"}, "UBOT")
    assert skip_reason({**plain, "bot_id": "B1"}, "UBOT")
    assert skip_reason({**plain, "user": "UBOT"}, "UBOT")
    assert skip_reason({**plain, "text": "  "}, "UBOT")
    assert base_emoji("+1::skin-tone-4") == "+1"


async def test_delivery_log_claims_once_and_reports_outcomes():
    log = DeliveryLog(capacity=2)
    assert log.claim("E1") and not log.claim("E1")
    log.release("E1")
    assert log.claim("E1")
    async with log.handling("E1") as h:
        h.outcome = "replied"
    with pytest.raises(RuntimeError):
        async with log.handling("E1"):
            raise RuntimeError("boom")
    assert await log.wait("E1", count=2) == ["replied", "error: RuntimeError"]
    waiter = asyncio.create_task(log.wait("E2"))
    async with log.handling("E2") as h:
        h.outcome = "silent"
    assert await waiter == ["silent"]
    log.claim("E3"), log.claim("E4")
    assert log.claim("E1")  # capacity 2: the oldest claim was forgotten
    await log.drain()


def test_manifest_declares_scopes_events_and_commands():
    manifest = yaml.safe_load(MANIFEST.read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {"chat:write", "commands", "channels:history", "groups:history", "reactions:read", "users:read"}
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"message.channels", "message.groups",
                                                                 "reaction_added"}
    assert settings["socket_mode_enabled"] is False
    commands = {c["command"]: c["url"] for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/counterpoint", "/cp-argue", "/cp-counter"}
    assert set(commands.values()) == {"https://YOUR-HOST/slack/events"}
    assert settings["event_subscriptions"]["request_url"] == "https://YOUR-HOST/slack/events"


@pytest.mark.parametrize("given, named", [
    ({}, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]),
    ({"slack_signing_secret": SecretStr("s")}, ["SLACK_BOT_TOKEN"]),
    ({"slack_bot_token": SecretStr("xoxb-1")}, ["SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"]),
])
async def test_runner_names_missing_settings_and_exits_2(tmp_path, capsys, no_slack_env, given, named):
    settings = Settings(_env_file=None, data_dir=tmp_path, **given)
    assert await run_slack(settings, 0) == 2
    err = capsys.readouterr().err
    for name in named:
        assert name in err
    assert "xoxb-1" not in err
    assert not list(tmp_path.iterdir())  # nothing was started or created


def test_sync_run_returns_2_without_tokens(tmp_path, capsys, no_slack_env):
    assert run(Settings(_env_file=None, data_dir=tmp_path), 3000) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
