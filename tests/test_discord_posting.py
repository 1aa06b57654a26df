"""Posting replies too big for one message, and into another thread, through real interactions on the stand-in.

The service here is scripted (it returns a chosen Reply) so the adapter's splitting and placement paths are
exercised with sizes the real corpus never produces; everything on the wire is real discord.py traffic.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from adapters.discord.render import render_reply
from bot.argmap.types import Quote
from bot.messages import Command
from bot.reply import Placement, QuoteCard, Reply
from discord_standin.fixtures import callback, standin  # noqa: F401  (fixture)
from discord_standin.harness import running_bot, standin_settings

LONG = " ".join(f"word{i}" for i in range(1200))  # ~10,000 characters


def many_cards(n: int) -> tuple[QuoteCard, ...]:
    quote = Quote(text="We believe open source AI is going to be safer. " * 20, source_id="002",
                  source_title="Interview notes", speaker="Mark Zuckerberg", locator="[00:41:05]")
    return tuple(QuoteCard(f"arg-{i}", f"Claim number {i}", "open" if i % 2 == 0 else "closed", quote,
                           is_counter=i % 2 == 1) for i in range(n))


@dataclass
class ScriptedService:
    """Answers every command with `reply`; remembers what the adapter reported as posted."""

    reply: Reply
    commands: list[Command] = field(default_factory=list)
    posted: list[dict[str, Any]] = field(default_factory=list)

    async def handle_command(self, cmd: Command) -> Reply:
        self.commands.append(cmd)
        return self.reply

    async def reply_posted(self, reply: Reply, *, platform: str, workspace_id: str, channel_id: str,
                           thread_id: str | None, message_ids: Sequence[str]) -> None:
        self.posted.append(dict(channel_id=channel_id, thread_id=thread_id, message_ids=list(message_ids)))

    def topics(self) -> list[str]:
        return []

    def argument_ids(self, prefix: str = "", workspace_id: str | None = None) -> list[str]:
        return []


def webhook(interaction: dict) -> str:
    return rf"^/webhooks/\d+/{interaction['token']}$"


@pytest.mark.parametrize("placement", [Placement.CHANNEL, Placement.EPHEMERAL])
async def test_a_huge_reply_is_split_into_a_response_and_follow_ups(standin, tmp_path, placement):
    service = ScriptedService(Reply(placement, title="Everything", body=LONG, cards=many_cards(25)))
    settings = standin_settings(standin, data_dir=tmp_path)
    async with running_bot(settings, service):
        w = standin.world
        interaction = await standin.slash(w.alice, w.general, "argue", text="open is safer")
        [first] = await standin.wait_for("POST", callback(interaction))
        expected = len(render_reply(service.reply))
        follow_ups = await standin.wait_for("POST", webhook(interaction), count=expected - 1)
        messages = interaction["messages"]
        embeds = sum(len(m["embeds"]) for m in messages)
        assert all(r.status == 200 for r in [first, *follow_ups])  # every payload passed Discord's limits
        assert all(r.query.get("wait") == "1" for r in follow_ups)  # discord.py waits for the message
    assert embeds == 25
    assert len(follow_ups) == len(messages) - 1 >= 3
    assert " ".join(m["content"] for m in messages if m["content"]).count("word") >= 1000  # body kept, not cut
    ephemeral = placement is Placement.EPHEMERAL
    assert all(bool(m["flags"] & 64) is ephemeral for m in messages)
    if ephemeral:
        assert service.posted == []  # nothing anyone could react to
    else:
        assert service.posted == [dict(channel_id=str(w.general.id), thread_id=None,
                                       message_ids=[m["id"] for m in messages])]
    [cmd] = service.commands
    assert (cmd.name, cmd.args, cmd.context.channel_id) == ("argue", ("open is safer",), str(w.general.id))


async def test_a_reply_for_another_thread_lands_there_with_a_private_pointer(standin, tmp_path):
    w = standin.world
    thread = w.add_channel("the debate", parent_id=w.general.id, owner_id=w.bot.id)
    service = ScriptedService(Reply(Placement.THREAD, channel_id=str(w.general.id), thread_id=str(thread.id),
                                    title="Summary", body="So far: two points each.", cards=many_cards(2)))
    settings = standin_settings(standin, data_dir=tmp_path)
    async with running_bot(settings, service):
        interaction = await standin.slash(w.moderator, w.general, "debate summary")
        [ack] = await standin.wait_for("POST", callback(interaction))
    [post] = standin.matching("POST", rf"^/channels/{thread.id}/messages$")
    assert len(post.json["embeds"]) == 2 and post.json["content"].startswith("**Summary**")
    assert ack.json["data"]["flags"] == 64 and f"<#{thread.id}>" in ack.json["data"]["content"]
    assert service.posted == [dict(channel_id=str(w.general.id), thread_id=str(thread.id),
                                   message_ids=[post.response["id"]])]
