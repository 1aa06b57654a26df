"""Two workers on one database: a moderator change on one is seen by the other within 5 s (SQLite and PostgreSQL)."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.service import CounterpointService
from pg_scratch import PG_URL, needs_postgres, scratch_database
from service_helpers import WS, Clock, cmd, make_settings, msg, reaction

WITHIN = 5.0  # the promise: every worker sees a moderator's change within this many seconds
ARG_ID = "m-glorbnax-audits"
ADD = (f'add id={ARG_ID} claim="Glorbnax audits catch hidden backdoors in open model weights" stance=open '
       'topic=security quote="Glorbnax audits catch every backdoor" url=https://example.org/glorbnax')
ARGUE = "glorbnax audits catch hidden backdoors"
CLAIM = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."
BACKENDS = ["sqlite", pytest.param("postgresql", marks=needs_postgres)]


@asynccontextmanager
async def database(backend: str, tmp_path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        async with scratch_database() as url:
            yield url


@asynccontextmanager
async def two_workers(tmp_path, corpus, backend: str, **overrides: Any) -> AsyncIterator[tuple[Any, Any]]:
    """Workers A and B: two services (as two processes would have) on one database."""
    async with database(backend, tmp_path) as url:
        settings = make_settings(tmp_path, database_url=url, embeddings="off", **overrides)
        a = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
        try:
            b = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
            try:
                yield a, b
            finally:
                await b.close()
        finally:
            await a.close()


async def within(check: Callable[[], Awaitable[Any]], timeout: float = WITHIN) -> Any:
    """Poll `check()` until it returns something truthy; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not seen within {timeout} s")
        await asyncio.sleep(0.05)


async def until(predicate: Callable[[], bool], timeout: float = WITHIN) -> None:
    async def check() -> bool:
        return predicate()
    await within(check, timeout)


async def ok(service, name: str, text: str, **context: Any):
    reply = await service.handle_command(cmd(name, text, **context))
    assert not reply.is_error, reply.body
    return reply


def card_ids(reply) -> list[str]:
    return [c.argument_id for c in reply.cards]


async def argued(service, text: str = ARGUE) -> list[str]:
    return card_ids(await service.handle_command(cmd("argue", text)))


async def argues_it(service) -> bool:
    return ARG_ID in await argued(service)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_argument_and_counter_link_reach_the_other_worker(tmp_path, corpus, backend):
    async with two_workers(tmp_path, corpus, backend) as (a, b):
        assert ARG_ID not in await argued(b)
        await ok(a, "argument", ADD)
        assert ARG_ID in await argued(a)
        await within(lambda: argues_it(b))

        # link: the curated argument that open models are hard to control now answers the new one
        counter = "misuse-bioweapons"
        await ok(a, "argument", f"link {ARG_ID} {counter}")

        async def counter_card_on_b() -> bool:
            reply = await b.handle_command(cmd("argue", ARGUE))
            ids = card_ids(reply)
            return ARG_ID in ids and ids[ids.index(ARG_ID) + 1:ids.index(ARG_ID) + 2] == [counter]
        await within(counter_card_on_b)
        assert counter in {x.id for x in b.matcher.argmap.countered_by(ARG_ID)}
        # and B may now link to it too: the argument is no longer "unknown" there
        await ok(b, "argument", f"link {ARG_ID} security-open-ai-safer")
        await until(lambda: "security-open-ai-safer" in {x.id for x in a.matcher.argmap.countered_by(ARG_ID)})

        await ok(a, "argument", f"remove {ARG_ID}")
        await until(lambda: b.matcher.argmap.get(ARG_ID) is None)
        assert ARG_ID not in await argued(b)
        assert b.metrics["state_reloads_arguments"] >= 3


@pytest.mark.parametrize("backend", BACKENDS)
async def test_trigger_and_channel_setting_reach_the_other_worker(tmp_path, corpus, backend):
    fresh = iter(f"C-fresh-{n}" for n in range(10**6))  # channels never answered, so never cooling down
    async with two_workers(tmp_path, corpus, backend) as (a, b):
        # B has looked (and cached what it found) before A changes anything
        assert await b.handle_message(msg("glorbnax", channel="C-trig")) is None
        assert await b.handle_message(msg(CLAIM, channel="C-on")) is None

        await ok(a, "trigger", "add glorbnax kind=word scope=workspace argument=misuse-bioweapons", channel="C-trig")
        reply = await within(lambda: b.handle_message(msg("glorbnax", channel="C-trig")))
        assert card_ids(reply)[0] == "misuse-bioweapons"
        assert await b.handle_message(msg("glorbnax", channel=next(fresh))) is not None
        await ok(a, "trigger", "remove glorbnax")
        await within(lambda: _silent(b, next(fresh), "glorbnax"))

        await ok(a, "autoreply", "on 0", channel="C-on")
        reply = await within(lambda: b.handle_message(msg(CLAIM, channel="C-on")))
        assert card_ids(reply)[0] == "misuse-bioweapons"
        assert await b.handle_message(msg(CLAIM, channel="C-on")) is not None  # cooldown 0 holds on B too
        await ok(a, "autoreply", "off", channel="C-on")
        await within(lambda: _silent(b, "C-on"))


async def _silent(service, channel: str, text: str = CLAIM) -> bool:
    return await service.handle_message(msg(text, channel=channel)) is None


@pytest.mark.parametrize("backend", BACKENDS)
async def test_debates_and_feedback_reach_the_other_worker(tmp_path, corpus, backend):
    async with two_workers(tmp_path, corpus, backend) as (a, b):
        opened = await ok(a, "debate", "start Open weights should be banned")
        # auto replies are off here: B stays silent in a thread it does not know to be a debate...
        assert await b.handle_message(msg(CLAIM, thread="T-debate")) is None
        await a.reply_posted(opened, platform="test", workspace_id=WS, channel_id="C1", thread_id="T-debate",
                             message_ids=["P-motion"])
        # ...and answers there once A has posted the motion into it
        reply = await within(lambda: b.handle_message(msg(CLAIM, thread="T-debate")))
        await b.reply_posted(reply, platform="test", workspace_id=WS, channel_id="C1", thread_id="T-debate",
                             message_ids=["P-answer"])
        await ok(a, "debate", "close", thread="T-debate")

        async def closed_on_b() -> bool:
            state = await b._core.debate_state(WS, "T-debate", "C1")
            return state is not None and state.status == "closed"
        await within(closed_on_b)

        top = reply.cards[0].argument_id
        assert top not in await b._core.boosts(WS)
        for user in ("u1", "u2"):
            assert await a.handle_reaction(reaction("P-answer", "👎", user=user))

        async def boosted_on_b() -> bool:
            return top in await b._core.boosts(WS)
        await within(boosted_on_b)


@needs_postgres
async def test_postgresql_notify_wakes_the_other_worker_between_polls(tmp_path, corpus):
    assert PG_URL
    async with two_workers(tmp_path, corpus, "postgresql", state_poll_seconds=60) as (a, b):
        await until(lambda: b.sync.listening)
        assert ARG_ID not in await argued(b)
        await ok(a, "argument", ADD)
        await within(lambda: argues_it(b))  # a 60 s poll could not have done it
