"""Discord adapter parts without a server: intents, shard setting, endpoint override, command tree shape."""
from __future__ import annotations

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import CounterpointBot, ShardedCounterpointBot, bot_intents, build_bot
from adapters.discord.commands import register_commands
from adapters.discord.endpoints import point_at_server
from bot.settings import Settings


def test_intents_are_exactly_what_counterpoint_reads():
    intents = bot_intents()
    assert intents.guilds and intents.guild_messages and intents.message_content and intents.guild_reactions
    assert not (intents.members or intents.presences or intents.dm_messages)


@pytest.mark.parametrize("value, sharded, count", [("", False, None), ("auto", True, None), ("3", True, 3)])
def test_shard_count_setting_picks_the_client(value, sharded, count):
    bot = build_bot(Settings(_env_file=None, discord_shard_count=value), service=None)  # type: ignore[arg-type]
    assert isinstance(bot, ShardedCounterpointBot) is sharded and isinstance(bot, CounterpointBot) is not sharded
    assert bot.shard_count == count  # None: one connection, or as many as Discord recommends


def test_endpoint_override_and_undo():
    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    undo = point_at_server(Settings(_env_file=None, discord_api_base="http://127.0.0.1:9/api/v10/",
                                    discord_gateway_url="ws://127.0.0.1:9/gateway"))
    try:
        assert Route.BASE == "http://127.0.0.1:9/api/v10"
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"
    finally:
        undo()
    assert (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY) == before
    undo = point_at_server(Settings(_env_file=None))  # unset: discord.com stays
    assert (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY) == before
    undo()


def test_command_tree_shape():
    bot = build_bot(Settings(_env_file=None), service=None)  # type: ignore[arg-type]  # never connected
    tree = bot.tree
    register_commands(tree)
    commands = {c.name: c for c in tree.get_commands()}
    assert set(commands) == {"argue", "counter", "quote", "sources", "topics", "help", "debate", "trigger",
                             "autoreply", "argument"}
    groups = {name: sorted(sub.name for sub in commands[name].commands)  # type: ignore[union-attr]
              for name in ("debate", "trigger", "autoreply", "argument")}
    assert groups == {"debate": ["close", "start", "summary"], "trigger": ["add", "list", "remove"],
                      "autoreply": ["off", "on", "status"], "argument": ["add", "link", "remove"]}
    for name in groups:
        assert commands[name].default_permissions.manage_threads  # type: ignore[union-attr]
    assert all(c.guild_only for c in commands.values())
    assert commands["argue"].default_permissions is None
