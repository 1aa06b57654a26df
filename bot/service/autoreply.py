"""`autoreply on [seconds] | off | status`: the per-channel switch and cooldown for automatic replies."""
from __future__ import annotations

from bot.db.models import ChannelSetting
from bot.db.repos import channels as repo
from bot.messages import Command
from bot.reply import Reply
from bot.service.args import clip, parse_args
from bot.service.caches import ChannelState
from bot.service.cards import error, note
from bot.service.core import ServiceCore

MAX_COOLDOWN = 7 * 24 * 3600


def channel_enabled(core: ServiceCore, row: ChannelSetting | ChannelState | None) -> bool:
    """Auto replies on here: the channel's own switch, else the configured default."""
    if row is not None and row.autoreply is not None:
        return row.autoreply
    return core.settings.auto_reply_default == "on"


def channel_cooldown(core: ServiceCore, row: ChannelSetting | ChannelState | None) -> int:
    if row is not None and row.cooldown_seconds is not None:
        return row.cooldown_seconds
    return core.settings.auto_reply_cooldown_seconds


async def autoreply_command(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    parsed = parse_args(cmd.args, cmd.options, known={"cooldown"})
    sub = parsed.positional[0].lower() if parsed.positional else parsed.options.get("state", "status")
    if sub in ("on", "off"):
        cooldown_text = parsed.options.get("cooldown") or (parsed.positional[1] if len(parsed.positional) > 1 else "")
        cooldown = None
        if cooldown_text:
            cooldown_text = cooldown_text.lower().removesuffix("s")
            if not cooldown_text.isdigit() or int(cooldown_text) > MAX_COOLDOWN:
                return error(ctx, f"The cooldown is a whole number of seconds between 0 and {MAX_COOLDOWN}, "
                                  "e.g. `autoreply on 300`.")
            cooldown = int(cooldown_text)
        async with core.write() as session:
            row = await repo.set_autoreply(session, ctx.workspace_id, ctx.channel_id, on=sub == "on",
                                           cooldown_seconds=cooldown, updated_by=clip(ctx.user_id, 200),
                                           now=core.now())
            seconds = channel_cooldown(core, row)
        if sub == "on":
            return note(ctx, f"Auto replies are on in this channel, at most one every {seconds} s.")
        return note(ctx, "Auto replies are off in this channel (triggers stay silent here too; open debate "
                         "threads still get answers).")
    if sub == "status":
        async with core.db.read() as session:
            row = await repo.get_channel(session, ctx.workspace_id, ctx.channel_id)
        state = "on" if channel_enabled(core, row) else "off"
        source = "set for this channel" if row is not None and row.autoreply is not None else \
            f"the default (AUTO_REPLY_DEFAULT={core.settings.auto_reply_default})"
        text = f"Auto replies are {state} in this channel ({source}); cooldown {channel_cooldown(core, row)} s."
        if row is not None and row.last_auto_reply_at is not None:
            ago = int((core.now() - row.last_auto_reply_at).total_seconds())
            text += f" Last auto reply {max(ago, 0)} s ago."
        return note(ctx, text, title="Auto replies")
    return error(ctx, "Use `autoreply on [seconds]`, `autoreply off` or `autoreply status`.")
