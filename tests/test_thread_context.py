"""A short thread reply read with the message it answers: the joining rule, and the service answering it."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.match.types import ArgumentMatch, MatchResult
from bot.reply import Placement
from bot.service.thread_context import OWN_MIN_SCORE, SHORT_REPLY_WORDS, in_context, joined_text, needs_context
from service_helpers import CH, WS, cmd, make_settings, msg, rows
from service_helpers import service  # noqa: F401  (fixture: a started service on `settings`)

PARENT = "Zuck says open source AI is safer"  # a debate claim on the open side
REPLY = "lol no, that's just PR"  # says nothing on its own; under PARENT it takes the closed side
CHATTER = "thanks!"


@pytest.fixture()
def settings(tmp_path, warm_data_dir):
    """Auto replies off by default, no cooldown, a database of its own, the session's warm index cache."""
    return make_settings(tmp_path, data_dir=warm_data_dir, auto_reply_cooldown_seconds=0)


def result(*matches: tuple[str, float], corpus, trigger: bool = False, side: str = "neutral") -> MatchResult:
    found = tuple(ArgumentMatch(argument=corpus.argmap.get(i), score=s, quotes=()) for i, s in matches)
    assert all(m.argument is not None for m in found)
    return MatchResult(text="", trigger=trigger, matches=found, side=side)


def ids(read: MatchResult) -> list[str]:
    return [m.argument.id for m in read.matches]


def test_joined_text_puts_the_answered_message_first_cleaned_and_within_the_limit():
    assert joined_text("Open weights\x07 are safer", "lol no") == "Open weights  are safer\nlol no"
    assert joined_text("   ", "lol no") == "lol no"
    cut = joined_text("x" * 500, "lol no, that's just PR", limit=100)
    assert len(cut) == 100 and cut.endswith("\nlol no, that's just PR")  # the context gives way, never the reply


def test_only_short_messages_lean_on_what_they_answer():
    assert needs_context(REPLY) and needs_context("no")
    assert not needs_context("") and not needs_context("  ")
    assert needs_context(" ".join(["word"] * (SHORT_REPLY_WORDS - 1)))
    assert not needs_context(" ".join(["word"] * SHORT_REPLY_WORDS))


def test_the_replys_side_leads_and_its_own_arguments_first(corpus):
    own = result(("openwashing-pr", 0.41), ("why-open-specific-goals", 0.18), corpus=corpus, side="closed")
    joined = result(("security-open-ai-safer", 0.63), ("security-safety-is-the-crux", 0.5),
                    ("risk-superintelligence-safety", 0.54), ("openwashing-pr", 0.42),
                    corpus=corpus, trigger=True, side="open")
    read = in_context(own, joined)
    assert read is not None and read.side == "closed" and read.trigger
    # not-open arguments first, the one the reply's own words found leading; the open one last
    assert ids(read) == ["openwashing-pr", "security-safety-is-the-crux", "risk-superintelligence-safety",
                         "security-open-ai-safer"]
    assert ids(in_context(own, joined, limit=2)) == ["openwashing-pr", "security-safety-is-the-crux"]


def test_a_side_the_replys_own_best_match_does_not_back_leaves_the_joined_side(corpus):
    # side "closed" but its best own match is an open argument: the words do not really take a side
    own = result(("openwashing-hf-critique-overblown", 0.23), ("openwashing-pr", 0.21), corpus=corpus,
                 side="closed")
    joined = result(("security-open-ai-safer", 0.63), ("openwashing-pr", 0.42), corpus=corpus, trigger=True,
                    side="open")
    read = in_context(own, joined)
    assert read is not None and read.side == "open"
    assert ids(read) == ["security-open-ai-safer", "openwashing-pr"]


def test_the_context_changes_nothing_unless_the_reply_brings_an_argument_of_its_own(corpus):
    joined = result(("security-open-ai-safer", 0.63), ("openwashing-pr", 0.42), corpus=corpus, trigger=True,
                    side="open")
    closed_pr = result(("openwashing-pr", 0.41), corpus=corpus, side="closed")
    assert in_context(closed_pr, joined) is not None
    assert in_context(replace(closed_pr, trigger=True), joined) is None  # it stands on its own words
    assert in_context(closed_pr, replace(joined, trigger=False)) is None  # together they are no claim either
    assert in_context(result(corpus=corpus, side="closed"), joined) is None  # "thanks!": no argument at all
    weak = result(("openwashing-pr", OWN_MIN_SCORE - 0.01), corpus=corpus, side="closed")
    assert in_context(weak, joined) is None
    elsewhere = result(("misuse-bioweapons", 0.5), corpus=corpus, side="closed")
    assert in_context(elsewhere, joined) is None  # its words point away from what the context is about


def test_the_real_matcher_reads_the_reply_with_its_parent(matcher):
    own = matcher.match(REPLY, limit=5)
    assert not own.trigger, "the reply must not trigger on its own words for this test to mean anything"
    joined = matcher.match(joined_text(PARENT, REPLY), limit=10)
    assert joined.trigger and joined.side == "open"  # the parent's words dominate the joined text...
    read = in_context(own, joined)
    assert read is not None and read.side == "closed"  # ...but the reply decides the side
    assert read.matches[0].argument.stance != "open"
    assert in_context(matcher.match(CHATTER, limit=5), matcher.match(joined_text(PARENT, CHATTER), limit=10)) is None


def in_thread(text: str, context: str | None, thread: str = "T-ctx", **kw):
    return replace(msg(text, thread=thread, **kw), context_text=context)


async def test_service_answers_a_short_thread_reply_through_its_parent(service):
    on = await service.handle_command(cmd("autoreply", "on"))
    assert not on.is_error, on.body
    assert await service.handle_message(in_thread(REPLY, None)) is None  # alone: silence
    assert await service.handle_message(in_thread(CHATTER, PARENT)) is None  # chit-chat under a claim: silence
    reply = await service.handle_message(in_thread(REPLY, PARENT))
    assert reply is not None and reply.placement is Placement.THREAD and reply.thread_id == "T-ctx"
    assert reply.cards and reply.cards[0].stance != "open" and reply.cards[1].is_counter


async def test_channels_without_auto_replies_stay_silent_and_debates_record_the_replys_own_words(service, settings):
    assert await service.handle_message(in_thread(REPLY, PARENT, thread="T-off")) is None  # never opted in
    start = await service.handle_command(cmd("debate", "start Open-weight AI models should be released"))
    await service.reply_posted(start, platform="test", workspace_id=WS, channel_id=CH, thread_id="T-debate",
                               message_ids=["P-motion"])
    reply = await service.handle_message(in_thread(REPLY, PARENT, thread="T-debate", user="carol"))
    assert reply is not None  # a debate thread answers, and reads the reply with its parent
    # what carol raised is judged on her own words, which alone make no confident point
    assert rows(settings, "SELECT participant_name, argument_ids FROM debate_events") == [("carol", "[]")]
