"""Platform-neutral inbound value objects: chat messages, commands and reactions."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One chat message as the core sees it; adapters fill it from platform events.

    `thread_id` is the id of the thread the message was posted in (None when it was
    posted at channel level). `workspace_id` is the Slack team or Discord guild id.
    `context_text` is the text of the message this one answers (the message it replies to, or
    the thread's parent), when the adapter could get it; a short reply is read together with it.
    """

    platform: str  # "discord" | "slack" | "console"
    workspace_id: str
    channel_id: str
    message_id: str
    author_id: str
    author_name: str
    text: str
    thread_id: str | None = None
    author_is_bot: bool = False
    is_moderator: bool = False
    context_text: str | None = None


@dataclass(frozen=True, slots=True)
class CommandContext:
    """Who issued a command, and where."""

    platform: str
    workspace_id: str
    channel_id: str
    user_id: str
    user_name: str
    thread_id: str | None = None
    is_moderator: bool = False
    message_id: str | None = None  # set when the command arrived as a chat message


@dataclass(frozen=True, slots=True)
class Command:
    """A command such as `argue`, `debate start` or `trigger add`.

    `name` is the top-level command ("argue", "debate", "trigger", ...); `args` are the
    remaining words, already split by the adapter ("start", "open weights are safer").
    `options` carries named values from slash-command forms (e.g. {"stance": "open"}).
    """

    name: str
    args: tuple[str, ...] = ()
    context: CommandContext | None = None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.args)


@dataclass(frozen=True, slots=True)
class Reaction:
    """A 👍 / 👎 (or any emoji) added to a message the bot posted."""

    platform: str
    workspace_id: str
    channel_id: str
    message_id: str  # the bot's message that was reacted to
    user_id: str
    emoji: str  # unicode emoji or platform short name ("+1", "thumbsup", "👍")
