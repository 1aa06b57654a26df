"""debate_view: what a debate's web page shows, read from a real SQLite file; no names, no message text."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import astuple, fields

from bot.db.engine import Database
from bot.service.debate_view import UNKNOWN_SIDE, DebateView, debate_view
from service_helpers import cmd, db_file, msg, rows
from service_helpers import service, settings  # noqa: F401  (fixtures: channel auto replies off)

MOTION = "Open-weight AI models should be released to the public"
ALICE_1 = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."
ALICE_2 = "Keep the weights closed so malicious actors can't misuse them."
BOB_1 = "If everyone has similar models, governments with more compute can keep bad actors in check."


async def run_debate(service) -> None:
    opening = await service.handle_command(cmd("debate", f"start {MOTION}"))
    await service.reply_posted(opening, platform="test", workspace_id="W1", channel_id="C1",
                               thread_id="T-debate", message_ids=["P-motion"])
    for user, text in (("alice", ALICE_1), ("bob", BOB_1), ("alice", ALICE_2)):
        await service.handle_message(msg(text, user=user, thread="T-debate"))


def flatten(value) -> list:
    """Every scalar inside a view, however nested."""
    if isinstance(value, (tuple, list)):
        return [x for item in value for x in flatten(item)]
    if hasattr(value, "__dataclass_fields__"):
        return flatten(astuple(value))
    return [value]


async def test_view_lists_raised_arguments_per_side_and_unanswered_counters(service, settings):
    await run_debate(service)
    db = Database(settings.effective_database_url)  # the web server's own handle, not the service's
    try:
        view = await debate_view(db, service.matcher.argmap, 1)
    finally:
        await db.dispose()
    assert isinstance(view, DebateView)
    assert (view.debate_id, view.motion, view.status) == (1, MOTION, "open")
    assert (view.participants, view.messages, view.closed_at) == (2, 3, None)
    events = rows(settings, "SELECT argument_ids, created_at FROM debate_events ORDER BY id")
    raised = list(dict.fromkeys(a for ids, _ in events for a in json.loads(ids)))
    assert len(raised) >= 3 and [r.argument_id for r in view.raised] == raised
    argmap = service.matcher.argmap
    for item in view.raised:
        argument = argmap.get(item.argument_id)
        assert (item.claim, item.side) == (argument.claim, argument.stance)
    assert {"open", "closed"} <= {r.side for r in view.raised}
    assert list(view.sides) == ["open", "closed", "mixed"]
    assert [r.argument_id for r in view.side("closed")] == [a for a in raised if argmap.get(a).stance == "closed"]
    expected = {}
    for arg_id in raised:
        missing = tuple(c.id for c in argmap.countered_by(arg_id) if c.id not in raised)
        if missing:
            expected[arg_id] = missing
    assert expected and {u.argument_id: u.counter_ids for u in view.unanswered} == expected
    assert [u.argument_id for u in view.unanswered] == list(expected)
    assert all(c.claim == argmap.get(c.argument_id).claim for u in view.unanswered for c in u.counters)
    # nothing that identifies a participant or repeats their words leaves the platform
    names = {f.name for f in fields(DebateView)}
    assert not names & {"participant_id", "participant_name", "opened_by", "closed_by", "channel_id"}
    scalars = [str(x) for x in flatten(view)]
    for private in ("alice", "bob", "U-alice", "U-bob", "mod", "T-debate", "C1", "W1", ALICE_1, ALICE_2, BOB_1):
        assert private not in scalars
    assert not any(text[:40] in s for s in scalars for text in (ALICE_1, ALICE_2, BOB_1))


async def test_closed_status_and_arguments_gone_from_the_map(service, settings):
    await run_debate(service)
    with sqlite3.connect(db_file(settings)) as conn:  # an argument id the map no longer holds
        conn.execute("INSERT INTO debate_events (debate_id, participant_id, participant_name, message_id, "
                     "argument_ids, created_at) VALUES (1, 'U-carol', 'carol', 'M-gone', ?, "
                     "'2024-07-24 12:30:00.000000')", (json.dumps(["retired-argument"]),))
    await service.handle_command(cmd("debate", "close", thread="T-debate"))
    view = await debate_view(service._core.db, service.matcher.argmap, "1")
    assert view.status == "closed" and view.closed_at is not None
    assert (view.participants, view.messages) == (3, 4)
    gone = view.raised[-1]
    assert (gone.argument_id, gone.claim, gone.side) == ("retired-argument", None, UNKNOWN_SIDE)
    assert view.sides[UNKNOWN_SIDE] == (gone,)
    assert "retired-argument" not in {u.argument_id for u in view.unanswered}


async def test_unknown_or_malformed_ids_give_none(service, settings):
    await run_debate(service)
    argmap = service.matcher.argmap
    db = service._core.db
    for bad in (2, 0, -1, "2", "", "abc", "1; drop", "²", "9" * 30, "-1", "1.0"):
        assert await debate_view(db, argmap, bad) is None, bad
    assert (await debate_view(db, argmap, "1")).debate_id == 1


async def test_another_workspaces_arguments_count_as_gone(service, settings):
    await service.handle_command(cmd(
        "argument", 'add claim="Open weights help small labs compete" stance=open topic=competition '
                    'quote="Small labs cannot train frontier models from scratch." '
                    "url=https://www.example.org/blog/open-weights", workspace="W2"))
    [extra] = [a for a in service.matcher.argmap if a.origin == "moderator"]
    assert extra.workspace_id == "W2"
    await run_debate(service)
    with sqlite3.connect(db_file(settings)) as conn:
        conn.execute("INSERT INTO debate_events (debate_id, participant_id, participant_name, message_id, "
                     "argument_ids, created_at) VALUES (1, 'U-x', 'x', 'M-w2', ?, '2024-07-24 12:31:00.000000')",
                     (json.dumps([extra.id]),))
    view = await debate_view(service._core.db, service.matcher.argmap, 1)
    [item] = [r for r in view.raised if r.argument_id == extra.id]
    assert (item.claim, item.side) == (None, UNKNOWN_SIDE)
