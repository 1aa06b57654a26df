"""The stand-in's Discord world: a guild with roles, channels, members, threads and messages."""
from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import discord

DISCORD_EPOCH_MS = 1420070400000
P = discord.Permissions
MEMBER_PERMS = P(view_channel=True, send_messages=True, read_message_history=True, add_reactions=True,
                 send_messages_in_threads=True, create_public_threads=True, embed_links=True,
                 use_application_commands=True, attach_files=True)
MODERATOR_PERMS = P(manage_threads=True, manage_messages=True)
BOT_PERMS = P(view_channel=True, send_messages=True, send_messages_in_threads=True, create_public_threads=True,
              embed_links=True, read_message_history=True, add_reactions=True)
TEXT, PUBLIC_THREAD = 0, 11


def iso_now() -> str:
    return datetime.now(timezone.utc).isoformat()


@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    roles: list[int] = field(default_factory=list)  # role ids in the guild (not @everyone)

    def user_payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "global_name": self.name, "discriminator": "0",
                "avatar": None, "bot": self.bot, "public_flags": 0, "flags": 0}

    def member_payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"roles": [str(r) for r in self.roles], "joined_at": iso_now(), "deaf": False,
                                "mute": False, "flags": 0, "pending": False, "nick": None, "avatar": None,
                                "premium_since": None, "communication_disabled_until": None}
        if with_user:
            data["user"] = self.user_payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name, "permissions": str(self.permissions),
                "position": self.position, "color": 0, "colors": {"primary_color": 0}, "hoist": False,
                "managed": self.managed, "mentionable": False, "icon": None, "unicode_emoji": None, "flags": 0}


@dataclass
class Channel:
    id: int
    name: str
    type: int = TEXT
    parent_id: int | None = None
    owner_id: int | None = None
    position: int = 0
    messages: list[int] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type == PUBLIC_THREAD


class World:
    """Mutable state of one stand-in guild; the REST and gateway handlers read and change it. Further guilds
    (`DiscordStandIn.add_guild`) share the bot's id and the id counter, so every snowflake stays unique."""

    def __init__(self, bot_name: str = "Counterpoint", *, counter: Iterator[int] | None = None,
                 bot_id: int | None = None, guild_id: int | None = None,
                 guild_name: str = "Counterpoint Test Server") -> None:
        self._counter = counter if counter is not None else itertools.count(1)
        self.bot = User(bot_id or self.snowflake(), bot_name, bot=True)
        self.application_id = self.bot.id
        self.guild_id = guild_id or self.snowflake()
        self.guild_name = guild_name
        self.roles: dict[int, Role] = {}
        self.users: dict[int, User] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.threads_by_message: dict[int, int] = {}
        self.bot_denied: set[str] = set()  # permission names the bot lacks, e.g. {"create_public_threads"}
        self.roles[self.guild_id] = Role(self.guild_id, "@everyone", MEMBER_PERMS.value, 0)
        self.moderator_role = self.add_role("Moderators", MODERATOR_PERMS.value, 2)
        bot_role = self.add_role(bot_name, BOT_PERMS.value, 1, managed=True)
        self.bot.roles.append(bot_role.id)
        self.users[self.bot.id] = self.bot
        self.owner = self.add_user("owner")
        self.moderator = self.add_user("mod", moderator=True)
        self.alice = self.add_user("alice")
        self.bob = self.add_user("bob")
        self.other_bot = self.add_user("OtherBot", bot=True)
        self.general = self.add_channel("general")
        self.debates = self.add_channel("debates")

    def snowflake(self, *, shard: int | None = None, shard_count: int = 1) -> int:
        """A fresh id; with `shard`, one whose guild Discord would put on that shard ((id >> 22) % count)."""
        stamp = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if shard is not None:
            stamp -= (stamp - shard) % shard_count
        return (stamp << 22) | (next(self._counter) & 0x3FFFFF)

    def add_role(self, name: str, permissions: int, position: int, *, managed: bool = False) -> Role:
        role = Role(self.snowflake(), name, permissions, position, managed)
        self.roles[role.id] = role
        return role

    def add_user(self, name: str, *, moderator: bool = False, bot: bool = False) -> User:
        user = User(self.snowflake(), name, bot=bot, roles=[self.moderator_role.id] if moderator else [])
        self.users[user.id] = user
        return user

    def add_channel(self, name: str, *, parent_id: int | None = None, owner_id: int | None = None,
                    channel_id: int | None = None) -> Channel:
        kind = PUBLIC_THREAD if parent_id is not None else TEXT
        channel = Channel(channel_id or self.snowflake(), name, kind, parent_id, owner_id, len(self.channels))
        self.channels[channel.id] = channel
        return channel

    def permissions(self, user: User, channel_id: int | None = None) -> int:
        """Guild-level permissions (no channel overwrites in this world); owner and admins get all."""
        if user.id == self.owner.id:
            return P.all().value
        value = self.roles[self.guild_id].permissions
        for role_id in user.roles:
            value |= self.roles[role_id].permissions
        return P.all().value if value & P(administrator=True).value else value

    def guild_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id), "name": self.guild_name, "icon": None, "owner_id": str(self.owner.id),
            "unavailable": False, "large": False, "member_count": len(self.users), "joined_at": iso_now(),
            "roles": [r.payload() for r in self.roles.values()], "emojis": [], "stickers": [], "features": [],
            "channels": [self.channel_payload(c) for c in self.channels.values() if not c.is_thread],
            "threads": [self.channel_payload(c) for c in self.channels.values() if c.is_thread],
            "members": [u.member_payload() for u in self.users.values()], "voice_states": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
            "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0, "preferred_locale": "en-US",
            "system_channel_id": None, "afk_channel_id": None, "afk_timeout": 300, "application_id": None,
        }

    def channel_payload(self, c: Channel) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(c.id), "type": c.type, "guild_id": str(self.guild_id), "name": c.name,
                                "position": c.position, "permission_overwrites": [], "nsfw": False,
                                "rate_limit_per_user": 0, "flags": 0, "topic": None,
                                "last_message_id": str(c.messages[-1]) if c.messages else None}
        if c.is_thread:
            data.update(parent_id=str(c.parent_id), owner_id=str(c.owner_id or self.bot.id),
                        message_count=len(c.messages), member_count=1, total_message_sent=len(c.messages),
                        thread_metadata={"archived": False, "auto_archive_duration": 1440, "locked": False,
                                         "archive_timestamp": iso_now(), "create_timestamp": iso_now()})
        else:
            data.update(parent_id=None, default_auto_archive_duration=1440)
        return data

    def message_payload(self, author: User, channel_id: int, content: str, *, embeds: list | None = None,
                        flags: int = 0, kind: int = 0, message_id: int | None = None,
                        extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """A full message object; stored, and added to its channel's history."""
        mid = message_id or self.snowflake()
        data: dict[str, Any] = {
            "id": str(mid), "channel_id": str(channel_id), "guild_id": str(self.guild_id),
            "author": author.user_payload(), "member": author.member_payload(with_user=False),
            "content": content, "timestamp": iso_now(), "edited_timestamp": None, "tts": False,
            "mention_everyone": bool(re.search(r"@(everyone|here)\b", content)),
            "mentions": [self.users[int(u)].user_payload() for u in re.findall(r"<@!?(\d+)>", content)
                         if int(u) in self.users],
            "mention_roles": re.findall(r"<@&(\d+)>", content), "mention_channels": [],
            "attachments": [], "embeds": embeds or [], "reactions": [], "pinned": False, "type": kind,
            "flags": flags, "components": [],
        }
        if extra:
            data.update(extra)
        self.messages[mid] = data
        if channel_id in self.channels:
            self.channels[channel_id].messages.append(mid)
        return data
