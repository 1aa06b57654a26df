"""Slack HTTP mode against the stand-in: a signed request replayed within the window runs once (on one worker
or two sharing the database), odd timestamp headers get 401, and old signatures are pruned."""
from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from slack_sdk.signature import SignatureVerifier

from adapters.slack.replay import SeenSignatures
from bot.db.engine import Database
from bot.db.migrate import upgrade_database
from pg_scratch import needs_postgres, scratch_database
from service_helpers import rows
from slack_standin.harness import SIGNING_SECRET, SlackHarness, open_harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

FORM = "application/x-www-form-urlencoded"
ADMIN = "U0ADMIN"


def command_body(h: SlackHarness, text: str, key: str) -> str:
    return urlencode({"token": "legacy", "team_id": h.standin.team_id, "team_domain": "standin",
                      "channel_id": "C0REPLAY", "channel_name": "general", "user_id": ADMIN, "user_name": "ada",
                      "command": "/counterpoint", "text": text, "api_app_id": "A0STANDIN",
                      "response_url": h.standin.response_url(key), "trigger_id": f"{key}.trigger"})


def trigger_rows(h: SlackHarness, pattern: str) -> list[tuple]:
    return rows(h.settings, "SELECT pattern FROM triggers WHERE pattern = ?", pattern)


@dataclass
class Workers:
    a: SlackHarness
    b: SlackHarness


@asynccontextmanager
async def two_workers(data_dir: Path, corpus, **overrides) -> AsyncIterator[Workers]:
    """Two apps, each with its own service, on one database (as two `run slack` processes would be)."""
    async with open_harness(data_dir, corpus=corpus, **overrides) as a, \
            open_harness(data_dir, corpus=corpus, **overrides) as b:
        yield Workers(a, b)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sqlite_workers(tmp_path_factory, corpus) -> AsyncIterator[Workers]:
    async with two_workers(tmp_path_factory.mktemp("replay"), corpus) as workers:
        yield workers


async def test_a_replayed_slash_command_runs_once(sqlite_workers):
    h = sqlite_workers.a
    body = command_body(h, "trigger add replayword kind=word", "replay1")
    ts = int(time.time())
    assert (await h.post_signed(body, FORM, timestamp=ts))[0] == 200
    assert len(await h.deps.deliveries.wait("replay1.trigger")) == 1
    replay = await h.post_signed(body, FORM, timestamp=ts)  # the same bytes, the same signature
    assert replay == (200, "")
    # the replay was answered before any listener ran: nothing can arrive later either
    assert len(h.deps.deliveries.outcomes("replay1.trigger")) == 1
    assert trigger_rows(h, "replayword") == [("replayword",)]
    assert len([c for c in h.standin.calls if c.params.get("key") == "replay1"]) == 1

    # a command signed afresh in the same second (a person typing again) is not a replay: it runs
    again = await h.post_signed(command_body(h, "trigger list", "replay2"), FORM, timestamp=ts)
    assert again[0] == 200
    assert len(await h.deps.deliveries.wait("replay2.trigger")) == 1


async def _replay_across_workers(workers: Workers, word: str) -> None:
    a, b = workers.a, workers.b
    body = command_body(a, f"trigger add {word} kind=word", f"{word}1")
    ts = int(time.time())
    assert (await a.post_signed(body, FORM, timestamp=ts))[0] == 200
    assert await a.deps.deliveries.wait(f"{word}1.trigger")
    calls_before = len(b.standin.calls)
    assert await b.post_signed(body, FORM, timestamp=ts) == (200, "")
    assert b.deps.deliveries.outcomes(f"{word}1.trigger") == [] and len(b.standin.calls) == calls_before
    assert (await b.post_signed(command_body(b, "trigger list", f"{word}2"), FORM))[0] == 200
    answer = await b.standin.wait_for("response_url", lambda c: c.params["key"] == f"{word}2")
    assert answer.params["text"].count(word) == 1  # added once, and the other worker sees it


async def test_a_request_replayed_to_another_worker_on_the_same_sqlite_file_runs_once(sqlite_workers):
    await _replay_across_workers(sqlite_workers, "crossword")


async def _racing_workers(url: str) -> None:
    """Two workers' engines see the same signature at the same moment: exactly one may handle it."""
    await upgrade_database(url)
    first, second = Database(url), Database(url)
    try:
        seen = [SeenSignatures(first), SeenSignatures(second)]
        for n in range(3):
            results = await asyncio.gather(*(seen[i % 2].first_time(f"v0=race{n}") for i in range(8)))
            assert sorted(results) == [False] * 7 + [True]
    finally:
        await first.dispose()
        await second.dispose()


async def test_two_workers_racing_on_one_sqlite_file_handle_a_signature_once(tmp_path):
    await _racing_workers(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")


@needs_postgres
async def test_two_workers_racing_on_one_postgresql_handle_a_signature_once():
    async with scratch_database() as url:
        await _racing_workers(url)


@pytest.mark.parametrize("timestamp", ["abc", "", "12.5", "1e9", "9" * 5000, "-1", "+{now}", " {now}",
                                       "\u0661\u0662\u0663"])
async def test_an_odd_timestamp_header_gets_401_not_500(timestamp, sqlite_workers):
    h = sqlite_workers.a
    ts = timestamp.replace("{now}", str(int(time.time())))
    body = command_body(h, "trigger add oddword kind=word", "odd")
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature or "v0=x"}
    async with h.session.post(h.url, data=body.encode(), headers=headers) as resp:
        assert resp.status == 401
    assert trigger_rows(h, "oddword") == []


async def test_signatures_older_than_ten_minutes_are_pruned(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    await upgrade_database(url)
    now = [datetime(2024, 7, 24, 12, 0, tzinfo=timezone.utc)]
    db = Database(url)
    try:
        seen = SeenSignatures(db, clock=lambda: now[0])
        assert await seen.first_time("v0=aaa") is True
        assert await seen.first_time("v0=aaa") is False
        now[0] += timedelta(minutes=11)
        assert await seen.first_time("v0=bbb") is True  # and the rows older than ten minutes go
        assert await seen.first_time("v0=aaa") is True  # long past Slack's window: remembered afresh
    finally:
        await db.dispose()
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        assert sorted(r[0] for r in conn.execute("SELECT signature FROM request_signatures")) == ["v0=aaa", "v0=bbb"]
