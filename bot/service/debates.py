"""Debates: `debate start|summary|close`, and recording which arguments each participant raised."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone

from bot.argmap.types import Argument, Quote
from bot.db.models import Debate, DebateEvent
from bot.db.repos import debates as repo
from bot.db.repos.replies import used_quote_keys
from bot.match.types import ArgumentMatch, MatchResult
from bot.messages import Command, CommandContext, IncomingMessage
from bot.reply import Placement, QuoteCard, Reply
from bot.service.args import clean_text, clip, cut_at_word
from bot.service.cards import answer, card, error, first_unused, quote_key
from bot.service.core import ServiceCore
from bot.weblinks import DEBATE_LINK_TTL, debate_url

PER_SIDE = 3
MAX_RAISED = 2  # arguments credited to one message
MAX_UNANSWERED_CARDS = 3
MAX_LISTED = 4  # unanswered counters listed per raised argument
Side = list[tuple[Argument, tuple[Quote, ...]]]  # arguments of one side with their quotes, best first
NEAR_BEST = 0.8  # a match this close to the best one is also made by the message


def strong_matches(result: MatchResult) -> list[ArgumentMatch]:
    """Matches good enough to speak about: none unless the gate fired, then those close to the best."""
    if not result.trigger or not result.matches:
        return []
    floor = result.matches[0].score * NEAR_BEST
    return [m for m in result.matches if m.score >= floor]


def raised_arguments(result: MatchResult) -> list[str]:
    """The arguments a debate message makes: its strongest matches, when the message is clearly on point."""
    return [m.argument.id for m in strong_matches(result)][:MAX_RAISED]


async def record_message(core: ServiceCore, debate_id: int, msg: IncomingMessage, result: MatchResult) -> None:
    async with core.write() as session:
        await repo.record_event(session, debate_id, participant_id=clip(msg.author_id, 64),
                                participant_name=clip(msg.author_name, 200), message_id=clip(msg.message_id, 64),
                                argument_ids=raised_arguments(result), now=core.now())


async def debate_command(core: ServiceCore, cmd: Command) -> Reply:
    sub = cmd.args[0].lower() if cmd.args else ""
    if sub == "start":
        return await start(core, cmd)
    if sub == "summary":
        return await summary(core, cmd, close=False)
    if sub in ("close", "end", "stop"):
        return await summary(core, cmd, close=True)
    return error(cmd.context, "Use `debate start <motion>`, `debate summary` or `debate close`.")


def _sides(core: ServiceCore, motion: str, workspace_id: str) -> tuple[str, dict[str, Side]]:
    """The side of the strongest match, and the strongest arguments on each side (matches and their counters)."""
    result = core.matcher.match(motion, limit=12, workspace_id=workspace_id)
    best: dict[str, tuple[float, Argument, tuple[Quote, ...]]] = {}
    for m in result.matches:
        candidates = [(m.score, m.argument, m.quotes)] + [(m.score * 0.8, c.argument, c.quotes) for c in m.counters]
        for score, argument, quotes in candidates:
            if argument.id not in best or best[argument.id][0] < score:
                best[argument.id] = (score, argument, quotes or argument.quotes)
    sides: dict[str, Side] = {"open": [], "closed": []}
    for score, argument, quotes in sorted(best.values(), key=lambda item: -item[0]):
        if argument.stance in sides and len(sides[argument.stance]) < PER_SIDE:
            sides[argument.stance].append((argument, quotes))
    lead = result.matches[0].argument.stance if result.matches else "open"
    return (lead if lead in sides else "open"), sides


def _opening_cards(core: ServiceCore, lead: Side, other: Side, workspace_id: str) -> list[QuoteCard]:
    """Each leading argument followed by the other side's argument that answers it (else the next strongest)."""
    used: set[str] = set()
    remaining = list(other)
    cards: list[QuoteCard] = []

    def add(argument: Argument, quotes: tuple[Quote, ...], is_counter: bool) -> bool:
        quote = first_unused(quotes, used)
        if quote is None:
            return False
        used.add(quote_key(quote))
        cards.append(card(argument, quote, is_counter=is_counter))
        return True

    for argument, quotes in lead:
        shown = add(argument, quotes, False)
        answers = {c.id for c in core.countered_by(argument.id, workspace_id)}
        remaining.sort(key=lambda item: item[0].id not in answers)
        if remaining:
            counter, counter_quotes = remaining.pop(0)
            add(counter, counter_quotes, shown)
    for argument, quotes in remaining:
        add(argument, quotes, False)
    return cards


async def start(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    motion = " ".join(clean_text(cmd.options.get("motion") or " ".join(cmd.args[1:]), 1000).split())
    if not motion:
        return error(ctx, "Give the motion to debate: `debate start <motion>`, e.g. `debate start open-weight "
                          "models should be allowed`.")
    lead, sides = _sides(core, motion[:core.settings.match_max_chars], ctx.workspace_id)
    other = "closed" if lead == "open" else "open"
    cards = _opening_cards(core, sides[lead], sides[other], ctx.workspace_id)
    body = ("Debate open. Make your case in this thread; I will answer claims here with sourced quotes "
            "and keep track of who raised which argument. A moderator can run `debate summary` or `debate close`.")
    if not cards:
        body += "\nNo argument in the map matches this motion yet, so there are no opening quotes."
    reply = answer(ctx, placement=Placement.NEW_THREAD, thread_id=None, message_id=None, title=motion, body=body,
                   thread_name=cut_at_word(motion, 100), cards=tuple(cards))
    async with core.write() as session:
        await repo.open_debate(session, platform=ctx.platform, workspace_id=ctx.workspace_id,
                               channel_id=ctx.channel_id, motion=motion, opened_by=clip(ctx.user_name, 200),
                               now=core.now())
    return reply


async def _find_debate(core: ServiceCore, ctx: CommandContext) -> Debate | None:
    async with core.db.read() as session:
        debate = await repo.debate_for_thread(session, ctx.workspace_id, ctx.thread_id, ctx.channel_id)
        if debate is None and ctx.thread_id is None:
            debate = await repo.latest_open_in_channel(session, ctx.workspace_id, ctx.channel_id)
        return debate


async def summary(core: ServiceCore, cmd: Command, *, close: bool) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    debate = await _find_debate(core, ctx)
    if debate is None:
        return error(ctx, "There is no debate here. Run this inside a debate thread (start one with "
                          "`debate start <motion>`).")
    async with core.db.read() as session:
        events = await repo.events(session, debate.id)
        used = await used_quote_keys(session, ctx.workspace_id, debate.thread_id) if debate.thread_id else set()
    if close and debate.status == "closed":
        return error(ctx, "This debate is already closed; `debate summary` shows how it ended.")
    status = "closed" if close else debate.status
    text, cards = summarise(core, status, events, used, ctx.workspace_id)
    title = f"Debate {'closed' if close else 'summary'}: {debate.motion}"
    if close:
        text += "\n\nThe debate is closed; I will not reply automatically in this thread any more."
    placement = Placement.THREAD if debate.thread_id else Placement.CHANNEL
    reply = answer(ctx, placement=placement, title=cut_at_word(title, 300), body=text, cards=tuple(cards),
                   **page_link(core, debate.id))
    if debate.thread_id:
        reply = replace(reply, thread_id=debate.thread_id, channel_id=debate.channel_id)
    if close:
        async with core.write() as session:
            await repo.close_debate(session, debate.id, closed_by=clip(ctx.user_name, 200), now=core.now())
    return reply


def page_link(core: ServiceCore, debate_id: int) -> dict[str, str]:
    """The debate's signed, expiring web page (Reply fields), when WEB_BASE_URL and WEB_SECRET are both set."""
    base, secret = core.settings.web_base_url, core.settings.web_secret
    if not base or not base.strip() or secret is None or not secret.get_secret_value():
        return {}
    now = time.time()  # not the service clock: the web server checks expiry against the wall clock
    url = debate_url(base.strip(), secret.get_secret_value(), debate_id, now=now, ttl=DEBATE_LINK_TTL)
    until = datetime.fromtimestamp(now + DEBATE_LINK_TTL, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return {"page_url": url, "page_label": f"Debate page (private link, valid until {until}; no names or messages)"}


def summarise(core: ServiceCore, status: str, events: list[DebateEvent], used: set[str],
              workspace_id: str) -> tuple[str, list[QuoteCard]]:
    """Per participant the arguments raised; then the counters of raised arguments nobody raised yet."""
    participants: dict[str, tuple[str, list[str]]] = {}
    raised_all: list[str] = []
    for event in events:
        name, raised = participants.setdefault(event.participant_id, (event.participant_name, []))
        participants[event.participant_id] = (event.participant_name or name, raised)
        for arg_id in event.argument_ids or ():
            if arg_id not in raised:
                raised.append(arg_id)
            if arg_id not in raised_all:
                raised_all.append(arg_id)
    lines = [f"Status: {status}. {len(events)} message(s) from {len(participants)} participant(s)."]
    if not participants:
        lines.append("Nobody has argued in the thread yet.")
    for name, raised in participants.values():
        claims = [_label(core, a, workspace_id) for a in raised]
        lines.append(f"• {name}: " + ("; ".join(claims) if claims else "no argument from the map recognised yet"))
    unanswered = {arg_id: [c.id for c in counters] for arg_id, counters in
                  core.matcher.argmap.unanswered(raised_all, lambda a: core.visible(a, workspace_id)).items()}
    if raised_all:
        lines.append("")
        lines.append("Unanswered counters (nobody has raised them yet):" if unanswered
                     else "Every counter to the raised arguments has been raised too.")
    for arg_id, missing in unanswered.items():
        lines.append(f"• to {_label(core, arg_id, workspace_id)}:")
        lines.extend(f"    – {_label(core, c, workspace_id, 90)}" for c in missing[:MAX_LISTED])
        if len(missing) > MAX_LISTED:
            lines.append(f"    – and {len(missing) - MAX_LISTED} more")
    cards: list[QuoteCard] = []
    seen = set(used)
    firsts = list(dict.fromkeys(c for missing in unanswered.values() for c in missing[:1]))
    for counter_id in firsts[:MAX_UNANSWERED_CARDS]:
        argument = core.argument(counter_id, workspace_id)
        quote = first_unused(argument.quotes, seen) if argument else None
        if argument is not None and quote is not None:
            seen.add(quote_key(quote))
            cards.append(card(argument, quote, is_counter=True))
    return "\n".join(lines), cards


def _label(core: ServiceCore, argument_id: str, workspace_id: str, width: int = 120) -> str:
    argument = core.argument(argument_id, workspace_id)
    if argument is None:
        return f"{argument_id} (no longer in the map)"
    return f"“{cut_at_word(argument.claim, width)}” ({argument.stance}, {argument.id})"
