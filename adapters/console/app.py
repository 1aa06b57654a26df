"""`counterpoint console`: chat with the bot in a terminal; lines are messages, `/...` lines are commands."""
from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from typing import TextIO

from adapters.console.render import render_reply
from bot.errors import CounterpointError
from bot.db.engine import safe_url
from bot.exitcodes import exit_code_for
from bot.messages import Command, CommandContext, IncomingMessage, Reaction
from bot.reply import Placement, Reply
from bot.service import CounterpointService
from bot.settings import Settings

PLATFORM = WORKSPACE = CHANNEL = "console"
WHO_MODERATES = ("in the console every participant is a moderator. On Discord moderators are members with the "
                 "Manage Threads permission in the channel; on Slack, workspace admins and owners and the users "
                 "in SLACK_MODERATOR_IDS")

CONSOLE_HELP = """Console: type a claim and press Enter (the bot may answer automatically), or a command:
  /argue <claim>  /counter <claim>  /quote <words>  /sources  /topics  /help
  /debate start <motion> | summary | close    /trigger add|remove|list ...    /autoreply on|off|status
  /argument add|link|remove ...
  /as <name>          speak as another participant
  /thread [id]        enter a thread (the newest if no id)   /leave  back to the channel   /threads
  /react +1|-1 [id]   react to the bot's last (or given) message
  /quit               leave"""


@dataclass(slots=True)
class ConsoleState:
    """Who is typing, where, and the ids this session has handed out."""

    user: str = "you"
    thread: str | None = None
    threads: dict[str, str] = field(default_factory=dict)  # id -> name
    counter: int = 0
    last_bot_message: str | None = None

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def where(self) -> str:
        return f"thread {self.thread} “{self.threads.get(self.thread, '')}”" if self.thread else f"#{CHANNEL}"

    def context(self) -> CommandContext:
        return CommandContext(platform=PLATFORM, workspace_id=WORKSPACE, channel_id=CHANNEL,
                              user_id=f"console:{self.user}", user_name=self.user, thread_id=self.thread,
                              is_moderator=True)


class ConsoleChat:
    """One terminal session against a started service."""

    def __init__(self, service: CounterpointService, stdout: TextIO):
        self.service = service
        self.out = stdout
        self.state = ConsoleState()

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def show(self, reply: Reply) -> None:
        """Print a reply where it would land, and tell the service it was posted."""
        s = self.state
        if reply.placement is Placement.EPHEMERAL:
            self.say(f"[only you can see this]\n{render_reply(reply)}\n")
            return
        thread = s.thread if reply.placement is not Placement.CHANNEL else None
        if reply.placement is Placement.THREAD:
            thread = reply.thread_id
        if reply.placement is Placement.NEW_THREAD:
            thread = s.next_id("t")
            s.threads[thread] = reply.thread_name or reply.title or "thread"
        message_id = s.next_id("b")
        s.last_bot_message = message_id
        where = f"thread {thread} “{s.threads.get(thread, '')}”" if thread else f"#{CHANNEL}"
        self.say(f"[counterpoint → {where}] ({message_id})\n{render_reply(reply)}\n")
        await self.service.reply_posted(reply, platform=PLATFORM, workspace_id=WORKSPACE, channel_id=CHANNEL,
                                        thread_id=thread, message_ids=[message_id])
        if reply.placement is Placement.NEW_THREAD and reply.message_id is None:
            s.thread = thread  # a debate thread: follow it
            self.say(f"(you are now in {s.where()}; /leave to go back to the channel)")

    async def handle_line(self, line: str) -> bool:
        """Handle one typed line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            msg = IncomingMessage(platform=PLATFORM, workspace_id=WORKSPACE, channel_id=CHANNEL,
                                  message_id=self.state.next_id("m"), author_id=f"console:{self.state.user}",
                                  author_name=self.state.user, text=line, thread_id=self.state.thread,
                                  is_moderator=True)
            reply = await self.service.handle_message(msg)
            if reply is not None:
                await self.show(reply)
            return True
        name, _, rest = line[1:].partition(" ")
        name = name.lower()
        if name in ("quit", "exit"):
            return False
        local = {"as": self._as, "thread": self._thread, "leave": self._leave, "threads": self._threads,
                 "react": self._react}
        if name in local:
            await local[name](rest.strip())
            return True
        if name == "help":
            self.say(CONSOLE_HELP + "\n")
        await self.show(await self.service.handle_command(
            Command(name=name, args=tuple(rest.split()), context=self.state.context())))
        return True

    async def _as(self, name: str) -> None:
        if not name:
            self.say(f"(you are {self.state.user}; {WHO_MODERATES})")
            return
        self.state.user = " ".join(name.split())[:60]
        self.say(f"(you are now {self.state.user}; {WHO_MODERATES})")

    async def _thread(self, thread: str) -> None:
        s = self.state
        target = thread or (list(s.threads)[-1] if s.threads else "")
        if target not in s.threads:
            self.say("(no such thread; /threads lists them)")
            return
        s.thread = target
        self.say(f"(you are now in {s.where()})")

    async def _leave(self, _: str) -> None:
        self.state.thread = None
        self.say(f"(back in #{CHANNEL})")

    async def _threads(self, _: str) -> None:
        lines = [f"{tid}  {name}" for tid, name in self.state.threads.items()] or ["(no threads yet)"]
        self.say("\n".join(lines))

    async def _react(self, rest: str) -> None:
        emoji, _, target = rest.partition(" ")
        target = target.strip() or self.state.last_bot_message or ""
        if not emoji or not target:
            self.say("(usage: /react +1|-1 [message id])")
            return
        stored = await self.service.handle_reaction(Reaction(
            platform=PLATFORM, workspace_id=WORKSPACE, channel_id=CHANNEL, message_id=target,
            user_id=f"console:{self.state.user}", emoji=emoji))
        self.say("(feedback recorded)" if stored else "(not recorded: react with +1 or -1 to a bot message)")


def _readline(stdin: TextIO) -> tuple[str, bool]:
    """One line and whether it decoded cleanly. A real stdin is read as bytes and decoded here, so bytes
    that are not valid in its encoding (even with PYTHONIOENCODING=...:strict) cost that line nothing."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return stdin.readline(), True
    raw = buffer.readline()
    encoding = getattr(stdin, "encoding", None) or "utf-8"
    try:
        return raw.decode(encoding), True
    except UnicodeDecodeError:
        return raw.decode(encoding, "replace"), False


async def _read_line(stdin: TextIO) -> tuple[str, bool]:
    return await asyncio.get_running_loop().run_in_executor(None, _readline, stdin)


async def run_console(settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Run the terminal chat until /quit or end of input; returns the exit code."""
    try:
        service = await CounterpointService.start(settings)
    except CounterpointError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    chat = ConsoleChat(service, stdout)
    try:
        ack = await service.handle_command(Command(name="autoreply", args=("on",), context=chat.state.context()))
        chat.say(f"Counterpoint console. You are “{chat.state.user}” (a moderator). /help lists commands, "
                 f"/quit leaves.\n{ack.body} (`/autoreply on 0` removes the cooldown.)\n"
                 f"Console database: {safe_url(settings.effective_database_url)} (--db picks another).\n")
        interactive = stdin.isatty()
        while True:
            if interactive:
                stdout.write(f"{chat.state.where()} {chat.state.user}> ")
                stdout.flush()
            line, clean = await _read_line(stdin)
            if not line:
                break
            if not clean:
                chat.say(f"(that line was not valid {stdin.encoding or 'UTF-8'}; undecodable bytes read as �)")
            if not await chat.handle_line(line):
                break
    finally:
        await service.close()
    return 0
