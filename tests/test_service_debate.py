"""Debates: start in a new thread, record who raised what, summarise unanswered counters, close."""
from __future__ import annotations

import json
import re

from bot.reply import Placement
from bot.service.debates import MAX_LISTED, MAX_UNANSWERED_CARDS
from service_helpers import CH, WS, cmd, msg, rows
from service_helpers import service, settings  # noqa: F401  (fixtures: channel auto replies off)

MOTION = "Open-weight AI models should be released to the public"
ALICE_1 = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."
ALICE_2 = "Keep the weights closed so malicious actors can't misuse them."
BOB_1 = "If everyone has similar models, governments with more compute can keep bad actors in check."


async def start_debate(service, thread_id: str = "T-debate"):
    reply = await service.handle_command(cmd("debate", f"start {MOTION}"))
    assert reply.placement is Placement.NEW_THREAD and reply.message_id is None
    assert reply.title == MOTION and reply.thread_name == MOTION
    await service.reply_posted(reply, platform="test", workspace_id=WS, channel_id=CH, thread_id=thread_id,
                               message_ids=["P-motion"])
    return reply


async def test_debate_start_shows_both_sides(service, settings):
    reply = await start_debate(service)
    stances = [c.stance for c in reply.cards]
    assert 2 <= stances.count("open") <= 3 and 2 <= stances.count("closed") <= 3
    assert not reply.cards[0].is_counter and reply.cards[1].is_counter
    assert rows(settings, "SELECT motion, status, thread_id FROM debates") == [(MOTION, "open", "T-debate")]


async def test_summary_names_raised_arguments_and_unanswered_counters(service, settings):
    debate = await start_debate(service)
    for user, text in (("alice", ALICE_1), ("bob", BOB_1), ("alice", ALICE_2)):
        await service.handle_message(msg(text, user=user, thread="T-debate"))
    events = rows(settings, "SELECT participant_name, argument_ids FROM debate_events ORDER BY id")
    assert [name for name, _ in events] == ["alice", "bob", "alice"]
    reply = await service.handle_command(cmd("debate", "summary", thread="T-debate"))
    assert reply.placement is Placement.THREAD and reply.thread_id == "T-debate"
    body = reply.body
    alice_line = next(line for line in body.splitlines() if line.startswith("• alice"))
    bob_line = next(line for line in body.splitlines() if line.startswith("• bob"))
    assert "misuse-bioweapons" in alice_line and "misuse-closed-keeps-bad-actors-out" in alice_line
    assert "misuse-compute-checks-bad-actors" in bob_line
    raised = list(dict.fromkeys(a for _, ids in events for a in json.loads(ids)))  # in the order first raised
    argmap = service.matcher.argmap
    expected = {}  # raised argument -> (its counters nobody raised, listed in map order up to the limit; the rest)
    for arg_id in raised:
        missing = [c.id for c in argmap.countered_by(arg_id) if c.id not in raised]
        if missing:
            expected[arg_id] = (missing[:MAX_LISTED], len(missing[MAX_LISTED:]))
    assert sum(more for _, more in expected.values()) > 0  # the cut-short case is exercised too
    blocks = unanswered_blocks(body)
    assert list(blocks) == list(expected) and blocks == expected
    assert "risk-llama31-not-dangerous" in blocks["misuse-bioweapons"][0]  # answers the bioweapons point
    firsts = list(dict.fromkeys(listed[0] for listed, _ in expected.values()))[:MAX_UNANSWERED_CARDS]
    assert [c.argument_id for c in reply.cards] == firsts and all(c.is_counter for c in reply.cards)
    opening = {(c.quote.source_id, c.quote.text) for c in debate.cards}
    for c in reply.cards:  # a quote of that argument, not one the opening already showed in the thread
        assert c.quote in argmap.get(c.argument_id).quotes and (c.quote.source_id, c.quote.text) not in opening


def unanswered_blocks(body: str) -> dict[str, tuple[list[str], int]]:
    """The summary's unanswered section: raised argument id -> (listed counter ids, the "and N more" count)."""
    section = body.split("Unanswered counters (nobody has raised them yet):\n", 1)[1]
    blocks: dict[str, tuple[list[str], int]] = {}
    current: list[str] = []
    for line in section.splitlines():
        if head := re.fullmatch(r"• to “.*” \(\w+, ([^,()\s]+)\):", line):
            current = []
            blocks[head[1]] = (current, 0)
        elif more := re.fullmatch(r"    – and (\d+) more", line):
            key = next(reversed(blocks))
            blocks[key] = (current, int(more[1]))
        elif item := re.fullmatch(r"    – “.*” \(\w+, ([^,()\s]+)\)", line):
            current.append(item[1])
        else:
            raise AssertionError(f"unexpected line in the unanswered section: {line!r}")
    return blocks


async def test_events_recorded_even_without_a_reply(service, settings):
    await start_debate(service)
    await service.handle_message(msg("I am not sure about any of this", user="carol", thread="T-debate"))
    assert rows(settings, "SELECT participant_name, argument_ids FROM debate_events") == [("carol", "[]")]
    summary = await service.handle_command(cmd("debate", "summary", thread="T-debate"))
    assert "carol" in summary.body


async def test_debate_thread_gets_replies_even_when_the_channel_is_off(service):
    await start_debate(service)
    reply = await service.handle_message(msg(ALICE_1, thread="T-debate"))
    assert reply is not None and reply.placement is Placement.THREAD and reply.thread_id == "T-debate"
    assert await service.handle_message(msg(ALICE_1)) is None  # channel level: auto replies are off


async def test_close_gives_the_summary_then_silence(service, settings):
    await start_debate(service)
    await service.handle_message(msg(ALICE_1, user="alice", thread="T-debate"))
    reply = await service.handle_command(cmd("debate", "close", thread="T-debate"))
    assert not reply.is_error and "closed" in reply.title.lower() and "alice" in reply.body
    assert rows(settings, "SELECT status FROM debates") == [("closed",)]
    assert await service.handle_message(msg(ALICE_2, thread="T-debate")) is None
    again = await service.handle_command(cmd("debate", "close", thread="T-debate"))
    assert again.is_error


async def test_summary_outside_a_debate_is_an_error(service):
    reply = await service.handle_command(cmd("debate", "summary", thread="T-nothing"))
    assert reply.is_error and "debate start" in reply.body


async def test_empty_motion_is_refused(service, settings):
    reply = await service.handle_command(cmd("debate", "start   "))
    assert reply.is_error and "motion" in reply.body
    assert rows(settings, "SELECT count(*) FROM debates") == [(0,)]
