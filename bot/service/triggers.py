"""Moderator triggers: `trigger add|remove|list`, and testing a message against the triggers in force."""
from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import Trigger
from bot.db.repos import triggers as repo
from bot.messages import Command
from bot.reply import Reply
from bot.service.args import clip, parse_args
from bot.service.cards import error, note
from bot.service.core import ServiceCore
from bot.textnorm import find_run, tokens

KINDS = ("word", "phrase", "fuzzy")
SCOPES = ("channel", "workspace")
MAX_PATTERN = 200
MAX_TRIGGERS = 200  # per workspace


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    """A trigger as the auto-reply path needs it (detached from the session)."""

    id: int
    kind: str
    pattern: str
    topic: str | None
    argument_id: str | None

    @classmethod
    def of(cls, row: Trigger) -> "TriggerSpec":
        return cls(row.id, row.kind, row.pattern, row.topic, row.argument_id)


def first_fired(core: ServiceCore, triggers: list[TriggerSpec], text: str, words: list[str]) -> TriggerSpec | None:
    """The first trigger whose word, phrase or (typo-tolerant) fuzzy phrase the message contains; the
    message is normalised for fuzzy patterns once, however many there are."""
    spelled: str | None = None
    for trigger in triggers:
        if trigger.kind == "fuzzy":
            spelled = core.matcher.spelled(text) if spelled is None else spelled
            if core.matcher.fuzzy_contains(spelled, trigger.pattern):
                return trigger
        elif find_run(words, tokens(trigger.pattern)) >= 0:
            return trigger
    return None


@dataclass(frozen=True, slots=True)
class _Scoped:
    spec: TriggerSpec
    channel_id: str | None  # None: workspace-wide


async def triggers_in_force(core: ServiceCore, workspace_id: str, channel_id: str) -> list[TriggerSpec]:
    """Workspace-wide triggers and this channel's, oldest first (from the cache of the workspace's triggers)."""
    async def load() -> list[_Scoped]:
        async with core.db.read() as session:
            rows = await repo.workspace_triggers(session, workspace_id)
        return [_Scoped(TriggerSpec.of(r), None if r.scope == "workspace" else r.channel_id) for r in rows]
    scoped: list[_Scoped] = await core.triggers.get(workspace_id, load)
    return [t.spec for t in scoped if t.channel_id is None or t.channel_id == channel_id]


async def trigger_command(core: ServiceCore, cmd: Command) -> Reply:
    sub = cmd.args[0].lower() if cmd.args else ""
    if sub == "add":
        return await add(core, cmd)
    if sub in ("remove", "delete", "rm"):
        return await remove(core, cmd)
    if sub in ("list", "ls", ""):
        return await list_(core, cmd)
    return error(cmd.context, "Use `trigger add <pattern>`, `trigger remove <id|pattern>` or `trigger list`.")


async def add(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    parsed = parse_args(cmd.args[1:], cmd.options, known={"kind", "scope", "topic", "argument", "pattern"})
    o = parsed.options
    pattern = " ".join((o.get("pattern") or parsed.text()).strip("\"'").split())
    kind, scope = o.get("kind", "phrase").lower(), o.get("scope", "channel").lower()
    if not pattern or not tokens(pattern):
        return error(ctx, "Type the word or phrase to watch for: `trigger add <pattern> [kind=word|phrase|fuzzy] "
                          "[scope=channel|workspace] [topic=<topic>] [argument=<id>]`.")
    if len(pattern) > MAX_PATTERN:
        return error(ctx, f"A trigger pattern can be at most {MAX_PATTERN} characters.")
    if kind not in KINDS:
        return error(ctx, f"kind must be one of {', '.join(KINDS)}.")
    if scope not in SCOPES:
        return error(ctx, f"scope must be one of {', '.join(SCOPES)}.")
    if kind == "word" and len(tokens(pattern)) != 1:
        return error(ctx, "A word trigger is a single word; use kind=phrase for several words.")
    topic = o.get("topic", "").lower() or None
    if topic and topic not in core.matcher.argmap.topics():
        return error(ctx, f"Unknown topic {topic[:40]!r}; topics are {', '.join(core.matcher.argmap.topics())}.")
    argument_id = o.get("argument", "").lower() or None
    if argument_id and core.argument(argument_id, ctx.workspace_id) is None:
        return error(ctx, f"Unknown argument id {argument_id[:80]}.")
    async with core.write() as session:
        if len(await repo.workspace_triggers(session, ctx.workspace_id)) >= MAX_TRIGGERS:
            return error(ctx, f"This workspace already has {MAX_TRIGGERS} triggers; remove some first.")
        row = await repo.add_trigger(session, workspace_id=ctx.workspace_id, scope=scope, channel_id=ctx.channel_id,
                                     kind=kind, pattern=pattern, topic=topic, argument_id=argument_id,
                                     created_by=clip(ctx.user_id, 200), now=core.now())
        trigger_id = row.id
    where = "this workspace" if scope == "workspace" else "this channel"
    tied = f", answering within topic {topic}" if topic else ""
    tied += f", answering with argument {argument_id}" if argument_id else ""
    text = f"Trigger {trigger_id} added: {kind} “{pattern}” in {where}{tied}."
    text += (" It fires unless auto replies are switched off in a channel, once per cooldown "
             "(see `autoreply status`).")
    return note(ctx, text, title="Trigger added")


async def remove(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    parsed = parse_args(cmd.args[1:], cmd.options, known={"id", "pattern"})
    key = " ".join((parsed.options.get("id") or parsed.options.get("pattern") or parsed.text()).strip("\"'").split())
    if not key:
        return error(ctx, "Usage: trigger remove <id|pattern> (see `trigger list` for ids).")
    async with core.write() as session:
        found = await repo.find_triggers(session, ctx.workspace_id, key[:MAX_PATTERN])
        ids = [t.id for t in found]
        await repo.delete_triggers(session, found)
    if not ids:
        return error(ctx, f"No trigger with id or pattern “{key[:MAX_PATTERN]}” in this workspace; see `trigger list`.")
    return note(ctx, f"Removed trigger {', '.join(map(str, ids))}.")


async def list_(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    async with core.db.read() as session:
        rows = await repo.workspace_triggers(session, ctx.workspace_id)
    if not rows:
        return note(ctx, "No triggers yet. Add one with `trigger add <pattern>`.", title="Triggers")
    lines = []
    for t in rows:
        where = "workspace" if t.scope == "workspace" else f"channel {t.channel_id}"
        if t.scope == "channel" and t.channel_id == ctx.channel_id:
            where = "this channel"
        extra = "".join(f", {k} {v}" for k, v in (("topic", t.topic), ("argument", t.argument_id)) if v)
        lines.append(f"{t.id}. {t.kind} “{t.pattern}” — {where}{extra}")
    return note(ctx, "\n".join(lines), title="Triggers")
